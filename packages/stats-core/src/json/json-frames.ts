import { ConditionTarget } from "./json-condition-target";
import { KIND_ARRAY, KIND_OBJECT } from "./json-kinds";
import { MatchTarget, TAKE_BYTES, TAKE_REFUSED } from "./json-match-target";
import { AT_CLOSE_ARRAY, AT_OPEN_ARRAY, PUNCT } from "./json-punctuation";
import { GateTarget, JoinTarget } from "./json-targets";
import { MatchRouter, StepFrame } from "./json-step-frame";

// Frames for the forward steps. Each delivers to `out`; `next` is the step applied to what it
// selects (null: the selected value is the result).

/** `name` on objects, `index` on arrays. */
export class KeyFrame extends StepFrame {
  readonly name: Uint8Array;
  readonly index: i32;
  readonly commit: bool;
  readonly out: MatchTarget;
  next: StepFrame | null = null;
  /** The out scope in which this (piped) step took its candidate. */
  private committedIn: i32 = -1;

  constructor(name: Uint8Array, index: i32, commit: bool, out: MatchTarget) {
    super();
    this.name = name;
    this.index = index;
    this.commit = commit;
    this.out = out;
  }

  override objectKey(): Uint8Array | null {
    return this.name;
  }

  override plainStep(): bool {
    return !this.commit;
  }

  open(_m: MatchRouter, kind: i32): bool {
    if (this.out.done || (this.commit && this.committedIn == this.out.scope)) return false;
    return kind == KIND_OBJECT || this.index >= 0;
  }

  child(m: MatchRouter, kind: i32, pos: i32): void {
    const out = this.out;
    if (out.done || (this.commit && this.committedIn == out.scope)) return;
    if (this.kind == KIND_OBJECT) {
      if (!m.keyIs(this.name)) return;
    } else if (m.childCount(this.depth) - 1 != this.index) {
      return;
    }
    if (this.commit) {
      this.committedIn = out.scope;
      out.hit = true;
    }
    m.evalChild(this.next, out, kind, pos);
  }
}

/** `#` last: the array's length; on an object, gjson looks up a member named "#". */
export class CountFrame extends StepFrame {
  readonly out: MatchTarget;
  readonly hash: Uint8Array;

  constructor(out: MatchTarget, hash: Uint8Array) {
    super();
    this.out = out;
    this.hash = hash;
  }

  override objectKey(): Uint8Array | null {
    return this.hash;
  }

  open(_m: MatchRouter, _kind: i32): bool {
    return !this.out.done;
  }

  child(m: MatchRouter, kind: i32, pos: i32): void {
    if (this.kind == KIND_OBJECT && !this.out.done && m.keyIs(this.hash)) m.evalChild(null, this.out, kind, pos);
  }

  override close(m: MatchRouter): void {
    if (this.kind == KIND_ARRAY) m.emitNumber(this.out, m.childCount(this.depth));
  }
}

/** `#.rest`: `[` rest-of-element-0 `,` … `]`, streamed as the elements go by. */
export class MapFrame extends StepFrame {
  readonly out: MatchTarget;
  readonly join: JoinTarget;
  readonly hash: Uint8Array;
  /** rest, delivering to the joiner (arrays). */
  arrNext: StepFrame | null = null;
  /** rest, delivering to out (objects: gjson reads `#.rest` there as member "#", then rest). */
  objNext: StepFrame | null = null;
  private emitting: bool = false;

  constructor(out: MatchTarget, join: JoinTarget, hash: Uint8Array) {
    super();
    this.out = out;
    this.join = join;
    this.hash = hash;
  }

  override objectKey(): Uint8Array | null {
    return this.hash;
  }

  open(_m: MatchRouter, kind: i32): bool {
    if (this.out.done) return false;
    if (kind == KIND_OBJECT) return true;
    const r = this.out.begin(KIND_ARRAY);
    if (r == TAKE_REFUSED) return false;
    this.emitting = r == TAKE_BYTES;
    if (this.emitting) this.out.bytes(PUNCT, AT_OPEN_ARRAY, AT_OPEN_ARRAY + 1);
    this.join.count = 0;
    return true;
  }

  child(m: MatchRouter, kind: i32, pos: i32): void {
    if (this.kind == KIND_OBJECT) {
      if (!this.out.done && m.keyIs(this.hash)) m.evalChild(this.objNext, this.out, kind, pos);
      return;
    }
    if (!this.emitting) return;
    this.join.reset();
    m.evalChild(this.arrNext, this.join, kind, pos);
  }

  override close(_m: MatchRouter): void {
    if (this.kind != KIND_ARRAY) return;
    if (this.emitting) this.out.bytes(PUNCT, AT_CLOSE_ARRAY, AT_CLOSE_ARRAY + 1);
    this.out.end();
  }
}

/**
 * `#(query)` (first) and `#(query)#` (all). Each element goes both to the condition (through the
 * query key) and, through a gate, to the rest of the path; the gate holds what arrives before the
 * condition is known. `first` commits at the first accepted element, as gjson stops there even if
 * the rest of the path finds nothing in it.
 */
export class QueryFrame extends StepFrame {
  readonly first: bool;
  readonly out: MatchTarget;
  readonly gate: GateTarget;
  readonly cond: ConditionTarget;
  /** all: the joiner between the gate and out. */
  readonly join: JoinTarget | null;
  restNext: StepFrame | null = null;
  private resolved: bool = false;
  /** first: the out scope in which an element was accepted (gjson stops there). */
  private committedIn: i32 = -1;
  private emitting: bool = false;
  private active: bool = false;
  private decided: bool = false;

  constructor(first: bool, out: MatchTarget, gate: GateTarget, cond: ConditionTarget, join: JoinTarget | null) {
    super();
    this.first = first;
    this.out = out;
    this.gate = gate;
    this.cond = cond;
    this.join = join;
    this.hooks = true;
  }

  open(_m: MatchRouter, kind: i32): bool {
    if (kind != KIND_ARRAY || this.out.done) return false;
    this.active = false;
    if (this.first) {
      if (this.committedIn == this.out.scope) return false;
      this.resolved = false;
      return true;
    }
    const r = this.out.begin(KIND_ARRAY);
    if (r == TAKE_REFUSED) return false;
    this.emitting = r == TAKE_BYTES;
    if (this.emitting) this.out.bytes(PUNCT, AT_OPEN_ARRAY, AT_OPEN_ARRAY + 1);
    this.join!.count = 0;
    return true;
  }

  child(m: MatchRouter, kind: i32, pos: i32): void {
    if (this.first ? this.resolved : !this.emitting) return;
    this.active = true;
    this.decided = false;
    this.cond.reset();
    this.gate.reset();
    const join = this.join;
    if (join != null) join.reset();
    this.cond.start(m, kind, pos);
    m.evalChild(this.restNext, this.gate, kind, pos);
  }

  override condDecided(_m: MatchRouter, result: bool): void {
    if (!this.active || this.decided) return;
    this.decided = true;
    if (result && this.first) {
      this.resolved = true;
      this.committedIn = this.out.scope;
      this.out.hit = true;
    }
    this.gate.decide(result);
  }

  override childEnd(m: MatchRouter): void {
    if (!this.active) return;
    if (!this.decided) this.condDecided(m, this.cond.missing());
    this.active = false;
  }

  override close(_m: MatchRouter): void {
    if (this.first) return;
    if (this.emitting) this.out.bytes(PUNCT, AT_CLOSE_ARRAY, AT_CLOSE_ARRAY + 1);
    this.out.end();
  }
}
