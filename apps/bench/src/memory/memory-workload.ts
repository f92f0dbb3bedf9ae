// The traffic of `pnpm bench memory`: OpenAI Chat Completions streams (include_usage chunk, then
// [DONE]) of about `exchangeBytes` each, in 1–8 KiB network chunks, from the throughput bench's
// seeded generator. Thousands of 1 MiB streams would not fit in the bench's own heap, so a small
// pool of distinct streams is generated once and exchange i replays pool[i % pool.length]: the
// plugin sees no difference, since it keeps nothing from one exchange to the next.
import { makeOpenAiExchange, seededRandom, type Exchange } from "../throughput/openai-workload.js";

export interface MemoryExchange {
  readonly requestBody: Uint8Array;
  readonly response: Exchange;
}

export interface MemoryWorkload {
  /** Distinct exchanges; exchange i of the run is pool[i % pool.length]. */
  readonly pool: readonly MemoryExchange[];
  readonly exchangeBytes: number;
}

// One content event of the generator is ~230 bytes; measured on a sample to size the streams.
function bytesPerEvent(seed: number): number {
  const sample = makeOpenAiExchange(seededRandom(seed), 0, 400);
  const base = makeOpenAiExchange(seededRandom(seed), 0, 0);
  return (sample.bytes - base.bytes) / 400;
}

const encoder = new TextEncoder();

function requestBody(rnd: () => number, index: number): Uint8Array {
  const turns = 1 + Math.floor(rnd() * 4);
  const messages: { role: string; content: string }[] = [{ role: "system", content: "You are a helpful assistant." }];
  for (let t = 0; t < turns; t++) {
    messages.push({ role: "user", content: `Question ${index}.${t}: how do gateways keep memory flat?` });
    if (t < turns - 1) messages.push({ role: "assistant", content: "By never buffering a body." });
  }
  return encoder.encode(JSON.stringify({ model: "gpt-4o", stream: true, stream_options: { include_usage: true }, messages }));
}

/** `poolSize` seeded streams of `exchangeBytes` ± 10 %. */
export function memoryWorkload(exchangeBytes: number, poolSize: number, seed = 42): MemoryWorkload {
  const rnd = seededRandom(seed);
  const perEvent = bytesPerEvent(seed);
  const pool: MemoryExchange[] = [];
  for (let i = 0; i < poolSize; i++) {
    const target = exchangeBytes * (0.9 + 0.2 * rnd());
    const events = Math.max(1, Math.round(target / perEvent));
    pool.push({ requestBody: requestBody(rnd, i), response: makeOpenAiExchange(rnd, i, events) });
  }
  return { pool, exchangeBytes };
}

/** The aistats configuration of the seed article's reproduction, on top of the defaults. */
export const ARTICLE_CONFIG = {
  attributes: [
    { key: "question", value_source: "request_body", value: "messages.@reverse.0.content", apply_to_log: true },
    { key: "answer", value_source: "response_streaming_body", value: "choices.0.delta.content", rule: "append", apply_to_log: true },
    { key: "answer", value_source: "response_body", value: "choices.0.message.content", apply_to_log: true },
  ],
};
