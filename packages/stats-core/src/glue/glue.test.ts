import { describe, expect, it } from "vitest";
import { builds, jsBuild, wasmBuild } from "../testing/builds.node";

describe.each(builds)("target glue on the $name build", (build) => {
  it.each([
    [1, 2000, 1],
    [17, 2000, 2],
    [4096, 3000, 3],
    [65536, 500, 4],
  ])("findByte matches a plain loop over %i bytes", (size, rounds, seed) => {
    expect(build.glueTrace(size, rounds, seed)).toMatch(/^ok \d+ memmove/);
  });
});

describe("target glue builds agree", () => {
  it("memmove results are identical", () => {
    expect(wasmBuild.glueTrace(300, 100, 9)).toBe(jsBuild.glueTrace(300, 100, 9));
  });
});
