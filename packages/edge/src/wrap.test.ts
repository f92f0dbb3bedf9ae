import { afterEach, describe, expect, it, vi } from "vitest";
import { AistatsConfigError, createAiStatistics, type AistatsRecord, type EdgeOptions } from "./index.js";

const enc = new TextEncoder();
const CHAT = JSON.stringify({ model: "gpt-4o", stream: true, messages: [{ role: "user", content: "Say hi" }] });
const SSE = [
  'data: {"id":"c1","model":"gpt-4o-2024-08-06","choices":[{"index":0,"delta":{"content":"Hi"}}]}\n\n',
  'data: {"id":"c1","model":"gpt-4o-2024-08-06","choices":[{"index":0,"delta":{"content":" there"}}]}\n\n',
  'data: {"id":"c1","model":"gpt-4o-2024-08-06","choices":[],"usage":{"prompt_tokens":9,"completion_tokens":4,"total_tokens":13}}\n\n',
  "data: [DONE]\n\n",
];

/** A response body the test feeds by hand, so each step happens at a known clock value. */
function manualBody() {
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  let cancelled: unknown = null;
  const stream = new ReadableStream<Uint8Array>(
    {
      start: (c) => void (controller = c),
      cancel: (r) => void (cancelled = r ?? "cancelled"),
    },
    { highWaterMark: 0 },
  );
  return { stream, controller, cancelled: () => cancelled };
}

function setup(options: EdgeOptions = {}, config: Record<string, unknown> = {}) {
  const clock = { now: 1_000 };
  const records: AistatsRecord[] = [];
  const lines: string[] = [];
  const stats = createAiStatistics(config, {
    now: () => clock.now,
    logger: (line) => void lines.push(line),
    onRecord: (r) => void records.push(r),
    onWarning: () => {},
    ...options,
  });
  return { stats, clock, records, lines };
}

const chatRequest = (body: string = CHAT, path = "/v1/chat/completions") =>
  new Request(`https://api.example.com${path}`, { method: "POST", headers: { "content-type": "application/json", "x-mse-consumer": "team-a" }, body });

function chunkedRequest(chunks: string[]): Request {
  let i = 0;
  const body = new ReadableStream<Uint8Array>({ pull: (c) => (i < chunks.length ? c.enqueue(enc.encode(chunks[i++]!)) : c.close()) }, { highWaterMark: 0 });
  return new Request("https://api.example.com/v1/chat/completions", { method: "POST", headers: { "content-type": "application/json", "x-mse-consumer": "team-a" }, body, duplex: "half" } as RequestInit);
}

afterEach(() => vi.restoreAllMocks());

