// Test support (not shipped): provider-shaped exchanges (OpenAI, Anthropic, Gemini; SSE and JSON),
// a seeded random source, a manual clock, and a reference that drives stats-core directly — the
// real engine, no mock — for comparing what the recorder delivers with what the core records.
import { Engine, RecordCursor, parsePluginConfig } from "@aistats/stats-core";

const utf8 = new TextEncoder();
export const bytes = (text: string): Uint8Array => utf8.encode(text);

/** Mulberry32: a small seeded generator, so a failing run can be replayed. */
export class Random {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
}

export class ManualClock {
  ms = 0;
  readonly now = (): number => this.ms;
}

/** `body` cut into pieces at random places (single bytes included, through multi-byte characters). */
export function cut(body: Uint8Array, random: Random, maxPieces = 8): Uint8Array[] {
  if (body.length === 0) return [];
  const pieces = 1 + random.int(maxPieces);
  const cuts = new Set<number>();
  for (let i = 1; i < pieces; i++) cuts.add(1 + random.int(Math.max(1, body.length - 1)));
  const sorted = [...cuts].filter((c) => c > 0 && c < body.length).sort((a, b) => a - b);
  const out: Uint8Array[] = [];
  let at = 0;
  for (const c of [...sorted, body.length]) {
    out.push(body.subarray(at, c));
    at = c;
  }
  return out;
}

export interface SampleExchange {
  readonly kind: string;
  readonly path: string;
  readonly requestBody: Uint8Array;
  readonly contentType: string;
  readonly responseBody: Uint8Array;
  /** Expected counters when the exchange runs to its end (input, output). */
  readonly usage: { readonly input: number; readonly output: number };
  readonly model: string;
}

const sse = (events: readonly unknown[], done = false): string =>
  events.map((e) => `data: ${JSON.stringify(e)}\n\n`).join("") + (done ? "data: [DONE]\n\n" : "");

