import { NO_BLOCK } from "../arena/arena";
import { ArenaLease } from "../arena/arena-lease";
import { SHORT_SCAN_BYTES, findByte, elementAt, loadByte, loadI32, storeByte, storeI32, stringStop } from "../glue/target";
import { HeldValue } from "./json-held-value";
import {
  JSON_INCOMPLETE,
  JSON_MALFORMED,
  JSON_OK,
  JSON_TOO_DEEP,
  KIND_ARRAY,
  KIND_FALSE,
  KIND_NULL,
  KIND_NUMBER,
  KIND_OBJECT,
  KIND_STRING,
  KIND_TRUE,
} from "./json-kinds";
import { JsonMatchSink } from "./json-match-sink";
import { JsonMatchStats } from "./json-match-stats";
import { MatchTarget, TAKE_BYTES, TAKE_REFUSED } from "./json-match-target";
import { MatchPlan } from "./json-match-plan";
import { JsonPathSet } from "./json-path-set";
import { MatchRouter, StepFrame } from "./json-step-frame";
import { RecordTarget, SinkTarget } from "./json-targets";
import { MatchTemplate, SEG_HOLE_NUMBER, SEG_HOLE_STRING, SEG_SLOT_NUMBER, SEG_SLOT_STRING } from "./json-template";
import { hexValue, putUtf8 } from "./json-utf8";

export {
  JSON_INCOMPLETE,
  JSON_MALFORMED,
  JSON_OK,
  JSON_TOO_DEEP,
  KIND_ARRAY,
  KIND_FALSE,
  KIND_NULL,
  KIND_NUMBER,
  KIND_OBJECT,
  KIND_STRING,
  KIND_TRUE,
  jsonStatusName,
  kindName,
} from "./json-kinds";
export { JsonMatchSink } from "./json-match-sink";
export { JsonMatchStats } from "./json-match-stats";
export { JsonPathSet } from "./json-path-set";

// The streaming JSON path matcher: one pass over a document fed as arbitrary chunks selects the
// values of every configured gjson path, without building the document and without buffering it.
//
// A validating tokenizer walks the bytes keeping only a stack of container kinds (bounded by
// maxDepth). Each open container may carry frames: the path steps interested in its children
// (json-step-frame.ts). A child that some step selects gets consumers — targets receiving its bytes,
// raw or (strings) decoded, as they stream; a container child a step goes into gets the next step's
// frame. Containers nobody is interested in are scanned with no routing at all, and strings nobody
// decodes are skipped quote to quote (the glue's findByte: memchr in JS, SIMD in wasm), looking back
// only for the backslashes that would escape a quote. Values are reported the moment they are
// known; only values whose selection is not yet decided (a @reverse candidate, an element whose
// query condition comes after the value) are held, in the arena, through the lease. Bad input
// never throws: it ends matching for the document with a status (values already reported stay
// reported, an open one is ended), and every step is O(1) per byte.
//
// The general path and the template path. Everything above is the general path: it handles any
// input, cut anywhere. For a simple path set (member names and indexes only, json-template.ts) a
// document that the general path read whole in one chunk — an SSE event, as the framer hands it
// on — is also learned as a template: its bytes and the places of its values. When the next
// document starts (fresh matcher, first feed) and equals the template outside those values, the
// template path decodes just the selected values, replays the consumers the general path gave
// them, and leaves the matcher where the general path would have: after the root value. A document
// that differs, is cut by the chunk, or has an invalid selected value goes down the general path
// from its first byte (nothing was reported yet), which learns a new template.

// Tokenizer states.
const ST_VALUE: i32 = 0; // a value must come (root, after ':', after ',' in an array)
const ST_ARR_FIRST: i32 = 1; // after '[': a value or ']'
const ST_OBJ_FIRST: i32 = 2; // after '{': a key or '}'
const ST_OBJ_KEY: i32 = 3; // after ',' in an object: a key
const ST_COLON: i32 = 4;
const ST_NEXT: i32 = 5; // after a value in a container: ',' or the closing bracket
const ST_DONE: i32 = 6; // the root value is complete: whitespace only
const ST_STRING: i32 = 7;
const ST_ESCAPE: i32 = 8;
const ST_UNICODE: i32 = 9;
const ST_SURROGATE: i32 = 10; // a surrogate \uXXXX was read; a second \u escape may pair with it
const ST_SURROGATE_U: i32 = 11; // … and its backslash
const ST_NUMBER: i32 = 12;
const ST_LITERAL: i32 = 13;
const ST_SKIP: i32 = 14; // inside a string nobody decodes: only its closing quote matters

// Number grammar states.
const N_SIGN: i32 = 0;
const N_ZERO: i32 = 1;
const N_INT: i32 = 2;
const N_DOT: i32 = 3;
const N_FRAC: i32 = 4;
const N_E: i32 = 5;
const N_ESIGN: i32 = 6;
const N_EXP: i32 = 7;

// Consumer flags.
const C_NONE: u8 = 0;
const C_RAW: u8 = 1;
const C_DECODED: u8 = 2;

/** Decoded string bytes are gathered here so short runs between escapes go out in one piece. */
const SCRATCH: i32 = 256;
const NONE: i32 = -1;

const LIT_TRUE: Uint8Array = asciiBytes("true");
const LIT_FALSE: Uint8Array = asciiBytes("false");
const LIT_NULL: Uint8Array = asciiBytes("null");

export class JsonMatcher extends MatchRouter {
  /** JSON_OK, or why matching stopped for this document. */
  status: i32 = JSON_OK;
  /** Offset in the document (bytes fed since reset) where the error was found; -1 if none. */
  errorOffset: i32 = -1;
  /** finish() found a complete document. */
  complete: bool = false;
  /** Held values that were cut (arena full or over the hold limit). */
  readonly stats: JsonMatchStats = new JsonMatchStats();
  /** Documents read by the template path since the matcher was made (json-template.ts). */
  templateHits: i32 = 0;
  readonly maxDepth: i32;
  readonly paths: JsonPathSet;
  readonly lease: ArenaLease;
  readonly sink: JsonMatchSink;

