// Deterministic answers for the mock upstream: everything (length, words, ids, timestamps,
// obfuscation padding, delays) derives from the request body bytes and path, so the same request
// always gives the same bytes — a test can compare what went through the gateway with what the mock
// sends directly.

const WORDS = (
  "the a model token stream answer gateway latency usage record cost prompt reply system request " +
  "response cluster route upstream metric counter arena buffer chunk event json field value quick " +
  "brown fox jumps over lazy dog river mountain cloud signal window kernel thread socket packet " +
  "world hello sunny morning evening forecast weather city north south light green blue"
).split(" ");

/** FNV-1a over bytes: the seed of everything the mock says about a request. */
export function hashBytes(bytes: Uint8Array, seed = 0x811c9dc5): number {
  let h = seed >>> 0;
  for (let i = 0; i < bytes.length; i++) {
    h ^= bytes[i]!;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** mulberry32: a small seeded PRNG. */
export class Rng {
  #s: number;
  constructor(seed: number) {
    this.#s = seed >>> 0;
  }
  next(): number {
    this.#s = (this.#s + 0x6d2b79f5) >>> 0;
    let t = this.#s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }
  id(len: number): string {
    const chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    let s = "";
    for (let i = 0; i < len; i++) s += chars[this.int(0, chars.length - 1)];
    return s;
  }
}

export interface ToolCallPlan {
  id: string;
  name: string;
  /** The arguments JSON text, and the fragments it streams in (joined = text). */
  arguments: string;
  fragments: string[];
}

export interface AnswerPlan {
  rng: Rng;
  /** Text tokens of the answer: joined = the answer. */
  tokens: string[];
  /** Reasoning tokens (empty when the request does not ask for reasoning). */
  reasoning: string[];
  tool: ToolCallPlan | null;
  inputTokens: number;
  cachedTokens: number;
  /** Unix seconds, deterministic. */
  created: number;
}

/** Splits text into pieces of 3–12 characters, as argument fragments arrive. */
function fragment(rng: Rng, text: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < text.length) {
    const n = rng.int(3, 12);
    out.push(text.slice(i, i + n));
    i += n;
  }
  return out;
}

export interface PlanInput {
  body: Uint8Array;
  path: string;
  /** The text the request carries (messages, input, contents), for the input token estimate. */
  promptText: string;
  toolName: string | null;
  reasoning: boolean;
}

export function planAnswer(input: PlanInput): AnswerPlan {
  const seed = hashBytes(input.body, hashBytes(new TextEncoder().encode(input.path)));
  const rng = new Rng(seed);
  const created = 1_760_000_000 + (seed % 10_000_000);
  const inputTokens = Math.max(1, Math.ceil(input.promptText.length / 4)) + 7;
  const cachedTokens = inputTokens > 64 ? Math.floor(inputTokens / 64) * 64 - 64 : 0;
  const reasoning: string[] = [];
  if (input.reasoning) {
    const n = rng.int(8, 24);
    for (let i = 0; i < n; i++) reasoning.push((i === 0 ? "" : " ") + WORDS[rng.int(0, WORDS.length - 1)]!);
  }
  let tool: ToolCallPlan | null = null;
  const tokens: string[] = [];
  if (input.toolName !== null) {
    const city = ["Paris", "Tokyo", "Lagos", "Lima", "Oslo"][rng.int(0, 4)]!;
    const args = JSON.stringify({ location: city, unit: rng.int(0, 1) === 0 ? "celsius" : "fahrenheit" });
    tool = { id: rng.id(24), name: input.toolName, arguments: args, fragments: fragment(rng, args) };
  } else {
    const n = rng.int(6, 80);
    for (let i = 0; i < n; i++) {
      let w = WORDS[rng.int(0, WORDS.length - 1)]!;
      if (i === 0) w = w[0]!.toUpperCase() + w.slice(1);
      tokens.push((i === 0 ? "" : " ") + w + (i === n - 1 ? "." : ""));
    }
  }
  return { rng, tokens, reasoning, tool, inputTokens, cachedTokens, created };
}

/** Output tokens: one per text or reasoning token, one per tool-argument fragment. */
export function outputTokens(plan: AnswerPlan): number {
  return plan.tokens.length + plan.reasoning.length + (plan.tool ? plan.tool.fragments.length : 0);
}

/** OpenAI's `obfuscation` padding: random characters of random length. */
export function obfuscation(rng: Rng): string {
  return rng.id(rng.int(1, 16));
}
