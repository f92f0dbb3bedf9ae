// Renders bytes for the SSE / JSON-array traces: printable ASCII as is, `"` and `\` escaped,
// everything else (controls, every byte of a multi-byte UTF-8 character) as \xHH, so a trace shows
// exactly which bytes were framed and reads the same from the JS and wasm builds.
const HEX = "0123456789abcdef";

export function bytesText(bytes: Uint8Array, start: i32, end: i32): string {
  const parts = new Array<string>(0);
  for (let i = start; i < end; i++) {
    const b: i32 = bytes[i];
    if (b == 0x22) parts.push("\\\"");
    else if (b == 0x5c) parts.push("\\\\");
    else if (b >= 0x20 && b < 0x7f) parts.push(String.fromCharCode(b));
    else parts.push("\\x" + HEX.charAt(b >> 4) + HEX.charAt(b & 15));
  }
  return parts.join("");
}

/** Copies src[start, end) into a new array: the trace's way of making a "network chunk". */
export function copyChunk(src: Uint8Array, start: i32, end: i32): Uint8Array {
  const out = new Uint8Array(end - start);
  for (let i = start; i < end; i++) out[i - start] = src[i];
  return out;
}
