// plugin.wasm on streams whose ai_log other plugins already wrote (ai-cache's cache_status,
// ai-security-guard's safecheck_status, …), checked on every log write of a stream: the early
// one (usage first known on an SSE stream) and the final one. Higress's wrapper merges into the
// value it finds (their keys kept, its own win, keys sorted); so must aistats, in bounded memory.
// Run `pnpm build` first (turbo does).
import { readFileSync } from "node:fs";
import { ManualClock, ProxyWasmHost, type HttpStream } from "@aistats/proxy-wasm-host";
import { describe, expect, it } from "vitest";

const wasm = new Uint8Array(readFileSync(new URL("../build/plugin.wasm", import.meta.url)));
const ROUTE = "llm-route";
const CLUSTER = "outbound|443||api.openai.com";
const REPLACED = "aistats_dropped_total.reason.ai_log_replaced";
const MIB = 1024 * 1024;

const sse = (o: object): string => `data: ${JSON.stringify(o)}\n\n`;
const content = (text: string): string => sse({ id: "c1", model: "gpt-4o", choices: [{ index: 0, delta: { content: text } }] });
const USAGE = sse({ id: "c1", model: "gpt-4o", choices: [], usage: { prompt_tokens: 12, completion_tokens: 5, total_tokens: 17 } });
const DONE = "data: [DONE]\n\n";
const ANSWER = { key: "answer", value_source: "response_streaming_body", value: "choices.0.delta.content", rule: "append", apply_to_log: true };

const byteOrder = (a: string, b: string): number => Buffer.compare(Buffer.from(a), Buffer.from(b));

/** Go's json.Marshal of a JSON-like value: map keys sorted as bytes, `<>&` U+2028 U+2029 escaped. */
function goMarshal(v: unknown): string {
  const sorted = (x: unknown): unknown => {
    if (Array.isArray(x)) return x.map(sorted);
    if (x !== null && typeof x === "object") {
      const o: Record<string, unknown> = {};
      for (const k of Object.keys(x).sort(byteOrder)) o[k] = sorted((x as Record<string, unknown>)[k]);
      return o;
    }
    return x;
  };
  return JSON.stringify(sorted(v)).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}
/** Higress's MarshalStr: the JSON string literal of `text` without its quotes. */
const marshalStr = (text: string): string => goMarshal(text).slice(1, -1);

/**
 * What another Higress plugin's WriteUserAttributeToLogWithKey("ai_log") does to the stream:
 * reads the current value, unescapes and parses it, overlays its attributes, writes it back.
 */
function otherPluginWrites(s: HttpStream, attributes: Record<string, unknown>): void {
  const pre = s.filterStateText("wasm.ai_log") ?? "";
  const map = pre === "" ? {} : (JSON.parse(JSON.parse(`"${pre}"`) as string) as Record<string, unknown>);
  s.setFilterState("wasm.ai_log", marshalStr(goMarshal({ ...map, ...attributes })));
}

/**
 * The stream's ai_log as the access log '{"ai_log":"%FILTER_STATE(wasm.ai_log:PLAIN)%"}' has it:
 * checks that the stored bytes hold no control character and are UTF-8, that the line and its
 * ai_log both parse, and that the keys are unique and sorted as Go sorts them.
 */
function aiLog(s: HttpStream): Record<string, unknown> {
  const stored = s.filterState.get("wasm.ai_log");
  expect(stored).toBeDefined();
  expect(stored!.findIndex((b) => b < 0x20)).toBe(-1);
  const text = new TextDecoder("utf-8", { fatal: true }).decode(stored);
  const line = JSON.parse(`{"ai_log":"${text}"}`) as { ai_log: string };
  const log = JSON.parse(line.ai_log) as Record<string, unknown>;
  const keys = topLevelKeys(line.ai_log);
  expect(keys).toEqual([...keys].sort(byteOrder));
  expect(new Set(keys).size).toBe(keys.length);
  return log;
}

/** The top-level keys of a JSON object text in the order written (no integer-key reordering). */
function topLevelKeys(text: string): string[] {
  const keys: string[] = [];
  let depth = 0;
  let expectKey = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '"') {
      let k = i + 1;
      while (text[k] !== '"') k += text[k] === "\\" ? 2 : 1;
      if (depth === 1 && expectKey) keys.push(JSON.parse(text.slice(i, k + 1)) as string);
      expectKey = false;
      i = k;
    } else if (c === "{" || c === "[") {
      depth++;
      expectKey = c === "{" && depth === 1;
    } else if (c === "}" || c === "]") depth--;
    else if (c === "," && depth === 1) expectKey = true;
  }
  return keys;
}

