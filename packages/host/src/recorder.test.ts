import { describe, expect, it } from "vitest";
import { createRecorder, type AistatsRecord, type ExchangeHandle } from "./index.js";
import { bytes, coreRecords, handleSteps, ManualClock, Random, sampleExchange, scriptOf } from "./testing/exchanges.js";

const OPENAI_REQUEST = JSON.stringify({ model: "gpt-4o", messages: [{ role: "user", content: "Say <hi> & \"bye\"" }] });
const OPENAI_RESPONSE = JSON.stringify({
  id: "chatcmpl-1",
  object: "chat.completion",
  model: "gpt-4o.1",
  choices: [{ index: 0, message: { role: "assistant", content: "Hi!\nBye." }, finish_reason: "stop" }],
  usage: { prompt_tokens: 9, completion_tokens: 3, total_tokens: 12 },
});

function recorderWith(config: Parameters<typeof createRecorder>[0], clock = new ManualClock()) {
  const records: AistatsRecord[] = [];
  const handles: ExchangeHandle[] = [];
  const recorder = createRecorder(config, {
    now: clock.now,
    onRecord: (record, handle) => {
      records.push(record);
      handles.push(handle);
    },
  });
  return { recorder, records, handles, clock };
}

function isDeepFrozen(value: unknown): boolean {
  if (typeof value !== "object" || value === null) return true;
  return Object.isFrozen(value) && Object.values(value).every(isDeepFrozen);
}

