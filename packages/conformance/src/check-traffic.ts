// PRODUCT §4 for every case: the client receives exactly the response bytes, in the same chunks,
// and the upstream receives exactly the request bytes, in the same chunks. Zero-length chunks are
// ignored on both sides: no host can observe a chunk that carries no bytes.
import type { Mismatch } from "./deep-subset.js";
import { showBytes } from "./format-value.js";

function totalLength(chunks: readonly Uint8Array[]): number {
  return chunks.reduce((n, c) => n + c.length, 0);
}

function concat(chunks: readonly Uint8Array[]): Uint8Array {
  return Buffer.concat(chunks.map((c) => Buffer.from(c.buffer, c.byteOffset, c.length)));
}

function firstByteDifference(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i;
  return n;
}

/** Compares what a side of the proxy saw with what the case sent; `side` names it in the diff. */
export function checkTraffic(
  side: "client" | "upstream",
  expectedChunks: readonly Uint8Array[],
  actualChunks: readonly Uint8Array[],
  out: Mismatch[],
): void {
  const expected = expectedChunks.filter((c) => c.length > 0);
  const actual = actualChunks.filter((c) => c.length > 0);
  const whole = [concat(expected), concat(actual)] as const;
  const at = firstByteDifference(whole[0], whole[1]);
  if (at < whole[0].length || at < whole[1].length) {
    out.push({
      path: `${side} bytes`,
      message:
        `expected ${totalLength(expected)} bytes, got ${totalLength(actual)}; first difference at byte ${at}: ` +
        `expected ${showBytes(whole[0], at)}, got ${showBytes(whole[1], at)}`,
    });
    return;
  }
  if (expected.length !== actual.length) {
    out.push({
      path: `${side} chunks`,
      message: `same bytes but expected ${expected.length} chunk(s), got ${actual.length}: chunk boundaries changed`,
    });
    return;
  }
  for (let i = 0; i < expected.length; i++) {
    if (expected[i]!.length !== actual[i]!.length) {
      out.push({
        path: `${side} chunk ${i}`,
        message: `same bytes but the chunk holds ${actual[i]!.length} bytes instead of ${expected[i]!.length}: chunk boundaries changed`,
      });
      return;
    }
  }
}