  private targets: Array<MatchTarget> = new Array<MatchTarget>(0);
  private frames: Array<StepFrame> = new Array<StepFrame>(0);
  private held: Array<HeldValue> = new Array<HeldValue>(0);
  private records: Array<RecordTarget> = new Array<RecordTarget>(0);
  private roots: Array<StepFrame | null> = new Array<StepFrame | null>(0);
  private sinks: Array<SinkTarget> = new Array<SinkTarget>(0);

  // Per depth (the root container is depth 1; index 0 stands for "outside the root value").
  private kinds: Uint8Array = new Uint8Array(0);
  private childIdx: Int32Array = new Int32Array(0);
  private frameHead: Int32Array = new Int32Array(0);
  private hookCount: Int32Array = new Int32Array(0);
  private keyHookCount: Int32Array = new Int32Array(0);
  // Key filter of an object's frames: bits (length & 31) and (first byte & 31) of the names they
  // react to, and how many react to every member. A key outside the filter skips routing.
  private nameLengths: Int32Array = new Int32Array(0);
  private nameFirsts: Int32Array = new Int32Array(0);
  private everyChild: Int32Array = new Int32Array(0);
  private consBase: Int32Array = new Int32Array(0);
  private frameNext: Int32Array = new Int32Array(0);
  // Per frame: the length and first byte of the one member name it reacts to in an object (-1:
  // any member), so a member no frame names is passed over without a call per frame.
  private frameKeyLen: Int32Array = new Int32Array(0);
  private frameKeyFirst: Int32Array = new Int32Array(0);

  // Consumers of the values currently open, innermost last.
  private consTarget: Int32Array = new Int32Array(0);
  private consFlag: Uint8Array = new Uint8Array(0);
  private consTop: i32 = 0;
  private scalarBase: i32 = 0;
  private rawOpen: i32 = 0;
  private rawFrom: i32 = 0;
  private decOpen: i32 = 0;
  private keyConsumers: bool = false;

  private buf: Uint8Array = new Uint8Array(0);
  private chunkStart: i32 = 0;
  private consumed: i32 = 0;
  private state: i32 = ST_VALUE;
  private depth: i32 = 0;
  private deepest: i32 = 0;

  private strKey: bool = false;
  private strCap: bool = false;
  private keyBuf: Uint8Array = new Uint8Array(0);
  private keyLen: i32 = 0;
  private keyOver: bool = false;
  // A key read in place: keySrc[keyFrom, keyFrom + keyLen) of the current chunk, copied to keyBuf
  // only when it has escapes or the chunk ends before the member's value starts.
  private keyInPlace: bool = false;
  private keySrc: Uint8Array = new Uint8Array(0);
  private keyFrom: i32 = 0;
  // ST_SKIP: the first byte of the next chunk is escaped (this one ended in an odd backslash run).
  private skipEscaped: bool = false;
  private readonly dec: Uint8Array = new Uint8Array(SCRATCH);
  private decLen: i32 = 0;
  private uni: i32 = 0;
  private uniN: i32 = 0;
  private surrogate: i32 = NONE;
  private numState: i32 = N_INT;
  private lit: Uint8Array = LIT_TRUE;
  private litPos: i32 = 0;
  private readonly numText: Uint8Array = new Uint8Array(12);
  // Templates (json-template.ts): only for a simple path set.
  private simple: bool = false;
  private readonly tpl: MatchTemplate = new MatchTemplate();
  /** The general path reads a fresh document and tells tpl what it does. */
  private learning: bool = false;
  /** While learning: the offset just after the root value, once it closed. */
  private rootEnd: i32 = -1;

  /**
   * `lease` holds what must be kept across chunks; `heldLimit` caps each held value (bytes beyond
   * it are cut and counted in `stats`).
   */
  constructor(paths: JsonPathSet, lease: ArenaLease, sink: JsonMatchSink, maxDepth: i32, heldLimit: i32 = 0x7fffffff) {
    super();
    const depth = maxDepth < 1 ? 1 : maxDepth;
    this.maxDepth = depth;
    this.paths = paths;
    this.lease = lease;
    this.sink = sink;
    const plan = new MatchPlan(paths, this, sink, lease, this.stats, heldLimit);
    this.targets = plan.targets;
    this.frames = plan.frames;
    this.held = plan.held;
    this.records = plan.records;
    this.roots = plan.roots;
    this.sinks = plan.sinks;
    this.kinds = new Uint8Array(depth + 2);
    this.childIdx = new Int32Array(depth + 2);
    this.frameHead = new Int32Array(depth + 2);
    this.frameHead.fill(NONE);
    this.hookCount = new Int32Array(depth + 2);
    this.keyHookCount = new Int32Array(depth + 2);
    this.nameLengths = new Int32Array(depth + 2);
    this.nameFirsts = new Int32Array(depth + 2);
    this.everyChild = new Int32Array(depth + 2);
    this.consBase = new Int32Array(depth + 2);
    this.frameNext = new Int32Array(plan.frames.length + 1);
    this.frameKeyLen = new Int32Array(plan.frames.length + 1);
    this.frameKeyFirst = new Int32Array(plan.frames.length + 1);
    for (let i = 0; i < plan.frames.length; i++) {
      const key = plan.frames[i].objectKey();
      this.frameKeyLen[plan.frames[i].id] = key == null ? -1 : key.length;
      this.frameKeyFirst[plan.frames[i].id] = key == null || key.length == 0 ? -1 : key[0];
    }
    this.consTarget = new Int32Array(plan.targets.length + 2);
    this.consFlag = new Uint8Array(plan.targets.length + 2);
    this.keyBuf = new Uint8Array(paths.maxNameBytes + 1);
    let simple = plan.targets.length == plan.sinks.length && plan.held.length == 0 && plan.records.length == 0;
    for (let i = 0; i < plan.frames.length; i++) if (!plan.frames[i].plainStep()) simple = false;
    this.simple = simple;
  }

