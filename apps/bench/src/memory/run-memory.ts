// `pnpm bench memory`: the flat-memory proof for the Proxy-Wasm plugin (PRODUCT §5). N OpenAI
// streams of ~1 MiB at C interleaved streams go through build/plugin.wasm (the seed article's
// configuration) and through the naive append-every-chunk plugin in the Envoy-faithful host, and
// through stats-core's JS Engine in-process. Writes bench-results/memory.json (PRODUCT §7) and
// memory.svg; exits non-zero when the plugin's memory is not flat or not within arena + 2 MiB.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { runInterleaved, type LinearMemory } from "./interleaved-run.js";
import { ARTICLE_CONFIG, memoryWorkload } from "./memory-workload.js";
import { runNodeHeap } from "./node-heap-run.js";
import { svgMemoryChart } from "./svg-memory-chart.js";
import { writeResult } from "../report/write-results.js";

export interface MemoryOptions {
  exchanges: number;
  exchangeBytes: number;
  concurrency: number;
  seed: number;
}

const MIB = 1024 * 1024;
/** stats-core's default arena_bytes (PRODUCT §5); the configuration leaves it at the default. */
export const DEFAULT_ARENA_BYTES = 4 * MIB;
const SLACK_BYTES = 2 * MIB;

export function pluginWasm(): Uint8Array {
  const path = createRequire(import.meta.url).resolve("@aistats/proxy-wasm/plugin.wasm");
  return new Uint8Array(readFileSync(path));
}

export function naiveWasm(): Uint8Array {
  return new Uint8Array(readFileSync(fileURLToPath(new URL("../../build/naive-append.wasm", import.meta.url))));
}

/** The three figures of PRODUCT §7. */
const figures = (m: LinearMemory) => ({ after_100_bytes: m.after_100_bytes, peak_bytes: m.peak_bytes, final_bytes: m.final_bytes });
const mib = (b: number): string => `${(b / MIB).toFixed(1)} MiB`;

/** Problems with the plugin's memory ([] when flat after the first 100 and within arena + 2 MiB). */
export function flatnessProblems(m: LinearMemory, arenaBytes: number): string[] {
  const problems: string[] = [];
  const bound = arenaBytes + SLACK_BYTES;
  if (m.final_bytes > m.after_100_bytes) problems.push(`final ${m.final_bytes} > after_100 ${m.after_100_bytes} (grew after warm-up)`);
  if (m.peak_bytes > m.after_100_bytes) problems.push(`peak ${m.peak_bytes} > after_100 ${m.after_100_bytes} (grew after warm-up)`);
  if (m.final_bytes > bound) problems.push(`final ${m.final_bytes} > arena_bytes + 2 MiB = ${bound}`);
  if (m.peak_bytes > bound) problems.push(`peak ${m.peak_bytes} > arena_bytes + 2 MiB = ${bound}`);
  return problems;
}

export async function runMemory(options: MemoryOptions): Promise<number> {
  const config = JSON.stringify(ARTICLE_CONFIG);
  const workload = memoryWorkload(options.exchangeBytes, 16, options.seed);
  const run = { exchanges: options.exchanges, concurrency: options.concurrency, pluginConfig: config };
  console.log(
    `memory: ${options.exchanges} exchanges of ~${mib(options.exchangeBytes)} (1–8 KiB chunks), ` +
      `${options.concurrency} interleaved streams`,
  );
  const began = performance.now();
  const arena = await runInterleaved(pluginWasm(), workload, run);
  if (!arena.firstLog.includes("total_token")) throw new Error(`plugin wrote no usable ai_log: ${arena.firstLog.slice(0, 200)}`);
  console.log(`  arena  (plugin.wasm)   after 100 ${mib(arena.after_100_bytes)}  peak ${mib(arena.peak_bytes)}  final ${mib(arena.final_bytes)}  (${arena.seconds.toFixed(0)} s)`);
  const naive = await runInterleaved(naiveWasm(), workload, { ...run, pluginConfig: "" });
  console.log(`  naive_append           after 100 ${mib(naive.after_100_bytes)}  peak ${mib(naive.peak_bytes)}  final ${mib(naive.final_bytes)}  (${naive.seconds.toFixed(0)} s)`);
  const node = runNodeHeap(workload, options.exchanges, options.concurrency, config);
  console.log(
    `  node (JS Engine heap)  baseline ${mib(node.heap_baseline_bytes)}  peak ${mib(node.heap_peak_bytes)}  ` +
      `after ${mib(node.heap_after_bytes)}  (${node.seconds.toFixed(0)} s${node.gc ? "" : ", no gc available"})`,
  );
  const problems = flatnessProblems(arena, DEFAULT_ARENA_BYTES);
  const result = {
    exchanges: options.exchanges,
    exchange_bytes: options.exchangeBytes,
    concurrency: options.concurrency,
    arena: figures(arena),
    naive_append: figures(naive),
    node: {
      heap_baseline_bytes: node.heap_baseline_bytes,
      heap_peak_bytes: node.heap_peak_bytes,
      heap_after_bytes: node.heap_after_bytes,
    },
    arena_bytes: DEFAULT_ARENA_BYTES,
    flat: problems.length === 0,
    problems,
    details: {
      arena: { initial_bytes: arena.initial_bytes, seconds: round1(arena.seconds), series: arena.series },
      naive_append: { initial_bytes: naive.initial_bytes, seconds: round1(naive.seconds), series: naive.series },
      node: { heap_after_100_collected_bytes: node.heap_after_100_collected_bytes, gc: node.gc, seconds: round1(node.seconds) },
    },
    config: ARTICLE_CONFIG,
    workload: "OpenAI chat.completion.chunk SSE with include_usage, 16 seeded streams of exchange_bytes ±10 % replayed, 1–8 KiB chunks",
    seed: options.seed,
    duration_s: round1((performance.now() - began) / 1000),
    node_version: process.version,
    date: new Date().toISOString(),
  };
  const json = writeResult("memory.json", JSON.stringify(result, null, 2) + "\n");
  const svg = writeResult(
    "memory.svg",
    svgMemoryChart(
      `Proxy-Wasm linear memory — ${options.exchanges} × ~${mib(options.exchangeBytes)} OpenAI streams, ${options.concurrency} concurrent`,
      options.exchanges,
      [
        { label: "naive_append", color: "#eb5757", points: naive.series },
        { label: "aistats plugin.wasm", color: "#2f80ed", points: arena.series },
      ],
      DEFAULT_ARENA_BYTES + SLACK_BYTES,
    ),
  );
  console.log(`  wrote ${json}\n  wrote ${svg}`);
  if (problems.length > 0) {
    console.error(`memory: NOT FLAT\n  ${problems.join("\n  ")}`);
    return 1;
  }
  console.log(`memory: flat (final and peak ≤ after_100 and ≤ arena_bytes + 2 MiB)`);
  return 0;
}

function round1(x: number): number {
  return Math.round(x * 10) / 10;
}
