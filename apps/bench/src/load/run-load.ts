// `pnpm bench load`: apps/gateway under load over loopback. The gateway's mock upstream (no delays)
// in its own process, two gateway processes — statistics off and on — in front of it, autocannon in
// this process as the client, each pinned to a core where the machine allows. For streaming and
// non-streaming chat completions at several connection counts, off and on are measured in turn
// (round-robin, the order alternating) and the median of the rounds is reported: requests/s, p50 /
// p99 latency and time to first byte, the gateways' RSS. Then the long-stream variant: `longStreams`
// concurrent slow streams (the mock's inter-token delays) through a fresh gateway with statistics on,
// every byte hashed against the mock's own answer, every final record counted, RSS sampled.
// Writes bench-results/load.json (PRODUCT §7) and load.svg.
import { readFileSync, statSync } from "node:fs";
import { type CellResult, type Mode, PERCENTILES, drive } from "./drive.js";
import { type LongStreamResult, longStreams } from "./long-streams.js";
import { type GatewayProcess, type Pinning, planPinning, sampleRss, startGatewayProcess, startMock } from "./processes.js";
import { svgLatencyChart } from "./svg-latency-chart.js";
import { writeResult } from "../report/write-results.js";

export interface LoadOptions {
  connections: number[];
  /**
   * Fixed offered rates (req/s, over `rateConnections` connections; autocannon's overallRate).
   * None by default: autocannon spends each connection's share of a second's requests back to back
   * at the start of the second, so these cells queue like a closed loop at that many connections.
   * One connection, closed loop, is the cell without queueing.
   */
  rates: number[];
  rateConnections: number;
  /** Measured seconds per cell and round. */
  seconds: number;
  /** Warm-up seconds before each measured cell. */
  warmupSeconds: number;
  rounds: number;
  modes: Mode[];
  /** Concurrent slow streams of the long-stream variant (0: skip it). */
  longStreams: number;
  longSeconds: number;
  /** MOCK_DELAY_MS of the long-stream variant's upstream. */
  longDelay: string;
  /** Run the long streams through a statistics-off gateway first, for comparison. */
  longOff: boolean;
  /** Write bench-results/load.json and load.svg (the plumbing test does not). */
  write: boolean;
  /** Pin the client (this process), gateway and upstream to cores (the plumbing test does not). */
  pin: boolean;
  log?: (line: string) => void;
}

export const DEFAULT_LOAD: LoadOptions = {
  connections: [1, 16, 64, 256],
  rates: [],
  rateConnections: 16,
  seconds: 5,
  warmupSeconds: 1,
  rounds: 3,
  modes: ["stream", "json"],
  longStreams: 1000,
  longSeconds: 60,
  longDelay: "20-40",
  longOff: true,
  write: true,
  pin: true,
};

/** Targets (issue 13): statistics on costs at most this against off. */
export const TARGET_RPS_COST = 0.1;
export const TARGET_P99_TTFB_MS = 1;