  /** Scans chunk[start, end) of the document; returns the status. */
  feed(chunk: Uint8Array, start: i32, end: i32): i32 {
    if (this.status != JSON_OK) return this.status;
    // The hot loops read without bounds checks in wasm (glue loadByte): clamp the range so a
    // caller's bad range can never read past the chunk.
    if (end > chunk.length) end = chunk.length;
    if (start < 0) start = 0;
    if (start >= end) return this.status;
    this.buf = chunk;
    this.chunkStart = start;
    if (this.rawOpen > 0) this.rawFrom = start;
    let i = start;
    let state = this.state;
    this.learning = false;
    if (this.simple && this.consumed == 0 && state == ST_VALUE && this.depth == 0) {
      // A fresh document: the template path if it has this shape, else the general path learning.
      const after = this.tpl.valid ? this.tpl.match(chunk, start, end) : -1;
      if (after >= 0) {
        this.replayTemplate(chunk);
        this.templateHits++;
        i = after;
        state = ST_DONE;
      } else {
        this.tpl.begin();
        this.rootEnd = -1;
        this.learning = true;
      }
    }
    while (i < end) {
      if (state == ST_STRING) {
        // The bulk of most documents: a run of plain string bytes.
        const s = i;
        let c = 0;
        while (i < end) {
          c = loadByte(chunk, i);
          // '"', '\\' and the control characters JSON forbids end a run (compares beat a table load).
          if (c == 0x22 || c == 0x5c || c < 0x20) break;
          i++;
        }
        if (i > s && this.strCap && !(this.strKey && this.keyInPlace)) this.stringRun(chunk, s, i);
        if (i >= end) break;
        i++;
        if (c == 0x22) {
          if (this.strKey) {
            if (this.keyInPlace) this.keyLen = i - 1 - this.keyFrom;
            if (this.keyConsumers) this.keyEnd(i);
            state = ST_COLON;
            if (i < end && loadByte(chunk, i) == 0x3a) {
              // The usual `"key":` with no space: take the colon here rather than on another turn.
              i++;
              state = ST_VALUE;
            }
          } else {
            if (this.learning) this.tpl.end(i - 1);
            state = this.valueEnd(i);
          }
        } else if (c == 0x5c) {
          if (this.strKey && this.keyInPlace) this.keyToBuffer(chunk, i - 1);
          state = ST_ESCAPE;
        } else {
          return this.fail(JSON_MALFORMED, i - 1);
        }
        continue;
      }
      if (state == ST_SKIP) {
        // A string no path decodes: jump from quote to quote (findByte is a memchr in JS, SIMD in
        // wasm) and look back for the backslashes that would escape it. Its escapes and control
        // characters are not checked: nothing reads it.
        let from = i;
        if (this.skipEscaped) {
          this.skipEscaped = false;
          from = i + 1;
        }
        let j = from;
        let q: i32;
        for (;;) {
          q = quoteAt(chunk, j, end);
          if (q >= end) break;
          let k = q - 1;
          while (k >= from && loadByte(chunk, k) == 0x5c) k--;
          if (((q - 1 - k) & 1) == 0) break;
          j = q + 1;
        }
        if (q >= end) {
          let k = end - 1;
          while (k >= from && loadByte(chunk, k) == 0x5c) k--;
          this.skipEscaped = ((end - 1 - k) & 1) == 1;
          break;
        }
        i = q + 1;
        if (this.strKey) {
          if (this.keyConsumers) this.keyEnd(i);
          state = ST_COLON;
          if (i < end && loadByte(chunk, i) == 0x3a) {
            i++;
            state = ST_VALUE;
          }
        } else {
          if (this.learning) this.tpl.end(q);
          state = this.valueEnd(i);
        }
        continue;
      }
      if (state < ST_STRING) {
        // Between tokens: skip whitespace, then one structural token or the start of a value.
        let c: i32 = loadByte(chunk, i);
        if (c == 0x20 || c == 0x0a || c == 0x0d || c == 0x09) {
          i++;
          while (i < end) {
            c = loadByte(chunk, i);
            if (c != 0x20 && c != 0x0a && c != 0x0d && c != 0x09) break;
            i++;
          }
          if (i >= end) break;
        }
        if (state == ST_NEXT) {
          const kind: i32 = loadByte(this.kinds, this.depth);
          if (c == 0x2c) {
            state = kind == KIND_OBJECT ? ST_OBJ_KEY : ST_VALUE;
          } else if ((c == 0x7d && kind == KIND_OBJECT) || (c == 0x5d && kind == KIND_ARRAY)) {
            this.closeContainer(i);
            state = this.depth == 0 ? ST_DONE : ST_NEXT;
          } else {
            return this.fail(JSON_MALFORMED, i);
          }
          i++;
          continue;
        }
        if (state == ST_OBJ_KEY || state == ST_OBJ_FIRST) {
          if (c == 0x22) {
            const d = this.depth;
            this.strKey = true;
            if (loadI32(this.frameHead, d) != NONE) {
              // Only objects some step looks into need their keys.
              this.keyLen = 0;
              this.keyOver = false;
              this.keyInPlace = true;
              this.keySrc = chunk;
              this.keyFrom = i + 1;
              this.strCap = true;
              if (loadI32(this.keyHookCount, d) > 0) this.keyStartHooks(i);
              state = ST_STRING;
            } else {
              this.strCap = false;
              this.skipEscaped = false;
              state = ST_SKIP;
            }
            i++;
          } else if (c == 0x7d && state == ST_OBJ_FIRST) {
            this.closeContainer(i);
            i++;
            state = this.depth == 0 ? ST_DONE : ST_NEXT;
          } else {
            return this.fail(JSON_MALFORMED, i);
          }
          continue;
        }
        if (state == ST_COLON) {
          if (c != 0x3a) return this.fail(JSON_MALFORMED, i);
          i++;
          state = ST_VALUE;
          continue;
        }
        if (state == ST_DONE) return this.fail(JSON_MALFORMED, i);
        // ST_VALUE or ST_ARR_FIRST: a value starts (or the array is empty).
        if (c == 0x22) {
          this.scalarStart(KIND_STRING, i);
          if (this.learning && !this.tpl.slotAt(i + 1)) this.tpl.add(SEG_HOLE_STRING, i + 1);
          this.strKey = false;
          this.strCap = this.decOpen > 0;
          this.skipEscaped = false;
          i++;
          state = this.strCap ? ST_STRING : ST_SKIP;
        } else if (c == 0x7b) {
          if (!this.openContainer(KIND_OBJECT, i)) return this.status;
          i++;
          state = ST_OBJ_FIRST;
        } else if (c == 0x5b) {
          if (!this.openContainer(KIND_ARRAY, i)) return this.status;
          i++;
          state = ST_ARR_FIRST;
        } else if (c == 0x2d || (c >= 0x30 && c <= 0x39)) {
          this.scalarStart(KIND_NUMBER, i);
          if (this.learning && !this.tpl.slotAt(i)) this.tpl.add(SEG_HOLE_NUMBER, i);
          this.numState = c == 0x2d ? N_SIGN : c == 0x30 ? N_ZERO : N_INT;
          i++;
          state = ST_NUMBER;
        } else if (c == 0x74 || c == 0x66 || c == 0x6e) {
          const lit = c == 0x74 ? LIT_TRUE : c == 0x66 ? LIT_FALSE : LIT_NULL;
          this.scalarStart(c == 0x74 ? KIND_TRUE : c == 0x66 ? KIND_FALSE : KIND_NULL, i);
          const n = lit.length;
          if (
            i + n <= end &&
            loadByte(chunk, i + 1) == loadByte(lit, 1) &&
            loadByte(chunk, i + 2) == loadByte(lit, 2) &&
            loadByte(chunk, i + 3) == loadByte(lit, 3) &&
            (n == 4 || loadByte(chunk, i + 4) == loadByte(lit, 4))
          ) {
            // The whole literal is in this chunk.
            i += n;
            state = this.valueEnd(i);
          } else {
            this.lit = lit;
            this.litPos = 1;
            i++;
            state = ST_LITERAL;
          }
        } else if (c == 0x5d && state == ST_ARR_FIRST) {
          this.closeContainer(i);
          i++;
          state = this.depth == 0 ? ST_DONE : ST_NEXT;
        } else {
          return this.fail(JSON_MALFORMED, i);
        }
        continue;
      }
      if (state == ST_NUMBER) {
        i = this.scanNumber(chunk, i, end);
        if (i < 0) return this.status;
        state = this.state;
        continue;
      }
      if (state == ST_ESCAPE) {
        const b = escapedByte(chunk[i++]);
        if (b == ESC_UNICODE) {
          this.uni = 0;
          this.uniN = 0;
          state = ST_UNICODE;
          continue;
        }
        if (b < 0) return this.fail(JSON_MALFORMED, i - 1);
        if (this.strCap) this.stringByte(b);
        state = ST_STRING;
        continue;
      }
      if (state == ST_UNICODE) {
        let v = this.uni;
        let n = this.uniN;
        while (n < 4 && i < end) {
          const h = hexValue(chunk[i]);
          if (h < 0) return this.fail(JSON_MALFORMED, i);
          v = (v << 4) | h;
          n++;
          i++;
        }
        this.uni = v;
        this.uniN = n;
        if (n < 4) break;
        state = this.unicodeDone(v);
        continue;
      }
      if (state == ST_SURROGATE) {
        if (chunk[i] == 0x5c) {
          i++;
          state = ST_SURROGATE_U;
        } else {
          this.loneSurrogate();
          state = ST_STRING;
        }
        continue;
      }
      if (state == ST_SURROGATE_U) {
        if (chunk[i] == 0x75) {
          i++;
          this.uni = 0;
          this.uniN = 0;
          state = ST_UNICODE;
        } else {
          // Not a second \u: the lone surrogate is U+FFFD and this is an ordinary escape.
          this.loneSurrogate();
          state = ST_ESCAPE;
        }
        continue;
      }
      // ST_LITERAL, split across chunks.
      const lit = this.lit;
      let p = this.litPos;
      while (p < lit.length && i < end) {
        if (chunk[i] != lit[p]) return this.fail(JSON_MALFORMED, i);
        p++;
        i++;
      }
      this.litPos = p;
      if (p < lit.length) break;
      state = this.valueEnd(i);
    }
    this.state = state;
    if (this.learning) {
      this.learning = false;
      if (state == ST_DONE && this.rootEnd >= 0) this.tpl.commit(chunk, start, this.rootEnd);
    }
    // A key read in place must not outlive this chunk (the caller may reuse its buffer).
    if (this.keyInPlace) this.keyToBuffer(chunk, this.strKey && state == ST_STRING ? end : this.keyFrom + this.keyLen);
    if (this.decLen > 0) this.flushDecoded();
    if (this.rawOpen > 0) this.flushRaw(end);
    this.consumed += end - start;
    return this.status;
  }

