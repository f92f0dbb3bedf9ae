// The load suite's plumbing, tiny and unpinned: processes start and stop, both modes are measured
// with statistics off and on, every figure of PRODUCT §7's load.json is there, records are counted
// and the long-stream variant checks every byte. No timing is asserted: performance goals live in
// the bench's output.
import { describe, expect, it } from "vitest";
import { PERCENTILES, percentile, requestBodies } from "./drive.js";
import { medianCell, rssFlatness, runLoad } from "./run-load.js";
import { svgLatencyChart } from "./svg-latency-chart.js";

describe("pnpm bench load, plumbing", () => {
  it("measures stream and json, off and on, writes every load.json figure, and the long streams arrive byte for byte with one final record each", async () => {
    const lines: string[] = [];
    const r = await runLoad({
      connections: [2],
      rates: [20],
      rateConnections: 2,
      seconds: 1,
      warmupSeconds: 0,
      rounds: 1,
      modes: ["stream", "json"],
      longStreams: 8,
      longSeconds: 1,
      longDelay: "1-3",
      longOff: true,
      write: false,
      pin: false,
      log: (l) => lines.push(l),
    });
    expect(r.problems).toEqual([]);
    for (const mode of ["stream", "json"] as const) {
      for (const stats of ["off", "on"] as const) {
        const cell = r[mode]![stats];
        expect(cell.rps).toBeGreaterThan(0);
        expect(cell.p50_ttfb_ms).toBeGreaterThan(0);
        expect(cell.p99_ttfb_ms).toBeGreaterThanOrEqual(cell.p50_ttfb_ms);
        expect(cell.p99_ms).toBeGreaterThanOrEqual(cell.p99_ttfb_ms);
        expect(cell.latency_percentiles_ms).toHaveLength(PERCENTILES.length);
        expect(cell.non_2xx + cell.errors + cell.timeouts).toBe(0);
      }
    }
    expect(r.comparisons.map((c) => [c.mode, c.connections, c.rate])).toEqual([
      ["stream", 2, null],
      ["stream", 2, 20],
      ["json", 2, null],
      ["json", 2, 20],
    ]);
    for (const c of r.comparisons) {
      expect(c.records.ok).toBe(true);
      expect(c.records.final).toBeGreaterThanOrEqual(c.records.completed);
    }
    expect(r.rss.on.peak_bytes).toBeGreaterThan(0);
    expect(r.rss.off.series.length).toBeGreaterThan(0);
    const long = r.long_streams!;
    expect(long.completed).toBeGreaterThan(0);
    expect(long.every_byte_delivered).toBe(true);
    expect(long.every_record_written).toBe(true);
    expect(long.final_records).toBe(long.completed);
    expect(r.long_streams_off).toMatchObject({ statistics: false, every_byte_delivered: true, final_records: 0 });
    expect(lines.some((l) => l.includes("long streams"))).toBe(true);
  });

  it("percentiles, medians, record counting and the chart", () => {
    expect(percentile([1, 2, 3, 4], 50)).toBe(2);
    expect(percentile([1, 2, 3, 4], 99)).toBe(4);
    expect(percentile([], 50)).toBe(0);
    expect(requestBodies("stream", 3).every((b) => JSON.parse(b).stream === true)).toBe(true);
    expect(requestBodies("json", 3).some((b) => "stream" in JSON.parse(b))).toBe(false);
    const cell = (rps: number, p99: number) => ({
      requests: 10,
      seconds: 1,
      rps,
      non_2xx: 0,
      errors: 0,
      timeouts: 0,
      p50_ms: 1,
      p90_ms: 2,
      p99_ms: p99,
      p50_ttfb_ms: 1,
      p90_ttfb_ms: 1,
      p99_ttfb_ms: p99,
      latency_percentiles_ms: PERCENTILES.map(() => p99),
      ttfb_percentiles_ms: PERCENTILES.map(() => p99),
    });
    const m = medianCell([cell(100, 5), cell(300, 1), cell(200, 9)], 4);
    expect(m).toMatchObject({ connections: 4, rps: 200, p99_ms: 5, requests: 30 });
    const rising: [number, number][] = Array.from({ length: 30 }, (_, i) => [i * 1000, (100 + i * 5) * 1e6]);
    expect(rssFlatness(rising, 30_000).rss_flat).toBe(false);
    const plateau: [number, number][] = Array.from({ length: 30 }, (_, i) => [i * 1000, (i < 8 ? 100 + i * 20 : 280 + (i % 3) * 5) * 1e6]);
    expect(rssFlatness(plateau, 30_000)).toMatchObject({ rss_flat: true, rss_after_warmup_bytes: 285e6 });
    const svg = svgLatencyChart("t", PERCENTILES, [{ title: "p", series: [{ label: "4 connections", off: [1, 2, 3, 4, 5, 6], on: [1, 2, 3, 4, 5, 7] }] }]);
    expect(svg).toContain("<svg");
    expect(svg).toContain("4 connections");
    expect(svg.match(/<path /g)).toHaveLength(2);
  });
});
