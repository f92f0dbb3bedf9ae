// Receives each top-level element of a streamed JSON array (see JsonArrayFramer). An abstract
// class rather than an interface: the portable subset compiles to wasm, where virtual dispatch
// works and interfaces do not.
export abstract class JsonElementSink {
  /**
   * One complete element: bytes[start, end), valid only during the call. `carried` is true when
   * the bytes are an arena copy (the element crossed a chunk boundary), false for a view of the
   * chunk being fed.
   */
  abstract onElement(bytes: Uint8Array, start: i32, end: i32, carried: bool): void;
}
