import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type MockUpstream, startMockUpstream } from "../src/mock/server.js";

let mock: MockUpstream;
beforeAll(async () => {
  mock = await startMockUpstream({ delayMs: 0 });
});
afterAll(() => mock.close());

async function post(path: string, body: unknown) {
  const r = await fetch(mock.url + path, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  return { status: r.status, type: r.headers.get("content-type") ?? "", text: await r.text() };
}

/** Parses SSE text into events (event name, data parsed as JSON unless [DONE]). */
function parseSse(text: string): { event: string | null; data: string }[] {
  const out: { event: string | null; data: string }[] = [];
  for (const block of text.split(/\r?\n\r?\n/)) {
    if (!block.trim()) continue;
    let event: string | null = null;
    const data: string[] = [];
    for (const line of block.split(/\r?\n/)) {
      if (line.startsWith("event: ")) event = line.slice(7);
      else if (line.startsWith("data: ")) data.push(line.slice(6));
      else throw new Error("unexpected line " + line);
    }
    out.push({ event, data: data.join("\n") });
  }
  return out;
}

const weather = { type: "function", function: { name: "get_weather", parameters: { type: "object", properties: { location: { type: "string" } } } } };

describe("mock upstream: OpenAI Chat Completions", () => {
  it("JSON: usage adds up and the answer is there", async () => {
    const r = await post("/v1/chat/completions", { model: "gpt-4o", messages: [{ role: "user", content: "Hello there" }] });
    expect(r.status).toBe(200);
    const j = JSON.parse(r.text);
    expect(j.object).toBe("chat.completion");
    expect(j.model).toBe("gpt-4o");
    expect(j.choices[0].message.content.length).toBeGreaterThan(0);
    expect(j.usage.total_tokens).toBe(j.usage.prompt_tokens + j.usage.completion_tokens);
    expect(j.usage.completion_tokens).toBe(j.choices[0].message.content.split(" ").length);
  });

  it("SSE with include_usage: every chunk has obfuscation and service_tier, usage last, [DONE]", async () => {
    const r = await post("/v1/chat/completions", {
      model: "deepseek-reasoner",
      stream: true,
      stream_options: { include_usage: true },
      messages: [{ role: "user", content: "Why is the sky blue?" }],
    });
    expect(r.type).toMatch(/^text\/event-stream/);
    const events = parseSse(r.text);
    expect(events.at(-1)!.data).toBe("[DONE]");
    const chunks = events.slice(0, -1).map((e) => JSON.parse(e.data));
    for (const c of chunks) {
      expect(c.object).toBe("chat.completion.chunk");
      expect(typeof c.obfuscation).toBe("string");
      expect(c.service_tier).toBe("default");
      expect("usage" in c).toBe(true);
    }
    const last = chunks.at(-1);
    expect(last.choices).toEqual([]);
    const content = chunks.filter((c) => c.choices[0]?.delta?.content).length;
    const reasoning = chunks.filter((c) => c.choices[0]?.delta?.reasoning_content).length;
    expect(reasoning).toBeGreaterThan(0);
    expect(last.usage.completion_tokens).toBe(content + reasoning);
    expect(last.usage.completion_tokens_details.reasoning_tokens).toBe(reasoning);
    expect(last.usage.total_tokens).toBe(last.usage.prompt_tokens + last.usage.completion_tokens);
  });

  it("SSE without include_usage has no usage field; tool calls stream by index", async () => {
    const r = await post("/v1/chat/completions", { model: "gpt-4o", stream: true, tools: [weather], messages: [{ role: "user", content: "weather?" }] });
    const chunks = parseSse(r.text).slice(0, -1).map((e) => JSON.parse(e.data));
    expect(chunks.every((c) => !("usage" in c))).toBe(true);
    const frags = chunks.flatMap((c) => c.choices[0]?.delta?.tool_calls ?? []);
    expect(frags[0].function.name).toBe("get_weather");
    const args = JSON.parse(frags.map((f: { function: { arguments: string } }) => f.function.arguments).join(""));
    expect(typeof args.location).toBe("string");
    expect(chunks.at(-1).choices[0].finish_reason).toBe("tool_calls");
  });

  it("is deterministic, and different requests give different lengths", async () => {
    const body = { model: "gpt-4o", stream: true, messages: [{ role: "user", content: "same" }] };
    expect((await post("/v1/chat/completions", body)).text).toBe((await post("/v1/chat/completions", body)).text);
    const lengths = new Set<number>();
    for (let i = 0; i < 6; i++) {
      const j = JSON.parse((await post("/v1/chat/completions", { model: "gpt-4o", messages: [{ role: "user", content: "q" + i }] })).text);
      lengths.add(j.usage.completion_tokens);
    }
    expect(lengths.size).toBeGreaterThan(2);
  });
});

describe("mock upstream: OpenAI Responses", () => {
  it("JSON", async () => {
    const j = JSON.parse((await post("/v1/responses", { model: "gpt-4.1", input: "Tell me a story" })).text);
    expect(j.object).toBe("response");
    expect(j.usage.total_tokens).toBe(j.usage.input_tokens + j.usage.output_tokens);
    expect(j.output[0].content[0].text.split(" ").length).toBe(j.usage.output_tokens);
  });
  it("SSE ends in response.completed with usage; sequence numbers count up", async () => {
    const events = parseSse((await post("/v1/responses", { model: "gpt-4.1", input: "Tell me a story", stream: true })).text);
    const data = events.map((e) => JSON.parse(e.data));
    events.forEach((e, i) => {
      expect(e.event).toBe(data[i].type);
      expect(data[i].sequence_number).toBe(i);
    });
    expect(data[0].type).toBe("response.created");
    const done = data.at(-1);
    expect(done.type).toBe("response.completed");
    const deltas = data.filter((d) => d.type === "response.output_text.delta");
    expect(deltas.map((d) => d.delta).join("")).toBe(done.response.output[0].content[0].text);
    expect(done.response.usage.output_tokens).toBe(deltas.length);
    expect(done.response.usage.total_tokens).toBe(done.response.usage.input_tokens + deltas.length);
  });
});

describe("mock upstream: Anthropic Messages", () => {
  it("JSON", async () => {
    const j = JSON.parse((await post("/v1/messages", { model: "claude-sonnet-4-5", max_tokens: 100, messages: [{ role: "user", content: "hi" }] })).text);
    expect(j.type).toBe("message");
    expect(j.content[0].type).toBe("text");
    expect(j.usage.output_tokens).toBe(j.content[0].text.split(" ").length);
  });
  it("SSE: message_start, ping, text and tool_use blocks, cumulative message_delta, message_stop", async () => {
    const events = parseSse(
      (await post("/v1/messages", { model: "claude-sonnet-4-5", max_tokens: 100, stream: true, tools: [{ name: "get_weather", input_schema: {} }], messages: [{ role: "user", content: "hi" }] })).text,
    );
    const data = events.map((e) => JSON.parse(e.data));
    events.forEach((e, i) => expect(e.event).toBe(data[i].type));
    expect(data[0].type).toBe("message_start");
    expect(data.at(-1).type).toBe("message_stop");
    const tool = data.find((d) => d.type === "content_block_start" && d.content_block.type === "tool_use");
    expect(tool.content_block.name).toBe("get_weather");
    const partial = data.filter((d) => d.delta?.type === "input_json_delta");
    expect(typeof JSON.parse(partial.map((d) => d.delta.partial_json).join("")).location).toBe("string");
    const delta = data.find((d) => d.type === "message_delta");
    expect(delta.delta.stop_reason).toBe("tool_use");
    expect(delta.usage.output_tokens).toBe(partial.filter((d) => d.delta.partial_json !== "").length);
    expect(delta.usage.input_tokens).toBe(data[0].message.usage.input_tokens);
  });
  it("SSE text with a ping", async () => {
    const events = parseSse((await post("/v1/messages", { model: "claude-haiku-4-5", max_tokens: 10, stream: true, messages: [{ role: "user", content: "a story" }] })).text);
    expect(events.some((e) => e.event === "ping")).toBe(true);
    const data = events.map((e) => JSON.parse(e.data));
    const texts = data.filter((d) => d.delta?.type === "text_delta");
    expect(data.find((d) => d.type === "message_delta").usage.output_tokens).toBe(texts.length);
  });
});

describe("mock upstream: Gemini", () => {
  const body = { contents: [{ role: "user", parts: [{ text: "Write a poem" }] }] };
  it("generateContent JSON", async () => {
    const j = JSON.parse((await post("/v1beta/models/gemini-2.5-flash:generateContent", body)).text);
    expect(j.modelVersion).toBe("gemini-2.5-flash");
    const u = j.usageMetadata;
    expect(u.totalTokenCount).toBe(u.promptTokenCount + u.candidatesTokenCount);
    expect(u.candidatesTokenCount).toBe(j.candidates[0].content.parts[0].text.split(" ").length);
  });
  it("streamGenerateContent?alt=sse: usageMetadata in every event, the last authoritative", async () => {
    const r = await post("/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse", body);
    expect(r.text).toContain("\r\n\r\n");
    const data = parseSse(r.text).map((e) => JSON.parse(e.data));
    expect(data.every((d) => d.usageMetadata)).toBe(true);
    const last = data.at(-1);
    expect(last.candidates[0].finishReason).toBe("STOP");
    const text = data.map((d) => d.candidates[0].content.parts[0].text).join("");
    expect(last.usageMetadata.candidatesTokenCount).toBe(text.split(" ").length);
    expect(last.usageMetadata.totalTokenCount).toBe(last.usageMetadata.promptTokenCount + last.usageMetadata.candidatesTokenCount);
  });
  it("streamGenerateContent without alt: a JSON array", async () => {
    const arr = JSON.parse((await post("/v1beta/models/gemini-2.5-pro:streamGenerateContent", body)).text);
    expect(Array.isArray(arr)).toBe(true);
    expect(arr.at(-1).usageMetadata.totalTokenCount).toBeGreaterThan(0);
  });
});

describe("mock upstream: errors and delays", () => {
  it("unknown path is a 404 JSON error; bad JSON a 400", async () => {
    expect((await post("/v1/nothing", {})).status).toBe(404);
    const r = await fetch(mock.url + "/v1/chat/completions", { method: "POST", body: "{not json" });
    expect(r.status).toBe(400);
    expect(JSON.parse(await r.text()).error.message).toMatch(/parse/);
  });
  it("with delays, events arrive spread over time", async () => {
    const slow = await startMockUpstream({ delayMs: [20, 40] });
    try {
      const t0 = Date.now();
      const r = await fetch(slow.url + "/v1/chat/completions", {
        method: "POST",
        body: JSON.stringify({ model: "gpt-4o", stream: true, messages: [{ role: "user", content: "x" }] }),
      });
      const n = parseSse(await r.text()).length;
      expect(Date.now() - t0).toBeGreaterThanOrEqual((n - 1) * 20 - 5);
    } finally {
      await slow.close();
    }
  });
});