type Stats = "off" | "on";
export interface CellSummary extends CellResult {
  connections: number;
}
export interface Comparison {
  mode: Mode;
  connections: number;
  /** The fixed offered rate (req/s), or null for a closed loop (saturation). */
  rate: number | null;
  off: CellSummary;
  on: CellSummary;
  /** 1 − on.rps / off.rps. */
  rps_cost: number;
  /** on.p99_ttfb_ms − off.p99_ttfb_ms. */
  p99_ttfb_delta_ms: number;
  p99_delta_ms: number;
  meets_target: boolean;
  /** Final records the statistics-on gateway wrote during these runs, and the bounds they must fall in. */
  records: { final: number; completed: number; in_flight_at_stop: number; ok: boolean };
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const r3 = (x: number) => Math.round(x * 1000) / 1000;

/** The median of each figure over the rounds (figure by figure). */
export function medianCell(rounds: CellResult[], connections: number): CellSummary {
  const pick = (f: (c: CellResult) => number) => r3(median(rounds.map(f)));
  return {
    connections,
    requests: rounds.reduce((n, c) => n + c.requests, 0),
    seconds: rounds.reduce((n, c) => n + c.seconds, 0),
    rps: pick((c) => c.rps),
    non_2xx: rounds.reduce((n, c) => n + c.non_2xx, 0),
    errors: rounds.reduce((n, c) => n + c.errors, 0),
    timeouts: rounds.reduce((n, c) => n + c.timeouts, 0),
    p50_ms: pick((c) => c.p50_ms),
    p90_ms: pick((c) => c.p90_ms),
    p99_ms: pick((c) => c.p99_ms),
    p50_ttfb_ms: pick((c) => c.p50_ttfb_ms),
    p90_ttfb_ms: pick((c) => c.p90_ttfb_ms),
    p99_ttfb_ms: pick((c) => c.p99_ttfb_ms),
    latency_percentiles_ms: PERCENTILES.map((_, i) => pick((c) => c.latency_percentiles_ms[i]!)),
    ttfb_percentiles_ms: PERCENTILES.map((_, i) => pick((c) => c.ttfb_percentiles_ms[i]!)),
  };
}

/** Final records (lines with llm_service_duration) written to `file` from byte `from` on. */
function finalRecordsSince(file: string, from: number): { final: number; end: number } {
  const end = statSync(file).size;
  if (end <= from) return { final: 0, end };
  const text = readFileSync(file).subarray(from, end).toString("utf8");
  let final = 0;
  for (let at = text.indexOf('"llm_service_duration":'); at !== -1; at = text.indexOf('"llm_service_duration":', at + 1)) final++;
  return { final, end };
}

/** RSS flatness over `[ms, bytes]` samples of a run of `ms` milliseconds: warm-up is the first third. */
export function rssFlatness(series: [number, number][], ms: number) {
  const warmEnd = ms / 3;
  const mid = warmEnd + (ms - warmEnd) / 2;
  const peak = (xs: [number, number][]) => Math.max(0, ...xs.map((x) => x[1]));
  const warm = series.filter((x) => x[0] <= warmEnd);
  const first = series.filter((x) => x[0] > warmEnd && x[0] <= mid);
  const second = series.filter((x) => x[0] > mid);
  const a = peak(first);
  const b = peak(second);
  return {
    rss_after_warmup_bytes: warm.at(-1)?.[1] ?? 0,
    rss_peak_after_warmup_bytes: Math.max(a, b),
    rss_peak_first_half_bytes: a,
    rss_peak_second_half_bytes: b,
    rss_final_bytes: series.at(-1)?.[1] ?? 0,
    rss_flat: b <= a * 1.1,
  };
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export interface RssSummary {
  start_bytes: number;
  peak_bytes: number;
  final_bytes: number;
  /** [ms since the gateway started being sampled, bytes]. */
  series: [number, number][];
}
const rssSummary = (series: [number, number][]): RssSummary => ({
  start_bytes: series[0]?.[1] ?? 0,
  peak_bytes: Math.max(0, ...series.map((s) => s[1])),
  final_bytes: series.at(-1)?.[1] ?? 0,
  series,
});

export interface LongStreamSummary extends LongStreamResult {
  statistics: boolean;
  delay_ms: string;
  final_records: number;
  every_record_written: boolean;
  every_byte_delivered: boolean;
  /** RSS at the end of the warm-up (the first third of the run), the peak after it, the final. */
  rss_after_warmup_bytes: number;
  rss_peak_after_warmup_bytes: number;
  /** The peaks of the first and second half of the time after warm-up. */
  rss_peak_first_half_bytes: number;
  rss_peak_second_half_bytes: number;
  rss_final_bytes: number;
  /** The second half's peak ≤ 1.1 × the first half's: no growth once warm (GC noise allowed). */
  rss_flat: boolean;
  rss_series: [number, number][];
}

export interface LoadResult {
  stream?: Record<Stats, CellSummary> & { connections: number };
  json?: Record<Stats, CellSummary> & { connections: number };
  pinning: Pinning;
  node: string;
  options: Omit<LoadOptions, "log" | "write" | "pin">;
  comparisons: Comparison[];
  meets_targets: boolean;
  rss: Record<Stats, RssSummary>;
  long_streams: LongStreamSummary | null;
  /** The same long run through a statistics-off gateway (--long-off), for comparison. */
  long_streams_off: LongStreamSummary | null;
  problems: string[];
  rounds: { mode: Mode; connections: number; rate: number | null; statistics: Stats; round: number; result: CellResult }[];
}

export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const log = options.log ?? ((l: string) => console.log(l));
  const pinning: Pinning = options.pin ? planPinning(true) : { cores: 0, client: null, gateway: null, upstream: null, note: "not pinned (pin: false)" };
  log(`load: ${pinning.note}`);
  const problems: string[] = [];
  const mock = await startMock("0", pinning.upstream);
  const gateways: Record<Stats, GatewayProcess | null> = { off: null, on: null };
  let long: LongStreamSummary | null = null;
  let longOff: LongStreamSummary | null = null;
  const comparisons: Comparison[] = [];
  const rounds: LoadResult["rounds"] = [];
  let rss: Record<Stats, RssSummary>;
  try {
    gateways.off = await startGatewayProcess(mock.url, false, pinning.gateway);
    gateways.on = await startGatewayProcess(mock.url, true, pinning.gateway);
    const samplers = { off: sampleRss(gateways.off.pid), on: sampleRss(gateways.on.pid) };
    let logAt = 0;
    for (const mode of options.modes) {
      const cellsToRun: [number, number | null][] = [...options.connections.map((c) => [c, null] as [number, null]), ...options.rates.map((r) => [options.rateConnections, r] as [number, number])];
      for (const [connections, rate] of cellsToRun) {
        const cells: Record<Stats, CellResult[]> = { off: [], on: [] };
        let completedOn = 0;
        let finalOn = 0;
        let runsOn = 0;
        for (let round = 0; round < options.rounds; round++) {
          for (const stats of (round % 2 === 0 ? ["off", "on"] : ["on", "off"]) as Stats[]) {
            const g = gateways[stats]!;
            if (options.warmupSeconds > 0) {
              const w = await drive(g.url, mode, connections, options.warmupSeconds, rate ?? undefined);
              if (stats === "on") {
                completedOn += w.requests;
                runsOn++;
              }
            }
            const c = await drive(g.url, mode, connections, options.seconds, rate ?? undefined);
            cells[stats].push(c);
            rounds.push({ mode, connections, rate, statistics: stats, round, result: c });
            if (stats === "on") {
              completedOn += c.requests;
              runsOn++;
            }
            if (c.non_2xx || c.errors || c.timeouts) problems.push(`${mode} ${connections} conns${rate ? ` at ${rate} req/s` : ""} statistics ${stats} round ${round}: ${c.non_2xx} non-2xx, ${c.errors} errors, ${c.timeouts} timeouts`);
          }
        }
        await sleep(300);
        const counted = finalRecordsSince(gateways.on.logFile, logAt);
        logAt = counted.end;
        finalOn += counted.final;
        const off = medianCell(cells.off, connections);
        const on = medianCell(cells.on, connections);
        const rpsCost = r3(1 - on.rps / off.rps);
        const ttfbDelta = r3(on.p99_ttfb_ms - off.p99_ttfb_ms);
        const inFlight = runsOn * connections;
        const recordsOk = finalOn >= completedOn && finalOn <= completedOn + inFlight;
        if (!recordsOk) problems.push(`${mode} ${connections} conns${rate ? ` at ${rate} req/s` : ""}: ${finalOn} final records for ${completedOn} completed requests (at most ${inFlight} more were cut at the runs' ends)`);
        const cmp: Comparison = {
          mode,
          connections,
          rate,
          off,
          on,
          rps_cost: rpsCost,
          p99_ttfb_delta_ms: ttfbDelta,
          p99_delta_ms: r3(on.p99_ms - off.p99_ms),
          meets_target: rpsCost <= TARGET_RPS_COST && ttfbDelta <= TARGET_P99_TTFB_MS,
          records: { final: finalOn, completed: completedOn, in_flight_at_stop: inFlight, ok: recordsOk },
        };
        comparisons.push(cmp);
        log(
          `  ${mode.padEnd(6)} ${String(connections).padStart(4)} conns ${rate ? `@${rate}/s`.padEnd(7) : "       "} off ${off.rps.toFixed(0).padStart(6)} req/s p50 ${off.p50_ms.toFixed(2)} p99 ${off.p99_ms.toFixed(2)} ttfb p50 ${off.p50_ttfb_ms.toFixed(2)} p99 ${off.p99_ttfb_ms.toFixed(2)} ms | ` +
            `on ${on.rps.toFixed(0).padStart(6)} req/s p50 ${on.p50_ms.toFixed(2)} p99 ${on.p99_ms.toFixed(2)} ttfb p50 ${on.p50_ttfb_ms.toFixed(2)} p99 ${on.p99_ttfb_ms.toFixed(2)} ms | ` +
            `cost ${(rpsCost * 100).toFixed(1)} % req/s, ${ttfbDelta >= 0 ? "+" : ""}${ttfbDelta.toFixed(2)} ms p99 ttfb${cmp.meets_target ? "" : "  (target missed)"}`,
        );
      }
    }
    rss = { off: rssSummary(samplers.off.stop()), on: rssSummary(samplers.on.stop()) };
    await gateways.off.stop();
    await gateways.on.stop();
    gateways.off = gateways.on = null;

    if (options.longStreams > 0) {
      const slow = await startMock(options.longDelay, pinning.upstream);
      try {
        // Off first, as the comparison: is a queue (TTFB) the statistics' or the gateway's own?
        if (options.longOff) longOff = await longRun(false);
        long = await longRun(true);
      } finally {
        await slow.stop();
      }

      async function longRun(statistics: boolean): Promise<LongStreamSummary> {
        let g: GatewayProcess | null = null;
        try {
          g = await startGatewayProcess(slow.url, statistics, pinning.gateway, Math.max(4096, options.longStreams * 2));
          const sampler = sampleRss(g.pid, 500);
          const label = `long streams, statistics ${statistics ? "on" : "off"}`;
          log(`  ${label}: ${options.longStreams} concurrent streams (MOCK_DELAY_MS=${options.longDelay}) for ${options.longSeconds} s`);
          const r = await longStreams(g.url, mock.url, options.longStreams, options.longSeconds);
          await sleep(500);
          const series = sampler.stop();
          const records = statistics ? finalRecordsSince(g.logFile, 0).final : 0;
          const flat = rssFlatness(series, options.longSeconds * 1000);
          const started = r.completed + r.mismatched + r.failed;
          const out: LongStreamSummary = {
            ...r,
            statistics,
            delay_ms: options.longDelay,
            final_records: records,
            every_record_written: statistics ? records === started : true,
            every_byte_delivered: r.mismatched === 0 && r.failed === 0 && r.completed > 0,
            ...flat,
            rss_series: series,
          };
          if (!out.every_record_written) problems.push(`${label}: ${records} final records for ${started} streams`);
          if (!out.every_byte_delivered) problems.push(`${label}: ${r.mismatched} streams with other bytes than the mock's, ${r.failed} failed`);
          const mib = (b: number) => (b / 1048576).toFixed(1);
          log(
            `    ${r.completed} streams complete and byte-identical (${r.mismatched} mismatched, ${r.failed} failed), ${records} final records; ` +
              `ttfb p50 ${r.p50_ttfb_ms.toFixed(2)} p99 ${r.p99_ttfb_ms.toFixed(2)} ms; RSS after warm-up ${mib(out.rss_after_warmup_bytes)} MiB, ` +
              `peak in the two halves after it ${mib(flat.rss_peak_first_half_bytes)} / ${mib(flat.rss_peak_second_half_bytes)} MiB, final ${mib(out.rss_final_bytes)} MiB${out.rss_flat ? " (flat)" : " (NOT flat)"}`,
          );
          return out;
        } finally {
          await g?.stop();
        }
      }
    }
  } finally {
    await gateways.off?.stop();
    await gateways.on?.stop();
    await mock.stop();
  }

  const headline = options.connections.includes(64) ? 64 : options.connections[Math.floor(options.connections.length / 2)]!;
  const result: LoadResult = {
    pinning,
    node: process.version,
    options: { connections: options.connections, rates: options.rates, rateConnections: options.rateConnections, seconds: options.seconds, warmupSeconds: options.warmupSeconds, rounds: options.rounds, modes: options.modes, longStreams: options.longStreams, longSeconds: options.longSeconds, longDelay: options.longDelay, longOff: options.longOff },
    comparisons,
    meets_targets: comparisons.every((c) => c.meets_target),
    rss,
    long_streams: long,
    long_streams_off: longOff,
    problems,
    rounds,
  };
  for (const mode of options.modes) {
    const c = comparisons.find((x) => x.mode === mode && x.connections === headline && x.rate === null)!;
    result[mode] = { connections: headline, off: c.off, on: c.on };
  }
  if (options.write) {
    const file = writeResult("load.json", JSON.stringify(result, null, 2) + "\n");
    const panels = options.modes.flatMap((mode) =>
      (["latency_percentiles_ms", "ttfb_percentiles_ms"] as const).map((field) => ({
        title: `${mode === "stream" ? "streaming" : "non-streaming"}: ${field === "ttfb_percentiles_ms" ? "time to first byte" : "whole response"}`,
        series: comparisons.filter((c) => c.mode === mode).map((c) => ({ label: c.rate ? `${c.connections} conns at ${c.rate} req/s` : `${c.connections} connections`, off: c.off[field], on: c.on[field] })),
      })),
    );
    writeResult("load.svg", svgLatencyChart("gateway latency percentiles, statistics on (solid) vs off (dashed)", PERCENTILES, panels));
    log(`  wrote ${file} and load.svg`);
  }
  for (const p of problems) log(`  problem: ${p}`);
  return result;
}
