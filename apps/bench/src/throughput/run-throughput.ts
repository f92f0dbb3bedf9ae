// `pnpm bench throughput`: MB/s (MB = 10^6 bytes) of the baseline, stats-core's JS and wasm builds
// and the newline-scan ceiling over one seeded ~64 MiB OpenAI stream workload in 1–8 KiB chunks,
// measured in the same run, round-robin, median of several rounds. Writes
// bench-results/throughput.json (PRODUCT §7) and throughput.svg.
import { BaselineExtractor } from "./baseline-extractor.js";
import { CeilingScan } from "./ceiling-scan.js";
import { CoreJsExtractor } from "./core-js-extractor.js";
import { CoreWasmExtractor } from "./core-wasm-extractor.js";
import type { Extractor } from "./extractor.js";
import { median, runOnce, verify } from "./measure.js";
import { openAiWorkload } from "./openai-workload.js";
import { svgBarChart } from "../report/svg-bar-chart.js";
import { writeResult } from "../report/write-results.js";

export interface ThroughputOptions {
  bytes: number;
  rounds: number;
  seed: number;
}

export async function runThroughput(options: ThroughputOptions): Promise<void> {
  const workload = openAiWorkload(options.bytes, options.seed);
  const mb = workload.bytes / 1e6;
  console.log(
    `throughput: workload "${workload.name}", ${mb.toFixed(1)} MB in ${workload.exchanges.length} exchanges, ` +
      `${options.rounds} rounds`,
  );
  const extractors: Extractor[] = [
    new BaselineExtractor(),
    new CoreJsExtractor(),
    await CoreWasmExtractor.load(),
    new CeilingScan(),
  ];
  // Warm-up round doubles as the correctness check.
  for (const extractor of extractors) {
    const { results } = runOnce(extractor, workload);
    if (extractor.name !== "ceiling") verify(extractor, workload, results);
  }
  const rates = new Map<string, number[]>(extractors.map((e) => [e.name, []]));
  for (let round = 0; round < options.rounds; round++) {
    for (const extractor of extractors) {
      const { seconds } = runOnce(extractor, workload);
      rates.get(extractor.name)!.push(mb / seconds);
    }
  }
  const med = (name: string) => median(rates.get(name)!);
  const baseline = med("baseline");
  const result = {
    workloads: [
      {
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
        wasm_source: "apps/bench build/probe.wasm (stats-core portable sources compiled by asc -O3), driven through asc ESM bindings",
        samples_mb_s: Object.fromEntries([...rates].map(([k, v]) => [k, v.map(round1)])),
      },
    ],
    node: process.version,
    date: new Date().toISOString(),
  };
  for (const name of ["baseline", "core-js", "core-wasm", "ceiling"]) {
    const rate = med(name);
    console.log(`  ${name.padEnd(10)} ${rate.toFixed(1).padStart(8)} MB/s  ${(rate / baseline).toFixed(2)}× baseline`);
  }
  const json = writeResult("throughput.json", JSON.stringify(result, null, 2) + "\n");
  const svg = writeResult(
    "throughput.svg",
    svgBarChart("aistats throughput — OpenAI stream, answer + usage extraction", "MB/s", [
      {
        name: `${workload.name}: ${mb.toFixed(0)} MB, 1–8 KiB chunks (median of ${options.rounds})`,
        bars: ["baseline", "core-js", "core-wasm", "ceiling"].map((name) => ({
          label: name,
          value: med(name),
          note: `${(med(name) / baseline).toFixed(2)}×`,
        })),
      },
    ]),
  );
  console.log(`wrote ${json} and ${svg}`);
}

const round1 = (x: number) => Math.round(x * 10) / 10;
const round2 = (x: number) => Math.round(x * 100) / 100;
