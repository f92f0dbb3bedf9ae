import { describe, expect, it } from "vitest";
import { builds, jsBuild, wasmBuild } from "../testing/builds.node";

/**
 * glueTrace's closing hash of its two overlapping moves, computed here with copyWithin (which
 * moves as memmove does): copyBytes(a, 8, a, 0, 32), then copyBytes(a, 0, a, 20, 40).
 */
function memmoveHash(): number {
  const a = Uint8Array.from({ length: 64 }, (_, i) => i);
  a.copyWithin(8, 0, 32);
  a.copyWithin(0, 20, 40);
  return a.reduce((sum, byte) => (sum * 31 + byte) % 1000003, 0);
}

describe.each(builds)("target glue on the $name build", (build) => {
  it.each([
    [1, 2000, 1],
    [17, 2000, 2],
    [4096, 3000, 3],
    [65536, 500, 4],
  ])("findByte matches a plain loop over %i bytes", (size, rounds, seed) => {
    // Every round made its check (a mismatch would end the trace early with its description),
    // and the overlapping copies moved as memmove does.
    expect(build.glueTrace(size, rounds, seed)).toBe(`ok ${rounds} memmove ${memmoveHash()}`);
  });
});

describe("target glue builds agree", () => {
  it("memmove results are identical", () => {
    expect(wasmBuild.glueTrace(300, 100, 9)).toBe(jsBuild.glueTrace(300, 100, 9));
  });
});

describe.each(builds)("f64ToI32 ($name build)", (build) => {
  it("truncates toward zero and saturates, as wasm's i32.trunc_sat_f64_s", () => {
    const values = Float64Array.from([0.5, -0.5, 7.9, -7.9, 1e10, -1e10, NaN, Infinity, -Infinity, 2147483647.5, -2147483648.7, 3, -0]);
    expect(build.glueIntTrace(values)).toBe("0 0 7 -7 2147483647 -2147483648 0 2147483647 -2147483648 2147483647 -2147483648 3 0");
  });
});

describe("JavaScript glue fast paths", () => {
  it("copyBytes: short copies between arrays, and overlapping ones within one buffer, as memmove", async () => {
    const { copyBytes } = await import("./js/target");
    for (let n = 0; n <= 80; n++) {
      const src = Uint8Array.from({ length: 100 }, (_, i) => (i * 7 + 3) & 0xff);
      const dst = new Uint8Array(120);
      copyBytes(dst, 5, src, 10, 10 + n);
      expect(Array.from(dst.subarray(5, 5 + n))).toEqual(Array.from(src.subarray(10, 10 + n)));
      expect(dst[4]).toBe(0);
      expect(dst[5 + n]).toBe(0);
      // Two views of one buffer overlap: forward and backward moves.
      for (const [to, from] of [
        [3, 0],
        [0, 3],
      ] as const) {
        const a = Uint8Array.from({ length: 100 }, (_, i) => i);
        const expected = Uint8Array.from(a).copyWithin(to, from, from + Math.min(n, 90));
        copyBytes(a.subarray(to), 0, a.subarray(from), 0, Math.min(n, 90));
        expect(Array.from(a)).toEqual(Array.from(expected));
      }
    }
  });

  it("commonPrefix finds the first difference at every place, for ranges at any alignment", async () => {
    const { commonPrefix } = await import("./js/target");
    const a = Uint8Array.from({ length: 400 }, (_, i) => (i * 13 + 1) & 0xff);
    for (const n of [0, 1, 7, 8, 9, 15, 16, 17, 63, 64, 100, 255, 256, 300]) {
      for (const offset of [0, 1, 3, 5]) {
        const b = new Uint8Array(n + 11);
        b.set(a.subarray(offset, offset + n), 2);
        expect(commonPrefix(a, offset, b, 2, n)).toBe(n);
        for (let d = 0; d < n; d++) {
          b[2 + d] ^= 0x40;
          expect(commonPrefix(a, offset, b, 2, n)).toBe(d);
          b[2 + d] ^= 0x40;
        }
      }
    }
  });
});