/** One exchange of the given provider shape; `n` varies the texts and counts. */
export function sampleExchange(kind: "openai-sse" | "openai-json" | "anthropic-sse" | "anthropic-json" | "gemini-sse" | "gemini-json", n: number): SampleExchange {
  const input = 5 + (n % 17);
  const output = 3 + (n % 11);
  const words = ["Hello", " 東京", " 😀", " <b>&", ' "quoted"', " line\nbreak", " more"];
  const answer = Array.from({ length: 1 + (n % 5) }, (_, i) => words[(n + i) % words.length]!);
  switch (kind) {
    case "openai-sse": {
      const model = "gpt-4o-mini";
      const events: unknown[] = answer.map((w, i) => ({ id: `chatcmpl-${n}`, object: "chat.completion.chunk", model, choices: [{ index: 0, delta: i === 0 ? { role: "assistant", content: w } : { content: w } }], obfuscation: "x".repeat(i) }));
      events.push({ id: `chatcmpl-${n}`, object: "chat.completion.chunk", model, choices: [], usage: { prompt_tokens: input, completion_tokens: output, total_tokens: input + output } });
      return {
        kind,
        path: "/v1/chat/completions",
        requestBody: bytes(JSON.stringify({ model, stream: true, stream_options: { include_usage: true }, messages: [{ role: "user", content: `q${n}` }] })),
        contentType: "text/event-stream",
        responseBody: bytes(sse(events, true)),
        usage: { input, output },
        model,
      };
    }
    case "openai-json": {
      const model = "gpt-4o";
      return {
        kind,
        path: "/v1/chat/completions",
        requestBody: bytes(JSON.stringify({ model, messages: [{ role: "system", content: "be brief" }, { role: "user", content: `q${n}` }] })),
        contentType: "application/json",
        responseBody: bytes(JSON.stringify({ id: `chatcmpl-${n}`, object: "chat.completion", model: `${model}-2024-08-06`, choices: [{ index: 0, message: { role: "assistant", content: answer.join("") }, finish_reason: "stop" }], usage: { prompt_tokens: input, completion_tokens: output, total_tokens: input + output } }, null, n % 2 === 0 ? 2 : undefined)),
        usage: { input, output },
        model: `${model}-2024-08-06`,
      };
    }
    case "anthropic-sse": {
      const model = "claude-sonnet-4-5";
      let text = `event: message_start\ndata: ${JSON.stringify({ type: "message_start", message: { id: `msg_${n}`, type: "message", role: "assistant", model, content: [], usage: { input_tokens: input, output_tokens: 1 } } })}\n\n`;
      text += `event: content_block_start\ndata: ${JSON.stringify({ type: "content_block_start", index: 0, content_block: { type: "text", text: "" } })}\n\n`;
      text += "event: ping\ndata: {\"type\": \"ping\"}\n\n";
      for (const w of answer) text += `event: content_block_delta\ndata: ${JSON.stringify({ type: "content_block_delta", index: 0, delta: { type: "text_delta", text: w } })}\n\n`;
      text += `event: content_block_stop\ndata: {"type":"content_block_stop","index":0}\n\n`;
      text += `event: message_delta\ndata: ${JSON.stringify({ type: "message_delta", delta: { stop_reason: "end_turn" }, usage: { output_tokens: output } })}\n\n`;
      text += `event: message_stop\ndata: {"type":"message_stop"}\n\n`;
      return {
        kind,
        path: "/v1/messages",
        requestBody: bytes(JSON.stringify({ model, max_tokens: 100, stream: true, messages: [{ role: "user", content: `q${n}` }] })),
        contentType: "text/event-stream",
        responseBody: bytes(text),
        usage: { input, output },
        model,
      };
    }
    case "anthropic-json": {
      const model = "claude-haiku-4-5";
      return {
        kind,
        path: "/v1/messages",
        requestBody: bytes(JSON.stringify({ model, max_tokens: 100, messages: [{ role: "user", content: `q${n}` }] })),
        contentType: "application/json",
        responseBody: bytes(JSON.stringify({ id: `msg_${n}`, type: "message", role: "assistant", model, content: [{ type: "text", text: answer.join("") }], stop_reason: "end_turn", usage: { input_tokens: input, output_tokens: output } })),
        usage: { input, output },
        model,
      };
    }
    case "gemini-sse": {
      const model = "gemini-2.5-flash";
      const events = answer.map((w, i) => ({ candidates: [{ content: { role: "model", parts: [{ text: w }] } }], usageMetadata: { promptTokenCount: input, candidatesTokenCount: i === answer.length - 1 ? output : i + 1, totalTokenCount: input + (i === answer.length - 1 ? output : i + 1) }, modelVersion: model }));
      return {
        kind,
        path: `/v1beta/models/${model}:streamGenerateContent?alt=sse`,
        requestBody: bytes(JSON.stringify({ contents: [{ role: "user", parts: [{ text: `q${n}` }] }] })),
        contentType: "text/event-stream",
        responseBody: bytes(events.map((e) => `data: ${JSON.stringify(e)}\r\n\r\n`).join("")),
        usage: { input, output },
        model,
      };
    }
    case "gemini-json": {
      const model = "gemini-2.5-pro";
      const elements = answer.map((w, i) => ({ candidates: [{ content: { role: "model", parts: [{ text: w }] } }], usageMetadata: { promptTokenCount: input, candidatesTokenCount: i === answer.length - 1 ? output : 1, totalTokenCount: input + (i === answer.length - 1 ? output : 1) }, modelVersion: model }));
      return {
        kind,
        path: `/v1beta/models/${model}:streamGenerateContent`,
        requestBody: bytes(JSON.stringify({ contents: [{ role: "user", parts: [{ text: `q${n}` }] }] })),
        contentType: "application/json",
        responseBody: bytes(JSON.stringify(elements, null, 1)),
        usage: { input, output },
        model,
      };
    }
  }
}

export const KINDS = ["openai-sse", "openai-json", "anthropic-sse", "anthropic-json", "gemini-sse", "gemini-json"] as const;

/** The calls of one exchange, as the core takes them, with the clock value of each. */
export interface Script {
  readonly route: string;
  readonly cluster: string;
  readonly authority: string;
  readonly requestHeaders: ReadonlyArray<readonly [string, string]>;
  readonly requestChunks: readonly Uint8Array[];
  readonly status: number;
  readonly responseHeaders: ReadonlyArray<readonly [string, string]>;
  readonly responseChunks: readonly Uint8Array[];
  /** Abort after this many response chunks (null: the response ends). */
  readonly abortAfter: number | null;
  /** Clock value of each step: request headers, each request chunk, request end, response headers, each response chunk, end. */
  readonly times: readonly number[];
}

