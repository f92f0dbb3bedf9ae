// `pnpm bench memory --sweep`: the same interleaved run as `pnpm bench memory`, at several
// concurrencies (1, 64, 1,000, 5,000 open streams) with the seed article's configuration, and with
// the `use_default_attributes` preset (question, answer, reasoning, tool calls…, value_length_limit
// 10 MB) over long answers. Every row reports after_100 / peak / final for plugin.wasm and the
// naive-append plugin side by side, the JS Engine's heap, how many exchanges were recorded with
// their usage and what the plugin counted as dropped. Writes bench-results/memory-sweep.json and
// memory-sweep.svg (peak linear memory against concurrency, both plugins); exits 1 when a row's
// plugin.wasm is not within arena_bytes + 2 MiB or grew after warm-up.
import { runInterleaved, type LinearMemory } from "./interleaved-run.js";
import { ARTICLE_CONFIG, memoryWorkload } from "./memory-workload.js";
import { runNodeHeap } from "./node-heap-run.js";
import { DEFAULT_ARENA_BYTES, flatnessProblems, naiveWasm, pluginWasm } from "./run-memory.js";
import { svgSweepChart } from "./svg-sweep-chart.js";
import { writeResult } from "../report/write-results.js";

const KIB = 1024;
const MIB = 1024 * KIB;

export interface SweepRow {
  preset: "article" | "use_default_attributes";
  concurrency: number;
  exchanges: number;
  exchangeBytes: number;
}

export const DEFAULT_CONCURRENCIES = [1, 64, 1000, 5000];

/** The article's configuration at each concurrency (64 KiB answers), then the preset with long answers. */
export function sweepRows(concurrencies: number[], exchangeBytes = 64 * KIB): SweepRow[] {
  const rows: SweepRow[] = concurrencies.map((c) => ({ preset: "article", concurrency: c, exchanges: Math.max(2000, 2 * c), exchangeBytes }));
  rows.push({ preset: "use_default_attributes", concurrency: 64, exchanges: 400, exchangeBytes: MIB });
  rows.push({ preset: "use_default_attributes", concurrency: 1000, exchanges: 2000, exchangeBytes: MIB / 4 });
  return rows;
}

export const PRESET_CONFIG = { use_default_attributes: true };

const figures = (m: LinearMemory) => ({ after_100_bytes: m.after_100_bytes, peak_bytes: m.peak_bytes, final_bytes: m.final_bytes });
const mib = (b: number): string => `${(b / MIB).toFixed(1)}`;

export interface SweepResultRow extends SweepRow {
  arena: ReturnType<typeof figures> & { logged: number; drops: Record<string, number>; metrics_defined: number; seconds: number };
  naive_append: ReturnType<typeof figures>;
  node: { heap_baseline_bytes: number; heap_peak_bytes: number; heap_after_bytes: number };
  problems: string[];
}

export async function runSweepRow(row: SweepRow, seed = 42): Promise<SweepResultRow> {
  const config = JSON.stringify(row.preset === "article" ? ARTICLE_CONFIG : PRESET_CONFIG);
  const workload = memoryWorkload(row.exchangeBytes, 16, seed);
  const run = { exchanges: row.exchanges, concurrency: row.concurrency, pluginConfig: config };
  const arena = await runInterleaved(pluginWasm(), workload, run);
  const naive = await runInterleaved(naiveWasm(), workload, { ...run, pluginConfig: "" });
  const node = runNodeHeap(workload, row.exchanges, row.concurrency, config);
  const problems = flatnessProblems(arena, DEFAULT_ARENA_BYTES);
  const dropped = Object.values(arena.drops).reduce((a, b) => a + b, 0);
  if (arena.logged < row.exchanges && dropped === 0) problems.push(`${row.exchanges - arena.logged} exchanges neither recorded with their usage nor counted as dropped`);
  return {
    ...row,
    arena: { ...figures(arena), logged: arena.logged, drops: arena.drops, metrics_defined: arena.metrics_defined, seconds: Math.round(arena.seconds * 10) / 10 },
    naive_append: figures(naive),
    node: { heap_baseline_bytes: node.heap_baseline_bytes, heap_peak_bytes: node.heap_peak_bytes, heap_after_bytes: node.heap_after_bytes },
    problems,
  };
}

export async function runSweep(concurrencies: number[], exchangeBytes: number, seed: number): Promise<number> {
  const rows = sweepRows(concurrencies, exchangeBytes);
  console.log(`memory sweep: ${rows.length} runs, arena_bytes ${mib(DEFAULT_ARENA_BYTES)} MiB (bound ${mib(DEFAULT_ARENA_BYTES + 2 * MIB)} MiB); MiB = 2^20 bytes`);
  console.log("  preset                  conc  exchanges × size  | plugin.wasm after_100 / peak / final | naive after_100 / peak / final | node heap base / peak / after | recorded, dropped");
  const out: SweepResultRow[] = [];
  const began = performance.now();
  for (const row of rows) {
    const r = await runSweepRow(row, seed);
    out.push(r);
    const drops = Object.entries(r.arena.drops).map(([k, v]) => `${k} ${v}`).join(", ") || "none";
    console.log(
      `  ${r.preset.padEnd(22)} ${String(r.concurrency).padStart(5)}  ${String(r.exchanges).padStart(5)} × ${(r.exchangeBytes / KIB).toFixed(0).padStart(4)} KiB  | ` +
        `${mib(r.arena.after_100_bytes)} / ${mib(r.arena.peak_bytes)} / ${mib(r.arena.final_bytes)} | ` +
        `${mib(r.naive_append.after_100_bytes)} / ${mib(r.naive_append.peak_bytes)} / ${mib(r.naive_append.final_bytes)} | ` +
        `${mib(r.node.heap_baseline_bytes)} / ${mib(r.node.heap_peak_bytes)} / ${mib(r.node.heap_after_bytes)} | ${r.arena.logged}, ${drops}` +
        (r.problems.length ? `  — ${r.problems.join("; ")}` : ""),
    );
  }
  const result = {
    arena_bytes: DEFAULT_ARENA_BYTES,
    bound_bytes: DEFAULT_ARENA_BYTES + 2 * MIB,
    rows: out,
    flat: out.every((r) => r.problems.length === 0),
    seed,
    duration_s: Math.round((performance.now() - began) / 100) / 10,
    node_version: process.version,
    date: new Date().toISOString(),
  };
  const json = writeResult("memory-sweep.json", JSON.stringify(result, null, 2) + "\n");
  const article = out.filter((r) => r.preset === "article");
  const svg = writeResult(
    "memory-sweep.svg",
    svgSweepChart(
      `Proxy-Wasm peak linear memory against concurrency — ~${(exchangeBytes / KIB).toFixed(0)} KiB OpenAI streams`,
      [
        { label: "naive_append", color: "#eb5757", points: article.map((r) => [r.concurrency, r.naive_append.peak_bytes] as const) },
        { label: "aistats plugin.wasm", color: "#2f80ed", points: article.map((r) => [r.concurrency, r.arena.peak_bytes] as const) },
      ],
      DEFAULT_ARENA_BYTES + 2 * MIB,
    ),
  );
  console.log(`  wrote ${json}\n  wrote ${svg}`);
  if (!result.flat) {
    console.error("memory sweep: plugin.wasm NOT within arena_bytes + 2 MiB (or not flat) in some rows");
    return 1;
  }
  return 0;
}