  /** The document ended: JSON_OK when it was complete, else JSON_INCOMPLETE (or the earlier error). */
  finish(): i32 {
    if (this.status != JSON_OK) return this.status;
    if (this.state == ST_NUMBER && this.depth == 0) {
      const n = this.numState;
      if (n == N_ZERO || n == N_INT || n == N_FRAC || n == N_EXP) {
        this.scalarEnd(this.rawFrom);
        this.state = ST_DONE;
      }
    }
    if (this.state == ST_DONE) {
      this.complete = true;
      return JSON_OK;
    }
    this.status = JSON_INCOMPLETE;
    this.errorOffset = this.consumed;
    this.abortAll();
    return this.status;
  }

  /** Gets ready for the next document (e.g. the next SSE event): cheap, and returns held arena blocks. */
  reset(): void {
    if (this.status == JSON_OK && !this.complete) this.abortAll();
    const targets = this.targets;
    for (let i = 0; i < targets.length; i++) targets[i].reset();
    const held = this.held;
    for (let i = 0; i < held.length; i++) if (held[i].buf.offset != NO_BLOCK) held[i].release();
    const records = this.records;
    for (let i = 0; i < records.length; i++) if (records[i].list.offset != NO_BLOCK) records[i].list.release();
    if (!this.complete) {
      // A document that ended early may have left frames attached; a complete one detached all.
      const frames = this.frames;
      for (let i = 0; i < frames.length; i++) frames[i].depth = NONE;
      for (let d = 0; d <= this.deepest + 1 && d < this.frameHead.length; d++) this.clearDepth(d);
    }
    this.consTop = 0;
    this.scalarBase = 0;
    this.rawOpen = 0;
    this.decOpen = 0;
    this.decLen = 0;
    this.keyConsumers = false;
    this.learning = false;
    this.state = ST_VALUE;
    this.depth = 0;
    this.deepest = 0;
    this.surrogate = NONE;
    this.status = JSON_OK;
    this.errorOffset = -1;
    this.complete = false;
    this.consumed = 0;
    this.stats.reset();
  }