async function startHost(config: object = {}): Promise<{ host: ProxyWasmHost; clock: ManualClock }> {
  const clock = new ManualClock();
  const host = await ProxyWasmHost.start(wasm, {
    pluginConfig: JSON.stringify(config),
    properties: { route_name: ROUTE, cluster_name: CLUSTER },
    clock,
  });
  return { host, clock };
}

interface Run {
  readonly s: HttpStream;
  /** The ai_log right after the early write (usage first known), before the stream ends. */
  readonly early: Record<string, unknown>;
  readonly final: Record<string, unknown>;
}

/**
 * One SSE stream whose wasm.ai_log holds `existing` (as stored) when it starts; `between` runs
 * after the early write, before the final one (another plugin writing in the response path).
 */
function stream(host: ProxyWasmHost, clock: ManualClock, existing: string | null, between?: (s: HttpStream) => void, answer = ["Hel", "lo"]): Run {
  const s = host.newHttpStream(existing === null ? {} : { filterState: { "wasm.ai_log": existing } });
  s.requestHeaders({ ":method": "POST", ":path": "/v1/chat/completions", ":authority": "api.openai.com" });
  s.requestBody(JSON.stringify({ model: "gpt-4o", stream: true, messages: [{ role: "user", content: "hi" }] }), true);
  clock.advanceMs(100);
  s.responseHeaders({ ":status": "200", "content-type": "text/event-stream" });
  clock.advanceMs(20);
  for (const a of answer) s.responseBody(content(a), false);
  const beforeUsage = s.filterStateText("wasm.ai_log");
  s.responseBody(USAGE, false);
  // The early write happened now: it differs from what was there before.
  expect(s.filterStateText("wasm.ai_log")).not.toBe(beforeUsage);
  const early = aiLog(s);
  between?.(s);
  clock.advanceMs(30);
  s.responseBody(DONE, true);
  s.complete();
  return { s, early, final: aiLog(s) };
}

const OWN_EARLY = { model: "gpt-4o", input_token: 12, output_token: 5, total_token: 17, response_type: "stream", llm_first_token_duration: 120, chat_id: "c1", chat_round: 1 };

