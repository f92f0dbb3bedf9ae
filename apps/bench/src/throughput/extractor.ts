// One implementation of "watch an OpenAI stream and extract the answer and the usage", fed the
// same chunks as a gateway sees them. Every implementation must report the same result, so a fast
// but wrong one cannot win the benchmark.
export interface ExtractResult {
  answerBytes: number;
  totalTokens: number;
}

export interface Extractor {
  readonly name: string;
  begin(): void;
  feed(chunk: Uint8Array): void;
  end(): ExtractResult;
  close?(): void;
}
