// JavaScript implementations of the target-specific primitives (see ../target.ts).

/**
 * An untrusted f64 (a number from traffic) as an i32: truncated toward zero, saturated at the i32
 * range, NaN as 0 — what wasm's i32.trunc_sat_f64_s does. A bare `<i32>x` converts in wasm and
 * does nothing in JavaScript (0.5 stays 0.5), so the builds would disagree.
 */
export function f64ToI32(x: f64): i32 {
  if (!(x === x)) return 0;
  if (x >= 2147483647) return 2147483647;
  if (x <= -2147483648) return -2147483648;
  return Math.trunc(x) | 0;
}

/** Ranges up to this long are copied by a plain loop: `subarray` allocates a view per call. */
const SHORT_COPY_BYTES: i32 = 64;

/** Copies src[start, end) to dst at dstOffset; the ranges may overlap (memmove). */
export function copyBytes(dst: Uint8Array, dstOffset: i32, src: Uint8Array, start: i32, end: i32): void {
  const n = end - start;
  // Most copies are short (a text delta, a carried event's head): TypedArray#set needs a
  // `subarray` view of the source, an allocation that costs more than copying ~64 bytes by hand.
  // Views of one buffer may overlap: those keep `set`, which is a memmove.
  if (n <= SHORT_COPY_BYTES && dst.buffer !== src.buffer) {
    for (let k = 0; k < n; k++) dst[dstOffset + k] = src[start + k];
    return;
  }
  dst.set(src.subarray(start, end), dstOffset);
}

/**
 * buf[i] as an i32, for the hottest byte loops; the caller guarantees 0 <= i < buf.length. In
 * wasm it skips the bounds check an indexed read makes.
 */
export function loadByte(buf: Uint8Array, i: i32): i32 {
  return buf[i];
}

/** buf[i] = v (a byte); the caller guarantees 0 <= i < buf.length (in wasm: no bounds check). */
export function storeByte(buf: Uint8Array, i: i32, v: i32): void {
  buf[i] = v;
}

/** a[i] of an array of objects; the caller guarantees 0 <= i < a.length (in wasm: unchecked). */
export function elementAt<T>(a: Array<T>, i: i32): T {
  return a[i];
}

/** a[i]; the caller guarantees 0 <= i < a.length (in wasm: no bounds check). */
export function loadI32(a: Int32Array, i: i32): i32 {
  return a[i];
}

/** a[i] = v; the caller guarantees 0 <= i < a.length (in wasm: no bounds check). */
export function storeI32(a: Int32Array, i: i32, v: i32): void {
  a[i] = v;
}

/**
 * Ranges shorter than this are better scanned by a plain loop than by findByte: in V8 the call
 * into TypedArray#indexOf costs about as much as looping over ~64 bytes (measured on the matcher's
 * per-string skip, where most strings of an OpenAI chunk are 10–40 bytes).
 */
export const SHORT_SCAN_BYTES: i32 = 64;

/** `Buffer.prototype.indexOf` and `compare` as far as findByte and commonPrefix use them. */
declare class HostBuffer {
  indexOf(value: number, byteOffset: number): number;
  compare(target: Uint8Array, targetStart: number, targetEnd: number, sourceStart: number, sourceEnd: number): number;
}

// Node's (and Bun's) Buffer#indexOf with a number is a real memchr, and works on any Uint8Array;
// V8's TypedArray#indexOf is an element-by-element loop, ~5x slower on a 270-byte SSE line. Edge
// runtimes without Buffer keep TypedArray#indexOf.
const memchr: HostBuffer["indexOf"] | null = hostIndexOf();

const memcmp: HostBuffer["compare"] | null = hostCompare();

function hostCompare(): HostBuffer["compare"] | null {
  const host = globalThis as unknown as { Buffer?: { prototype?: Partial<HostBuffer> } };
  const fn = host.Buffer?.prototype?.compare;
  return typeof fn === "function" ? fn : null;
}

function hostIndexOf(): HostBuffer["indexOf"] | null {
  const host = globalThis as unknown as { Buffer?: { prototype?: Partial<HostBuffer> } };
  const fn = host.Buffer?.prototype?.indexOf;
  return typeof fn === "function" ? fn : null;
}

