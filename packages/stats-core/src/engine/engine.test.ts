import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { builds, jsBuild, wasmBuild } from "../testing/builds.node";

// Engine behaviour the conformance cases do not pin, on both builds: bounded values, the record
// sequence over a stream, arena return and exchange reuse, drop counting, Go-style JSON text.

const utf8 = new TextEncoder();
const bytes = (s: string): Uint8Array => utf8.encode(s);
const config = (c: object): Uint8Array => bytes(JSON.stringify(c));

function chunk(id: string, delta: object, usage: object | null = null): string {
  return `data: ${JSON.stringify({ id, model: "gpt-4o-2024-08-06", choices: usage ? [] : [{ index: 0, delta }], usage })}\n\n`;
}

const request = bytes(JSON.stringify({ model: "gpt-4o", stream: true, messages: [{ role: "user", content: "Hi" }] }));
const usage = { prompt_tokens: 9, completion_tokens: 12, total_tokens: 21 };

/** Offsets cutting `total` bytes into pieces of `size`. */
function cuts(total: number, size: number): Int32Array {
  const out: number[] = [];
  for (let at = size; at < total; at += size) out.push(at);
  return Int32Array.from(out);
}

function logOf(trace: string): Record<string, unknown> {
  const line = trace.split("\n").filter((l) => l.startsWith("log ")).at(-1)!;
  return JSON.parse(line.slice(4)) as Record<string, unknown>;
}

