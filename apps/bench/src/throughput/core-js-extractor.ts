// stats-core's JavaScript build: the portable probe run as plain JS.
import { Arena } from "@aistats/stats-core/internal";
import { LlmStreamProbe } from "../probe/llm-stream-probe.js";
import type { ExtractResult, Extractor } from "./extractor.js";
import type { Workload } from "./openai-workload.js";

export class CoreJsExtractor implements Extractor {
  readonly name = "core-js";
  private readonly arena = new Arena(4 << 20);
  private readonly probes = new Map<number, LlmStreamProbe>();
  private probe: LlmStreamProbe = this.select(0);

  prepare(workload: Workload): void {
    this.probe = this.select(workload.kind);
  }

  begin(): void {
    this.probe.begin();
  }

  feed(chunk: Uint8Array): void {
    this.probe.feed(chunk, 0, chunk.length);
  }

  end(): ExtractResult {
    this.probe.end();
    return { answerBytes: this.probe.answerBytes, totalTokens: this.probe.totalTokens };
  }

  private select(kind: number): LlmStreamProbe {
    let probe = this.probes.get(kind);
    if (!probe) this.probes.set(kind, (probe = new LlmStreamProbe(this.arena, kind)));
    return probe;
  }
}
