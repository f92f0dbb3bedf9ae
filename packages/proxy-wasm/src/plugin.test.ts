// plugin.wasm as Envoy runs it: loaded, configured and driven by @aistats/proxy-wasm-host (which
// refuses what Envoy refuses and encodes filter state, span tags and metrics as Envoy does).
// Run `pnpm build` first (turbo does).
import { readFileSync } from "node:fs";
import { FilterDataStatus, FilterHeadersStatus, ManualClock, ProxyWasmHost } from "@aistats/proxy-wasm-host";
import { describe, expect, it } from "vitest";

const wasm = new Uint8Array(readFileSync(new URL("../build/plugin.wasm", import.meta.url)));
const ROUTE = "llm-route";
const CLUSTER = "outbound|443||api.openai.com";
const PREFIX = `route.${ROUTE}.upstream.${CLUSTER}.model.gpt-4o.consumer.none.metric.`;

const sse = (o: object): string => `data: ${JSON.stringify(o)}\n\n`;
const chunks = [
  sse({ id: "c1", model: "gpt-4o", choices: [{ index: 0, delta: { content: "Hel" } }] }),
  sse({ id: "c1", model: "gpt-4o", choices: [{ index: 0, delta: { content: "lo \"there\"" } }] }),
  sse({ id: "c1", model: "gpt-4o", choices: [], usage: { prompt_tokens: 12, completion_tokens: 5, total_tokens: 17 } }),
  "data: [DONE]\n\n",
];

async function startHost(config: object = {}, clock = new ManualClock()): Promise<ProxyWasmHost> {
  return ProxyWasmHost.start(wasm, {
    pluginConfig: JSON.stringify(config),
    properties: { route_name: ROUTE, cluster_name: CLUSTER },
    clock,
  });
}

function aiLog(text: string): Record<string, unknown> {
  // Filter state holds the JSON as a string's contents (Higress MarshalStr).
  return JSON.parse(JSON.parse(`"${text}"`) as string) as Record<string, unknown>;
}