export function scriptOf(sample: SampleExchange, random: Random, options: { route?: string; cluster?: string; consumer?: string; abortAfter?: number | null } = {}): Script {
  const requestChunks = cut(sample.requestBody, random);
  const responseChunks = cut(sample.responseBody, random, 12);
  const steps = 1 + requestChunks.length + 1 + 1 + responseChunks.length + 1;
  const times: number[] = [];
  let t = random.int(1000);
  for (let i = 0; i < steps; i++) {
    times.push(t);
    t += random.int(40);
  }
  const headers: Array<readonly [string, string]> = [[":method", "POST"], [":path", sample.path], [":authority", "api.example.com"], ["content-type", "application/json"]];
  if (options.consumer !== undefined) headers.push(["x-mse-consumer", options.consumer]);
  return {
    route: options.route ?? "r1",
    cluster: options.cluster ?? "c1",
    authority: "api.example.com",
    requestHeaders: headers,
    requestChunks,
    status: 200,
    responseHeaders: [["content-type", sample.contentType]],
    responseChunks,
    abortAfter: options.abortAfter ?? null,
    times,
  };
}

/** What the core itself records for a script, driven directly: the logs in order and the final counters by name. */
export interface CoreRecords {
  readonly skipped: boolean;
  readonly logs: readonly string[];
  readonly finals: readonly boolean[];
  readonly counters: Readonly<Record<string, number>>;
}

export function coreRecords(config: string, script: Script): CoreRecords {
  const result = parsePluginConfig(bytes(config));
  if (!result.ok) throw new Error(result.error);
  const engine = new Engine(result);
  const ex = engine.begin(script.route, script.authority, script.cluster);
  const cursor = new RecordCursor();
  const logs: string[] = [];
  const finals: boolean[] = [];
  const counters: Record<string, number> = {};
  const publish = (): void => {
    const r = ex.records;
    if (cursor.takeLog(r)) {
      logs.push(r.log);
      finals.push(r.final);
    }
    if (cursor.takeCounters(r)) for (let i = 0; i < r.counterNames.length; i++) counters[r.counterNames[i]!] = (counters[r.counterNames[i]!] ?? 0) + r.counterValues[i]!;
  };
  let step = 0;
  const t = (): number => script.times[step++]!;
  for (const [n, v] of script.requestHeaders) ex.addRequestHeader(n, v);
  const processed = ex.requestHeaders(t());
  if (processed) {
    for (const c of script.requestChunks) {
      ex.requestBody(c, 0, c.length, t());
      publish();
    }
    ex.requestEnd(t());
    publish();
    ex.addResponseHeader(":status", String(script.status));
    for (const [n, v] of script.responseHeaders) ex.addResponseHeader(n, v);
    ex.responseHeaders(t());
    publish();
    const delivered = script.abortAfter === null ? script.responseChunks : script.responseChunks.slice(0, script.abortAfter);
    for (const c of delivered) {
      ex.responseBody(c, 0, c.length, t());
      publish();
    }
    step = script.times.length - 1;
    if (script.abortAfter === null) ex.responseEnd(t());
    else ex.abort(t());
    publish();
  }
  const skipped = ex.records.skipped;
  engine.end(ex);
  return { skipped, logs, finals, counters };
}

/** The handle calls of a script, one thunk per step, each at its clock value (for interleaving). */
export function handleSteps(
  script: Script,
  clock: ManualClock,
  start: (init: { route: string; cluster: string; headers: ReadonlyArray<readonly [string, string]> }) => HandleLike,
): Array<() => void> {
  let handle: HandleLike | null = null;
  let step = 0;
  const at = (f: () => void) => () => {
    clock.ms = Math.max(clock.ms, script.times[step++]!);
    f();
  };
  const steps: Array<() => void> = [];
  steps.push(at(() => (handle = start({ route: script.route, cluster: script.cluster, headers: script.requestHeaders }))));
  for (const c of script.requestChunks) steps.push(at(() => handle!.requestChunk(c)));
  steps.push(at(() => handle!.requestEnd()));
  steps.push(at(() => handle!.responseStart(script.status, script.responseHeaders)));
  const delivered = script.abortAfter === null ? script.responseChunks : script.responseChunks.slice(0, script.abortAfter);
  for (const c of delivered) steps.push(at(() => handle!.responseChunk(c)));
  steps.push(() => {
    clock.ms = Math.max(clock.ms, script.times.at(-1)!);
    if (script.abortAfter === null) handle!.responseEnd();
    else handle!.abort("client went away");
  });
  return steps;
}

export interface HandleLike {
  requestChunk(chunk: Uint8Array): void;
  requestEnd(): void;
  responseStart(status: number, headers: ReadonlyArray<readonly [string, string]>): void;
  responseChunk(chunk: Uint8Array): void;
  responseEnd(): void;
  abort(reason?: unknown): void;
}
