// `--concurrent` must interleave: an adapter's runConcurrent opens every exchange on one host and
// feeds their calls step by step (exchange-steps.ts), never one exchange after another. Two
// checks per adapter that has a concurrent mode: the calls the host received, in order, and an
// effect only overlapping exchanges can have — together they need more than the fixed arena
// holds (PRODUCT §5), so their values are cut, while each alone keeps its value whole.
import { HttpStream } from "@aistats/proxy-wasm-host";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { ConformanceAdapter } from "../adapter.js";
import type { CaseScript } from "../case-format.js";
import { parseCase } from "../load-cases.js";
import { createAdapter } from "./index.js";

const ARENA_BYTES = 65536;
const PIECE = 1000;
const PIECES = 14; // 14,000 bytes of answer per exchange: five need more than the 64 KiB arena

/** An OpenAI stream whose answer (rule append) is PIECES × PIECE bytes, in PIECES events. */
function longAnswer(name: string): CaseScript {
  const event = (delta: object) => `data: ${JSON.stringify({ id: name, model: "m", choices: [{ index: 0, delta }] })}\n\n`;
  const chunks = Array.from({ length: PIECES }, (_, i) => ({ text: event({ content: name.repeat(PIECE) }), at_ms: 10 + i }));
  chunks.push({ text: 'data: {"id":"x","model":"m","choices":[],"usage":{"prompt_tokens":1,"completion_tokens":2,"total_tokens":3}}\n\ndata: [DONE]\n\n', at_ms: 10 + PIECES });
  const file = {
    name,
    description: "a stream whose appended answer takes a fifth of the arena",
    config: { arena_bytes: ARENA_BYTES, value_length_limit: 1_000_000, attributes: [{ key: "answer", apply_to_log: true, rule: "append" }] },
    request: { headers: { ":method": "POST", ":path": "/v1/chat/completions" }, body: { model: "m", stream: true } },
    response: { headers: { ":status": "200", "content-type": "text/event-stream" }, chunks },
    expect: { log: { model: "m" } },
  };
  const script = parseCase(JSON.stringify(file), `${name}.json`, `/${name}.json`);
  if (Array.isArray(script)) throw new Error(JSON.stringify(script));
  return script;
}

const scripts = ["a", "b", "c", "d", "e"].map(longAnswer);

/** Every adapter with a concurrent mode (core-wasm has none; the fixture runs no host). */
const CONCURRENT_ADAPTERS = ["proxy-wasm"];

describe.each(CONCURRENT_ADAPTERS)("--concurrent on %s", (name) => {
  async function adapter(): Promise<ConformanceAdapter & Required<Pick<ConformanceAdapter, "runConcurrent">>> {
    const a = await createAdapter(name, {});
    if (a.runConcurrent === undefined) throw new Error(`${name} has no runConcurrent`);
    return a as ConformanceAdapter & Required<Pick<ConformanceAdapter, "runConcurrent">>;
  }

  it("keeps each exchange's answer whole when it runs alone", async () => {
    const a = await adapter();
    for (const s of scripts) {
      const { log } = await a.run(s);
      expect(log?.["answer"]).toBe(s.name.repeat(PIECE * PIECES));
      expect(log?.["aistats_truncated"]).toBeUndefined();
    }
  });

  it("holds the exchanges open at once: together they overflow the arena and are cut and counted", async () => {
    const results = await (await adapter()).runConcurrent(scripts);
    const answers = results.map((r) => (r.log?.["answer"] as string).length);
    // Each got a share of the arena, none its whole answer; a one-after-another replay keeps all whole.
    expect(answers.every((n) => n < PIECE * PIECES)).toBe(true);
    expect(results.map((r) => r.log?.["aistats_truncated"])).toEqual(scripts.map(() => expect.any(Number)));
  });
});

describe("--concurrent on proxy-wasm: the calls each stream receives", () => {
  const methods = ["requestHeaders", "requestBody", "responseHeaders", "responseBody", "complete", "abort"] as const;
  afterEach(() => vi.restoreAllMocks());

  it("are interleaved step by step: every stream's request headers before any stream's next call", async () => {
    const calls: Array<[stream: HttpStream, method: string]> = [];
    for (const m of methods) {
      const original = HttpStream.prototype[m] as (this: HttpStream, ...args: unknown[]) => unknown;
      vi.spyOn(HttpStream.prototype, m).mockImplementation(function (this: HttpStream, ...args: unknown[]) {
        calls.push([this, m]);
        return original.apply(this, args);
      } as never);
    }
    const two = scripts.slice(0, 2);
    const adapter = await createAdapter("proxy-wasm", {});
    const results = await adapter.runConcurrent!(two);
    expect(results.map((r) => r.log?.["model"])).toEqual(["m", "m"]);
    const streams = [...new Set(calls.map(([s]) => s))];
    expect(streams).toHaveLength(2);
    const order = calls.map(([s, m]) => `${streams.indexOf(s)}:${m}`);
    // Both streams: headers, body, headers, PIECES + 1 body chunks, complete — taken in turn.
    const perStream = ["requestHeaders", "requestBody", "responseHeaders", ...Array<string>(PIECES + 1).fill("responseBody"), "complete"];
    expect(order).toEqual(perStream.flatMap((m) => [`0:${m}`, `1:${m}`]));
  });
});
