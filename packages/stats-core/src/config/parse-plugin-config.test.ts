import { describe, expect, it } from "vitest";
import { builds, jsBuild, wasmBuild } from "../testing/builds.node";
import { SOURCE_REQUEST_BODY, SOURCE_RESPONSE_STREAMING_BODY } from "./attribute-sources";
import { BUILTIN_ANSWER } from "./builtin-attributes";
import { parsePluginConfig } from "./parse-plugin-config";

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const json = (v: unknown): Uint8Array => enc(JSON.stringify(v));
const attr = (a: Record<string, unknown>): Uint8Array => json({ attributes: [a] });

const DEFAULT_DUMP = [
  "ok arena_bytes 4194304",
  "config",
  "  preset none",
  "  disable_openai_usage false",
  "  value_length_limit 32000",
  "  enable_path_suffixes *",
  "  enable_content_types *",
  '  session_id_header "" tries ["x-openclaw-session-key", "x-clawdbot-session-key", "x-moltbot-session-key", "x-agent-session"]',
  "  max_event_bytes 262144 arena_bytes 4194304",
  "  otel_semconv latest",
  "  plan watches no body",
].join("\n");

// Every configuration below is also run through both builds and required to give identical traces.
const corpus: Uint8Array[] = [];
const remember = (input: Uint8Array): Uint8Array => {
  corpus.push(input);
  return input;
};

