// Where a JsonMatcher reports what the configured paths select. Each path yields at most one value
// per document, reported as onValueStart, zero or more onValueBytes pieces, onValueEnd. Pieces of
// different paths may interleave (a selected object can contain another path's selected string).
export abstract class JsonMatchSink {
  /** A value for `pathId` begins; `kind` is one of the KIND_* constants. */
  abstract onValueStart(pathId: i32, kind: i32): void;
  /**
   * The next piece of the value: decoded contents for a STRING (escapes resolved, UTF-8), the raw
   * JSON text for every other kind. `bytes` is only valid during the call.
   */
  abstract onValueBytes(pathId: i32, bytes: Uint8Array, start: i32, end: i32): void;
  /** The value is complete (or the document ended early: the matcher's status says so). */
  abstract onValueEnd(pathId: i32): void;
}