  /** A description of the status for logs: "MALFORMED at byte 12". */
  get statusText(): string {
    if (this.status == JSON_OK) return this.complete ? "OK" : "OK (incomplete so far)";
    let name = "INCOMPLETE";
    if (this.status == JSON_MALFORMED) name = "MALFORMED";
    else if (this.status == JSON_TOO_DEEP) name = "TOO_DEEP";
    return name + " at byte " + this.errorOffset.toString();
  }

  // ---- MatchRouter: what frames ask of the matcher ----

  evalChild(next: StepFrame | null, out: MatchTarget, kind: i32, pos: i32): void {
    if (next == null) {
      this.addConsumer(out, kind, pos);
    } else if (kind == KIND_OBJECT || kind == KIND_ARRAY) {
      this.attach(next, kind);
    } else if (next.passScalar) {
      this.addConsumer(out, kind, pos);
    }
  }

  addConsumer(target: MatchTarget, kind: i32, pos: i32): void {
    if (this.learning) this.learnConsumer(target, kind, pos);
    const r = target.begin(kind);
    if (r == TAKE_REFUSED) return;
    let flag = C_NONE;
    if (r == TAKE_BYTES) {
      if (kind == KIND_STRING && !target.raw) {
        flag = C_DECODED;
        this.decOpen++;
      } else {
        if (this.rawOpen > 0) this.flushRaw(pos);
        this.rawFrom = pos;
        flag = C_RAW;
        this.rawOpen++;
      }
    }
    const top = this.consTop;
    if (top >= this.consTarget.length) return;
    this.consTarget[top] = target.id;
    this.consFlag[top] = flag;
    this.consTop = top + 1;
  }

  keyIs(name: Uint8Array): bool {
    const n = this.keyLen;
    if (this.keyOver || n != name.length) return false;
    if (this.keyInPlace) {
      const src = this.keySrc;
      const from = this.keyFrom;
      for (let i = 0; i < n; i++) if (loadByte(src, from + i) != loadByte(name, i)) return false;
      return true;
    }
    const k = this.keyBuf;
    for (let i = 0; i < n; i++) if (loadByte(k, i) != loadByte(name, i)) return false;
    return true;
  }

  childCount(depth: i32): i32 {
    return loadI32(this.childIdx, depth);
  }

  emitNumber(out: MatchTarget, n: i32): void {
    const r = out.begin(KIND_NUMBER);
    if (r == TAKE_REFUSED) return;
    if (r == TAKE_BYTES) {
      const t = this.numText;
      let len = 0;
      let v = n;
      do {
        t[len++] = <u8>(0x30 + (v % 10));
        v = (v / 10) | 0;
      } while (v > 0);
      for (let a = 0, b = len - 1; a < b; a++, b--) {
        const x = t[a];
        t[a] = t[b];
        t[b] = x;
      }
      out.bytes(t, 0, len);
    }
    out.end();
  }

  // ---- routing ----

  // A value begins at `pos`: the frames of the container it is in decide who gets it.
  private valueStart(kind: i32, pos: i32): void {
    if (this.rawOpen > 0) this.flushRaw(pos);
    const d = this.depth;
    if (kind == KIND_OBJECT || kind == KIND_ARRAY) storeI32(this.consBase, d + 1, this.consTop);
    else this.scalarBase = this.consTop;
    if (d == 0) {
      const roots = this.roots;
      for (let p = 0; p < roots.length; p++) this.evalChild(roots[p], this.sinks[p], kind, pos);
      return;
    }
    storeI32(this.childIdx, d, loadI32(this.childIdx, d) + 1);
    let f = loadI32(this.frameHead, d);
    if (loadByte(this.kinds, d) != KIND_OBJECT) {
      while (f != NONE) {
        const next = loadI32(this.frameNext, f);
        elementAt(this.frames, f).child(this, kind, pos);
        f = next;
      }
      return;
    }
    const len = this.keyLen;
    // A key longer than any name (keyOver) can only reach the frames that take every member.
    const named = !this.keyOver;
    const first: i32 = len == 0 ? -1 : this.keyInPlace ? loadByte(this.keySrc, this.keyFrom) : loadByte(this.keyBuf, 0);
    if (loadI32(this.everyChild, d) == 0) {
      // Every frame here wants one member name: skip keys that cannot be any of them.
      if (!named || ((loadI32(this.nameLengths, d) >>> (len & 31)) & 1) == 0) return;
      if (len > 0 && ((loadI32(this.nameFirsts, d) >>> (first & 31)) & 1) == 0) return;
    }
    while (f != NONE) {
      const next = loadI32(this.frameNext, f);
      // A frame naming one member is asked only when length and first byte agree (keyIs decides).
      const kl = loadI32(this.frameKeyLen, f);
      if (kl < 0 || (named && kl == len && loadI32(this.frameKeyFirst, f) == first)) elementAt(this.frames, f).child(this, kind, pos);
      f = next;
    }
  }