describe.each(builds)("plugin configuration on the $name build", (build) => {
  const trace = (input: Uint8Array): string => build.configTrace(remember(input));
  const error = (input: Uint8Array): string => {
    const t = trace(input);
    expect(t.startsWith("error "), t).toBe(true);
    return t.split("\n")[0]!.slice(6);
  };
  const lines = (input: Uint8Array): string[] => {
    const t = trace(input);
    expect(t.startsWith("ok "), t).toBe(true);
    return t.split("\n");
  };
  const warnings = (input: Uint8Array): string[] =>
    lines(input).filter((l) => l.startsWith("warning ")).map((l) => l.slice(8));

  describe("the empty configuration", () => {
    it("takes every default from no bytes at all, as Higress does", () => {
      expect(trace(new Uint8Array(0))).toBe(DEFAULT_DUMP);
    });

    it("reads {} and null the same way", () => {
      expect(trace(enc("{}"))).toBe(DEFAULT_DUMP);
      expect(trace(enc(" null "))).toBe(DEFAULT_DUMP);
    });

    it("rejects whitespace alone (gjson.Valid does) and other non-JSON", () => {
      expect(error(enc("  "))).toBe(
        "invalid JSON at byte 2 (line 1, column 3): no JSON value, only whitespace (an empty configuration has no bytes at all, or is {})",
      );
      expect(error(enc('{"attributes":}'))).toBe("invalid JSON at byte 14 (line 1, column 15): expected a value, found '}'");
      expect(error(enc("{} x"))).toBe("invalid JSON at byte 3 (line 1, column 4): unexpected 'x' after the JSON value");
    });

    it("rejects a top level that is not an object", () => {
      expect(error(enc("[]"))).toBe("expected a JSON object at the top level, got an array");
      expect(error(enc('"x"'))).toBe("expected a JSON object at the top level, got a string");
      expect(error(enc("42"))).toBe("expected a JSON object at the top level, got a number");
    });
  });

  describe("top-level fields", () => {
    it("disable_openai_usage", () => {
      expect(lines(json({ disable_openai_usage: true }))).toContain("  disable_openai_usage true");
      expect(error(json({ disable_openai_usage: "yes" }))).toBe('disable_openai_usage: expected a boolean, got "yes"');
    });

    it("value_length_limit: integers ≥ 0, a quoted integer with a warning", () => {
      expect(lines(json({ value_length_limit: 20 }))).toContain("  value_length_limit 20");
      const quoted = json({ value_length_limit: "4000" });
      expect(lines(quoted)).toContain("  value_length_limit 4000");
      expect(warnings(quoted)).toEqual([
        'value_length_limit: the string "4000" is read as the number 4000 (as Higress does); write a JSON number',
      ]);
      expect(warnings(json({ value_length_limit: 0 }))).toEqual(['value_length_limit: 0 replaces every non-empty value by " [truncated] "']);
      expect(error(json({ value_length_limit: -1 }))).toBe("value_length_limit: expected an integer ≥ 0, got -1");
      expect(error(json({ value_length_limit: 1.5 }))).toBe("value_length_limit: expected an integer ≥ 0, got 1.5");
      expect(error(json({ value_length_limit: null }))).toBe("value_length_limit: expected an integer ≥ 0, got null");
      expect(error(json({ value_length_limit: "lots" }))).toBe('value_length_limit: expected an integer ≥ 0, got "lots"');
      expect(error(enc('{"value_length_limit":3e9}'))).toBe("value_length_limit: expected an integer ≤ 2147483647, got 3e9");
    });

    it("enable_path_suffixes and enable_content_types: lists, \"*\" for all", () => {
      expect(lines(json({ enable_path_suffixes: ["/chat/completions", "/messages"] }))).toContain(
        '  enable_path_suffixes ["/chat/completions", "/messages"]',
      );
      expect(lines(json({ enable_path_suffixes: ["/messages", "*"] }))).toContain("  enable_path_suffixes *");
      expect(lines(json({ enable_content_types: ["*", "text/event-stream"] }))).toContain("  enable_content_types *");
      expect(lines(json({ enable_content_types: ["application/json"] }))).toContain('  enable_content_types ["application/json"]');
      const single = json({ enable_path_suffixes: "/messages" });
      expect(lines(single)).toContain('  enable_path_suffixes ["/messages"]');
      expect(warnings(single)[0]).toBe(
        'enable_path_suffixes: a single string is read as a one-element list (as Higress does); write ["/messages"]',
      );
      expect(warnings(json({ enable_content_types: [""] }))).toEqual(["enable_content_types[0]: an empty string matches every content type"]);
      expect(error(json({ enable_path_suffixes: ["/a", 5] }))).toBe("enable_path_suffixes[1]: expected a string, got 5");
      expect(error(json({ enable_content_types: { a: 1 } }))).toBe("enable_content_types: expected an array of strings, got an object");
    });

    it("session_id_header goes first, lower-cased, before the default headers", () => {
      expect(lines(json({ session_id_header: "X-Session-Id" }))).toContain(
        '  session_id_header "X-Session-Id" tries ["x-session-id", "x-openclaw-session-key", "x-clawdbot-session-key", "x-moltbot-session-key", "x-agent-session"]',
      );
      expect(lines(json({ session_id_header: "x-agent-session" }))).toContain(
        '  session_id_header "x-agent-session" tries ["x-agent-session", "x-openclaw-session-key", "x-clawdbot-session-key", "x-moltbot-session-key"]',
      );
      expect(error(json({ session_id_header: 5 }))).toBe("session_id_header: expected a string, got 5");
    });

    it("arena_bytes and max_event_bytes (PRODUCT §5)", () => {
      expect(lines(json({ arena_bytes: 1048576, max_event_bytes: 1024 }))).toContain("  max_event_bytes 1024 arena_bytes 1048576");
      expect(trace(json({ arena_bytes: 1048576 })).split("\n")[0]).toBe("ok arena_bytes 1048576");
      expect(error(json({ arena_bytes: "4MiB" }))).toBe('arena_bytes: expected an integer from 65536 to 1073741824, got "4MiB"');
      expect(error(json({ arena_bytes: 1000 }))).toBe("arena_bytes: expected an integer ≥ 65536, got 1000");
      expect(error(json({ arena_bytes: 2147483648 }))).toBe("arena_bytes: expected an integer ≤ 1073741824, got 2147483648");
      expect(error(json({ max_event_bytes: 10 }))).toBe("max_event_bytes: expected an integer ≥ 1024, got 10");
      expect(error(json({ max_event_bytes: 512 }))).toBe("max_event_bytes: expected an integer ≥ 1024, got 512");
      expect(error(json({ max_event_bytes: "1KiB" }))).toBe('max_event_bytes: expected an integer from 1024 to 1073741824, got "1KiB"');
      expect(lines(json({ max_event_bytes: null, arena_bytes: null }))).toContain("  max_event_bytes 262144 arena_bytes 4194304");
      expect(warnings(json({ arena_bytes: 65536, max_event_bytes: 131072 }))).toEqual([
        "max_event_bytes: larger than arena_bytes (65536): an event that long can never be kept whole",
      ]);
    });

    it("pricing: USD per million tokens per model", () => {
      const ok = lines(json({ pricing: { "gpt-4.1": { input: 2, output: 8 }, "gpt-4o-mini": { input: 0.15, output: 0.6 } } }));
      expect(ok).toContain('  price "gpt-4.1" input 2 output 8');
      expect(ok).toContain('  price "gpt-4o-mini" input 0.15 output 0.6');
      expect(error(json({ pricing: "cheap" }))).toBe(
        'pricing: expected an object mapping model names to { "input": …, "output": … } prices, got "cheap"',
      );
      expect(error(json({ pricing: { m: { input: 1 } } }))).toBe('pricing["m"].output: missing (USD per million output tokens)');
      expect(error(json({ pricing: { m: { input: -1, output: 1 } } }))).toBe('pricing["m"].input: expected a number ≥ 0, got -1');
      expect(error(json({ pricing: { m: 3 } }))).toBe('pricing["m"]: expected an object { "input": …, "output": … }, got 3');
      expect(warnings(json({ pricing: { m: { input: 1, output: 2, cached: 0.5 } } }))).toEqual([
        'pricing["m"].cached: unknown field, ignored (a price has input and output, USD per million tokens)',
      ]);
      const repeated = enc('{"pricing":{"m":{"input":1,"output":2},"m":{"input":3,"output":4}}}');
      expect(lines(repeated)).toContain('  price "m" input 3 output 4');
      expect(warnings(repeated)).toEqual(['pricing["m"]: repeated model: the last price is used']);
    });

    it("redact marks the attributes it names", () => {
      const out = lines(json({ redact: ["question", "question"], attributes: [{ key: "question", apply_to_log: true }] }));
      expect(out).toContain('  redact ["question"]');
      expect(out.find((l) => l.startsWith("  attributes[0]"))).toMatch(/ redacted$/);
      expect(warnings(json({ redact: ["nope"] }))).toEqual(['redact: "nope" is not the key of any attribute in force']);
      expect(error(json({ redact: 42 }))).toBe("redact: expected an array of attribute keys, got 42");
      expect(error(json({ redact: ["a", 1] }))).toBe("redact[1]: expected an attribute key (a string), got 1");
    });

    it("otel_semconv: latest (default) or 1.36", () => {
      expect(lines(json({ otel_semconv: "1.36.0" }))).toContain("  otel_semconv 1.36");
      expect(lines(json({ otel_semconv: "1.36" }))).toContain("  otel_semconv 1.36");
      expect(lines(json({ otel_semconv: "gen_ai_latest_experimental" }))).toContain("  otel_semconv latest");
      expect(error(json({ otel_semconv: "1.20" }))).toBe('otel_semconv: "1.20" is not one of latest, 1.36');
      expect(error(json({ otel_semconv: 1.36 }))).toBe("otel_semconv: expected a string, got 1.36");
    });

    it("warns about unknown fields, never about Higress's wrapper fields", () => {
      expect(warnings(json({ token_header: "authorization", Attributes: [] }))).toEqual([
        "token_header: unknown field, ignored",
        "Attributes: unknown field, ignored; did you mean attributes? (field names are case-sensitive)",
      ]);
      expect(warnings(json({ _plugin_id_: "p1", _match_route_: ["r"], _anything_: 1, disable_openai_usage: false }))).toEqual([]);
    });

    it("counts a repeated top-level field once, the first time (gjson)", () => {
      const input = enc('{"value_length_limit":20,"value_length_limit":"x"}');
      expect(lines(input)).toContain("  value_length_limit 20");
      expect(warnings(input)).toEqual(["value_length_limit: repeated field: only the first one counts (as in Higress)"]);
    });

    it("reads quoted booleans as Higress does, with a warning, and rejects the rest", () => {
      const input = json({ use_default_attributes: "TRUE", disable_openai_usage: 0 });
      expect(lines(input)).toContain("  preset use_default_attributes");
      expect(warnings(input)).toEqual([
        'use_default_attributes: the string "TRUE" is read as true (as Higress does); write a JSON boolean',
        "disable_openai_usage: the number 0 is read as false (as Higress does); write a JSON boolean",
      ]);
      expect(error(json({ use_default_attributes: "on" }))).toBe('use_default_attributes: expected a boolean, got "on"');
      expect(error(json({ use_default_response_attributes: 2 }))).toBe("use_default_response_attributes: expected a boolean, got 2");
      expect(error(json({ disable_openai_usage: [] }))).toBe("disable_openai_usage: expected a boolean, got an empty array");
    });
  });

  describe("presets", () => {
    it("use_default_attributes: Higress's full list, 10 MB values, /completions and /messages", () => {
      const out = lines(json({ use_default_attributes: true }));
      expect(out).toContain("  preset use_default_attributes");
      expect(out).toContain("  value_length_limit 10485760");
      expect(out).toContain('  enable_path_suffixes ["/completions", "/messages"]');
      const keys = out.filter((l) => l.startsWith("  attributes[")).map((l) => /key "([^"]*)"/.exec(l)![1]);
      expect(keys).toEqual(["messages", "question", "system", "answer", "reasoning", "tool_calls", "reasoning_tokens",
        "cached_tokens", "input_token_details", "output_token_details"]);
      expect(out).toContain('  attributes[0] key "messages" source request_body value "messages" default "" rule - log');
      expect(out).toContain('  attributes[3] key "answer" source - value "" default "" rule append log builtin answer');
      expect(out).toContain('  attributes[4] key "reasoning" source - value "" default "" rule append log builtin reasoning');
      expect(out).toContain("  plan watches some body");
    });

    it("use_default_response_attributes: token details only, 4000-character values, no body watched", () => {
      const out = lines(json({ use_default_response_attributes: true }));
      expect(out).toContain("  value_length_limit 4000");
      expect(out).toContain('  enable_path_suffixes ["/completions", "/messages"]');
      const keys = out.filter((l) => l.startsWith("  attributes[")).map((l) => /key "([^"]*)"/.exec(l)![1]);
      expect(keys).toEqual(["reasoning_tokens", "cached_tokens", "input_token_details", "output_token_details"]);
      expect(out).toContain("  plan response_body");
      expect(out).toContain("  plan response_streaming_body");
      expect(out).toContain('    attributes[1] "cached_tokens" from-usage');
      expect(out).toContain("  plan watches no body");
    });

    it("explicit value_length_limit and enable_path_suffixes win over the preset's", () => {
      const out = lines(json({ use_default_attributes: true, value_length_limit: 20, enable_path_suffixes: ["*"] }));
      expect(out).toContain("  value_length_limit 20");
      expect(out).toContain("  enable_path_suffixes *");
      expect(lines(json({ use_default_response_attributes: true, enable_path_suffixes: [] }))).toContain("  enable_path_suffixes *");
    });

    it("replaces the attributes, which are then not even read (Higress does not parse them)", () => {
      const input = json({ use_default_attributes: true, attributes: [{ key: "env", rule: "middle" }] });
      expect(lines(input).some((l) => l.includes('"env"'))).toBe(false);
      expect(warnings(input)).toEqual(["attributes: ignored: use_default_attributes replaces the attributes (as in Higress)"]);
    });

    it("the full preset wins over the lightweight one", () => {
      const input = json({ use_default_response_attributes: true, use_default_attributes: true });
      expect(lines(input)).toContain("  preset use_default_attributes");
      expect(warnings(input)).toEqual(["use_default_response_attributes: ignored: use_default_attributes takes precedence (as in Higress)"]);
    });
  });

  describe("attributes", () => {
    it("reads every field of an attribute", () => {
      const out = lines(attr({
        key: "finish", value_source: "response_streaming_body", value: "choices.0.finish_reason", default_value: "none",
        rule: "replace", apply_to_log: true, apply_to_span: true, trace_span_key: "app.finish", as_separate_log_field: true,
      }));
      expect(out).toContain(
        '  attributes[0] key "finish" source response_streaming_body value "choices.0.finish_reason" default "none" rule replace log(separate) span "app.finish"',
      );
      expect(out).toContain('  plan response_streaming_body watch paths ["choices.0.finish_reason"]');
      expect(out).toContain('    attributes[0] "finish" path #0/replace');
    });

    it("plans header and fixed sources without paths", () => {
      const out = lines(json({ attributes: [
        { key: "user", value_source: "request_header", value: "X-User-Id", apply_to_log: true },
        { key: "rid", value_source: "response_header", value: "x-request-id", apply_to_span: true },
        { key: "env", value_source: "fixed_value", value: "prod", apply_to_log: true },
      ] }));
      expect(out).toContain('  plan request_header');
      expect(out).toContain('    attributes[0] "user" header "x-user-id"');
      expect(out).toContain('    attributes[1] "rid" header "x-request-id"');
      expect(out).toContain('  plan fixed_value');
      expect(out).toContain('    attributes[2] "env"');
      expect(out).toContain("  plan watches no body");
    });

    it("names the attribute and field of a wrong JSON type (encoding/json would fail)", () => {
      expect(error(json({ attributes: ["question"] }))).toBe('attributes[0]: expected an object, got "question"');
      expect(error(json({ attributes: [{ key: "a" }, { key: 42 }] }))).toBe("attributes[1].key: expected a string, got 42");
      expect(error(attr({ key: "a", value_source: 1 }))).toBe("attributes[0].value_source: expected a string, got 1");
      expect(error(attr({ key: "a", value: true }))).toBe("attributes[0].value: expected a string, got true");
      expect(error(attr({ key: "a", default_value: 5 }))).toBe("attributes[0].default_value: expected a string, got 5");
      expect(error(attr({ key: "a", rule: 1 }))).toBe("attributes[0].rule: expected a string, got 1");
      expect(error(attr({ key: "a", apply_to_log: "yes" }))).toBe('attributes[0].apply_to_log: expected a boolean, got "yes"');
      expect(error(attr({ key: "a", apply_to_span: 1 }))).toBe("attributes[0].apply_to_span: expected a boolean, got 1");
      expect(error(attr({ key: "a", trace_span_key: true }))).toBe("attributes[0].trace_span_key: expected a string, got true");
      expect(error(attr({ key: "a", as_separate_log_field: "true" }))).toBe('attributes[0].as_separate_log_field: expected a boolean, got "true"');
      expect(error(json({ attributes: "question" }))).toBe('attributes: expected an array of attribute objects, got "question"');
    });

    it("accepts only first, replace and append as rules, exactly spelt", () => {
      expect(error(json({ attributes: [{ key: "a" }, { key: "b" }, { key: "c", value_source: "response_streaming_body", value: "id", rule: "middle" }] })))
        .toBe('attributes[2].rule: "middle" is not one of first, replace, append');
      expect(error(attr({ key: "a", rule: "FIRST" }))).toBe('attributes[0].rule: "FIRST" is not one of first, replace, append');
      expect(lines(attr({ key: "answer", value_source: "response_streaming_body", value: "x", rule: "" }))).toContain(
        '  attributes[0] key "answer" source response_streaming_body value "x" default "" rule - builtin answer',
      );
    });

    it("names the attribute whose path is outside the supported subset", () => {
      expect(error(attr({ key: "p", value_source: "response_body", value: "choices|@pretty" }))).toBe(
        'attributes[0].value: path "choices|@pretty": modifier @pretty is not supported (only @reverse) at byte 8',
      );
      expect(error(json({ attributes: [{ key: "ok", value_source: "request_body", value: "model" },
        { key: "pair", value_source: "request_body", value: "{model,stream}" }] }))).toMatch(/^attributes\[1\]\.value: path "\{model,stream\}": multipaths/);
      expect(error(attr({ key: "u", value_source: "response_streaming_body", value: 'messages.#(role=="user".content', rule: "first" })))
        .toMatch(/^attributes\[0\]\.value: path .*unterminated query/);
      // Header names and fixed values are not paths.
      expect(lines(attr({ key: "h", value_source: "request_header", value: "{weird}" }))).toContain('    attributes[0] "h" header "{weird}"');
    });

    it("reads field names case-insensitively and a repeated field last, as encoding/json does", () => {
      const input = enc('{"attributes":[{"KEY":"a","value_source":"fixed_value","value":"1","value":"2","Apply_To_Log":true,"apply_to_log":null}]}');
      expect(lines(input)).toContain('  attributes[0] key "a" source fixed_value value "2" default "" rule - log');
      expect(warnings(input)).toEqual([
        "attributes[0].KEY: read as key (Go's encoding/json matches names case-insensitively); write key",
        "attributes[0].value: repeated field: the last one is used (as Go's encoding/json does)",
        "attributes[0].Apply_To_Log: read as apply_to_log (Go's encoding/json matches names case-insensitively); write apply_to_log",
        "attributes[0].apply_to_log: repeated field: the last one is used (as Go's encoding/json does)",
      ]);
    });

    it("accepts what Higress accepts, warning where it records nothing", () => {
      expect(warnings(json({ attributes: [null, { key: "x", value_source: "source_ip", value: "", apply_to_log: true }] }))).toEqual([
        "attributes[0]: null entry, ignored",
        'attributes[1].value_source: "source_ip" is not one of fixed_value, request_header, request_body, response_header, response_body, response_streaming_body: the attribute never records anything',
      ]);
      expect(warnings(attr({ key: "foo", apply_to_log: true }))).toEqual([
        'attributes[0]: no value_source and "foo" is not a built-in key: the attribute never records anything',
      ]);
      expect(warnings(attr({ key: "foo", value_source: "request_body", apply_to_log: true }))).toEqual([
        "attributes[0]: no value and no default_value: the attribute never records anything",
      ]);
      expect(warnings(attr({ key: "", value_source: "fixed_value", value: "v", extra: 1 }))).toEqual([
        "attributes[0].extra: unknown field, ignored",
        "attributes[0].key: empty key",
      ]);
      expect(warnings(attr({ key: "c", value_source: "response_body", value: "x", rule: "append", trace_span_key: "t", as_separate_log_field: true }))).toEqual([
        "attributes[0].rule: only applies to response_streaming_body, ignored here",
        "attributes[0].trace_span_key: has no effect without apply_to_span",
        "attributes[0].as_separate_log_field: has no effect without apply_to_log",
      ]);
      expect(warnings(attr({ key: "d", value_source: "response_streaming_body", value: "x", apply_to_log: true }))).toEqual([
        "attributes[0].rule: not set: Higress extracts nothing from a stream without a rule (first, replace or append)",
      ]);
      const single = json({ attributes: { key: "env", value_source: "fixed_value", value: "prod" } });
      expect(lines(single)).toContain('  attributes[0] key "env" source fixed_value value "prod" default "" rule -');
      expect(warnings(single)).toEqual(["attributes: a single object is read as a one-element list (as Higress does); write [ … ]"]);
      expect(lines(attr({ key: "x", value_source: "source_ip" })).some((l) => l.startsWith("  plan ") && !l.includes("watches"))).toBe(false);
    });

    it("plans built-in keys for their default sources, with Higress's fallback paths", () => {
      const out = lines(json({ attributes: [{ key: "question", apply_to_log: true }, { key: "answer", apply_to_log: true }] }));
      expect(out).toContain('  plan request_body watch paths ["messages.@reverse.0.content"]');
      expect(out).toContain('    attributes[0] "question" fallback #0');
      expect(out).toContain('  plan response_body watch paths ["choices.0.message.content", "content.0.text"]');
      expect(out).toContain('    attributes[1] "answer" fallback #0 fallback #1');
      expect(out).toContain('  plan response_streaming_body watch paths ["choices.0.delta.content", "delta.text"]');
      expect(out).toContain('    attributes[1] "answer" fallback #0 fallback #1');
    });

    it("tries a built-in's own path first, and its fallbacks only for its default sources", () => {
      const out = lines(json({ attributes: [
        { key: "question", value_source: "request_body", value: "messages.0.content", apply_to_log: true },
        { key: "question", value_source: "request_header", value: "x-q", apply_to_log: true },
        { key: "tool_calls", value_source: "response_streaming_body", value: "choices.0.delta.tool_calls", rule: "append" },
        { key: "reasoning", value_source: "response_streaming_body", value: "r", rule: "first" },
        { key: "cached_tokens", value_source: "response_body", value: "usage.cached" },
      ] }));
      expect(out).toContain('    attributes[0] "question" path #0 fallback #1');
      expect(out).toContain('    attributes[1] "question" header "x-q"');
      expect(out).toContain('    attributes[2] "tool_calls" path #0/append assemble-tool-calls');
      // Higress appends the reasoning fallback whatever the attribute's rule.
      expect(out).toContain('    attributes[3] "reasoning" path #1/first fallback #2/append');
      expect(out).toContain('    attributes[4] "cached_tokens" path #0 from-usage');
    });

    it("compiles each path once per source", () => {
      const out = lines(json({ attributes: [
        { key: "question", value_source: "request_body", value: "messages.@reverse.0.content" },
        { key: "q2", value_source: "request_body", value: "messages.@reverse.0.content" },
        { key: "question" },
      ] }));
      expect(out).toContain('  plan request_body watch paths ["messages.@reverse.0.content"]');
      expect(out).toContain('    attributes[0] "question" path #0');
      expect(out).toContain('    attributes[1] "q2" path #0');
      expect(out).toContain('    attributes[2] "question" fallback #0');
    });

    it("marks attributes that feed the usage counters (Higress's non-OpenAI override)", () => {
      const out = lines(json({ attributes: [{ key: "model", value_source: "response_body", value: "usage.models.0.model_id", apply_to_log: true }] }));
      expect(out).toContain('  attributes[0] key "model" source response_body value "usage.models.0.model_id" default "" rule - log usage');
    });
  });

  describe("Higress _rules_", () => {
    const routeRule = { _rules_: [{ _match_route_: ["r1"], disable_openai_usage: true }] };

    it("a configuration of rules only applies to matching requests only", () => {
      const out = lines(json(routeRule));
      expect(out).not.toContain("config");
      expect(out).toContain('rule[0] category 1 routes ["r1"] domains [] services [] prefixes []');
      expect(out).toContain("  disable_openai_usage true");
      expect(build.configSelectTrace(json(routeRule), "r1", "h", "c")).toBe("rule[0]");
      expect(build.configSelectTrace(json(routeRule), "r2", "h", "c")).toBe("none");
      // _plugin_id_ and arena_bytes do not make a top-level configuration.
      const withId = json({ _plugin_id_: "x", arena_bytes: 1048576, ...routeRule });
      expect(build.configSelectTrace(withId, "r2", "h", "c")).toBe("none");
      expect(trace(withId).split("\n")[0]).toBe("ok arena_bytes 1048576");
    });

    it("falls back to the top-level configuration", () => {
      const input = json({ value_length_limit: 10, ...routeRule });
      expect(build.configSelectTrace(input, "r1", "h", "c")).toBe("rule[0]");
      expect(build.configSelectTrace(input, "other", "h", "c")).toBe("config");
    });

    it("matches domains, services, route prefixes and route + service as the wrapper does", () => {
      const input = json({ _rules_: [
        { _match_route_: ["r1"], _match_service_: ["svc.dns"], value_length_limit: 1 },
        { _match_domain_: ["*.example.com", "api.*", "exact.io"], value_length_limit: 2 },
        { _match_service_: ["llm.dns:443", "other.dns"], value_length_limit: 3 },
        { _match_route_prefix_: ["ai-"], value_length_limit: 4 },
      ] });
      const sel = (route: string, host: string, cluster: string): string => build.configSelectTrace(input, route, host, cluster);
      expect(sel("r1", "x", "outbound|80||svc.dns")).toBe("rule[0]");
      expect(sel("r1", "x", "outbound|80||nope.dns")).toBe("none");
      expect(sel("r", "a.example.com:8080", "c")).toBe("rule[1]");
      expect(sel("r", "api.foo.org", "c")).toBe("rule[1]");
      expect(sel("r", "exact.io", "c")).toBe("rule[1]");
      expect(sel("r", "exact.io.evil", "c")).toBe("none");
      expect(sel("r", "[::1]:80", "c")).toBe("none");
      expect(sel("r", "h", "outbound|443||llm.dns")).toBe("rule[2]");
      expect(sel("r", "h", "outbound|80||llm.dns")).toBe("none");
      expect(sel("r", "h", "outbound|80||other.dns")).toBe("rule[2]");
      expect(sel("r", "h", "llm.dns")).toBe("none");
      expect(sel("ai-chat", "h", "c")).toBe("rule[3]");
      expect(trace(input)).toContain("rule[0] category 5 ");
    });

    it("prefixes errors and warnings with the rule", () => {
      expect(error(json({ _rules_: [{ _match_route_: ["r"], attributes: [{ key: "a", rule: "x" }] }] }))).toBe(
        '_rules_[0].attributes[0].rule: "x" is not one of first, replace, append',
      );
      expect(warnings(json({ _rules_: [{ _match_route_: ["r"], arena_bytes: 1048576, bogus: 1 }] }))).toEqual([
        "_rules_[0].arena_bytes: ignored inside a rule: the arena is allocated once per VM (set arena_bytes at the top level)",
        "_rules_[0].bogus: unknown field, ignored",
      ]);
    });

    it("rejects rules Higress rejects, and a failing top level even when rules parse", () => {
      expect(error(json({ _rules_: [{ disable_openai_usage: true }] }))).toBe(
        "_rules_[0]: a rule needs one of _match_route_, _match_domain_, _match_service_, _match_route_prefix_",
      );
      expect(error(json({ _rules_: [] }))).toBe("_rules_: no rules and no top-level configuration: the plugin would apply nowhere");
      expect(error(json({ _rules_: {} }))).toBe("_rules_: expected an array of rule objects, got an empty object");
      expect(error(json({ _rules_: ["r1"] }))).toBe('_rules_[0]: expected a rule object, got "r1"');
      expect(error(json({ _rules_: [{ _match_route_: [1] }] }))).toBe("_rules_[0]._match_route_[0]: expected a string, got 1");
      expect(error(json({ max_event_bytes: 1, ...routeRule }))).toBe("max_event_bytes: expected an integer ≥ 1024, got 1");
      expect(lines(json({ value_length_limit: 5, _rules_: [] }))).toContain("  value_length_limit 5");
    });
  });
});

