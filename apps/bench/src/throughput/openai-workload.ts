// A seeded, realistic OpenAI Chat Completions streaming workload: many exchanges, each an SSE
// stream of `chat.completion.chunk` events ending with the include_usage chunk and `[DONE]`, cut
// into network-sized chunks of 1–8 KiB that ignore event boundaries (as TCP does).

export interface Exchange {
  /** The stream's bytes, in the chunks a gateway would see. */
  readonly chunks: readonly Uint8Array[];
  readonly bytes: number;
  /** What a correct extractor must find. */
  readonly expected: { readonly answerBytes: number; readonly totalTokens: number };
}

export interface Workload {
  readonly name: string;
  /** Which extraction the workload needs (WORKLOAD_KINDS in workloads.ts; the probe's kind). */
  readonly kind: number;
  readonly exchanges: readonly Exchange[];
  readonly bytes: number;
}

/** mulberry32: small, fast, seeded. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Tokens as models emit them: mostly short ASCII words, some punctuation that JSON escapes,
// newlines, and multi-byte UTF-8 (accents, CJK, emoji) that chunking will split.
const TOKENS = [
  " the", " of", " and", " to", " a", " in", " is", " that", " for", " it", " with", " as", " on", " model",
  " token", " stream", " gateway", " memory", " usage", " value", ",", ".", ":", "\n", "\n\n", " \"quoted\"",
  " path\\to\\file", "\t", " café", " naïve", " 日本語", " 数据", " 🚀", " ✓", " Ünïcödé", "```", " {", " }",
  " x", "ing", "ed", " 42", " 3.14", " -", " —", " <b>", " &amp;",
];

const encoder = new TextEncoder();

const OBFUSCATION = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

/**
 * The chunk's extra fields when `today` (OpenAI's stream as sent now): `service_tier`, and the
 * default `obfuscation` string of random length and content (stream_options.include_obfuscation).
 */
function extras(rnd: (() => number) | null): { service_tier?: string; obfuscation?: string } {
  if (!rnd) return {};
  let text = "";
  const n = 1 + Math.floor(rnd() * 24);
  for (let i = 0; i < n; i++) text += OBFUSCATION[Math.floor(rnd() * OBFUSCATION.length)];
  return { service_tier: "default", obfuscation: text };
}

function chunkEvent(id: string, created: number, delta: object, finish: string | null, today: (() => number) | null = null): string {
  const { service_tier, obfuscation } = extras(today);
  const body = {
    id,
    object: "chat.completion.chunk",
    created,
    model: "gpt-4o-2024-08-06",
    service_tier,
    system_fingerprint: "fp_f33640a400",
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
    usage: null,
    obfuscation,
  };
  return `data: ${JSON.stringify(body)}\n\n`;
}

function usageEvent(id: string, created: number, prompt: number, completion: number, today: (() => number) | null = null): string {
  const { service_tier, obfuscation } = extras(today);
  const body = {
    id,
    object: "chat.completion.chunk",
    created,
    model: "gpt-4o-2024-08-06",
    service_tier,
    system_fingerprint: "fp_f33640a400",
    choices: [],
    usage: {
      prompt_tokens: prompt,
      completion_tokens: completion,
      total_tokens: prompt + completion,
      prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
      completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0 },
    },
    obfuscation,
  };
  return `data: ${JSON.stringify(body)}\n\n`;
}

/** Cuts `bytes` into pieces of minChunk..maxChunk bytes. */
export function cutIntoChunks(bytes: Uint8Array, rnd: () => number, minChunk: number, maxChunk: number): Uint8Array[] {
  const chunks: Uint8Array[] = [];
  let at = 0;
  while (at < bytes.length) {
    const size = minChunk + Math.floor(rnd() * (maxChunk - minChunk + 1));
    chunks.push(bytes.subarray(at, Math.min(bytes.length, at + size)));
    at += size;
  }
  return chunks;
}

/**
 * One stream of `events` content chunks. `today`: with the fields OpenAI sends by default now
 * (`service_tier`, a random-length `obfuscation`); the memory suite uses the older, plainer shape.
 */
export function makeOpenAiExchange(rnd: () => number, index: number, events: number, today = false): Exchange {
  const id = `chatcmpl-${index.toString(36).padStart(8, "0")}AbCdEfGhIjKlMnOp`;
  const created = 1732800000 + index;
  const t = today ? rnd : null;
  let text = chunkEvent(id, created, { role: "assistant", content: "", refusal: null }, null, t);
  let answer = "";
  for (let i = 0; i < events; i++) {
    const n = 1 + Math.floor(rnd() * 3);
    let content = "";
    for (let k = 0; k < n; k++) content += TOKENS[Math.floor(rnd() * TOKENS.length)];
    answer += content;
    text += chunkEvent(id, created, { content }, null, t);
  }
  text += chunkEvent(id, created, {}, "stop", t);
  const prompt = 10 + Math.floor(rnd() * 2000);
  text += usageEvent(id, created, prompt, events, t);
  text += "data: [DONE]\n\n";
  const bytes = encoder.encode(text);
  return {
    chunks: cutIntoChunks(bytes, rnd, 1024, 8192),
    bytes: bytes.length,
    expected: { answerBytes: encoder.encode(answer).length, totalTokens: prompt + events },
  };
}

/** About `targetBytes` of OpenAI streams as sent today, each of 100–1500 content events. */
export function openAiWorkload(targetBytes: number, seed = 42): Workload {
  return fillWorkload("openai", 0, targetBytes, seed, (rnd, i) => makeOpenAiExchange(rnd, i, 100 + Math.floor(rnd() * 1400), true));
}

/** Exchanges made by `make` until they hold `targetBytes`. */
export function fillWorkload(
  name: string,
  kind: number,
  targetBytes: number,
  seed: number,
  make: (rnd: () => number, index: number) => Exchange,
): Workload {
  const rnd = seededRandom(seed);
  const exchanges: Exchange[] = [];
  let bytes = 0;
  for (let i = 0; bytes < targetBytes; i++) {
    const exchange = make(rnd, i);
    exchanges.push(exchange);
    bytes += exchange.bytes;
  }
  return { name, kind, exchanges, bytes };
}

/** The stream's text as UTF-8, cut as the network would, with what it holds. */
export function exchangeOf(text: string, rnd: () => number, answer: string, totalTokens: number): Exchange {
  const bytes = encoder.encode(text);
  return {
    chunks: cutIntoChunks(bytes, rnd, 1024, 8192),
    bytes: bytes.length,
    expected: { answerBytes: encoder.encode(answer).length, totalTokens },
  };
}

/** A random model token (words, punctuation JSON escapes, multi-byte UTF-8). */
export function randomToken(rnd: () => number): string {
  return TOKENS[Math.floor(rnd() * TOKENS.length)]!;
}