  // Attaches `f` to the container being opened (one level below the current depth).
  private attach(f: StepFrame, kind: i32): void {
    if (f.depth != NONE) return;
    const d = this.depth + 1;
    f.kind = kind;
    f.depth = d;
    if (!f.open(this, kind)) {
      f.depth = NONE;
      return;
    }
    storeI32(this.frameNext, f.id, loadI32(this.frameHead, d));
    storeI32(this.frameHead, d, f.id);
    if (f.hooks) storeI32(this.hookCount, d, loadI32(this.hookCount, d) + 1);
    if (f.keyHooks) storeI32(this.keyHookCount, d, loadI32(this.keyHookCount, d) + 1);
    const name = kind == KIND_OBJECT ? f.objectKey() : null;
    if (name == null) {
      storeI32(this.everyChild, d, loadI32(this.everyChild, d) + 1);
    } else {
      storeI32(this.nameLengths, d, loadI32(this.nameLengths, d) | (1 << (name.length & 31)));
      if (name.length > 0) storeI32(this.nameFirsts, d, loadI32(this.nameFirsts, d) | (1 << (name[0] & 31)));
    }
  }

  private clearDepth(d: i32): void {
    storeI32(this.frameHead, d, NONE);
    storeI32(this.hookCount, d, 0);
    storeI32(this.keyHookCount, d, 0);
    storeI32(this.nameLengths, d, 0);
    storeI32(this.nameFirsts, d, 0);
    storeI32(this.everyChild, d, 0);
  }

  private openContainer(kind: i32, pos: i32): bool {
    if (this.depth >= this.maxDepth) {
      this.fail(JSON_TOO_DEEP, pos);
      return false;
    }
    const parent = this.depth;
    if (parent > 0 && loadI32(this.frameHead, parent) == NONE) storeI32(this.consBase, parent + 1, this.consTop);
    else this.valueStart(kind, pos);
    const d = parent + 1;
    this.depth = d;
    this.kinds[d] = <u8>kind;
    storeI32(this.childIdx, d, 0);
    if (d > this.deepest) this.deepest = d;
    return true;
  }

  // The bracket at `pos` closes the current container.
  private closeContainer(pos: i32): void {
    const end = pos + 1;
    const d = this.depth;
    if (this.rawOpen > 0) this.flushRaw(end);
    let f = loadI32(this.frameHead, d);
    if (f != NONE) {
      while (f != NONE) {
        const frame = elementAt(this.frames, f);
        const next = loadI32(this.frameNext, f);
        frame.close(this);
        frame.depth = NONE;
        f = next;
      }
      this.clearDepth(d);
    }
    if (this.consTop > loadI32(this.consBase, d)) this.endConsumers(loadI32(this.consBase, d), end);
    this.depth = d - 1;
    if (this.learning && d == 1) this.rootEnd = end;
    this.childEnded(end);
  }

  // A scalar value ended just before `end`.
  private scalarEnd(end: i32): void {
    if (this.consTop > this.scalarBase) this.endConsumers(this.scalarBase, end);
    this.childEnded(end);
  }

  // The current child of the container at this.depth ended at `end`: frames that asked hear it.
  private childEnded(end: i32): void {
    const d = this.depth;
    if (d == 0 || loadI32(this.hookCount, d) == 0) return;
    if (this.rawOpen > 0) this.flushRaw(end);
    let f = loadI32(this.frameHead, d);
    while (f != NONE) {
      const frame = elementAt(this.frames, f);
      if (frame.hooks) frame.childEnd(this);
      f = loadI32(this.frameNext, f);
    }
  }

  private endConsumers(from: i32, end: i32): void {
    if (this.decLen > 0) this.flushDecoded();
    if (this.rawOpen > 0) this.flushRaw(end);
    for (let k = this.consTop - 1; k >= from; k--) {
      const flag = this.consFlag[k];
      if (flag == C_RAW) this.rawOpen--;
      else if (flag == C_DECODED) this.decOpen--;
      this.targets[this.consTarget[k]].end();
    }
    this.consTop = from;
  }

  // Raw consumers get the bytes from rawFrom up to `upTo` of the current chunk.
  private flushRaw(upTo: i32): void {
    const from = this.rawFrom;
    if (upTo <= from) return;
    const buf = this.buf;
    for (let k = 0; k < this.consTop; k++) {
      if (this.consFlag[k] == C_RAW) this.targets[this.consTarget[k]].bytes(buf, from, upTo);
    }
    this.rawFrom = upTo;
  }

  // A scalar value starts: routed only where some frame listens.
  private scalarStart(kind: i32, pos: i32): void {
    const d = this.depth;
    if (d > 0 && loadI32(this.frameHead, d) == NONE) this.scalarBase = this.consTop;
    else this.valueStart(kind, pos);
  }

