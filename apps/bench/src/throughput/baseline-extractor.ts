// The baseline: what a Node developer writes today — eventsource-parser 3.x (the newest line that
// runs on Node 20) over a streaming TextDecoder, JSON.parse per event, appending
// choices[0].delta.content and keeping the last usage.
import { createParser, type EventSourceMessage, type EventSourceParser } from "eventsource-parser";
import type { ExtractResult, Extractor } from "./extractor.js";

interface Usage {
  total_tokens?: number;
}

export class BaselineExtractor implements Extractor {
  readonly name = "baseline";
  private decoder = new TextDecoder();
  private answer = "";
  private usage: Usage | null = null;
  private readonly parser: EventSourceParser;

  constructor() {
    this.parser = createParser({ onEvent: (event) => this.onEvent(event) });
  }

  begin(): void {
    this.decoder = new TextDecoder();
    this.parser.reset();
    this.answer = "";
    this.usage = null;
  }

  feed(chunk: Uint8Array): void {
    this.parser.feed(this.decoder.decode(chunk, { stream: true }));
  }

  end(): ExtractResult {
    this.parser.feed(this.decoder.decode());
    return {
      answerBytes: Buffer.byteLength(this.answer, "utf8"),
      totalTokens: this.usage?.total_tokens ?? -1,
    };
  }

  private onEvent(event: EventSourceMessage): void {
    if (event.data === "[DONE]") return;
    let value: { choices?: { delta?: { content?: unknown } }[]; usage?: Usage | null };
    try {
      value = JSON.parse(event.data);
    } catch {
      return;
    }
    const content = value.choices?.[0]?.delta?.content;
    if (typeof content === "string") this.answer += content;
    if (value.usage) this.usage = value.usage;
  }
}
