import { ArenaLease } from "../arena/arena-lease";
import { elementAt, loadByte, loadI32, storeByte, storeI32 } from "../glue/target";
import { HeldValue } from "./json-held-value";
import { JSON_OK, JSON_TOO_DEEP, KIND_ARRAY, KIND_NUMBER, KIND_OBJECT, KIND_STRING } from "./json-kinds";
import { JsonMatchSink } from "./json-match-sink";
import { JsonMatchStats } from "./json-match-stats";
import { MatchTarget, TAKE_BYTES, TAKE_REFUSED } from "./json-match-target";
import { MatchPlan } from "./json-match-plan";
import { JsonPathSet } from "./json-path-set";
import { C_DECODED, C_NONE, C_RAW, LIT_TRUE, N_INT, NONE, SCRATCH, ST_DONE, ST_NEXT, ST_VALUE } from "./json-scan-states";
import { MatchRouter, StepFrame } from "./json-step-frame";
import { MatchTemplate, SEG_SLOT_NUMBER, SEG_SLOT_STRING } from "./json-template";
import { RecordTarget, SinkTarget } from "./json-targets";

// The matcher's first layer (JsonMatcher, json-matcher.ts, is its last): its state, and the
// routing of values to the path steps that want them. Each open container may carry frames (the
// steps looking at its children, json-step-frame.ts); a child some step selects gets consumers —
// targets receiving its bytes as they stream, kept on a stack (innermost last). While the general
// path learns a template (json-template.ts), every consumer given is recorded as a slot.
export abstract class ValueRouter extends MatchRouter {
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

  protected targets: Array<MatchTarget> = new Array<MatchTarget>(0);
  protected frames: Array<StepFrame> = new Array<StepFrame>(0);
  protected held: Array<HeldValue> = new Array<HeldValue>(0);
  protected records: Array<RecordTarget> = new Array<RecordTarget>(0);
  protected roots: Array<StepFrame | null> = new Array<StepFrame | null>(0);
  protected sinks: Array<SinkTarget> = new Array<SinkTarget>(0);

  // Per depth (the root container is depth 1; index 0 stands for "outside the root value").
  protected kinds: Uint8Array = new Uint8Array(0);
  protected childIdx: Int32Array = new Int32Array(0);
  protected frameHead: Int32Array = new Int32Array(0);
  protected hookCount: Int32Array = new Int32Array(0);
  protected keyHookCount: Int32Array = new Int32Array(0);
  // Key filter of an object's frames: bits (length & 31) and (first byte & 31) of the names they
  // react to, and how many react to every member. A key outside the filter skips routing.
  protected nameLengths: Int32Array = new Int32Array(0);
  protected nameFirsts: Int32Array = new Int32Array(0);
  protected everyChild: Int32Array = new Int32Array(0);
  protected consBase: Int32Array = new Int32Array(0);
  protected frameNext: Int32Array = new Int32Array(0);
  // Per frame: the length and first byte of the one member name it reacts to in an object (-1:
  // any member), so a member no frame names is passed over without a call per frame.
  protected frameKeyLen: Int32Array = new Int32Array(0);
  protected frameKeyFirst: Int32Array = new Int32Array(0);

  // Consumers of the values currently open, innermost last.
  protected consTarget: Int32Array = new Int32Array(0);
  protected consFlag: Uint8Array = new Uint8Array(0);
  protected consTop: i32 = 0;
  protected scalarBase: i32 = 0;
  protected rawOpen: i32 = 0;
  protected rawFrom: i32 = 0;
  protected decOpen: i32 = 0;
  protected keyConsumers: bool = false;

  protected buf: Uint8Array = new Uint8Array(0);
  protected chunkStart: i32 = 0;
  protected consumed: i32 = 0;
  protected state: i32 = ST_VALUE;
  protected depth: i32 = 0;
  protected deepest: i32 = 0;

