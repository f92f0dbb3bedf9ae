import { ConditionTarget } from "./json-condition-target";
import { HeldValue } from "./json-held-value";
import { KIND_ARRAY, KIND_OBJECT, KIND_STRING } from "./json-kinds";
import { MatchTarget, TAKE_BYTES, TAKE_REFUSED } from "./json-match-target";
import { AT_CLOSE_ARRAY, AT_CLOSE_OBJECT, AT_COLON, AT_OPEN_ARRAY, AT_OPEN_OBJECT, PUNCT } from "./json-punctuation";
import { HoldTarget, RecordTarget } from "./json-targets";
import { MatchRouter, StepFrame } from "./json-step-frame";

// `@reverse` fused with the step after it. Reversing means the answer depends on what comes last,
// so this is where matching has to hold values in the arena:
//   @reverse            every element (member) as raw text, emitted last-first       (records)
//   @reverse.N.rest     rest of the N-th element from the end: a ring of N+1 slots    (held)
//   @reverse.#          the length (no holding)
//   @reverse.#.rest     rest of every element, emitted last-first                     (records)
//   @reverse.#(q).rest  rest of the last element q accepts                            (held)
//   @reverse.#(q)#.rest rest of every accepted element, last-first                    (records)
// On objects: @reverse alone reverses the members; `@reverse.key.rest` is the rest of the last
// member named key where rest hits (finds something, or a piped step in it chose its candidate;
// any last "key" when a pipe follows it); `#` and `#.rest` look for a member named "#", as gjson
// does.

export const RA_NONE: i32 = 0;
export const RA_ALL: i32 = 1;
export const RA_INDEX: i32 = 2;
export const RA_COUNT: i32 = 3;
export const RA_MAP: i32 = 4;
export const RA_FIRST: i32 = 5;
export const RA_QALL: i32 = 6;

export const RO_NONE: i32 = 0;
export const RO_ALL: i32 = 1;
export const RO_KEY: i32 = 2;

export class ReverseFrame extends StepFrame {
  readonly arrMode: i32;
  readonly objMode: i32;
  readonly out: MatchTarget;
  readonly index: i32;
  readonly objName: Uint8Array;
  readonly objCommit: bool;
  readonly rec: RecordTarget | null;
  readonly hold: HoldTarget;
  readonly ring: Array<HeldValue>;
  readonly cond: ConditionTarget | null;
  arrNext: StepFrame | null = null;
  objNext: StepFrame | null = null;
  private latest: HeldValue;
  private tentative: HeldValue;
  private have: bool = false;
  private active: bool = false;
  private decided: bool = false;
  private matched: bool = false;

  constructor(
    arrMode: i32,
    objMode: i32,
    out: MatchTarget,
    index: i32,
    objName: Uint8Array,
    objCommit: bool,
    rec: RecordTarget | null,
    hold: HoldTarget,
    ring: Array<HeldValue>,
    latest: HeldValue,
    tentative: HeldValue,
    cond: ConditionTarget | null,
  ) {
    super();
    this.arrMode = arrMode;
    this.objMode = objMode;
    this.out = out;
    this.index = index;
    this.objName = objName;
    this.objCommit = objCommit;
    this.rec = rec;
    this.hold = hold;
    this.ring = ring;
    this.latest = latest;
    this.tentative = tentative;
    this.cond = cond;
    this.hooks = true;
    this.passScalar = arrMode == RA_ALL;
  }

  override objectKey(): Uint8Array | null {
    return this.objMode == RO_KEY ? this.objName : null;
  }

  open(_m: MatchRouter, kind: i32): bool {
    if (this.out.done) return false;
    const mode = kind == KIND_ARRAY ? this.arrMode : this.objMode;
    if (mode == RA_NONE) return false;
    this.have = false;
    this.active = false;
    this.latest.clear();
    this.tentative.clear();
    const rec = this.rec;
    if (rec != null) rec.clearList();
    this.keyHooks = kind == KIND_OBJECT && this.objMode == RO_ALL;
    return true;
  }

  override keyStart(m: MatchRouter, pos: i32): void {
    const rec = this.rec!;
    rec.openRecord();
    m.addConsumer(rec, KIND_STRING, pos);
  }