describe("plugin.wasm", () => {
  it("imports only Proxy-Wasm hostcalls and exports the ABI 0.2.1 callbacks", () => {
    const module = new WebAssembly.Module(wasm);
    const imports = WebAssembly.Module.imports(module);
    for (const i of imports) {
      expect(i.module).toBe("env");
      expect(i.name).toMatch(/^proxy_/);
    }
    expect(imports.map((i) => i.name)).not.toContain("abort");
    const exports = WebAssembly.Module.exports(module).map((e) => e.name);
    for (const name of ["proxy_abi_version_0_2_1", "malloc", "proxy_on_context_create", "proxy_on_vm_start", "proxy_on_configure", "proxy_on_request_headers", "proxy_on_request_body", "proxy_on_response_headers", "proxy_on_response_body", "proxy_on_log", "proxy_on_done", "proxy_on_delete"]) {
      expect(exports).toContain(name);
    }
  });

  it("loads and configures in the Envoy-faithful host, with the empty configuration too", async () => {
    const host = await ProxyWasmHost.load(wasm, {});
    const started = host.start();
    expect(started.ok).toBe(true);
    expect(host.logs.messages("info").some((m) => m.startsWith("aistats: configured"))).toBe(true);
  });

  it("fails proxy_on_configure on a bad configuration, naming the field in an error log line", async () => {
    const host = await ProxyWasmHost.load(wasm, {
      pluginConfig: JSON.stringify({ attributes: [{ key: "a", value_source: "response_streaming_body", value: "x", rule: "middle" }] }),
    });
    const started = host.start();
    expect(started.ok).toBe(false);
    const errors = host.logs.messages("error");
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^aistats: invalid configuration: attributes\[0\]\.rule: /);
  });

  it("records a stream as Higress does (ai_log, span tags, counters) and leaves the traffic unchanged", async () => {
    const clock = new ManualClock();
    const host = await startHost({ attributes: [{ key: "answer", value_source: "response_streaming_body", value: "choices.0.delta.content", rule: "append", apply_to_log: true }] }, clock);
    const s = host.newHttpStream();
    const request = JSON.stringify({ model: "gpt-4o", stream: true, messages: [{ role: "user", content: "hi" }] });
    expect(s.requestHeaders({ ":method": "POST", ":path": "/v1/chat/completions", ":authority": "api.openai.com" }).status).toBe(FilterHeadersStatus.Continue);
    expect(s.requestBody(request, true).status).toBe(FilterDataStatus.Continue);
    clock.advanceMs(100);
    expect(s.responseHeaders({ ":status": "200", "content-type": "text/event-stream" }).status).toBe(FilterHeadersStatus.Continue);
    clock.advanceMs(20);
    chunks.forEach((c, i) => {
      expect(s.responseBody(c, i === chunks.length - 1).status).toBe(FilterDataStatus.Continue);
      clock.advanceMs(10);
    });
    s.complete();

    expect(s.upstream.bodyText).toBe(request);
    expect(s.downstream.chunks.map((c) => new TextDecoder().decode(c))).toEqual(chunks);
    const log = aiLog(s.accessLogFilterState("wasm.ai_log"));
    expect(log).toMatchObject({ model: "gpt-4o", input_token: 12, output_token: 5, total_token: 17, response_type: "stream", answer: 'Hello "there"', llm_first_token_duration: 120 });
    expect(s.spanTags.get("gen_ai.usage.input_tokens")).toBe("12");
    expect(s.spanTags.get("gen_ai.span.kind")).toBe("LLM");
    expect(host.metrics.counter(`${PREFIX}input_token`)).toBe(12);
    expect(host.metrics.counter(`${PREFIX}output_token`)).toBe(5);
    expect(host.metrics.counter(`${PREFIX}llm_stream_duration_count`)).toBe(1);
    expect(host.vmFailure).toBeNull();
  });

  it("still logs what it saw when the client disconnects mid-stream, and counts it once", async () => {
    const host = await startHost();
    const s = host.newHttpStream();
    s.requestHeaders({ ":method": "POST", ":path": "/v1/chat/completions" });
    s.requestBody(JSON.stringify({ model: "gpt-4o", stream: true }), true);
    s.responseHeaders({ ":status": "200", "content-type": "text/event-stream" });
    s.responseBody(chunks[0]!, false);
    s.responseBody(chunks[2]!, false);
    s.abort();
    const log = aiLog(s.accessLogFilterState("wasm.ai_log"));
    expect(log).toMatchObject({ model: "gpt-4o", input_token: 12, response_type: "stream" });
    expect(host.metrics.counter(`${PREFIX}input_token`)).toBe(12);
  });

  it("counts what it could not record (an SSE event over max_event_bytes) and still logs the rest", async () => {
    const host = await startHost({ max_event_bytes: 1024 });
    const s = host.newHttpStream();
    s.requestHeaders({ ":method": "POST", ":path": "/v1/chat/completions" });
    s.requestBody(JSON.stringify({ model: "gpt-4o", stream: true }), true);
    s.responseHeaders({ ":status": "200", "content-type": "text/event-stream" });
    const huge = sse({ id: "c1", model: "gpt-4o", choices: [{ index: 0, delta: { content: "x".repeat(5000) } }] });
    s.responseBody(huge.slice(0, 3000), false);
    s.responseBody(huge.slice(3000), false);
    s.responseBody(chunks[2]!, true);
    s.complete();
    expect(host.metrics.counter("aistats_dropped_total.reason.oversized_event")).toBe(1);
    expect(aiLog(s.accessLogFilterState("wasm.ai_log"))).toMatchObject({ input_token: 12, aistats_truncated: 1 });
    expect(s.downstream.bodyText).toBe(huge + chunks[2]);
  });

  it("caps the counters' label sets: after 100 distinct model/consumer sets, new ones go to the `other` series, counted as metric_series", async () => {
    const host = await startHost();
    const send = (model: string) => {
      const s = host.newHttpStream();
      s.requestHeaders({ ":method": "POST", ":path": "/v1/chat/completions" });
      s.requestBody(JSON.stringify({ model, stream: false }), true);
      s.responseHeaders({ ":status": "200", "content-type": "application/json" });
      s.responseBody(JSON.stringify({ id: "x", model, choices: [], usage: { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 } }), true);
      s.complete();
    };
    for (let i = 0; i < 100; i++) send(`model-${i}`);
    const defined = host.metrics.definitions.length;
    expect(host.metrics.counter(`route.${ROUTE}.upstream.${CLUSTER}.model.model-99.consumer.none.metric.input_token`)).toBe(3);
    for (let i = 100; i < 400; i++) send(`model-${i}`);
    send("model-5");
    expect(host.metrics.counter(`route.${ROUTE}.upstream.${CLUSTER}.model.model-100.consumer.none.metric.input_token`)).toBeUndefined();
    expect(host.metrics.counter("route.other.upstream.other.model.other.consumer.other.metric.input_token")).toBe(300 * 3);
    expect(host.metrics.counter("route.other.upstream.other.model.other.consumer.other.metric.output_token")).toBe(300 * 2);
    // A set seen before the cap keeps its own counters.
    expect(host.metrics.counter(`route.${ROUTE}.upstream.${CLUSTER}.model.model-5.consumer.none.metric.input_token`)).toBe(6);
    const perRecord = Object.keys(host.metrics.counters()).filter((n) => n.startsWith("route.other.")).length;
    expect(host.metrics.counter("aistats_dropped_total.reason.metric_series")).toBe(300 * perRecord);
    // 300 more names defined nothing beyond the other series and the drop counter.
    expect(host.metrics.definitions.length).toBe(defined + perRecord + 1);
    expect(host.vmFailure).toBeNull();
  });

  it("picks the _rules_ configuration by :authority and writes separate log fields to wasm.<key>", async () => {
    const host = await startHost({
      _rules_: [
        {
          _match_domain_: ["*.example.com"],
          attributes: [{ key: "user", value_source: "request_header", value: "x-user", apply_to_log: true, as_separate_log_field: true }],
        },
      ],
    });
    const stream = (authority: string) => {
      const s = host.newHttpStream();
      s.requestHeaders({ ":method": "POST", ":path": "/v1/chat/completions", ":authority": authority, "x-user": 'a "quoted" name' }, true);
      s.responseHeaders({ ":status": "200", "content-type": "application/json" });
      s.responseBody(JSON.stringify({ model: "gpt-4o", usage: { prompt_tokens: 1, completion_tokens: 2, total_tokens: 3 } }), true);
      s.complete();
      return s;
    };
    const matched = stream("llm.example.com:443");
    expect(matched.filterStateText("wasm.user")).toBe('a \\"quoted\\" name');
    expect(aiLog(matched.accessLogFilterState("wasm.ai_log"))).not.toHaveProperty("user");
    // Only _rules_ at the top level: a host no rule matches is not processed at all.
    const other = stream("api.openai.com");
    expect(other.accessLogFilterState("wasm.ai_log")).toBe("-");
    expect(other.filterStateText("wasm.user")).toBeUndefined();
  });

  it("keeps its linear memory flat after warm-up, however many streams run", async () => {
    const host = await startHost({ use_default_attributes: true });
    const run = (n: number): void => {
      for (let i = 0; i < n; i++) {
        const s = host.newHttpStream();
        s.requestHeaders({ ":method": "POST", ":path": "/v1/chat/completions" });
        s.requestBody(JSON.stringify({ model: "gpt-4o", stream: true, messages: [{ role: "user", content: "x".repeat(2000) }] }), true);
        s.responseHeaders({ ":status": "200", "content-type": "text/event-stream" });
        for (const c of chunks) s.responseBody(c, false);
        s.responseBody("", true);
        s.complete();
      }
    };
    run(50);
    const warm = host.memory.current;
    run(300);
    expect(host.memory.current).toBe(warm);
    expect(host.vmFailure).toBeNull();
  });

  it("stays within arena_bytes + 2 MiB with 64 streams open at once, logs of value_length_limit included", async () => {
    const MIB = 1024 * 1024;
    const config = {
      attributes: [
        { key: "question", value_source: "request_body", value: "messages.@reverse.0.content", apply_to_log: true },
        { key: "answer", value_source: "response_streaming_body", value: "choices.0.delta.content", rule: "append", apply_to_log: true },
      ],
    };
    // ~160 KiB per stream in 4 KiB chunks: each answer is cut at value_length_limit (32000), so
    // every log is ~32 KB, the largest garbage a callback leaves.
    const event = sse({ id: "c1", model: "gpt-4o", choices: [{ index: 0, delta: { content: "token ".repeat(30) } }] });
    const body = event.repeat(700) + chunks[2] + chunks[3];
    const pieces: string[] = [];
    for (let at = 0; at < body.length; at += 4096) pieces.push(body.slice(at, at + 4096));
    for (const arena of [4 * MIB, MIB]) {
      const host = await startHost({ ...config, ...(arena === 4 * MIB ? {} : { arena_bytes: arena }) });
      const open = () => {
        const s = host.newHttpStream();
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
          if (done === 0) expect(JSON.stringify(aiLog(slot.s.accessLogFilterState("wasm.ai_log")))).toContain("[truncated]");
          if (++done === 64) afterFirst = host.memory.current;
          slot.s = open();
          slot.next = 0;
        }
      }
      expect(host.vmFailure).toBeNull();
      expect(host.memory.peak).toBeLessThanOrEqual(arena + 2 * MIB);
      expect(host.memory.current).toBe(afterFirst);
    }
  });

  it("refuses an arena_bytes the wasm allocator cannot hold, naming the field", async () => {
    const host = await ProxyWasmHost.load(wasm, { pluginConfig: JSON.stringify({ arena_bytes: 768 * 1024 * 1024 }) });
    expect(host.start().ok).toBe(false);
    expect(host.logs.messages("error")[0]).toMatch(/^aistats: invalid configuration: arena_bytes: at most 536870912/);
  });
});