describe("one exchange", () => {
  it("delivers the final record of a JSON exchange once: log object, compact text, escaped form, fields, span, counters with labels", () => {
    const config = {
      attributes: [
        { key: "question", apply_to_log: true },
        { key: "answer", apply_to_log: true, apply_to_span: true },
        { key: "consumer", value_source: "request_header", value: "x-mse-consumer", as_separate_log_field: true },
      ],
    };
    const { recorder, records, handles, clock } = recorderWith(config);
    clock.ms = 1000;
    const h = recorder.start({
      method: "POST",
      path: "/v1/chat/completions?api-version=1",
      authority: "api.openai.com",
      headers: { "x-mse-consumer": "team \"a\"", "content-type": "application/json" },
      route: "a.b",
      cluster: "outbound|443||api.openai.com",
    });
    expect(h.state).toBe("open");
    h.requestChunk(bytes(OPENAI_REQUEST));
    h.requestEnd();
    clock.ms = 1100;
    h.responseStart(200, { "content-type": "application/json" });
    clock.ms = 1150;
    h.responseChunk(bytes(OPENAI_RESPONSE.slice(0, 40)));
    h.responseChunk(bytes(OPENAI_RESPONSE.slice(40)));
    expect(records).toEqual([]);
    clock.ms = 1247.9;
    h.responseEnd();
    expect(h.state).toBe("ended");
    expect(records).toHaveLength(1);
    expect(handles[0]).toBe(h);
    const r = records[0]!;
    expect(isDeepFrozen(r)).toBe(true);
    expect(r.final).toBe(true);
    expect(r.sequence).toBe(1);
    expect(r.log).toMatchObject({
      model: "gpt-4o.1",
      input_token: 9,
      output_token: 3,
      total_token: 12,
      question: 'Say <hi> & "bye"',
      answer: "Hi!\nBye.",
      response_type: "normal",
      llm_service_duration: 247,
    });
    expect(r.log).not.toHaveProperty("consumer");
    expect(JSON.parse(r.logText)).toEqual(r.log);
    expect([...r.logText].some((c) => c.charCodeAt(0) < 0x20)).toBe(false); // no raw control character
    expect(r.logText).toContain("\\u003chi\\u003e \\u0026"); // escaped as Go escapes
    // Higress's escaped form embeds in an access-log line and reads back as the same text.
    const line = `{"ai_log":"${r.logEscaped}"}`;
    expect((JSON.parse(line) as { ai_log: string }).ai_log).toBe(r.logText);
    expect(r.logFields).toEqual({ consumer: 'team "a"' });
    expect(r.logFieldsEscaped).toEqual({ consumer: 'team \\"a\\"' });
    expect(r.span).toMatchObject({ "gen_ai.span.kind": "LLM", "gen_ai.model_name": "gpt-4o.1", "gen_ai.usage.input_tokens": "9", answer: "Hi!\nBye." });
    expect(r.aborted).toBe(false);
    expect(r.abortReason).toBeNull();
    expect(r.drops).toEqual({});
    const labels = { route: "a.b", cluster: "outbound|443||api.openai.com", model: "gpt-4o.1", consumer: 'team "a"' };
    const prefix = 'route.a.b.upstream.outbound|443||api.openai.com.model.gpt-4o.1.consumer.team "a".metric.';
    expect(r.counters).toEqual(
      expect.arrayContaining([
        { metric: "input_token", ...labels, value: 9, name: `${prefix}input_token` },
        { metric: "output_token", ...labels, value: 3, name: `${prefix}output_token` },
        { metric: "total_token", ...labels, value: 12, name: `${prefix}total_token` },
        { metric: "llm_service_duration", ...labels, value: 247, name: `${prefix}llm_service_duration` },
        { metric: "llm_duration_count", ...labels, value: 1, name: `${prefix}llm_duration_count` },
      ]),
    );
    expect(r.counters.map((c) => c.metric).sort()).toEqual(["input_token", "llm_duration_count", "llm_service_duration", "output_token", "total_token"]);
    expect(recorder.stats()).toMatchObject({ activeExchanges: 0, openHandles: 0, arenaUsedBytes: 0, exchanges: 1, records: 1, hostErrors: 0 });
  });

  it("a stream logs early, when its usage becomes known, and finally; counters only in the final record", () => {
    const { recorder, records, clock } = recorderWith({});
    const sample = sampleExchange("openai-sse", 3);
    const h = recorder.start({ method: "POST", path: sample.path, headers: { "x-mse-consumer": "u1" }, route: "r1", cluster: "c1" });
    h.requestChunk(sample.requestBody);
    clock.ms = 40;
    h.responseStart("200", [["content-type", "text/event-stream"]]);
    clock.ms = 75;
    h.responseChunk(sample.responseBody);
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ final: false, sequence: 1, counters: [] });
    expect(records[0]!.log).toMatchObject({ input_token: sample.usage.input, response_type: "stream", llm_first_token_duration: 75 });
    clock.ms = 90;
    h.responseEnd();
    expect(records).toHaveLength(2);
    expect(records[1]).toMatchObject({ final: true, sequence: 2 });
    expect(records[1]!.log).toMatchObject({ llm_service_duration: 90 });
    const byMetric = Object.fromEntries(records[1]!.counters.map((c) => [c.metric, c.value]));
    expect(byMetric).toEqual({
      input_token: sample.usage.input,
      output_token: sample.usage.output,
      total_token: sample.usage.input + sample.usage.output,
      llm_first_token_duration: 75,
      llm_stream_duration_count: 1,
      llm_service_duration: 90,
      llm_duration_count: 1,
    });
  });

  it("delivers exactly what stats-core records for the same calls, for every provider shape", () => {
    const config = JSON.stringify({ use_default_attributes: true, enable_path_suffixes: [] }); // [] = every path (Gemini too)
    const random = new Random(7);
    for (const kind of ["openai-sse", "openai-json", "anthropic-sse", "anthropic-json", "gemini-sse", "gemini-json"] as const) {
      for (let n = 0; n < 6; n++) {
        const script = scriptOf(sampleExchange(kind, n), random, { abortAfter: n === 5 ? 2 : null });
        const expected = coreRecords(config, script);
        const records: AistatsRecord[] = [];
        const clock = new ManualClock();
        const rec = createRecorder(config, { now: clock.now, onRecord: (r) => records.push(r) });
        for (const step of handleSteps(script, clock, (init) => rec.start(init))) step();
        expect(records.map((r) => r.logText), `${kind} ${n}`).toEqual(expected.logs);
        expect(records.map((r) => r.final)).toEqual(expected.finals);
        const counters = Object.fromEntries(records.flatMap((r) => r.counters.map((c) => [c.name, c.value])));
        expect(counters).toEqual(expected.counters);
        if (script.abortAfter === null) expect(Object.keys(counters).length, `${kind} ${n}`).toBeGreaterThan(0);
      }
    }
  });

  it("an abort delivers the final record with its reason; a later responseEnd does nothing", () => {
    const { recorder, records } = recorderWith({});
    const sample = sampleExchange("anthropic-sse", 1);
    const reasons = [undefined, "client closed", new Error("upstream reset"), 42];
    for (const reason of reasons) {
      const h = recorder.start({ method: "POST", path: sample.path });
      h.requestChunk(sample.requestBody);
      h.responseStart(200, { "content-type": "text/event-stream" });
      h.responseChunk(sample.responseBody.subarray(0, 300));
      h.abort(reason);
      h.responseEnd();
      h.abort("again");
    }
    const finals = records.filter((r) => r.final);
    expect(finals.map((r) => [r.aborted, r.abortReason])).toEqual([
      [true, "aborted"],
      [true, "client closed"],
      [true, "upstream reset"],
      [true, "42"],
    ]);
    expect(finals[0]!.log).toMatchObject({ input_token: sample.usage.input });
  });

  it("a skipped exchange delivers nothing and ends at once", () => {
    const { recorder, records } = recorderWith({ enable_path_suffixes: ["/completions"] });
    const h = recorder.start({ method: "GET", path: "/v1/models" });
    expect(h.state).toBe("skipped");
    expect(h.skipped).toBe(true);
    expect(h.ended).toBe(true);
    h.requestChunk(bytes("{}"));
    h.responseStart(200, { "content-type": "application/json" });
    h.responseChunk(bytes(OPENAI_RESPONSE));
    h.responseEnd();
    expect(records).toEqual([]);
    expect(recorder.stats()).toMatchObject({ activeExchanges: 0, openHandles: 0, skippedExchanges: 1, arenaUsedBytes: 0 });
  });

  it("_rules_ see the route, the cluster and the authority (from `authority`, a :authority header, or host)", () => {
    const config = {
      _rules_: [
        { _match_domain_: ["api.example.com"], attributes: [{ key: "rule", value_source: "fixed_value", value: "domain", apply_to_log: true }] },
        { _match_route_: ["chat"], attributes: [{ key: "rule", value_source: "fixed_value", value: "route", apply_to_log: true }] },
      ],
    };
    const { recorder, records } = recorderWith(config);
    const run = (init: Parameters<typeof recorder.start>[0]): string | undefined => {
      const before = records.length;
      const h = recorder.start(init);
      h.responseStart(200, {});
      h.responseEnd();
      return records.length === before ? undefined : (records.at(-1)!.log.rule as string);
    };
    expect(run({ path: "/v1/chat/completions", authority: "api.example.com" })).toBe("domain");
    expect(run({ path: "/v1/chat/completions", headers: { host: "api.example.com" } })).toBe("domain");
    expect(run({ path: "/v1/chat/completions", headers: [[":authority", "api.example.com"], ["host", "other"]] })).toBe("domain");
    expect(run({ path: "/v1/chat/completions", route: "chat", authority: "elsewhere" })).toBe("route");
    expect(run({ path: "/v1/chat/completions", authority: "elsewhere" })).toBeUndefined(); // no rule applies: skipped
  });
});

