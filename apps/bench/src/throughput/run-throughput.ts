// `pnpm bench throughput`: MB/s (MB = 10^6 bytes) of the baseline, stats-core's JS and wasm builds
// and the newline-scan ceiling over each seeded workload of PRODUCT §7 (workloads.ts) in 1–8 KiB
// chunks, measured in the same run on the same chunks, round-robin, median of several rounds.
// Every contender's extraction is checked against the workload's expected answer before it is
// timed. Writes bench-results/throughput.json (PRODUCT §7) and throughput.svg.
import { BaselineExtractor } from "./baseline-extractor.js";
import { CeilingScan } from "./ceiling-scan.js";
import { CoreJsExtractor } from "./core-js-extractor.js";
import { CoreWasmExtractor } from "./core-wasm-extractor.js";
import type { Extractor } from "./extractor.js";
import { median, runOnce, verify } from "./measure.js";
import type { Workload } from "./openai-workload.js";
import { WORKLOAD_NAMES, makeWorkload, type WorkloadName } from "./workloads.js";
import { svgBarChart } from "../report/svg-bar-chart.js";
import { writeResult } from "../report/write-results.js";

export interface ThroughputOptions {
  /** Bytes per workload. */
  bytes: number;
  rounds: number;
  seed: number;
  /** Which workloads (default: all of WORKLOAD_NAMES). */
  workloads?: readonly WorkloadName[];
}

const CONTENDERS = ["baseline", "core-js", "core-wasm", "ceiling"] as const;

interface Measured {
  /** The workload without its chunks (each is dropped once measured). */
  workload: Pick<Workload, "name" | "bytes"> & { exchanges: { length: number } };
  rates: Map<string, number[]>;
}

export async function runThroughput(options: ThroughputOptions): Promise<void> {
  const names = options.workloads ?? WORKLOAD_NAMES;
  const extractors: Extractor[] = [
    new BaselineExtractor(),
    new CoreJsExtractor(),
    await CoreWasmExtractor.load(),
    new CeilingScan(),
  ];
  const measured: Measured[] = [];
  for (const name of names) {
    const workload = makeWorkload(name, options.bytes, options.seed);
    const mb = workload.bytes / 1e6;
    console.log(
      `throughput: workload "${name}", ${mb.toFixed(1)} MB in ${workload.exchanges.length} exchanges, ${options.rounds} rounds`,
    );
    // Warm-up round doubles as the correctness check.
    for (const extractor of extractors) {
      extractor.prepare?.(workload);
      const { results } = runOnce(extractor, workload);
      if (extractor.name !== "ceiling") verify(extractor, workload, results);
    }
    const rates = new Map<string, number[]>(extractors.map((e) => [e.name, []]));
    for (let round = 0; round < options.rounds; round++) {
      const line: string[] = [];
      for (const extractor of extractors) {
        extractor.prepare?.(workload);
        const { seconds } = runOnce(extractor, workload);
        rates.get(extractor.name)!.push(mb / seconds);
        line.push(`${extractor.name} ${(mb / seconds).toFixed(0)}`);
      }
      console.log(`  round ${round + 1}/${options.rounds}: ${line.join(", ")} MB/s`);
    }
    measured.push({ workload: { name: workload.name, bytes: workload.bytes, exchanges: { length: workload.exchanges.length } }, rates });
    const baseline = median(rates.get("baseline")!);
    for (const c of CONTENDERS) {
      const rate = median(rates.get(c)!);
      console.log(`  ${c.padEnd(10)} ${rate.toFixed(1).padStart(8)} MB/s  ${(rate / baseline).toFixed(2)}× baseline`);
    }
  }
  const result = {
    workloads: measured.map(({ workload, rates }) => {
      const med = (name: string) => median(rates.get(name)!);
      const baseline = med("baseline");
      return {
        name: workload.name,
        bytes: workload.bytes,
        exchanges: workload.exchanges.length,
        chunk_bytes: "1024-8192",
        rounds: options.rounds,
        baseline_mb_s: round1(baseline),
        core_js_mb_s: round1(med("core-js")),
        wasm_mb_s: round1(med("core-wasm")),
        ceiling_mb_s: round1(med("ceiling")),
        core_js_ratio: round2(med("core-js") / baseline),
        wasm_ratio: round2(med("core-wasm") / baseline),
        ceiling_ratio: round2(med("ceiling") / baseline),
        samples_mb_s: Object.fromEntries([...rates].map(([k, v]) => [k, v.map(round1)])),
      };
    }),
    wasm_source: "apps/bench build/probe.wasm (stats-core portable sources compiled by asc -O3, SIMD), driven through asc ESM bindings",
    seed: options.seed,
    node: process.version,
    date: new Date().toISOString(),
  };
  console.log("");
  console.log("| workload | MB | baseline MB/s | core-js MB/s (×) | wasm MB/s (×) | ceiling MB/s (×) |");
  console.log("| --- | ---: | ---: | ---: | ---: | ---: |");
  for (const w of result.workloads) {
    console.log(
      `| ${w.name} | ${(w.bytes / 1e6).toFixed(1)} | ${w.baseline_mb_s.toFixed(1)} | ${w.core_js_mb_s.toFixed(1)} (${w.core_js_ratio.toFixed(2)}×) | ` +
        `${w.wasm_mb_s.toFixed(1)} (${w.wasm_ratio.toFixed(2)}×) | ${w.ceiling_mb_s.toFixed(1)} (${w.ceiling_ratio.toFixed(1)}×) |`,
    );
  }
  const json = writeResult("throughput.json", JSON.stringify(result, null, 2) + "\n");
  const svg = writeResult(
    "throughput.svg",
    svgBarChart(
      "aistats throughput — answer + usage extraction from SSE streams",
      "MB/s",
      measured.map(({ workload, rates }) => {
        const baseline = median(rates.get("baseline")!);
        return {
          name: `${workload.name}: ${(workload.bytes / 1e6).toFixed(0)} MB, 1–8 KiB chunks (median of ${options.rounds})`,
          bars: CONTENDERS.map((name) => ({
            label: name,
            value: median(rates.get(name)!),
            note: `${(median(rates.get(name)!) / baseline).toFixed(2)}×`,
          })),
        };
      }),
    ),
  );
  console.log(`wrote ${json} and ${svg}`);
}

const round1 = (x: number) => Math.round(x * 10) / 10;
const round2 = (x: number) => Math.round(x * 100) / 100;
