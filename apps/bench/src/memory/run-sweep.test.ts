// The sweep's plumbing on tiny rows: both plugins and the JS heap are reported per row, every
// exchange is recorded with its usage (or counted), and the preset's configuration is accepted.
import { describe, expect, it } from "vitest";
import { runSweepRow, sweepRows } from "./run-sweep.js";
import { svgSweepChart } from "./svg-sweep-chart.js";

describe("pnpm bench memory --sweep (tiny)", () => {
  it("rows: the article's configuration at each concurrency, then use_default_attributes with long answers", () => {
    const rows = sweepRows([1, 64, 1000, 5000]);
    expect(rows.map((r) => [r.preset, r.concurrency])).toEqual([
      ["article", 1],
      ["article", 64],
      ["article", 1000],
      ["article", 5000],
      ["use_default_attributes", 64],
      ["use_default_attributes", 1000],
    ]);
    expect(rows.every((r) => r.exchanges >= 2 * r.concurrency || r.exchanges >= 2000)).toBe(true);
  });

  it("reports plugin.wasm, naive_append and the node heap for a row, every exchange recorded", async () => {
    for (const preset of ["article", "use_default_attributes"] as const) {
      const r = await runSweepRow({ preset, concurrency: 24, exchanges: 150, exchangeBytes: 16 * 1024 }, 3);
      expect(r.arena.logged).toBe(150);
      expect(r.arena.peak_bytes).toBeGreaterThanOrEqual(r.arena.after_100_bytes);
      expect(r.naive_append.peak_bytes).toBeGreaterThan(0);
      expect(r.node.heap_after_bytes).toBeGreaterThan(0);
      expect(r.problems).toEqual([]);
    }
  });

  it("the chart", () => {
    const svg = svgSweepChart("t", [{ label: "a", color: "#000", points: [[1, 6 << 20], [5000, 6 << 20]] }], 6 << 20);
    expect(svg).toContain("<svg");
    expect(svg).toContain(">5000<");
  });
});
