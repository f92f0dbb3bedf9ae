import { describe, expect, it } from "vitest";
import { passThroughResult, type ExchangeResult } from "./adapter.js";
import type { CaseScript, Expectation } from "./case-format.js";
import { parseCase } from "./load-cases.js";
import { matchCase } from "./match.js";
import { sampleCase } from "./testing/temp-cases.js";

function script(expect: Expectation, overrides: Record<string, unknown> = {}): CaseScript {
  const parsed = parseCase(JSON.stringify(sampleCase({ expect, ...overrides })), "m.json", "/m.json");
  if (Array.isArray(parsed)) throw new Error(JSON.stringify(parsed));
  return parsed;
}

function result(s: CaseScript, fields: Partial<ExchangeResult>): ExchangeResult {
  return { ...passThroughResult(s), ...fields };
}

function diff(expect: Expectation, fields: Partial<ExchangeResult>, overrides: Record<string, unknown> = {}): string[] {
  const s = script(expect, overrides);
  return matchCase(s, result(s, fields)).mismatches.map((m) => `${m.path}: ${m.message}`);
}

const log = {
  model: "gpt-4o",
  input_token: 9,
  tool_calls: [{ id: "call_1", type: "function", function: { name: "get_weather", arguments: '{"city":"Paris"}' } }],
  extra: true,
};

describe("deep subset", () => {
  it("passes when every expected key is present and equal, extra keys allowed", () => {
    expect(diff({ log: { model: "gpt-4o", tool_calls: [{ function: { name: "get_weather" } }] } }, { log })).toEqual([]);
  });

  it("reports a differing leaf with its full path", () => {
    expect(diff({ log: { tool_calls: [{ function: { name: "get_time" } }] } }, { log })).toEqual([
      'log.tool_calls[0].function.name: expected "get_time", got "get_weather"',
    ]);
  });

  it("reports missing keys, array length and type differences", () => {
    expect(diff({ log: { answer: "hi", tool_calls: [{}, {}], model: ["gpt-4o"] } }, { log })).toEqual([
      'log.answer: expected "hi", got <missing>',
      `log.tool_calls: expected an array of 2, got an array of 1: ${JSON.stringify(log.tool_calls)}`,
      'log.model: expected an array of 1, got string "gpt-4o"',
    ]);
  });

  it("compares numbers as numbers: 9 equals 9.0 but not \"9\"", () => {
    expect(diff({ log: { input_token: 9.0 } }, { log })).toEqual([]);
    expect(diff({ log: { input_token: 9 } }, { log: { input_token: "9" } })).toEqual([
      'log.input_token: expected 9, got "9" (number vs string)',
    ]);
  });

  it("brackets keys that contain dots and points at the first difference of long strings", () => {
    expect(diff({ span: { "gen_ai.usage.input_tokens": "9" } }, { span: { "gen_ai.usage.input_tokens": "10" } })).toEqual([
      'span["gen_ai.usage.input_tokens"]: expected "9", got "10"',
    ]);
    const long = "a".repeat(300);
    const [line] = diff({ log: { answer: long } }, { log: { answer: long.slice(0, 250) + "b" + long.slice(251) } });
    expect(line).toMatch(/first difference at character 250\)$/);
  });

  it("requires a log when one is expected", () => {
    expect(diff({ log: { model: "m" } }, { log: null })).toEqual(['log: expected an ai_log with {"model":"m"}, got none']);
  });
});

describe("absence, metrics, log fields", () => {
  it("log_absent: a null value counts as absent; no log at all satisfies it", () => {
    expect(diff({ log_absent: ["answer"] }, { log: { answer: null } })).toEqual([]);
    expect(diff({ log_absent: ["answer"] }, { log: null })).toEqual([]);
    expect(diff({ log_absent: ["answer"] }, { log: { answer: "" } })).toEqual(['log.answer: expected absent, got ""']);
  });

  it("log_present: any value but null will do; a missing or null key, or no log, fails", () => {
    expect(diff({ log_present: ["aistats_truncated"] }, { log: { aistats_truncated: 2 } })).toEqual([]);
    expect(diff({ log_present: ["aistats_truncated"] }, { log: { aistats_truncated: null } })).toEqual([
      "log.aistats_truncated: expected present (any value but null), got null",
    ]);
    expect(diff({ log_present: ["a"] }, { log: {} })).toEqual(["log.a: expected present (any value but null), got <missing>"]);
    expect(diff({ log_present: ["a"] }, { log: null })).toEqual(["log.a: expected present (any value but null), got no ai_log"]);
  });

  it("metrics are absolute; absent means missing or 0; a missing metric lists what was recorded", () => {
    const name = "route.r.upstream.c.model.m.consumer.none.metric.input_token";
    expect(diff({ metrics: { [name]: 9 } }, { metrics: { [name]: 9 } })).toEqual([]);
    expect(diff({ metrics: { [name]: 9 } }, { metrics: { [name]: 18 } })).toEqual([`metrics["${name}"]: expected 9, got 18`]);
    expect(diff({ metrics: { [name]: 9 } }, { metrics: { other: 1 } })).toEqual([
      `metrics["${name}"]: expected 9, got <missing> (recorded: other=1)`,
    ]);
    expect(diff({ metrics_absent: [name] }, { metrics: { [name]: 0 } })).toEqual([]);
    expect(diff({ metrics_absent: [name] }, { metrics: { [name]: 3 } })).toEqual([`metrics["${name}"]: expected absent, got 3`]);
  });

  it("log_fields match as a deep subset", () => {
    expect(diff({ log_fields: { consumer: "u1" } }, { logFields: { consumer: "u1", other: 1 } })).toEqual([]);
    expect(diff({ log_fields: { consumer: "u1" } }, { logFields: {} })).toEqual(['log_fields.consumer: expected "u1", got <missing>']);
  });
});