  child(m: MatchRouter, kind: i32, pos: i32): void {
    if (this.kind == KIND_OBJECT) {
      if (this.objMode == RO_ALL) {
        const rec = this.rec!;
        rec.appendByte(PUNCT[AT_COLON]);
        m.addConsumer(rec, kind, pos);
        this.active = true;
      } else if (m.keyIs(this.objName)) {
        this.active = true;
        this.holdInto(this.tentative);
        m.evalChild(this.objNext, this.hold, kind, pos);
      }
      return;
    }
    const mode = this.arrMode;
    if (mode == RA_ALL) {
      const rec = this.rec!;
      rec.openRecord();
      m.addConsumer(rec, kind, pos);
      this.active = true;
    } else if (mode == RA_INDEX) {
      const i = m.childCount(this.depth) - 1;
      this.holdInto(this.ring[i % this.ring.length]);
      m.evalChild(this.arrNext, this.hold, kind, pos);
    } else if (mode == RA_MAP) {
      this.rec!.openRecord();
      this.active = true;
      m.evalChild(this.arrNext, this.rec!, kind, pos);
    } else if (mode == RA_FIRST || mode == RA_QALL) {
      this.active = true;
      this.decided = false;
      this.matched = false;
      const cond = this.cond!;
      cond.reset();
      if (mode == RA_FIRST) this.holdInto(this.tentative);
      else this.rec!.openRecord();
      cond.start(m, kind, pos);
      if (mode == RA_FIRST) m.evalChild(this.arrNext, this.hold, kind, pos);
      else m.evalChild(this.arrNext, this.rec!, kind, pos);
    }
  }

  override condDecided(_m: MatchRouter, result: bool): void {
    if (!this.active || this.decided) return;
    this.decided = true;
    this.matched = result;
  }

  override childEnd(_m: MatchRouter): void {
    if (!this.active) return;
    this.active = false;
    if (this.kind == KIND_OBJECT) {
      if (this.objMode == RO_ALL) this.rec!.closeRecord(true);
      else if (this.objCommit || this.tentative.exists || this.hold.hit) this.promote();
      return;
    }
    const mode = this.arrMode;
    if (mode == RA_ALL) {
      this.rec!.closeRecord(true);
    } else if (mode == RA_MAP) {
      this.rec!.closeRecord(this.rec!.hasValue);
    } else if (mode == RA_FIRST || mode == RA_QALL) {
      if (!this.decided) {
        this.decided = true;
        this.matched = this.cond!.missing();
      }
      if (mode == RA_QALL) this.rec!.closeRecord(this.matched && this.rec!.hasValue);
      else if (this.matched) this.promote();
    }
  }

  override close(m: MatchRouter): void {
    if (this.kind == KIND_OBJECT) {
      if (this.objMode == RO_ALL) this.emitRecords(KIND_OBJECT);
      else if (this.have) this.latest.replay(this.out);
    } else {
      const mode = this.arrMode;
      if (mode == RA_ALL || mode == RA_MAP || mode == RA_QALL) {
        this.emitRecords(KIND_ARRAY);
      } else if (mode == RA_INDEX) {
        const n = m.childCount(this.depth);
        if (n > this.index) this.ring[(n - 1 - this.index) % this.ring.length].replay(this.out);
        for (let i = 0; i < this.ring.length; i++) this.ring[i].clear();
      } else if (mode == RA_COUNT) {
        m.emitNumber(this.out, m.childCount(this.depth));
      } else if (mode == RA_FIRST && this.have) {
        this.latest.replay(this.out);
      }
    }
    this.latest.clear();
    this.tentative.clear();
    const rec = this.rec;
    if (rec != null) rec.clearList();
  }

  private holdInto(slot: HeldValue): void {
    slot.clear();
    this.hold.store = slot;
    this.hold.reset();
  }

  // The current candidate becomes the last one seen.
  private promote(): void {
    const t = this.latest;
    this.latest = this.tentative;
    this.tentative = t;
    this.have = true;
  }

  private emitRecords(kind: i32): void {
    const out = this.out;
    const r = out.begin(kind);
    if (r == TAKE_REFUSED) return;
    if (r == TAKE_BYTES) {
      const rec = this.rec!;
      const open = kind == KIND_ARRAY ? AT_OPEN_ARRAY : AT_OPEN_OBJECT;
      const close = kind == KIND_ARRAY ? AT_CLOSE_ARRAY : AT_CLOSE_OBJECT;
      out.bytes(PUNCT, open, open + 1);
      rec.emitReversed(out);
      out.bytes(PUNCT, close, close + 1);
    }
    out.end();
  }
}