describe("drops", () => {
  it("each record names what its exchange added; recorder.drops() has the totals, every reason included", () => {
    const { recorder, records } = recorderWith({ max_event_bytes: 1024 });
    expect(recorder.drops()).toEqual({ oversized_event: 0, arena_full: 0, malformed_json: 0, too_many_tool_calls: 0, ai_log_replaced: 0, host_error: 0 });
    const bad = recorder.start({ method: "POST", path: "/v1/chat/completions" });
    const good = recorder.start({ method: "POST", path: "/v1/chat/completions" });
    bad.requestChunk(bytes('{"model": "gpt-4o", "messages": [')); // cut short: malformed
    bad.responseStart(200, { "content-type": "text/event-stream" });
    good.responseStart(200, { "content-type": "application/json" });
    bad.responseChunk(bytes(`data: {"x":"${"a".repeat(2000)}"}\n\n`)); // longer than max_event_bytes
    good.responseChunk(bytes(OPENAI_RESPONSE));
    good.responseEnd();
    bad.responseEnd();
    const [goodRecord, badRecord] = records;
    expect(goodRecord!.drops).toEqual({});
    expect(badRecord!.drops).toEqual({ malformed_json: 1, oversized_event: 1 });
    expect(badRecord!.truncated).toBe(2);
    expect(recorder.drops()).toMatchObject({ malformed_json: 1, oversized_event: 1, host_error: 0 });
  });
});