/**
 * Index of the first `byte` in buf[from, to), or `to`. A native search (memchr) beats an indexed
 * loop, but it searches to the end of the whole array: it is used only when the bytes past `to`
 * are not many more than the range itself (always so for a whole chunk), which keeps a search
 * O(range) when callers look at small ranges of a huge array.
 */
export function findByte(buf: Uint8Array, byte: i32, from: i32, to: i32): i32 {
  if (from >= to) return to;
  if (buf.length - to <= ((to - from) << 2) + 64) {
    const at = memchr != null ? memchr.call(buf, byte, from) : buf.indexOf(byte, from);
    return at < 0 || at > to ? to : at;
  }
  for (let i = from; i < to; i++) if (buf[i] == byte) return i;
  return to;
}

const utf8 = new TextDecoder();

/** The UTF-8 bytes buf[start, end) as a string (the bytes are valid UTF-8: the caller wrote them). */
export function utf8ToString(buf: Uint8Array, start: i32, end: i32): string {
  return utf8.decode(buf.subarray(start, end));
}

// DataViews for commonPrefix, cached for the last arrays seen: the template side is one array for a
// matcher's life; the document side is the chunk being fed for the events inside it, or the
// arena's bytes for an event carried across chunks, so two entries are kept there. DataView#getInt32
// compiles to a plain (bounds-checked) load in V8's optimizing tier, where assembling a word from
// four indexed reads costs four loads and the shifts.
let viewA: DataView | null = null;
let viewASource: Uint8Array | null = null;
let viewA2: DataView | null = null;
let viewA2Source: Uint8Array | null = null;
let viewB: DataView | null = null;
let viewBSource: Uint8Array | null = null;

function viewOf(buf: Uint8Array): DataView {
  return new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
}

function documentView(a: Uint8Array): DataView {
  if (a === viewASource && viewA != null && viewA.byteLength == a.byteLength) return viewA;
  if (a === viewA2Source && viewA2 != null && viewA2.byteLength == a.byteLength) {
    // Swap, so that the entry used last is first.
    const v = viewA2;
    viewA2 = viewA;
    viewA2Source = viewASource;
    viewA = v;
    viewASource = a;
    return v;
  }
  viewA2 = viewA;
  viewA2Source = viewASource;
  const v = viewOf(a);
  viewA = v;
  viewASource = a;
  return v;
}

/**
 * How many leading bytes of a[aFrom, aFrom + n) equal b[bFrom, bFrom + n): n when all do. The
 * caller guarantees both ranges lie inside their arrays. (In wasm: 16 bytes a step with SIMD.)
 */
export function commonPrefix(a: Uint8Array, aFrom: i32, b: Uint8Array, bFrom: i32, n: i32): i32 {
  // Node's Buffer#compare on ranges is a memcmp with no allocation, but its call (argument checks,
  // the C++ crossing) costs about what comparing ~200 bytes by words does: it only answers "all
  // equal" for the long ranges.
  if (n >= 256 && memcmp != null && memcmp.call(a, b, bFrom, bFrom + n, aFrom, aFrom + n) == 0) return n;
  let i = 0;
  if (n >= 8) {
    const va = documentView(a);
    if (b !== viewBSource || viewB == null || viewB.byteLength != b.byteLength) {
      viewB = viewOf(b);
      viewBSource = b;
    }
    const vb = viewB;
    // Eight bytes a step as two 32-bit compares, then byte by byte where they differ.
    while (i + 8 <= n) {
      const x = aFrom + i;
      const y = bFrom + i;
      if (va.getInt32(x, true) != vb.getInt32(y, true) || va.getInt32(x + 4, true) != vb.getInt32(y + 4, true)) break;
      i += 8;
    }
  }
  while (i < n && a[aFrom + i] == b[bFrom + i]) i++;
  return i;
}

/**
 * Index of the first byte in buf[from, to) that stops a JSON string's plain run — '"', '\\' or a
 * control character below 0x20 — or `to`. (In wasm: 16 bytes a step with SIMD.)
 */
export function stringStop(buf: Uint8Array, from: i32, to: i32): i32 {
  for (let i = from; i < to; i++) {
    const c = buf[i];
    if (c == 0x22 || c == 0x5c || c < 0x20) return i;
  }
  return to;
}
