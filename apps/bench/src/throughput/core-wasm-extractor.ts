// stats-core's wasm build: the same portable probe compiled by asc (build/probe.wasm), each chunk
// copied into linear memory per call as a Proxy-Wasm host does.
import type { ExtractResult, Extractor } from "./extractor.js";
import type { Workload } from "./openai-workload.js";

interface ProbeModule {
  probeSelect(workload: number): void;
  probeBegin(): void;
  probeFeed(chunk: Uint8Array): void;
  probeEnd(): number;
  probeTotalTokens(): number;
}

export class CoreWasmExtractor implements Extractor {
  readonly name = "core-wasm";

  private constructor(private readonly wasm: ProbeModule) {}

  static async load(): Promise<CoreWasmExtractor> {
    const url = new URL("../../build/probe.js", import.meta.url);
    return new CoreWasmExtractor((await import(url.href)) as ProbeModule);
  }

  prepare(workload: Workload): void {
    this.wasm.probeSelect(workload.kind);
  }

  begin(): void {
    this.wasm.probeBegin();
  }

  feed(chunk: Uint8Array): void {
    this.wasm.probeFeed(chunk);
  }

  end(): ExtractResult {
    const answerBytes = this.wasm.probeEnd();
    return { answerBytes, totalTokens: this.wasm.probeTotalTokens() };
  }
}
