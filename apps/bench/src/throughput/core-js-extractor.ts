// stats-core's JavaScript build: the portable probe run as plain JS.
import { Arena } from "@aistats/stats-core/internal";
import { OpenAiStreamProbe } from "../probe/openai-stream-probe.js";
import type { ExtractResult, Extractor } from "./extractor.js";

export class CoreJsExtractor implements Extractor {
  readonly name = "core-js";
  private readonly probe = new OpenAiStreamProbe(new Arena(4 << 20));

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
}
