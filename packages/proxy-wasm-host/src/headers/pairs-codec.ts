// The Proxy-Wasm map serialization (spec "Serialization"; proxy-wasm-cpp-host src/pairs_util.cc):
// u32 count, then count × (u32 key length, u32 value length), then count × (key, NUL, value, NUL),
// all little-endian. Used for header maps in both directions and for map/list property values.

export type BytePair = readonly [Uint8Array, Uint8Array];

/** proxy-wasm-cpp-host limits.h: larger buffers (or more pairs) parse as an empty map. */
export const PAIRS_MAX_BYTES = 1024 * 1024;
export const PAIRS_MAX_COUNT = 1024;

export function pairsSize(pairs: readonly BytePair[]): number {
  let size = 4;
  for (const [k, v] of pairs) size += 8 + k.length + 1 + v.length + 1;
  return size;
}

export function serializePairs(pairs: readonly BytePair[]): Uint8Array {
  const out = new Uint8Array(pairsSize(pairs));
  const view = new DataView(out.buffer);
  view.setUint32(0, pairs.length, true);
  let pos = 4;
  for (const [k, v] of pairs) {
    view.setUint32(pos, k.length, true);
    view.setUint32(pos + 4, v.length, true);
    pos += 8;
  }
  for (const [k, v] of pairs) {
    out.set(k, pos);
    pos += k.length + 1; // the NUL is already 0
    out.set(v, pos);
    pos += v.length + 1;
  }
  return out;
}

/**
 * Parses a serialized map exactly as Envoy does: anything malformed — short, a length past the
 * end, a missing NUL, trailing bytes, over the limits — yields an empty map, never an error.
 */
export function parsePairs(buffer: Uint8Array): BytePair[] {
  if (buffer.length > PAIRS_MAX_BYTES || buffer.length < 4) return [];
  const view = new DataView(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  const count = view.getUint32(0, true);
  if (count > PAIRS_MAX_COUNT || 4 + count * 8 > buffer.length) return [];
  const sizes: [number, number][] = [];
  let pos = 4;
  for (let i = 0; i < count; i++) {
    sizes.push([view.getUint32(pos, true), view.getUint32(pos + 4, true)]);
    pos += 8;
  }
  const pairs: BytePair[] = [];
  for (const [keyLen, valueLen] of sizes) {
    if (pos + keyLen + 1 > buffer.length || buffer[pos + keyLen] !== 0) return [];
    const key = buffer.slice(pos, pos + keyLen);
    pos += keyLen + 1;
    if (pos + valueLen + 1 > buffer.length || buffer[pos + valueLen] !== 0) return [];
    const value = buffer.slice(pos, pos + valueLen);
    pos += valueLen + 1;
    pairs.push([key, value]);
  }
  return pos === buffer.length ? pairs : [];
}