describe("plugin configuration: the builds agree", () => {
  it("gives identical traces on js and wasm for every configuration above", () => {
    expect(corpus.length).toBeGreaterThan(100);
    for (const input of corpus) expect(wasmBuild.configTrace(input)).toBe(jsBuild.configTrace(input));
  });
});

describe("plugin configuration (direct)", () => {
  it("exposes the compiled plan for the engine", () => {
    const r = parsePluginConfig(json({ attributes: [
      { key: "question", value_source: "request_body", value: "messages.0.content", apply_to_log: true },
      { key: "answer", value_source: "response_streaming_body", value: "choices.0.delta.content", rule: "append", apply_to_log: true },
    ] }));
    expect(r.ok).toBe(true);
    const plan = r.config!.plan;
    expect(plan.forSource(SOURCE_REQUEST_BODY)).toBe(plan.requestBody);
    expect(plan.requestBody.paths.size).toBe(2);
    const q = plan.requestBody.attributes[0]!;
    expect(q.paths.map((p) => [p.id, p.text, p.builtin])).toEqual([[0, "messages.0.content", false], [1, "messages.@reverse.0.content", true]]);
    const a = plan.forSource(SOURCE_RESPONSE_STREAMING_BODY)!.attributes[0]!;
    expect(a.attribute.builtin).toBe(BUILTIN_ANSWER);
    expect(a.paths.map((p) => p.text)).toEqual(["choices.0.delta.content", "delta.text"]);
    expect(plan.responseBody.used).toBe(false);
    expect(plan.responseBody.watchesBody).toBe(false);
    expect(plan.watchesAnyBody).toBe(true);
    // The engine can add its own paths; attribute ids stay valid.
    expect(plan.requestBody.paths.add("model")).toBe(2);
  });

  it("answers path, content-type, price and redaction questions as Higress does", () => {
    const c = parsePluginConfig(json({
      enable_path_suffixes: ["/chat/completions", "/messages"],
      enable_content_types: ["application/json", "text/event-stream"],
      pricing: { "gpt-4.1": { input: 2, output: 8 } },
      redact: ["question"],
    })).config!;
    expect(c.isPathEnabled("/v1/chat/completions")).toBe(true);
    expect(c.isPathEnabled("/v1/chat/completions?stream=true")).toBe(true);
    expect(c.isPathEnabled("/v1/messages/count")).toBe(false);
    expect(c.isPathEnabled("/v1/embeddings")).toBe(false);
    expect(c.isPathEnabled("/messages?x=/chat/completions")).toBe(true);
    expect(c.isContentTypeEnabled("text/event-stream; charset=utf-8")).toBe(true);
    expect(c.isContentTypeEnabled("text/plain")).toBe(false);
    expect(c.priceOf("gpt-4.1")!.output).toBe(8);
    expect(c.priceOf("gpt-4o")).toBeNull();
    expect(c.isRedacted("question")).toBe(true);
    const all = parsePluginConfig(new Uint8Array(0)).config!;
    expect(all.isPathEnabled("/anything")).toBe(true);
    expect(all.isContentTypeEnabled("")).toBe(true);
  });

  it("applies nothing on error", () => {
    const r = parsePluginConfig(json({ _rules_: [{ _match_route_: ["r"] }], attributes: [{ key: "a", rule: "x" }] }));
    expect(r.ok).toBe(false);
    expect(r.config).toBeNull();
    expect(r.rules).toEqual([]);
    expect(r.select("r", "h", "c")).toBeNull();
  });
});
