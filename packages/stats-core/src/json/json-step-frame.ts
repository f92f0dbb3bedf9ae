import { MatchTarget } from "./json-match-target";

// The runtime side of one path step. A frame is attached to an open container (object or array)
// whose children the step examines; it hears about each child as it starts (and, if it asks, as it
// ends), and about the container's end. A step is active on at most one container at a time (its
// depth is fixed by the steps before it), so each step owns exactly one frame per matcher.
export abstract class StepFrame {
  /** Index in the matcher's frame table. */
  id: i32 = 0;
  /** Depth of the container it is attached to, -1 when detached. */
  depth: i32 = -1;
  /** KIND_OBJECT or KIND_ARRAY while attached. */
  kind: i32 = 0;
  /** Wants childEnd() calls. */
  hooks: bool = false;
  /** Wants keyStart() calls (object members). */
  keyHooks: bool = false;
  /** A scalar given to this step is its own result (@reverse as the last component). */
  passScalar: bool = false;

  /**
   * The one member name this frame reacts to in an object, or null when it looks at every member.
   * Lets the matcher skip routing for keys no frame of the object can want.
   */
  objectKey(): Uint8Array | null {
    return null;
  }
  /**
   * A plain member-name / array-index step that hands what it selects straight on: what it does
   * depends on keys and structure only, never on the text of a value (see json-template.ts).
   */
  plainStep(): bool {
    return false;
  }
  /** The container starts: false keeps the frame detached (nothing to do there). */
  abstract open(m: MatchRouter, kind: i32): bool;
  /** A child value of kind `kind` starts at `pos` (its key is m's current key in an object). */
  abstract child(m: MatchRouter, kind: i32, pos: i32): void;
  /** The current child ended. */
  childEnd(_m: MatchRouter): void {}
  /** A member key starts at `pos` (its opening quote). */
  keyStart(_m: MatchRouter, _pos: i32): void {}
  /** The container ended. */
  close(_m: MatchRouter): void {}
  /** A query condition this frame owns was decided for the current child. */
  condDecided(_m: MatchRouter, _result: bool): void {}
}

/** What frames may ask of the matcher that drives them. */
export abstract class MatchRouter {
  /**
   * Applies step `next` to the child value starting at `pos` (null: the child itself is the
   * result), delivering to `out`.
   */
  abstract evalChild(next: StepFrame | null, out: MatchTarget, kind: i32, pos: i32): void;
  /** Makes `target` receive the value starting at `pos` (if it accepts it). */
  abstract addConsumer(target: MatchTarget, kind: i32, pos: i32): void;
  /** The current member key (decoded) equals `name`. */
  abstract keyIs(name: Uint8Array): bool;
  /** Children started so far in the container at `depth` (the current child is count - 1). */
  abstract childCount(depth: i32): i32;
  /** Delivers the integer `n` to `out` as a NUMBER. */
  abstract emitNumber(out: MatchTarget, n: i32): void;
}
