// The baseline: what a Node developer writes today — eventsource-parser 3.x (the newest line that
// runs on Node 20) over a streaming TextDecoder, JSON.parse per event, then the workload's
// extraction on the parsed object (workloads.ts): append the answer text, keep the last usage.
import { createParser, type EventSourceMessage, type EventSourceParser } from "eventsource-parser";
import type { ExtractResult, Extractor } from "./extractor.js";
import type { Workload } from "./openai-workload.js";

/* eslint-disable @typescript-eslint/no-explicit-any -- parsed provider JSON, read as a developer would */
type Extract = (self: BaselineExtractor, value: any) => void;

const EXTRACT: Extract[] = [
  // openai
  (self, value) => {
    const content = value.choices?.[0]?.delta?.content;
    if (typeof content === "string") self.answer += content;
    if (typeof value.usage?.total_tokens === "number") self.tokens[0] = value.usage.total_tokens;
  },
  // anthropic
  (self, value) => {
    const text = value.delta?.text;
    if (typeof text === "string") self.answer += text;
    if (typeof value.message?.usage?.input_tokens === "number") self.tokens[0] = value.message.usage.input_tokens;
    if (typeof value.usage?.output_tokens === "number") self.tokens[1] = value.usage.output_tokens;
  },
  // gemini
  (self, value) => {
    const text = value.candidates?.[0]?.content?.parts?.[0]?.text;
    if (typeof text === "string") self.answer += text;
    if (typeof value.usageMetadata?.totalTokenCount === "number") self.tokens[0] = value.usageMetadata.totalTokenCount;
  },
  // escapes
  (self, value) => {
    const delta = value.choices?.[0]?.delta;
    if (typeof delta?.content === "string") self.answer += delta.content;
    const args = delta?.tool_calls?.[0]?.function?.arguments;
    if (typeof args === "string") self.answer += args;
    if (typeof value.usage?.total_tokens === "number") self.tokens[0] = value.usage.total_tokens;
  },
];
/* eslint-enable @typescript-eslint/no-explicit-any */

export class BaselineExtractor implements Extractor {
  readonly name = "baseline";
  answer = "";
  tokens: number[] = [];
  private decoder = new TextDecoder();
  private extract: Extract = EXTRACT[0]!;
  private readonly parser: EventSourceParser;

  constructor() {
    this.parser = createParser({ onEvent: (event) => this.onEvent(event) });
  }

  prepare(workload: Workload): void {
    this.extract = EXTRACT[workload.kind]!;
  }

  begin(): void {
    this.decoder = new TextDecoder();
    this.parser.reset();
    this.answer = "";
    this.tokens = [];
  }

  feed(chunk: Uint8Array): void {
    this.parser.feed(this.decoder.decode(chunk, { stream: true }));
  }

  end(): ExtractResult {
    this.parser.feed(this.decoder.decode());
    return {
      answerBytes: Buffer.byteLength(this.answer, "utf8"),
      totalTokens: this.tokens.length === 0 ? -1 : this.tokens.reduce((a, b) => a + (b ?? 0), 0),
    };
  }

  private onEvent(event: EventSourceMessage): void {
    if (event.data === "[DONE]") return;
    let value: unknown;
    try {
      value = JSON.parse(event.data);
    } catch {
      return;
    }
    if (value !== null && typeof value === "object") this.extract(this, value);
  }
}