describe("skipped and config_error", () => {
  it("an exchange must be processed unless the case says skipped", () => {
    expect(diff({}, { skipped: true })).toEqual(["skipped: expected the exchange to be processed, but the host skipped it"]);
    expect(diff({ skipped: true }, { skipped: false })).toEqual(["skipped: expected the exchange to be skipped, but it was processed"]);
  });

  it("a skipped exchange has no log and no counted metrics", () => {
    expect(diff({ skipped: true }, { skipped: true, log: { a: 1 }, metrics: { m: 2 } })).toEqual([
      'log: expected no ai_log (skipped), got {"a":1}',
      "metrics: expected no metrics (skipped), got (recorded: m=2)",
    ]);
  });

  it("config_error needs an error containing the text, and nothing else is checked", () => {
    const caseDoc = { request: undefined, response: undefined };
    expect(diff({ config_error: "attributes[0].rule" }, { configError: 'attributes[0].rule: "middle" is not one of first, replace, append' }, caseDoc)).toEqual([]);
    expect(diff({ config_error: "attributes[0].rule" }, {}, caseDoc)).toEqual([
      'config_error: expected an error containing "attributes[0].rule", got the configuration accepted',
    ]);
    expect(diff({ config_error: "rule" }, { configError: "bad key" }, caseDoc)).toEqual([
      'config_error: expected an error containing "rule", got "bad key"',
    ]);
    expect(diff({}, { configError: "bad key" })).toEqual(['config: expected the configuration to be accepted, got error "bad key"']);
  });
});

describe("traffic (PRODUCT §4)", () => {
  const bytes = (s: string) => new TextEncoder().encode(s);

  it("passes when both sides saw exactly the case's chunks", () => {
    expect(diff({}, {})).toEqual([]);
  });

  it("reports altered client bytes with the offset of the first difference", () => {
    const [line] = diff({}, { clientChunks: [bytes('data: {"id":"c2"}\n\n'), bytes("data: [DONE]\n\n")] });
    expect(line).toMatch(/^client bytes: expected 33 bytes, got 33; first difference at byte 14: /);
  });

  it("reports changed chunk boundaries even when the bytes are equal", () => {
    expect(diff({}, { clientChunks: [bytes('data: {"id":"c1"}\n\ndata: [DONE]\n\n')] })).toEqual([
      "client chunks: same bytes but expected 2 chunk(s), got 1: chunk boundaries changed",
    ]);
    expect(diff({}, { clientChunks: [bytes('data: {"id":"c1"}\n'), bytes("\ndata: [DONE]\n\n")] })).toEqual([
      "client chunk 0: same bytes but the chunk holds 18 bytes instead of 19: chunk boundaries changed",
    ]);
  });

  it("checks the upstream side against the request bytes and ignores empty chunks", () => {
    const s = script({});
    const upstream = [new Uint8Array(0), ...s.request.chunks.map((c) => c.bytes), new Uint8Array(0)];
    expect(matchCase(s, result(s, { upstreamChunks: upstream })).passed).toBe(true);
    expect(diff({}, { upstreamChunks: [] })[0]).toMatch(/^upstream bytes: expected \d+ bytes, got 0/);
  });

  it("expects only the chunks before an abort on the client side", () => {
    const overrides = {
      response: { headers: {}, chunks: ["one", "two", "three"], abort_after_chunks: 2 },
    };
    expect(diff({}, {}, overrides)).toEqual([]);
    expect(diff({}, { clientChunks: [bytes("one"), bytes("two"), bytes("three")] }, overrides)[0]).toMatch(
      /^client bytes: expected 6 bytes, got 11/,
    );
  });
});
