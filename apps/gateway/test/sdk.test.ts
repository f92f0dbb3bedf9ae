// The official SDKs as clients through the gateway against the embedded mock upstream: each gives
// the same result as against the mock directly (the gateway changes nothing), and the record
// carries the model and the usage the SDK saw.
import Anthropic from "@anthropic-ai/sdk";
import { GoogleGenAI } from "@google/genai";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Gateway, startGateway } from "../src/gateway.js";

let gw: Gateway;
const logs: Record<string, unknown>[] = [];
beforeAll(async () => {
  gw = await startGateway({ port: 0, mock: { delayMs: 0 }, statistics: { log: (line) => logs.push(JSON.parse(line).ai_log) } });
});
afterAll(() => gw.close());

/** The final record of the last exchange (the log's llm_service_duration is only in the final one). */
async function lastRecord(): Promise<Record<string, unknown>> {
  await new Promise((r) => setTimeout(r, 20));
  const final = logs.filter((l) => "llm_service_duration" in l);
  return final.at(-1)!;
}

const openai = (base: string) => new OpenAI({ apiKey: "sk-test", baseURL: base + "/v1", maxRetries: 0 });
const anthropic = (base: string) => new Anthropic({ apiKey: "sk-ant-test", baseURL: base, maxRetries: 0 });
const genai = (base: string) => new GoogleGenAI({ apiKey: "g-test", httpOptions: { baseUrl: base } });

describe("openai@6 through the gateway", () => {
  const params = { model: "gpt-4o-mini", messages: [{ role: "user" as const, content: "What is a gateway?" }] };

  it("chat completion, non-stream", async () => {
    const direct = await openai(gw.mock!.url).chat.completions.create(params);
    const via = await openai(gw.url).chat.completions.create(params);
    expect(via).toEqual(direct);
    expect(await lastRecord()).toMatchObject({
      model: "gpt-4o-mini",
      input_token: via.usage!.prompt_tokens,
      output_token: via.usage!.completion_tokens,
      total_token: via.usage!.total_tokens,
      response_type: "normal",
    });
  });

  it("chat completion stream with include_usage", async () => {
    const collect = async (base: string) => {
      const chunks = [];
      const s = await openai(base).chat.completions.create({ ...params, stream: true, stream_options: { include_usage: true } });
      for await (const c of s) chunks.push(c);
      return chunks;
    };
    const direct = await collect(gw.mock!.url);
    const via = await collect(gw.url);
    expect(via).toEqual(direct);
    const usage = via.at(-1)!.usage!;
    const rec = await lastRecord();
    expect(rec).toMatchObject({ model: "gpt-4o-mini", input_token: usage.prompt_tokens, output_token: usage.completion_tokens, response_type: "stream" });
    expect(typeof rec.llm_first_token_duration).toBe("number");
  });

  it("Responses stream", async () => {
    const collect = async (base: string) => {
      const events = [];
      const s = await openai(base).responses.create({ model: "gpt-4.1", input: "Tell me about tokens", stream: true });
      for await (const e of s) events.push(e);
      return events;
    };
    const direct = await collect(gw.mock!.url);
    const via = await collect(gw.url);
    expect(via).toEqual(direct);
    const done = via.at(-1)!;
    if (done.type !== "response.completed") throw new Error("no response.completed");
    expect(await lastRecord()).toMatchObject({
      model: "gpt-4.1",
      input_token: done.response.usage!.input_tokens,
      output_token: done.response.usage!.output_tokens,
      response_type: "stream",
    });
  });
});

describe("@anthropic-ai/sdk through the gateway", () => {
  it("messages stream", async () => {
    const run = async (base: string) => {
      const stream = anthropic(base).messages.stream({ model: "claude-sonnet-4-5", max_tokens: 200, messages: [{ role: "user", content: "Hello Claude" }] });
      const events = [];
      for await (const e of stream) events.push(e);
      return { events, final: await stream.finalMessage() };
    };
    const direct = await run(gw.mock!.url);
    const via = await run(gw.url);
    expect(via.events).toEqual(direct.events);
    expect(via.final).toEqual(direct.final);
    const u = via.final.usage;
    expect(await lastRecord()).toMatchObject({
      model: "claude-sonnet-4-5",
      input_token: u.input_tokens + (u.cache_read_input_tokens ?? 0) + (u.cache_creation_input_tokens ?? 0),
      output_token: u.output_tokens,
      response_type: "stream",
    });
  });
});

describe("@google/genai@2 through the gateway", () => {
  it("streamed generateContent", async () => {
    const run = async (base: string) => {
      const out = [];
      const s = await genai(base).models.generateContentStream({ model: "gemini-2.5-flash", contents: "Write a haiku about latency" });
      for await (const c of s) out.push({ text: c.text, usage: c.usageMetadata, model: c.modelVersion });
      return out;
    };
    const direct = await run(gw.mock!.url);
    const via = await run(gw.url);
    expect(via).toEqual(direct);
    const u = via.at(-1)!.usage!;
    expect(await lastRecord()).toMatchObject({
      model: "gemini-2.5-flash",
      input_token: u.promptTokenCount,
      output_token: u.candidatesTokenCount,
      total_token: u.totalTokenCount,
      response_type: "stream",
    });
  });
});
