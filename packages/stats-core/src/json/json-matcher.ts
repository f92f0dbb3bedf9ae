import { NO_BLOCK } from "../arena/arena";
import { ArenaLease } from "../arena/arena-lease";
import { SHORT_SCAN_BYTES, findByte, loadByte, loadI32 } from "../glue/target";
import { JSON_INCOMPLETE, JSON_MALFORMED, JSON_OK, JSON_TOO_DEEP, KIND_ARRAY, KIND_FALSE, KIND_NULL, KIND_NUMBER, KIND_OBJECT, KIND_STRING, KIND_TRUE } from "./json-kinds";
import { JsonMatchSink } from "./json-match-sink";
import { JsonPathSet } from "./json-path-set";
import {
  ESC_UNICODE,
  N_EXP,
  N_FRAC,
  N_INT,
  N_SIGN,
  N_ZERO,
  NONE,
  ST_ARR_FIRST,
  ST_COLON,
  ST_DONE,
  ST_ESCAPE,
  ST_LITERAL,
  ST_NEXT,
  ST_NUMBER,
  ST_OBJ_FIRST,
  ST_OBJ_KEY,
  ST_SKIP,
  ST_STRING,
  ST_SURROGATE,
  ST_SURROGATE_U,
  ST_UNICODE,
  ST_VALUE,
  LIT_FALSE,
  LIT_NULL,
  LIT_TRUE,
  escapedByte,
} from "./json-scan-states";
import { SEG_HOLE_NUMBER, SEG_HOLE_STRING } from "./json-template";
import { hexValue } from "./json-utf8";
import { ValueDecoder } from "./json-value-decoder";

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
// The general path and the template path. The loop below is the general path: it handles any
// input, cut anywhere. A document that the general path read whole in one chunk — an SSE event,
// as the framer hands it on — in which only plain name/index steps came into play is also learned
// as a template: its bytes and the places of its values. When the next
// document starts (fresh matcher, first feed) and equals the template outside those values, the
// template path decodes just the selected values, replays the consumers the general path gave
// them, and leaves the matcher where the general path would have: after the root value. A document
// that differs, is cut by the chunk, or has an invalid selected value goes down the general path
// from its first byte (nothing was reported yet), which learns a new template.
//
// Layers, one class each: ValueRouter (json-value-router.ts: state, routing to the path steps, the
// consumer stack, template learning) ← ValueDecoder (json-value-decoder.ts: string and number
// contents, template replay, errors) ← JsonMatcher (this file: the byte loop and the document's
// lifecycle). Tokenizer states: json-scan-states.ts.

export class JsonMatcher extends ValueDecoder {
  /**
   * `lease` holds what must be kept across chunks; `heldLimit` caps each held value (bytes beyond
   * it are cut and counted in `stats`).
   */
  constructor(paths: JsonPathSet, lease: ArenaLease, sink: JsonMatchSink, maxDepth: i32, heldLimit: i32 = 0x7fffffff) {
    super(paths, lease, sink, maxDepth, heldLimit);
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
    if (this.consumed == 0 && state == ST_VALUE && this.depth == 0) {
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
}

// The next '"' in buf[from, to), or `to`. Most strings are short: a plain loop beats a call; past
// the glue's SHORT_SCAN_BYTES its findByte (memchr in JS, SIMD in wasm) takes over.
function quoteAt(buf: Uint8Array, from: i32, to: i32): i32 {
  const stop = from + SHORT_SCAN_BYTES < to ? from + SHORT_SCAN_BYTES : to;
  for (let i = from; i < stop; i++) if (loadByte(buf, i) == 0x22) return i;
  return stop < to ? findByte(buf, 0x22, stop, to) : to;
}