  protected strKey: bool = false;
  protected strCap: bool = false;
  protected keyBuf: Uint8Array = new Uint8Array(0);
  protected keyLen: i32 = 0;
  protected keyOver: bool = false;
  // A key read in place: keySrc[keyFrom, keyFrom + keyLen) of the current chunk, copied to keyBuf
  // only when it has escapes or the chunk ends before the member's value starts.
  protected keyInPlace: bool = false;
  protected keySrc: Uint8Array = new Uint8Array(0);
  protected keyFrom: i32 = 0;
  // ST_SKIP: the first byte of the next chunk is escaped (this one ended in an odd backslash run).
  protected skipEscaped: bool = false;
  protected readonly dec: Uint8Array = new Uint8Array(SCRATCH);
  protected decLen: i32 = 0;
  protected uni: i32 = 0;
  protected uniN: i32 = 0;
  protected surrogate: i32 = NONE;
  protected numState: i32 = N_INT;
  protected lit: Uint8Array = LIT_TRUE;
  protected litPos: i32 = 0;
  protected readonly numText: Uint8Array = new Uint8Array(12);
  // Templates (json-template.ts).
  protected readonly tpl: MatchTemplate = new MatchTemplate();
  /** The general path reads a fresh document and tells tpl what it does. */
  protected learning: bool = false;
  /** While learning: the offset just after the root value, once it closed. */
  protected rootEnd: i32 = -1;

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
  }


  // ---- MatchRouter: what frames ask of the matcher ----

  evalChild(next: StepFrame | null, out: MatchTarget, kind: i32, pos: i32): void {
    // A step other than a plain name or index comes into play: not a document to learn.
    if (this.learning && next != null && !next.plainStep()) this.tpl.overflow = true;
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
    storeI32(this.consTarget, top, target.id);
    storeByte(this.consFlag, top, flag);
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
  protected valueStart(kind: i32, pos: i32): void {
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
  protected attach(f: StepFrame, kind: i32): void {
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

  protected clearDepth(d: i32): void {
    storeI32(this.frameHead, d, NONE);
    storeI32(this.hookCount, d, 0);
    storeI32(this.keyHookCount, d, 0);
    storeI32(this.nameLengths, d, 0);
    storeI32(this.nameFirsts, d, 0);
    storeI32(this.everyChild, d, 0);
  }

  protected openContainer(kind: i32, pos: i32): bool {
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
  protected closeContainer(pos: i32): void {
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
  protected scalarEnd(end: i32): void {
    if (this.consTop > this.scalarBase) this.endConsumers(this.scalarBase, end);
    this.childEnded(end);
  }

  // The current child of the container at this.depth ended at `end`: frames that asked hear it.
  protected childEnded(end: i32): void {
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

  protected endConsumers(from: i32, end: i32): void {
    if (this.decLen > 0) this.flushDecoded();
    if (this.rawOpen > 0) this.flushRaw(end);
    for (let k = this.consTop - 1; k >= from; k--) {
      const flag = loadByte(this.consFlag, k);
      if (flag == C_RAW) this.rawOpen--;
      else if (flag == C_DECODED) this.decOpen--;
      elementAt(this.targets, loadI32(this.consTarget, k)).end();
    }
    this.consTop = from;
  }

  // Raw consumers get the bytes from rawFrom up to `upTo` of the current chunk.
  protected flushRaw(upTo: i32): void {
    const from = this.rawFrom;
    if (upTo <= from) return;
    const buf = this.buf;
    for (let k = 0; k < this.consTop; k++) {
      if (loadByte(this.consFlag, k) == C_RAW) elementAt(this.targets, loadI32(this.consTarget, k)).bytes(buf, from, upTo);
    }
    this.rawFrom = upTo;
  }

  // A scalar value starts: routed only where some frame listens.
  protected scalarStart(kind: i32, pos: i32): void {
    const d = this.depth;
    if (d > 0 && loadI32(this.frameHead, d) == NONE) this.scalarBase = this.consTop;
    else this.valueStart(kind, pos);
  }

  // A scalar value ended just before `end`; returns the next state.
  protected valueEnd(end: i32): i32 {
    const d = this.depth;
    if (this.consTop > this.scalarBase || loadI32(this.hookCount, d) > 0) this.scalarEnd(end);
    return d == 0 ? ST_DONE : ST_NEXT;
  }

  // A member key starts at `pos` in an object whose frames want the keys' raw text.
  protected keyStartHooks(pos: i32): void {
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
  protected keyToBuffer(src: Uint8Array, upTo: i32): void {
    const n = upTo - this.keyFrom;
    const k = this.keyBuf;
    const kept = n < k.length ? n : k.length;
    for (let i = 0; i < kept; i++) storeByte(k, i, loadByte(src, this.keyFrom + i));
    this.keyLen = kept;
    if (n > kept) this.keyOver = true;
    this.keyInPlace = false;
  }

  // The closing quote of a key with consumers was at end - 1.
  protected keyEnd(end: i32): void {
    this.keyConsumers = false;
    if (this.consTop > this.scalarBase) this.endConsumers(this.scalarBase, end);
  }

  // Decoded string bytes gathered in dec go to the decoded consumers.
  protected flushDecoded(): void {
    const n = this.decLen;
    this.decLen = 0;
    if (n > 0) this.emitDecoded(this.dec, 0, n);
  }

  protected emitDecoded(src: Uint8Array, start: i32, end: i32): void {
    for (let k = this.scalarBase; k < this.consTop; k++) {
      if (loadByte(this.consFlag, k) == C_DECODED) elementAt(this.targets, loadI32(this.consTarget, k)).bytes(src, start, end);
    }
  }

  /** Matching stops for this document (json-value-decoder.ts). */
  protected abstract fail(status: i32, at: i32): i32;

  // ---- templates: learning (json-template.ts) ----

  // ---- templates (json-template.ts) ----

  // The general path, learning, offers the value at `pos` to `target`: a template slot.
  protected learnConsumer(target: MatchTarget, kind: i32, pos: i32): void {
    const tpl = this.tpl;
    // A template stands for strings and numbers handed straight to the sink, nothing else.
    if ((kind != KIND_STRING && kind != KIND_NUMBER) || this.scalarBase != 0 || !target.plainSink() || (kind == KIND_STRING && target.raw)) {
      tpl.overflow = true;
      return;
    }
    const from = kind == KIND_STRING ? pos + 1 : pos;
    if (!tpl.slotAt(from)) tpl.add(kind == KIND_STRING ? SEG_SLOT_STRING : SEG_SLOT_NUMBER, from);
    tpl.addConsumer(target.id);
  }
}
