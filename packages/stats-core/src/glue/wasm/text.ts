// WebAssembly implementations of the text primitives (see ../text.ts), compiled by asc only.

/** The UTF-8 bytes buf[start, end) as a string (valid UTF-8: the caller wrote them). */
export function utf8ToString(buf: Uint8Array, start: i32, end: i32): string {
  return String.UTF8.decodeUnsafe(buf.dataStart + <usize>start, <usize>(end - start));
}
