import type { Workload } from "./openai-workload.js";

// One implementation of "watch an LLM stream and extract the answer and the usage", fed the
// same chunks as a gateway sees them. Every implementation must report the same result, so a fast
// but wrong one cannot win the benchmark.
export interface ExtractResult {
  answerBytes: number;
  totalTokens: number;
}

export interface Extractor {
  readonly name: string;
  /** Called before an extractor runs a workload: selects that workload's extraction. */
  prepare?(workload: Workload): void;
  begin(): void;
  feed(chunk: Uint8Array): void;
  end(): ExtractResult;
  close?(): void;
}