  // A scalar value ended just before `end`; returns the next state.
  private valueEnd(end: i32): i32 {
    const d = this.depth;
    if (this.consTop > this.scalarBase || loadI32(this.hookCount, d) > 0) this.scalarEnd(end);
    return d == 0 ? ST_DONE : ST_NEXT;
  }

  // A member key starts at `pos` in an object whose frames want the keys' raw text.
  private keyStartHooks(pos: i32): void {
    const d = this.depth;
    if (this.rawOpen > 0) this.flushRaw(pos);
    this.scalarBase = this.consTop;
    this.keyConsumers = true;
    let f = loadI32(this.frameHead, d);
    while (f != NONE) {
      const frame = elementAt(this.frames, f);
      if (frame.keyHooks) frame.keyStart(this, pos);
      f = loadI32(this.frameNext, f);
    }
  }

  // Copies the key read so far in place, keySrc[keyFrom, upTo), to keyBuf (a key longer than every
  // name is only marked as such: it cannot match).
  private keyToBuffer(src: Uint8Array, upTo: i32): void {
    const n = upTo - this.keyFrom;
    const k = this.keyBuf;
    const kept = n < k.length ? n : k.length;
    for (let i = 0; i < kept; i++) storeByte(k, i, loadByte(src, this.keyFrom + i));
    this.keyLen = kept;
    if (n > kept) this.keyOver = true;
    this.keyInPlace = false;
  }

  // The closing quote of a key with consumers was at end - 1.
  private keyEnd(end: i32): void {
    this.keyConsumers = false;
    if (this.consTop > this.scalarBase) this.endConsumers(this.scalarBase, end);
  }

  // ---- string contents ----

  private stringRun(src: Uint8Array, start: i32, end: i32): void {
    const n = end - start;
    if (this.strKey) {
      const k = this.keyBuf;
      let len = this.keyLen;
      for (let i = start; i < end; i++) {
        if (len >= k.length) {
          this.keyOver = true;
          break;
        }
        storeByte(k, len++, loadByte(src, i));
      }
      this.keyLen = len;
      return;
    }
    if (n <= 32 && this.decLen + n <= SCRATCH) {
      const d = this.dec;
      let len = this.decLen;
      for (let i = start; i < end; i++) storeByte(d, len++, loadByte(src, i));
      this.decLen = len;
      return;
    }
    if (this.decLen > 0) this.flushDecoded();
    this.emitDecoded(src, start, end);
  }

  private stringByte(b: i32): void {
    if (this.strKey) {
      if (this.keyLen < this.keyBuf.length) this.keyBuf[this.keyLen++] = <u8>b;
      else this.keyOver = true;
      return;
    }
    if (this.decLen >= SCRATCH) this.flushDecoded();
    this.dec[this.decLen++] = <u8>b;
  }

  private stringCodePoint(cp: i32): void {
    if (this.strKey) {
      const n = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
      if (this.keyLen + n <= this.keyBuf.length) this.keyLen = putUtf8(this.keyBuf, this.keyLen, cp);
      else this.keyOver = true;
      return;
    }
    if (this.decLen + 4 > SCRATCH) this.flushDecoded();
    this.decLen = putUtf8(this.dec, this.decLen, cp);
  }

  private unicodeDone(v: i32): i32 {
    const first = this.surrogate;
    if (first != NONE) {
      // gjson pairs a surrogate with the \u escape right after it: high + low is one code point,
      // anything else one U+FFFD for both.
      this.surrogate = NONE;
      const pair = first <= 0xdbff && v >= 0xdc00 && v <= 0xdfff;
      if (this.strCap) this.stringCodePoint(pair ? 0x10000 + ((first - 0xd800) << 10) + (v - 0xdc00) : 0xfffd);
      return ST_STRING;
    }
    if (v >= 0xd800 && v <= 0xdfff) {
      this.surrogate = v;
      return ST_SURROGATE;
    }
    if (this.strCap) this.stringCodePoint(v);
    return ST_STRING;
  }

  private loneSurrogate(): void {
    this.surrogate = NONE;
    if (this.strCap) this.stringCodePoint(0xfffd);
  }

  private flushDecoded(): void {
    const n = this.decLen;
    this.decLen = 0;
    if (n > 0) this.emitDecoded(this.dec, 0, n);
  }

  private emitDecoded(src: Uint8Array, start: i32, end: i32): void {
    for (let k = this.scalarBase; k < this.consTop; k++) {
      if (this.consFlag[k] == C_DECODED) this.targets[this.consTarget[k]].bytes(src, start, end);
    }
  }

  // ---- templates (json-template.ts) ----

  // The general path, learning, offers the value at `pos` to `target`: a template slot.
  private learnConsumer(target: MatchTarget, kind: i32, pos: i32): void {
    const tpl = this.tpl;
    // A template stands for strings and numbers handed straight to the sink, nothing else.
    if ((kind != KIND_STRING && kind != KIND_NUMBER) || this.scalarBase != 0 || (kind == KIND_STRING && target.raw)) {
      tpl.overflow = true;
      return;
    }
    const from = kind == KIND_STRING ? pos + 1 : pos;
    if (!tpl.slotAt(from)) tpl.add(kind == KIND_STRING ? SEG_SLOT_STRING : SEG_SLOT_NUMBER, from);
    tpl.addConsumer(target.id);
  }

  // The document matched the template: what the general path would report, slot by slot.
  private replayTemplate(chunk: Uint8Array): void {
    const tpl = this.tpl;
    for (let k = 0; k < tpl.segCount; k++) {
      const seg: i32 = tpl.segKind[k];
      if (seg != SEG_SLOT_STRING && seg != SEG_SLOT_NUMBER) continue;
      const from = tpl.docFrom[k];
      const to = tpl.docTo[k];
      const str = seg == SEG_SLOT_STRING;
      const kind = str ? KIND_STRING : KIND_NUMBER;
      const pos = str ? from - 1 : from;
      this.scalarBase = this.consTop;
      for (let c = tpl.segCons[k]; c < tpl.segCons[k + 1]; c++) this.addConsumer(this.targets[tpl.consTarget[c]], kind, pos);
      if (str) {
        this.strKey = false;
        this.strCap = this.decOpen > 0;
        if (this.strCap) this.decodeString(chunk, from, to);
      }
      if (this.consTop > this.scalarBase) this.endConsumers(this.scalarBase, str ? to + 1 : to);
    }
  }

