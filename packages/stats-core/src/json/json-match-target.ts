// A MatchTarget receives the values one step of a path selects: the user's sink, a gate holding an
// element's value until its query condition is decided, the joiner building a `#.` array, a query
// condition, a slot in the arena… Every target takes at most one value per scope ("first hit wins",
// as gjson's depth-first search returns the first value it finds); its owner resets the scope.

/** The target does not want this value (it already has one in this scope). */
export const TAKE_REFUSED: i32 = 0;
/** The target takes the value and wants its bytes. */
export const TAKE_BYTES: i32 = 1;
/** The target takes the value but only needs its kind and end (e.g. an existence check). */
export const TAKE_NO_BYTES: i32 = 2;

export abstract class MatchTarget {
  /** Index in the matcher's target table (the consumer stack stores ids, not references). */
  id: i32 = 0;
  /** Wants strings as raw JSON text (quotes and escapes as in the input) instead of decoded. */
  raw: bool = false;
  /**
   * Builds JSON text out of the values it takes (an array being joined): a held value that lost
   * bytes is left out rather than making the whole text unparseable.
   */
  wholeValues: bool = false;
  /** A value has begun in the current scope. */
  taken: bool = false;
  /** A value has ended in the current scope: nothing more will be accepted. */
  done: bool = false;
  /**
   * Bumped whenever the scope restarts. A piped step (`a|b`, `a.@reverse`) or a `#(…)` that has
   * chosen its candidate remembers the scope it chose in, and ignores later candidates there.
   */
  scope: i32 = 0;
  /**
   * A piped step or a `#(…)` found its candidate in this scope: in gjson that is a hit that ends
   * the search even when the rest of the path then finds nothing.
   */
  hit: bool = false;

  /** The user's sink itself, taking what a plain name/index path selects (json-template.ts). */
  plainSink(): bool {
    return false;
  }

  abstract begin(kind: i32): i32;
  abstract bytes(src: Uint8Array, start: i32, end: i32): void;
  abstract end(): void;

  /** Starts a new scope. */
  reset(): void {
    this.taken = false;
    this.done = false;
    this.hit = false;
    this.scope++;
  }

  /** The document ended before the value did: close whatever was already handed on. */
  abort(): void {}
}