describe("the clock", () => {
  it("defaults to Date.now(), whole milliseconds", () => {
    const records: AistatsRecord[] = [];
    const recorder = createRecorder({}, { onRecord: (r) => records.push(r) });
    const before = Date.now();
    const h = recorder.start({ method: "POST", path: "/v1/chat/completions" });
    h.responseStart(200, { "content-type": "application/json" });
    h.responseChunk(bytes(OPENAI_RESPONSE));
    h.responseEnd();
    const elapsed = Date.now() - before;
    const d = records[0]!.log.llm_service_duration as number;
    expect(Number.isInteger(d)).toBe(true);
    expect(d).toBeGreaterThanOrEqual(0);
    expect(d).toBeLessThanOrEqual(elapsed);
  });

  it("a fractional clock gives whole milliseconds in the log and the counters", () => {
    let t = 10.75;
    const records: AistatsRecord[] = [];
    const recorder = createRecorder({}, { now: () => t, onRecord: (r) => records.push(r) });
    const sample = sampleExchange("openai-sse", 0);
    const h = recorder.start({ method: "POST", path: sample.path });
    t = 30.2;
    h.responseStart(200, { "content-type": "text/event-stream" });
    t = 57.999;
    h.responseChunk(sample.responseBody);
    t = 110.5;
    h.responseEnd();
    const final = records.at(-1)!;
    expect(final.log).toMatchObject({ llm_first_token_duration: 47, llm_service_duration: 100 });
    expect(final.logText).not.toMatch(/duration":\d+\./);
    expect(final.counters.find((c) => c.metric === "llm_service_duration")?.value).toBe(100);
  });
});

describe("records without a sink", () => {
  it("a recorder without onRecord still runs exchanges and returns the arena", () => {
    const recorder = createRecorder({});
    const h = recorder.start({ method: "POST", path: "/v1/chat/completions" });
    h.responseStart(200, { "content-type": "application/json" });
    h.responseChunk(bytes(OPENAI_RESPONSE));
    h.responseEnd();
    expect(recorder.stats()).toMatchObject({ activeExchanges: 0, records: 0, arenaUsedBytes: 0 });
  });
});

describe("settings", () => {
  it("exposes otel_semconv and arena_bytes", () => {
    expect(createRecorder({ otel_semconv: "1.36.0", arena_bytes: 65536 }).settings).toEqual({ otelSemconv: "1.36", arenaBytes: 65536 });
    expect(createRecorder().settings).toEqual({ otelSemconv: "latest", arenaBytes: 4194304 });
    expect(createRecorder().stats().arenaBytes).toBe(4194304);
  });
});
