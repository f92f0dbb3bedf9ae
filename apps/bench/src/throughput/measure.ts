import type { ExtractResult, Extractor } from "./extractor.js";
import type { Workload } from "./openai-workload.js";

/** Runs `extractor` over every exchange of `workload` once; returns seconds and the results. */
export function runOnce(extractor: Extractor, workload: Workload): { seconds: number; results: ExtractResult[] } {
  const results: ExtractResult[] = [];
  const start = process.hrtime.bigint();
  for (const exchange of workload.exchanges) {
    extractor.begin();
    for (const chunk of exchange.chunks) extractor.feed(chunk);
    results.push(extractor.end());
  }
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  return { seconds, results };
}

/** Throws unless the extractor found exactly what the workload holds (the ceiling is exempt). */
export function verify(extractor: Extractor, workload: Workload, results: ExtractResult[]): void {
  workload.exchanges.forEach((exchange, i) => {
    const got = results[i];
    if (!got || got.answerBytes !== exchange.expected.answerBytes || got.totalTokens !== exchange.expected.totalTokens) {
      throw new Error(
        `${extractor.name} extracted ${JSON.stringify(got)} from exchange ${i}, expected ${JSON.stringify(exchange.expected)}`,
      );
    }
  });
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