describe("plugin.wasm merges the ai_log other plugins wrote", () => {
  it("keeps ai-cache's cache_status on the early and the final write, keys sorted, nothing counted", async () => {
    const { host, clock } = await startHost({ attributes: [ANSWER] });
    const { early, final } = stream(host, clock, marshalStr(goMarshal({ cache_status: "hit" })));
    expect(early).toEqual({ cache_status: "hit", answer: "Hello", ...OWN_EARLY });
    expect(final).toEqual({ cache_status: "hit", answer: "Hello", ...OWN_EARLY, llm_service_duration: 150 });
    expect(host.metrics.counter(REPLACED)).toBeUndefined();
    expect(host.vmFailure).toBeNull();
  });

  it("lets aistats' own keys win (model, input_token, …) and keeps the others", async () => {
    const { host, clock } = await startHost();
    const theirs = { model: "cached-model", input_token: 999, total_token: "x", safecheck_status: "request pass", safecheck_request_rt: 35 };
    const { early, final } = stream(host, clock, marshalStr(goMarshal(theirs)));
    for (const log of [early, final]) {
      expect(log).toMatchObject({ ...OWN_EARLY, safecheck_status: "request pass", safecheck_request_rt: 35 });
    }
    expect(final.llm_service_duration).toBe(150);
    expect(host.metrics.counter(REPLACED)).toBeUndefined();
  });

  it("keeps foreign values exactly: unicode, escapes, control characters, nested structures, numbers", async () => {
    const { host, clock } = await startHost();
    const theirs = {
      note: 'ユーザー 😀 "quoted" back\\slash\nline\ttab\u0001 <b>&amp;</b> \u2028',
      nested: { z: [1, 2.5e-7, -0.125, 12345678901234567000, true, null], a: { "é": "", "😀": {} } },
      empty: "",
    };
    const { early, final } = stream(host, clock, marshalStr(goMarshal(theirs)));
    for (const log of [early, final]) expect(log).toMatchObject(JSON.parse(JSON.stringify(theirs)) as object);
    expect(host.metrics.counter(REPLACED)).toBeUndefined();
  });

  it("keeps what another plugin merged in between the early and the final write", async () => {
    const { host, clock } = await startHost();
    const { early, final } = stream(host, clock, marshalStr(goMarshal({ cache_status: "miss" })), (s) =>
      otherPluginWrites(s, { safecheck_status: "response pass", safecheck_response_rt: 7 }),
    );
    expect(early).toEqual({ cache_status: "miss", ...OWN_EARLY });
    expect(final).toEqual({ cache_status: "miss", safecheck_status: "response pass", safecheck_response_rt: 7, ...OWN_EARLY, llm_service_duration: 150 });
  });

  it("merges with a plugin that overwrote the value in between without merging", async () => {
    const { host, clock } = await startHost();
    const { final } = stream(host, clock, null, (s) => s.setFilterState("wasm.ai_log", marshalStr(goMarshal({ llm_guard: "blocked words: 0" }))));
    expect(final).toEqual({ llm_guard: "blocked words: 0", ...OWN_EARLY, llm_service_duration: 150 });
  });

  it("writes its own record alone, and counts it, when the existing value does not parse or is not an object", async () => {
    const { host, clock } = await startHost();
    const bad = [
      "not json",
      '{\\"cache_status\\":',
      '{"cache_status":"hit"}', // stored without MarshalStr: a raw quote ends the string
      '{\\"a\\":\\"line\nfeed\\"}', // a raw control character
      marshalStr("[1,2,3]"),
      marshalStr('"just a string"'),
      marshalStr("null"),
      marshalStr('{"a":1e400}'),
    ];
    for (const existing of bad) {
      const { early, final } = stream(host, clock, existing);
      expect(early).toEqual(OWN_EARLY);
      // The final write reads back aistats' own early record: a clean merge, not counted again.
      expect(final).toEqual({ ...OWN_EARLY, llm_service_duration: 150 });
    }
    expect(host.metrics.counter(REPLACED)).toBe(bad.length);
  });

  it("writes its own record alone, and counts it, when the existing value is over the limit — without reading it in", async () => {
    const { host, clock } = await startHost();
    const large = (bytes: number): string => marshalStr(goMarshal({ big: "x".repeat(bytes - 14) }));
    // 16 KiB is accepted on the first write; one byte more is not.
    const fits = large(16 * 1024);
    expect(fits.length).toBe(16 * 1024);
    expect(stream(host, clock, fits).final).toMatchObject({ big: "x".repeat(16 * 1024 - 14), ...OWN_EARLY });
    expect(host.metrics.counter(REPLACED)).toBeUndefined();
    const over = stream(host, clock, large(16 * 1024 + 1));
    expect(over.early).toEqual(OWN_EARLY);
    expect(over.final).toEqual({ ...OWN_EARLY, llm_service_duration: 150 });
    expect(host.metrics.counter(REPLACED)).toBe(1);
    // 8 MiB written by someone else never enters the VM: memory stays within its budget.
    const huge = stream(host, clock, large(8 * MIB));
    expect(huge.final).toEqual({ ...OWN_EARLY, llm_service_duration: 150 });
    expect(host.metrics.counter(REPLACED)).toBe(2);
    expect(host.memory.peak).toBeLessThanOrEqual(4 * MIB + 2 * MIB);
  });

  it("reads back its own long early record on the final write (it does not count against the limit)", async () => {
    const { host, clock } = await startHost({ value_length_limit: 100000, attributes: [ANSWER] });
    // ~40 KB of answer before usage is known: the early write is ~40 KB, over 16 KiB.
    const answer = Array.from({ length: 100 }, () => "token ".repeat(66));
    const { early, final } = stream(host, clock, marshalStr(goMarshal({ cache_status: "hit" })), (s) => otherPluginWrites(s, { safecheck_status: "response pass" }), answer);
    expect((early.answer as string).length).toBe(answer.join("").length);
    expect(final).toMatchObject({ cache_status: "hit", safecheck_status: "response pass", answer: answer.join(""), llm_service_duration: 150 });
    expect(host.metrics.counter(REPLACED)).toBeUndefined();
  });

  it("merges on a JSON response's single write and on an aborted stream's write in proxy_on_log", async () => {
    const { host } = await startHost();
    const json = host.newHttpStream({ filterState: { "wasm.ai_log": marshalStr(goMarshal({ cache_status: "hit" })) } });
    json.requestHeaders({ ":method": "POST", ":path": "/v1/chat/completions" }, true);
    json.responseHeaders({ ":status": "200", "content-type": "application/json" });
    json.responseBody(JSON.stringify({ model: "gpt-4o", usage: { prompt_tokens: 1, completion_tokens: 2, total_tokens: 3 } }), true);
    json.complete();
    expect(aiLog(json)).toMatchObject({ cache_status: "hit", model: "gpt-4o", input_token: 1, response_type: "normal" });

    const cut = host.newHttpStream({ filterState: { "wasm.ai_log": marshalStr(goMarshal({ cache_status: "miss" })) } });
    cut.requestHeaders({ ":method": "POST", ":path": "/v1/chat/completions" });
    cut.requestBody(JSON.stringify({ model: "gpt-4o", stream: true }), true);
    cut.responseHeaders({ ":status": "200", "content-type": "text/event-stream" });
    cut.responseBody(content("Hel"), false);
    cut.abort();
    expect(aiLog(cut)).toMatchObject({ cache_status: "miss", model: "gpt-4o", response_type: "stream" });
    expect(host.metrics.counter(REPLACED)).toBeUndefined();
  });

  it("never stores a raw control character, also when the provider pretty-prints what the log copies", async () => {
    const { host } = await startHost();
    const body = JSON.stringify(
      { model: "gpt-4o", usage: { prompt_tokens: 9, completion_tokens: 3, total_tokens: 12, prompt_tokens_details: { cached_tokens: 4, audio_tokens: 0 }, completion_tokens_details: { reasoning_tokens: 1 } } },
      null,
      "\t",
    ).replace(/\n/g, "\r\n");
    for (const existing of [null, marshalStr(goMarshal({ cache_status: "hit" }))]) {
      const s = host.newHttpStream(existing === null ? {} : { filterState: { "wasm.ai_log": existing } });
      s.requestHeaders({ ":method": "POST", ":path": "/v1/chat/completions" }, true);
      s.responseHeaders({ ":status": "200", "content-type": "application/json" });
      s.responseBody(body, true);
      s.complete();
      const log = aiLog(s);
      expect(log).toMatchObject({ input_token: 9, input_token_details: { cached_tokens: 4 }, output_token_details: { reasoning_tokens: 1 } });
      if (existing !== null) expect(log.cache_status).toBe("hit");
    }
    expect(host.metrics.counter(REPLACED)).toBeUndefined();
  });

  it("stays within arena_bytes + 2 MiB with 64 streams open, each with a foreign ai_log and long logs", async () => {
    const config = {
      attributes: [
        { key: "question", value_source: "request_body", value: "messages.@reverse.0.content", apply_to_log: true },
        ANSWER,
      ],
    };
    const { host } = await startHost(config);
    const foreign = marshalStr(goMarshal({ cache_status: "hit", cache_key: "k".repeat(12000), safecheck_status: "request pass" }));
    const event = content("token ".repeat(30));
    const body = event.repeat(700) + USAGE + DONE;
    const pieces: string[] = [];
    for (let at = 0; at < body.length; at += 4096) pieces.push(body.slice(at, at + 4096));
    const open = (): HttpStream => {
      const s = host.newHttpStream({ filterState: { "wasm.ai_log": foreign } });
      s.requestHeaders({ ":method": "POST", ":path": "/v1/chat/completions" });
      s.requestBody(JSON.stringify({ model: "gpt-4o", stream: true, messages: [{ role: "user", content: "q".repeat(3000) }] }), true);
      s.responseHeaders({ ":status": "200", "content-type": "text/event-stream" });
      return s;
    };
    const streams = Array.from({ length: 64 }, () => ({ s: open(), next: 0 }));
    let done = 0;
    let afterFirst = 0;
    while (done < 192) {
      for (const slot of streams) {
        const last = slot.next === pieces.length - 1;
        slot.s.responseBody(pieces[slot.next++]!, last);
        if (!last) continue;
        slot.s.complete();
        const log = aiLog(slot.s);
        expect(log).toMatchObject({ cache_status: "hit", safecheck_status: "request pass", input_token: 12 });
        expect(log.answer as string).toContain("[truncated]");
        if (++done === 64) afterFirst = host.memory.current;
        slot.s = open();
        slot.next = 0;
      }
    }
    expect(host.vmFailure).toBeNull();
    expect(host.metrics.counter(REPLACED)).toBeUndefined();
    expect(host.memory.peak).toBeLessThanOrEqual(4 * MIB + 2 * MIB);
    expect(host.memory.current).toBe(afterFirst);
  });
});
