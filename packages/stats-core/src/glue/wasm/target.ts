// WebAssembly implementations of the target-specific primitives (see ../target.ts): the same
// signatures as ../js/target.ts, compiled by asc only.

/** Copies src[start, end) to dst at dstOffset; the ranges may overlap (memory.copy is a memmove). */
// @ts-ignore: decorator
@inline
export function copyBytes(dst: Uint8Array, dstOffset: i32, src: Uint8Array, start: i32, end: i32): void {
  memory.copy(dst.dataStart + <usize>dstOffset, src.dataStart + <usize>start, <usize>(end - start));
}