  // Decodes the (validated) text of a string, src[from, to), to its decoded consumers, as the
  // general path's string states do.
  private decodeString(src: Uint8Array, from: i32, to: i32): void {
    let i = from;
    while (i < to) {
      const s = i;
      i = stringStop(src, i, to);
      if (i > s) this.stringRun(src, s, i);
      if (i >= to) break;
      const e: i32 = loadByte(src, i + 1);
      if (e != 0x75) {
        this.stringByte(escapedByte(e));
        i += 2;
        continue;
      }
      const v = hex4(src, i + 2);
      i += 6;
      if (v < 0xd800 || v > 0xdfff) {
        this.stringCodePoint(v);
      } else if (i + 1 < to && loadByte(src, i) == 0x5c && loadByte(src, i + 1) == 0x75) {
        // A surrogate pairs with the \u escape right after it (see unicodeDone).
        const w = hex4(src, i + 2);
        i += 6;
        const pair = v <= 0xdbff && w >= 0xdc00 && w <= 0xdfff;
        this.stringCodePoint(pair ? 0x10000 + ((v - 0xd800) << 10) + (w - 0xdc00) : 0xfffd);
      } else {
        this.stringCodePoint(0xfffd);
      }
    }
  }

  // ---- numbers ----

  // Scans number bytes from `i`; returns where it stopped (-1 on error) and leaves this.state.
  private scanNumber(chunk: Uint8Array, from: i32, end: i32): i32 {
    let st = this.numState;
    let i = from;
    while (i < end) {
      const c: i32 = loadByte(chunk, i);
      const digit = c >= 0x30 && c <= 0x39;
      if (st == N_INT || st == N_FRAC || st == N_EXP) {
        if (digit) {
          i++;
          while (i < end) {
            const d: i32 = loadByte(chunk, i);
            if (d < 0x30 || d > 0x39) break;
            i++;
          }
          continue;
        }
        if (st != N_EXP && (c == 0x65 || c == 0x45)) st = N_E;
        else if (st == N_INT && c == 0x2e) st = N_DOT;
        else return this.numberEnd(i);
      } else if (st == N_ZERO) {
        if (c == 0x2e) st = N_DOT;
        else if (c == 0x65 || c == 0x45) st = N_E;
        else return this.numberEnd(i);
      } else if (st == N_SIGN) {
        if (!digit) return this.numberFail(i);
        st = c == 0x30 ? N_ZERO : N_INT;
      } else if (st == N_DOT) {
        if (!digit) return this.numberFail(i);
        st = N_FRAC;
      } else if (st == N_E) {
        if (c == 0x2b || c == 0x2d) st = N_ESIGN;
        else if (digit) st = N_EXP;
        else return this.numberFail(i);
      } else {
        // N_ESIGN
        if (!digit) return this.numberFail(i);
        st = N_EXP;
      }
      i++;
    }
    this.numState = st;
    this.state = ST_NUMBER;
    return i;
  }

  private numberFail(at: i32): i32 {
    this.fail(JSON_MALFORMED, at);
    return -1;
  }

  private numberEnd(at: i32): i32 {
    if (this.learning) this.tpl.end(at);
    this.state = this.valueEnd(at);
    return at;
  }

  // ---- errors ----

  private fail(status: i32, at: i32): i32 {
    this.status = status;
    this.errorOffset = this.consumed + (at - this.chunkStart);
    // What came before the error was well-formed: hand it on before ending the open values.
    if (this.decLen > 0) this.flushDecoded();
    if (this.rawOpen > 0) this.flushRaw(at);
    this.abortAll();
    return status;
  }

  private abortAll(): void {
    const targets = this.targets;
    for (let i = 0; i < targets.length; i++) targets[i].abort();
  }
}

const ESC_UNICODE: i32 = -2;

// The next '"' in buf[from, to), or `to`. Most strings are short: a plain loop beats a call; past
// the glue's SHORT_SCAN_BYTES its findByte (memchr in JS, SIMD in wasm) takes over.
function quoteAt(buf: Uint8Array, from: i32, to: i32): i32 {
  const stop = from + SHORT_SCAN_BYTES < to ? from + SHORT_SCAN_BYTES : to;
  for (let i = from; i < stop; i++) if (loadByte(buf, i) == 0x22) return i;
  return stop < to ? findByte(buf, 0x22, stop, to) : to;
}

// The byte a one-character escape stands for; ESC_UNICODE for \u, -1 for an invalid escape.
function escapedByte(c: i32): i32 {
  if (c == 0x22 || c == 0x5c || c == 0x2f) return c;
  if (c == 0x6e) return 0x0a;
  if (c == 0x74) return 0x09;
  if (c == 0x72) return 0x0d;
  if (c == 0x62) return 0x08;
  if (c == 0x66) return 0x0c;
  if (c == 0x75) return ESC_UNICODE;
  return -1;
}

// The four hex digits at buf[at, at + 4) (already validated).
function hex4(buf: Uint8Array, at: i32): i32 {
  return (hexValue(loadByte(buf, at)) << 12) | (hexValue(loadByte(buf, at + 1)) << 8) | (hexValue(loadByte(buf, at + 2)) << 4) | hexValue(loadByte(buf, at + 3));
}

function asciiBytes(s: string): Uint8Array {
  const b = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) b[i] = <u8>s.charCodeAt(i);
  return b;
}