describe.each(builds)("engine on the $name build", (build) => {
  it("keeps head and tail of an endless value in 1.5 × limit, reading as Higress cuts the whole", () => {
    const piece = bytes("0123456789abcdefghij");
    const times = 50_000; // 1 MB appended
    const limit = 101;
    const trace = build.engineValueTrace(piece, times, limit, 1 << 20);
    const [text, stats, copy] = trace.split("\n");
    const whole = "0123456789abcdefghij".repeat(times);
    const half = Math.floor(limit / 2);
    expect(text).toBe(`${whole.slice(0, half)} [truncated] ${whole.slice(whole.length - half)}`);
    expect(stats).toMatch(/^total 1000000 whole no lost 0 /);
    // The arena holds the head block and the tail ring: a few hundred bytes, never the megabyte.
    expect(Number(/peak (\d+)/.exec(stats!)![1])).toBeLessThan(1024);
    expect(copy).toBe("copy same after 0");
  });

  it("keeps a value of exactly the limit whole, and cuts what the arena cannot hold", () => {
    expect(build.engineValueTrace(bytes("abcd"), 5, 20, 1 << 16).split("\n")[0]).toBe("abcd".repeat(5));
    const full = build.engineValueTrace(bytes("x".repeat(1000)), 200, 1 << 20, 64 * 1024);
    expect(full).toMatch(/lost [1-9]\d* /);
    expect(full).toMatch(/after 0$/);
  });

  it("decodes a value's text as Go does: each byte of a broken sequence becomes U+FFFD", () => {
    const piece = new Uint8Array([...bytes("é👋"), 0xff, 0xe4, 0xbd, 0x41, 0xc0, 0xaf, 0xed, 0xa0, 0x80, 0xf0, 0x9f]);
    const [text] = build.engineValueTrace(piece, 1, 1000, 1 << 16).split("\n");
    // 0xff; a cut 3-byte sequence (2 bytes); overlong 0xc0 0xaf; a UTF-16 surrogate (3); a cut 4-byte one (2).
    expect(text).toBe("é👋\ufffd\ufffd\ufffdA" + "\ufffd".repeat(2 + 3 + 2));
    // A limit that cuts inside 👋 leaves its head bytes broken, one U+FFFD each; the tail (kept in
    // a ring that wrapped inside the last 👋) still reads whole.
    const [cut] = build.engineValueTrace(bytes("ab👋cd👋"), 1, 9, 1 << 16).split("\n");
    expect(cut).toBe("ab\ufffd\ufffd [truncated] 👋");
    const [wrapped] = build.engineValueTrace(bytes("x👋"), 7, 13, 1 << 16).split("\n");
    expect(wrapped).toBe("x👋x [truncated] \ufffdx👋");
  });

  it("escapes strings like Go's encoding/json, and invalid UTF-8 as \\ufffd", () => {
    const input = new Uint8Array([...bytes('a"\\<>&\n\t\u2028é'), 0x01, 0xff, 0xe4, 0xbd, 0x41]);
    const [str] = build.engineJsonTextTrace(input).split("\n");
    // Go replaces each byte of a broken sequence (utf8.DecodeRune width 1): 0xff, 0xe4, 0xbd.
    expect(str).toBe('"a\\"\\\\\\u003c\\u003e\\u0026\\n\\t\\u2028é\\u0001\\ufffd\\ufffd\\ufffdA"');
    const raw = build.engineJsonTextTrace(bytes('{"n":[1, 2.5],"a":"<b>"}')).split("\n")[1];
    expect(raw).toBe('{"a":"\\u003cb\\u003e","n":[1,2.5]}');
    expect(JSON.parse(raw!)).toEqual({ a: "<b>", n: [1, 2.5] });
  });

  it("hands the same log over as UTF-8 bytes when textLogs is off", () => {
    const config = bytes(JSON.stringify({ attributes: [{ key: "answer", value_source: "response_streaming_body", value: "choices.0.delta.content", rule: "append", apply_to_log: true }] }));
    const body = bytes(
      'data: {"id":"c1","model":"m","choices":[{"delta":{"content":"Grüße 👋 <\\"q\\">"}}]}\n\n' +
        'data: {"choices":[],"usage":{"prompt_tokens":2,"completion_tokens":3,"total_tokens":5}}\n\n',
    );
    const [text, asBytes] = build.engineByteLogTrace(config, bytes('{"model":"m"}'), body).split("\n");
    expect(JSON.parse(text!)).toMatchObject({ answer: 'Grüße 👋 <"q">', total_token: 5 });
    expect(asBytes).toBe(`[] ${text}`);
  });

  it("computes SHA-256 like node:crypto", () => {
    for (const n of [0, 1, 55, 56, 63, 64, 65, 119, 1000]) {
      const input = new Uint8Array(n).map((_, i) => (i * 131 + n) & 0xff);
      expect(build.engineSha256Trace(input)).toBe(createHash("sha256").update(input).digest("hex"));
    }
  });

  it("writes an early record when usage is first known on a stream, and the final one with counters", () => {
    const body = bytes(
      chunk("c1", { role: "assistant", content: "" }) + chunk("c1", { content: "Hi" }) + chunk("c1", {}, usage) +
        chunk("c1", { content: " there" }) + "data: [DONE]\n\n",
    );
    const trace = build.engineStreamTrace(
      config({ attributes: [{ key: "answer", apply_to_log: true, rule: "append" }] }),
      "/v1/chat/completions", request, "text/event-stream", body, cuts(body.length, 40), -1, 1);
    const records = trace.split("\n").filter((l) => l.includes(": record "));
    expect(records).toHaveLength(2);
    expect(records[0]).toMatch(/: record 1 early counters 0$/);
    expect(records[1]).toBe("end: record 2 final counters 7");
    expect(logOf(trace)).toMatchObject({ answer: "Hi there", input_token: 9, total_token: 21, response_type: "stream" });
    expect(trace).toContain("counter route.r1.upstream.c1.model.gpt-4o-2024-08-06.consumer.u1.metric.input_token 9");
    expect(trace).toMatch(/arena after 0 peak [1-9]/);
  });

  it("returns every arena block and gives identical records when an exchange object is reused", () => {
    const body = bytes(chunk("c1", { content: "Hello" }) + chunk("c1", {}, usage) + "data: [DONE]\n\n");
    const trace = build.engineStreamTrace(config({}), "/v1/chat/completions", request, "text/event-stream", body,
      cuts(body.length, 7), -1, 3);
    const logs = trace.split("\n").filter((l) => l.startsWith("log "));
    expect(logs).toHaveLength(3);
    expect(new Set(logs).size).toBe(1);
    expect(trace.split("\n").filter((l) => l.startsWith("arena after 0 "))).toHaveLength(3);
  });

  it("counts an oversized event and a malformed one, logs aistats_truncated, and keeps the usage", () => {
    const big = chunk("c1", { content: "x".repeat(3000) });
    const body = bytes(big + "data: {not json}\n\n" + chunk("c1", {}, usage) + "data: [DONE]\n\n");
    const trace = build.engineStreamTrace(config({ max_event_bytes: 1024 }), "/v1/chat/completions", request,
      "text/event-stream", body, cuts(body.length, 500), -1, 1);
    expect(logOf(trace)).toMatchObject({ input_token: 9, aistats_truncated: 2 });
    expect(trace).toContain("drops oversized_event=1 arena_full=0 malformed_json=1 too_many_tool_calls=0");
  });

  it("logs what was seen when aborted, with no counters before usage", () => {
    const body = bytes(chunk("c1", { content: "Once " }) + chunk("c1", { content: "upon" }) + chunk("c1", {}, usage));
    const trace = build.engineStreamTrace(
      config({ attributes: [{ key: "answer", apply_to_log: true, rule: "append" }] }),
      "/v1/chat/completions", request, "text/event-stream", body, cuts(body.length, 60), 2, 1);
    expect(trace).toMatch(/abort: record 1 final counters 0/);
    expect(logOf(trace)).toMatchObject({ answer: "Once " });
    expect(logOf(trace)).not.toHaveProperty("input_token");
    expect(trace).toMatch(/arena after 0 /);
  });

  it("cuts a value at byte offsets like Go, inside a UTF-8 sequence, and logs \\ufffd there", () => {
    const body = bytes(Array.from({ length: 20 }, () => chunk("c1", { content: "é" })).join("") + "data: [DONE]\n\n");
    const trace = build.engineStreamTrace(
      config({ value_length_limit: 10, attributes: [{ key: "answer", apply_to_log: true, rule: "append" }] }),
      "/v1/chat/completions", request, "text/event-stream", body, cuts(body.length, 13), -1, 1);
    expect(logOf(trace)).toMatchObject({ answer: "éé\ufffd [truncated] \ufffdéé" });
  });

  it("counts a full arena, keeps the traffic's exchange going, and gives every block back", () => {
    const body = bytes(Array.from({ length: 400 }, () => chunk("c1", { content: "y".repeat(500) })).join("") +
      chunk("c1", {}, usage) + "data: [DONE]\n\n");
    const trace = build.engineStreamTrace(
      config({ arena_bytes: 65536, value_length_limit: 1000000, attributes: [{ key: "answer", apply_to_log: true, rule: "append" }] }),
      "/v1/chat/completions", request, "text/event-stream", body, cuts(body.length, 4096), -1, 2);
    const log = logOf(trace);
    expect(log).toMatchObject({ input_token: 9, output_token: 12 });
    expect(log.aistats_truncated).toBeGreaterThan(0);
    expect(String(log.answer)).toMatch(/^y{1000}/);
    expect(String(log.answer).length).toBeLessThan(65536);
    expect(trace).toMatch(/arena_full=[1-9]/);
    expect(trace.split("\n").filter((l) => l.startsWith("arena after 0 "))).toHaveLength(2);
  });

  it("applies default_value only where the attribute's phase ran, as Higress's phases do", () => {
    const body = bytes(chunk("c1", { content: "Hi" }) + "data: [DONE]\n\n");
    const trace = build.engineStreamTrace(
      config({
        attributes: [
          { key: "from_json", value_source: "response_body", value: "nope", default_value: "d1", apply_to_log: true },
          { key: "from_stream", value_source: "response_streaming_body", value: "nope", rule: "first", default_value: "d2", apply_to_log: true },
          { key: "from_request", value_source: "request_body", value: "nope", default_value: "d3", apply_to_log: true },
        ],
      }),
      "/v1/chat/completions", request, "text/event-stream", body, new Int32Array(0), -1, 1);
    const log = logOf(trace);
    expect(log).toMatchObject({ from_stream: "d2", from_request: "d3" });
    expect(log).not.toHaveProperty("from_json");
  });

  it("skips a path that is not enabled without recording anything", () => {
    const trace = build.engineStreamTrace(config({ enable_path_suffixes: ["/chat/completions"] }), "/v1/embeddings",
      request, "application/json", bytes("{}"), new Int32Array(0), -1, 1);
    expect(trace).toBe("skipped yes");
  });
});

