import { describe, expect, it } from "vitest";
import { SeriesLimit, cutLabel } from "./series-limit.js";

describe("label caps", () => {
  it("cuts a label to its length without splitting a surrogate pair", () => {
    expect(cutLabel("gpt-4o", 10)).toBe("gpt-4o");
    expect(cutLabel("abcdef", 3)).toBe("abc");
    expect(cutLabel("ab😀cd", 3)).toBe("ab"); // the emoji's high surrogate would be the third unit
    expect(cutLabel("ab😀cd", 4)).toBe("ab😀");
  });

  it("keeps maxSeries label sets per metric, sends new ones to `other` and counts them", () => {
    const s = new SeriesLimit();
    const limits = { maxSeries: 2, maxLabelLength: 4 };
    const names = ["a", "b"];
    expect(s.labels("m", names, ["x", "y"], limits)).toEqual({ a: "x", b: "y" });
    expect(s.labels("m", names, ["longer", "y"], limits)).toEqual({ a: "long", b: "y" });
    expect(s.labels("m", names, ["longest", "y"], limits)).toEqual({ a: "long", b: "y" }); // the same set once cut
    expect(s.labels("m", names, ["z", "y"], limits)).toEqual({ a: "other", b: "other" });
    expect(s.labels("n", names, ["z", "y"], limits)).toEqual({ a: "z", b: "y" }); // per metric
    expect(s.labels("m", names, ["x", "y"], limits)).toEqual({ a: "x", b: "y" }); // known sets still count
    expect(s.overflowed).toBe(1);
  });
});
