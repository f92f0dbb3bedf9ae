// JavaScript implementations of the target-specific primitives (see ../target.ts).

/** Copies src[start, end) to dst at dstOffset; the ranges may overlap (memmove). */
export function copyBytes(dst: Uint8Array, dstOffset: i32, src: Uint8Array, start: i32, end: i32): void {
  dst.set(src.subarray(start, end), dstOffset);
}
