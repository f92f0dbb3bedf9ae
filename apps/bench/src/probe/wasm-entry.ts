// The bench's wasm module: the portable probe compiled by asc against stats-core's sources,
// driven from JavaScript through asc's generated ESM bindings (which copy each chunk into linear
// memory, as a Proxy-Wasm host does).
import { Arena } from "@aistats/stats-core";
import { OpenAiStreamProbe } from "./openai-stream-probe";

const probe = new OpenAiStreamProbe(new Arena(4 << 20));

export function probeBegin(): void {
  probe.begin();
}

export function probeFeed(chunk: Uint8Array): void {
  probe.feed(chunk, 0, chunk.length);
}

export function probeEnd(): i32 {
  probe.end();
  return probe.answerBytes;
}

export function probeTotalTokens(): i32 {
  return probe.totalTokens;
}
