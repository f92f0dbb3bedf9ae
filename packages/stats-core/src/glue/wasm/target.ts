// WebAssembly implementations of the target-specific primitives (see ../target.ts): the same
// signatures as ../js/target.ts, compiled by asc only (with --enable simd).

/**
 * An untrusted f64 as an i32: truncated toward zero, saturated, NaN as 0 (see the JS
 * implementation). Clamped explicitly, so it never traps even where asc's non-trapping
 * float-to-int conversions are disabled.
 */
// @ts-ignore: decorator
@inline
export function f64ToI32(x: f64): i32 {
  if (!(x == x)) return 0;
  if (x >= 2147483647.0) return 2147483647;
  if (x <= -2147483648.0) return -2147483648;
  return <i32>x;
}

/** Copies src[start, end) to dst at dstOffset; the ranges may overlap (memory.copy is a memmove). */
// @ts-ignore: decorator
@inline
export function copyBytes(dst: Uint8Array, dstOffset: i32, src: Uint8Array, start: i32, end: i32): void {
  memory.copy(dst.dataStart + <usize>dstOffset, src.dataStart + <usize>start, <usize>(end - start));
}

/** buf[i] with no bounds check: the caller guarantees 0 <= i < buf.length (see ../js/target.ts). */
// @ts-ignore: decorator
@inline
export function loadByte(buf: Uint8Array, i: i32): i32 {
  return <i32>load<u8>(buf.dataStart + <usize>i);
}

/** buf[i] = v with no bounds check (see ../js/target.ts). */
// @ts-ignore: decorator
@inline
export function storeByte(buf: Uint8Array, i: i32, v: i32): void {
  store<u8>(buf.dataStart + <usize>i, <u8>v);
}

/** a[i] of an array of objects with no bounds or null check (see ../js/target.ts). */
// @ts-ignore: decorator
@inline
export function elementAt<T>(a: Array<T>, i: i32): T {
  return unchecked(a[i]);
}

/**
 * a[i] with no bounds check (see ../js/target.ts). asc's checked Int32Array accessors are not
 * inlined at -O3 (their RangeError path is too big): each read was a call in the matcher's routing.
 */
// @ts-ignore: decorator
@inline
export function loadI32(a: Int32Array, i: i32): i32 {
  return load<i32>(a.dataStart + (<usize>i << 2));
}

/** a[i] = v with no bounds check (see ../js/target.ts). */
// @ts-ignore: decorator
@inline
export function storeI32(a: Int32Array, i: i32, v: i32): void {
  store<i32>(a.dataStart + (<usize>i << 2), v);
}

/** Ranges shorter than this are scanned by a plain loop rather than findByte (see ../js/target.ts). */
export const SHORT_SCAN_BYTES: i32 = 8;

/** Index of the first `byte` in buf[from, to), or `to`: 16 bytes per step with SIMD. */
export function findByte(buf: Uint8Array, byte: i32, from: i32, to: i32): i32 {
  if (from < 0) from = 0;
  if (to > buf.length) to = buf.length;
  const base = buf.dataStart;
  const needle = i8x16.splat(<i8>byte);
  let i = from;
  while (i + 16 <= to) {
    const mask = i8x16.bitmask(i8x16.eq(v128.load(base + <usize>i), needle));
    if (mask != 0) return i + <i32>ctz(mask);
    i += 16;
  }
  while (i < to) {
    if (<i32>load<u8>(base + <usize>i) == byte) return i;
    i++;
  }
  return to;
}

/** Leading bytes of a[aFrom, aFrom + n) equal to b[bFrom, bFrom + n) (see ../js/target.ts): 16 a step. */
export function commonPrefix(a: Uint8Array, aFrom: i32, b: Uint8Array, bFrom: i32, n: i32): i32 {
  const pa = a.dataStart + <usize>aFrom;
  const pb = b.dataStart + <usize>bFrom;
  let i = 0;
  while (i + 16 <= n) {
    const mask = i8x16.bitmask(i8x16.eq(v128.load(pa + <usize>i), v128.load(pb + <usize>i)));
    if (mask != 0xffff) return i + <i32>ctz(~mask);
    i += 16;
  }
  while (i + 8 <= n) {
    const x = load<u64>(pa + <usize>i) ^ load<u64>(pb + <usize>i);
    if (x != 0) return i + <i32>(ctz(x) >> 3);
    i += 8;
  }
  while (i < n && load<u8>(pa + <usize>i) == load<u8>(pb + <usize>i)) i++;
  return i;
}

/** The first '"', '\\' or control byte in buf[from, to), or `to` (see ../js/target.ts): 16 a step. */
export function stringStop(buf: Uint8Array, from: i32, to: i32): i32 {
  const base = buf.dataStart;
  const quote = i8x16.splat(0x22);
  const backslash = i8x16.splat(0x5c);
  const space = i8x16.splat(0x20);
  let i = from;
  while (i + 16 <= to) {
    const v = v128.load(base + <usize>i);
    const stop = v128.or(v128.or(i8x16.eq(v, quote), i8x16.eq(v, backslash)), i8x16.lt_u(v, space));
    const mask = i8x16.bitmask(stop);
    if (mask != 0) return i + <i32>ctz(mask);
    i += 16;
  }
  while (i < to) {
    const c = <i32>load<u8>(base + <usize>i);
    if (c == 0x22 || c == 0x5c || c < 0x20) return i;
    i++;
  }
  return to;
}