describe("wrap", () => {
  it("passes a streamed answer through chunk for chunk and records it, ending once at the body's end", async () => {
    const { stats, clock, records, lines } = setup();
    const upstreamSaw: string[] = [];
    const body = manualBody();
    const handler = stats.wrap(async (request) => {
      const reader = request.body!.getReader();
      for (let next = await reader.read(); !next.done; next = await reader.read()) upstreamSaw.push(new TextDecoder().decode(next.value));
      return new Response(body.stream, { status: 200, headers: { "content-type": "text/event-stream" } });
    });
    const response = await handler(chunkedRequest([CHAT.slice(0, 10), CHAT.slice(10)]));
    expect(upstreamSaw).toEqual([CHAT.slice(0, 10), CHAT.slice(10)]);
    expect(response.headers.get("content-type")).toBe("text/event-stream");

    const reader = response.body!.getReader();
    const got: Uint8Array[] = [];
    const sent: Uint8Array[] = [];
    for (const [i, event] of SSE.entries()) {
      clock.now = 1_000 + 100 * (i + 1);
      const bytes = enc.encode(event);
      sent.push(bytes);
      body.controller.enqueue(bytes);
      const next = await reader.read();
      got.push(next.value!);
    }
    expect(got).toEqual(sent);
    expect(got[0]).toBe(sent[0]); // the very chunk objects the upstream produced
    clock.now = 1_450;
    expect(records.filter((r) => r.final)).toHaveLength(0);
    body.controller.close();
    expect((await reader.read()).done).toBe(true);

    const final = records.at(-1)!;
    expect(final.final).toBe(true);
    expect(final.log).toMatchObject({ model: "gpt-4o-2024-08-06", input_token: 9, output_token: 4, total_token: 13, llm_first_token_duration: 100, llm_service_duration: 450, response_type: "stream" });
    expect(final.counters.find((c) => c.metric === "input_token")).toMatchObject({ consumer: "team-a", value: 9 });
    expect(lines.at(-1)).toBe(`{"ai_log":${final.logText}}`);
    expect(stats.recorder.stats()).toMatchObject({ activeExchanges: 0, openHandles: 0, arenaUsedBytes: 0, hostErrors: 0 });
  });

  it("a client that cancels mid-stream ends the exchange as aborted, once, and cancels the upstream body", async () => {
    const { stats, records } = setup();
    const body = manualBody();
    const response = await stats.wrap(() => new Response(body.stream, { headers: { "content-type": "text/event-stream" } }))(chatRequest());
    const reader = response.body!.getReader();
    body.controller.enqueue(enc.encode(SSE[0]!));
    await reader.read();
    await reader.cancel(new Error("client went away"));
    expect(body.cancelled()).toBeInstanceOf(Error);
    const finals = records.filter((r) => r.final);
    expect(finals).toHaveLength(1);
    expect(finals[0]).toMatchObject({ aborted: true, abortReason: "client closed" });
    expect(stats.recorder.stats()).toMatchObject({ activeExchanges: 0, openHandles: 0, arenaUsedBytes: 0 });
  });

  it("an upstream body that fails reaches the client as the same error and ends the exchange as aborted", async () => {
    const { stats, records } = setup();
    const body = manualBody();
    const response = await stats.wrap(() => new Response(body.stream))(chatRequest());
    const reader = response.body!.getReader();
    body.controller.enqueue(enc.encode(SSE[0]!));
    await reader.read();
    body.controller.error(new Error("upstream reset"));
    await expect(reader.read()).rejects.toThrow("upstream reset");
    expect(records.at(-1)).toMatchObject({ final: true, aborted: true, abortReason: "upstream reset" });
    expect(stats.recorder.stats().openHandles).toBe(0);
  });

  it("what the handler throws is rethrown, and the exchange is recorded as aborted", async () => {
    const { stats, records } = setup();
    const handler = stats.wrap(async () => {
      throw new Error("no upstream");
    });
    await expect(handler(chatRequest())).rejects.toThrow("no upstream");
    expect(records.at(-1)).toMatchObject({ final: true, aborted: true, abortReason: "no upstream" });
    expect(stats.recorder.stats()).toMatchObject({ openHandles: 0, arenaUsedBytes: 0 });
  });

  it("a response without a body ends the exchange at once and is returned as it is", async () => {
    const { stats, records } = setup();
    const original = new Response(null, { status: 204 });
    const response = await stats.wrap(() => original)(chatRequest());
    expect(response).toBe(original);
    expect(records.at(-1)?.final).toBe(true);
    expect(stats.recorder.stats().openHandles).toBe(0);
  });

  it("a JSON answer: the request model and usage recorded, the body unchanged", async () => {
    const { stats, records } = setup();
    const answer = JSON.stringify({ id: "r1", model: "gpt-4o-mini", choices: [{ message: { content: "hi" } }], usage: { prompt_tokens: 3, completion_tokens: 1, total_tokens: 4 } });
    const response = await stats.wrap(async (req) => {
      await req.json();
      return Response.json(JSON.parse(answer));
    })(chatRequest(JSON.stringify({ model: "gpt-4o-mini", messages: [] })));
    expect(await response.text()).toBe(answer);
    expect(records.at(-1)!.log).toMatchObject({ model: "gpt-4o-mini", input_token: 3, output_token: 1, response_type: "normal" });
  });

  it("a path that is not enabled is not touched: the handler gets the same request and the runtime the same response", async () => {
    const { stats, records } = setup({}, { enable_path_suffixes: ["/v1/chat/completions"] });
    const request = chatRequest(CHAT, "/v1/models");
    const original = new Response("ok");
    let seen: Request | null = null;
    const response = await stats.wrap((req) => ((seen = req), original))(request);
    expect(seen).toBe(request);
    expect(response).toBe(original);
    expect(records).toHaveLength(0);
    expect(stats.recorder.stats()).toMatchObject({ skippedExchanges: 1, openHandles: 0 });
  });

  it("observeRequestBody: false passes the request on as it came", async () => {
    const { stats } = setup({ observeRequestBody: false });
    const request = chatRequest();
    let seen: Request | null = null;
    await stats.wrap((req) => ((seen = req), new Response("{}")))(request);
    expect(seen).toBe(request);
  });

  it("ctx.waitUntil gets a promise that settles after the final record and the sinks' own promises", async () => {
    let shipped = false;
    const { stats } = setup({ logger: (line) => new Promise<void>((r) => setTimeout(() => ((shipped = line.includes("ai_log")), r()), 20)) });
    const kept: Array<Promise<unknown>> = [];
    const ctx = { waitUntil: (p: Promise<unknown>) => void kept.push(p) };
    const response = await stats.wrap((_req: Request, _env: unknown, _ctx: typeof ctx) => new Response(SSE.join("")))(chatRequest(), {}, ctx);
    expect(kept).toHaveLength(1);
    await response.text();
    expect(shipped).toBe(false);
    await kept[0];
    expect(shipped).toBe(true);
  });

  it("a rejected sink promise is reported once and changes nothing", async () => {
    const warn = vi.fn();
    const { stats } = setup({ logger: () => Promise.reject(new Error("log endpoint down")), warn: { warn } });
    const kept: Array<Promise<unknown>> = [];
    for (let i = 0; i < 2; i++) {
      const response = await stats.wrap(() => new Response(SSE.join("")))(chatRequest(), undefined, { waitUntil: (p: Promise<unknown>) => void kept.push(p) });
      expect(await response.text()).toBe(SSE.join(""));
    }
    await Promise.all(kept);
    expect(warn).toHaveBeenCalledTimes(1);
  });

  it("the default logger writes one compact JSON line per record with console.log", async () => {
    const log = vi.spyOn(console, "log").mockImplementation(() => {});
    const stats = createAiStatistics({ attributes: [{ key: "team", value_source: "request_header", value: "x-team", apply_to_log: true, as_separate_log_field: true }] }, { now: () => 0 });
    const response = await stats.wrap(() => Response.json({ model: "m", usage: { prompt_tokens: 1, completion_tokens: 2, total_tokens: 3 } }))(
      new Request("https://x/v1/chat/completions", { method: "POST", headers: { "x-team": 'a "b"' }, body: "{}" }),
    );
    await response.text();
    const line = log.mock.calls.at(-1)![0] as string;
    expect(line).not.toContain("\n");
    expect(JSON.parse(line)).toMatchObject({ ai_log: { model: "m", input_token: 1 }, team: 'a "b"' });
  });

  it("observe() without tapRequest records a response for any request (headers only)", async () => {
    const { stats, records } = setup();
    const request = chatRequest();
    const response = stats.observe(request, Response.json({ model: "m", usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 } }), { route: "chat", cluster: "openai" });
    await response.text();
    expect(records.at(-1)!.counters.find((c) => c.metric === "total_token")).toMatchObject({ route: "chat", cluster: "openai", value: 2 });
  });

  it("rejects a bad configuration or option with AistatsConfigError naming the field", () => {
    expect(() => createAiStatistics({ attributes: "nope" })).toThrow(AistatsConfigError);
    expect(() => createAiStatistics({}, { maxSeries: 0 })).toThrow(/options\.maxSeries/);
    expect(() => createAiStatistics({}, { logger: {} as never })).toThrow(/options\.logger/);
    expect(() => createAiStatistics({}, { opentelemetry: {} as never })).toThrow(/options\.opentelemetry/);
    expect(() => createAiStatistics({}).wrap("x" as never)).toThrow(/wrap/);
  });

  it("3,000 interleaved exchanges, some cancelled, return every arena block", async () => {
    const { stats } = setup({ logger: false, onRecord: undefined as never });
    const handler = stats.wrap(() => new Response(SSE.join("")));
    const open = [];
    for (let i = 0; i < 3_000; i++) open.push(await handler(chatRequest()));
    await Promise.all(open.map((r, i) => (i % 3 === 0 ? r.body!.cancel() : r.arrayBuffer())));
    expect(stats.recorder.stats()).toMatchObject({ activeExchanges: 0, openHandles: 0, arenaUsedBytes: 0, hostErrors: 0, exchanges: 3_000 });
  });
});