describe("engine builds agree", () => {
  it("engineStreamTrace is identical on js and wasm for a stream cut into single bytes", () => {
    const body = bytes(
      chunk("c1", { content: "Grüße 👋 <&>" }) + chunk("c1", { tool_calls: [{ index: 0, id: "call_1", type: "function", function: { name: "f", arguments: '{"a"' } }] }) +
        chunk("c1", { tool_calls: [{ index: 0, function: { arguments: ":1}" } }] }) + chunk("c1", {}, usage) + "data: [DONE]\n\n",
    );
    const args = [
      config({ attributes: [{ key: "answer", apply_to_log: true, rule: "append" }, { key: "tool_calls", apply_to_log: true, apply_to_span: true }], pricing: { "gpt-4o-2024-08-06": { input: 2.5, output: 10 } } }),
      "/v1/chat/completions", request, "text/event-stream", body, cuts(body.length, 1), -1, 2,
    ] as const;
    const js = jsBuild.engineStreamTrace(...args);
    expect(wasmBuild.engineStreamTrace(...args)).toBe(js);
    expect(logOf(js)).toMatchObject({
      answer: "Grüße 👋 <&>",
      tool_calls: [{ id: "call_1", type: "function", function: { name: "f", arguments: '{"a":1}' } }],
      cost: 0.0001425,
    });
    expect(js).toContain("\\u003c\\u0026\\u003e");
  });
});
