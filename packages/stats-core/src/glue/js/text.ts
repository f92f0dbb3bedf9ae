// JavaScript implementations of the text primitives (see ../text.ts).

const utf8 = new TextDecoder();

/** The UTF-8 bytes buf[start, end) as a string (valid UTF-8: the caller wrote them). */
export function utf8ToString(buf: Uint8Array, start: i32, end: i32): string {
  return utf8.decode(buf.subarray(start, end));
}
