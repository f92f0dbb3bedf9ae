import { ArenaBuffer } from "../arena/arena-buffer";
import { ArenaLease } from "../arena/arena-lease";
import { ConditionTarget } from "./json-condition-target";
import { CountFrame, KeyFrame, MapFrame, QueryFrame } from "./json-frames";
import { HeldValue } from "./json-held-value";
import { JsonMatchSink } from "./json-match-sink";
import { JsonMatchStats } from "./json-match-stats";
import { MatchTarget } from "./json-match-target";
import { JsonPathSet } from "./json-path-set";
import { PathStep, STEP_ALL, STEP_COUNT, STEP_FIRST, STEP_KEY, STEP_MAP, STEP_REVERSE } from "./json-path-step";
import {
  RA_ALL,
  RA_COUNT,
  RA_FIRST,
  RA_INDEX,
  RA_MAP,
  RA_NONE,
  RA_QALL,
  RO_ALL,
  RO_KEY,
  RO_NONE,
  ReverseFrame,
} from "./json-reverse-frame";
import { MatchRouter, StepFrame } from "./json-step-frame";
import { GateTarget, HoldTarget, JoinTarget, RecordTarget, SinkTarget } from "./json-targets";

// The runtime objects one matcher needs for a JsonPathSet: a frame per step and the targets that
// connect them, wired once when the matcher is made (their number is fixed by the configuration).
// Nothing here grows with the input; what must be held lives in the arena through the lease.
export class MatchPlan {
  readonly targets: Array<MatchTarget> = new Array<MatchTarget>(0);
  readonly frames: Array<StepFrame> = new Array<StepFrame>(0);
  readonly held: Array<HeldValue> = new Array<HeldValue>(0);
  readonly records: Array<RecordTarget> = new Array<RecordTarget>(0);
  /** Per path: the frame for its first step, applied to the document's root value. */
  readonly roots: Array<StepFrame | null> = new Array<StepFrame | null>(0);
  readonly sinks: Array<SinkTarget> = new Array<SinkTarget>(0);
  private readonly router: MatchRouter;
  private readonly lease: ArenaLease;
  private readonly stats: JsonMatchStats;
  private readonly limit: i32;
  private readonly hash: Uint8Array;

  constructor(paths: JsonPathSet, router: MatchRouter, sink: JsonMatchSink, lease: ArenaLease, stats: JsonMatchStats, limit: i32) {
    const hash = new Uint8Array(1);
    hash[0] = 0x23;
    this.router = router;
    this.lease = lease;
    this.stats = stats;
    this.limit = limit;
    this.hash = hash;
    for (let p = 0; p < paths.paths.length; p++) {
      const out = new SinkTarget(sink, p);
      this.addTarget(out);
      this.sinks.push(out);
      this.roots.push(this.chain(paths.paths[p].steps, 0, out));
    }
  }

  // The frame evaluating steps[k..] on a value, delivering to `out`; null when no steps are left.
  private chain(steps: Array<PathStep>, k: i32, out: MatchTarget): StepFrame | null {
    if (k >= steps.length) return null;
    const s = steps[k];
    const kind = s.kind;
    if (kind == STEP_KEY) {
      const f = new KeyFrame(s.name, s.index, s.commit, out);
      this.addFrame(f);
      f.next = this.chain(steps, k + 1, out);
      return f;
    }
    if (kind == STEP_COUNT) return this.addFrame(new CountFrame(out, this.hash));
    if (kind == STEP_MAP) {
      const join = new JoinTarget(out);
      this.addTarget(join);
      const f = new MapFrame(out, join, this.hash);
      this.addFrame(f);
      f.arrNext = this.chain(steps, k + 1, join);
      f.objNext = this.chain(steps, k + 1, out);
      return f;
    }
    if (kind == STEP_FIRST || kind == STEP_ALL) {
      const q = s.query!;
      const cond = new ConditionTarget(q, this.router);
      this.addTarget(cond);
      let join: JoinTarget | null = null;
      let down = out;
      if (kind == STEP_ALL) {
        const j = new JoinTarget(out);
        this.addTarget(j);
        join = j;
        down = j;
      }
      const gate = new GateTarget(down, this.newHeld());
      this.addTarget(gate);
      const f = new QueryFrame(kind == STEP_FIRST, out, gate, cond, join);
      this.addFrame(f);
      this.wireCondition(cond, f);
      f.restNext = this.chain(steps, k + 1, gate);
      return f;
    }
    if (kind == STEP_REVERSE) return this.reverse(steps, k, out);
    return null;
  }

