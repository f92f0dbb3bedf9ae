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