  // @reverse at steps[k], fused with the step after it (see json-reverse-frame.ts).
  private reverse(steps: Array<PathStep>, k: i32, out: MatchTarget): StepFrame {
    const latest = this.newHeld();
    const tentative = this.newHeld();
    const hold = new HoldTarget(tentative, out.raw, out.wholeValues);
    this.addTarget(hold);
    const none = new Array<HeldValue>(0);
    const empty = new Uint8Array(0);
    if (k + 1 >= steps.length) {
      const rec = this.newRecords(true);
      const f = new ReverseFrame(RA_ALL, RO_ALL, out, -1, empty, false, rec, hold, none, latest, tentative, null);
      this.addFrame(f);
      return f;
    }
    const s = steps[k + 1];
    const kind = s.kind;
    if (kind == STEP_KEY) {
      const ring = new Array<HeldValue>(0);
      for (let i = 0; i <= s.index; i++) ring.push(this.newHeld());
      const f = new ReverseFrame(s.index >= 0 ? RA_INDEX : RA_NONE, RO_KEY, out, s.index, s.name, s.commit, null, hold, ring, latest, tentative, null);
      this.addFrame(f);
      const next = this.chain(steps, k + 2, hold);
      f.arrNext = next;
      f.objNext = next;
      return f;
    }
    if (kind == STEP_COUNT) {
      const f = new ReverseFrame(RA_COUNT, RO_KEY, out, -1, this.hash, false, null, hold, none, latest, tentative, null);
      this.addFrame(f);
      return f;
    }
    if (kind == STEP_MAP) {
      const rec = this.newRecords(false);
      const f = new ReverseFrame(RA_MAP, RO_KEY, out, -1, this.hash, false, rec, hold, none, latest, tentative, null);
      this.addFrame(f);
      f.arrNext = this.chain(steps, k + 2, rec);
      f.objNext = this.chain(steps, k + 2, hold);
      return f;
    }
    // A query (the parser allows nothing else after @reverse).
    const q = s.query!;
    const cond = new ConditionTarget(q, this.router);
    this.addTarget(cond);
    const all = kind == STEP_ALL;
    const rec = all ? this.newRecords(false) : null;
    const f = new ReverseFrame(all ? RA_QALL : RA_FIRST, RO_NONE, out, -1, empty, false, rec, hold, none, latest, tentative, cond);
    this.addFrame(f);
    this.wireCondition(cond, f);
    f.arrNext = all ? this.chain(steps, k + 2, rec!) : this.chain(steps, k + 2, hold);
    return f;
  }

  // The condition answers to `owner`; its query key becomes a chain of frames (an empty key is the
  // member "" on objects, as in gjson).
  private wireCondition(cond: ConditionTarget, owner: StepFrame): void {
    cond.owner = owner;
    const steps = cond.q.steps;
    if (steps.length > 0) {
      cond.chain = this.chain(steps, 0, cond);
    } else {
      cond.empty = true;
      cond.chain = this.addFrame(new KeyFrame(new Uint8Array(0), -1, false, cond));
    }
  }

  private addTarget(t: MatchTarget): void {
    t.id = this.targets.length;
    this.targets.push(t);
  }

  private addFrame(f: StepFrame): StepFrame {
    f.id = this.frames.length;
    this.frames.push(f);
    return f;
  }

  private newHeld(): HeldValue {
    const h = new HeldValue(this.lease, this.stats, this.limit);
    this.held.push(h);
    return h;
  }

  private newRecords(multi: bool): RecordTarget {
    const rec = new RecordTarget(new ArenaBuffer(this.lease, this.limit), this.stats, multi);
    this.addTarget(rec);
    this.records.push(rec);
    return rec;
  }
}
