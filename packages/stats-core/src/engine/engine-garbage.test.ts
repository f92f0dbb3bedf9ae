import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { builds } from "../testing/builds.node";

// PRODUCT §4 on both builds: whatever bytes arrive — mutated streams, cut anywhere, as SSE, JSON
// or a JSON array — the engine neither throws nor traps, writes one final record, and gives every
// arena block back.

const utf8 = new TextEncoder();
const valid = utf8.encode(
  'data: {"id":"c1","model":"m","choices":[{"index":0,"delta":{"content":"Hé 👋","tool_calls":[{"index":0,"id":"t","function":{"name":"f","arguments":"{}"}}]}}]}\n\n' +
    'event: message_start\ndata: {"type":"message_start","message":{"id":"msg","model":"claude","usage":{"input_tokens":3,"output_tokens":1}}}\n\n' +
    'data: {"type":"content_block_start","index":1,"content_block":{"type":"tool_use","id":"tu","name":"g","input":{}}}\n\n' +
    'data: {"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":"{\\"a\\":"}}\n\n' +
    'data: [{"usageMetadata":{"promptTokenCount":1,"candidatesTokenCount":2}},{"modelVersion":"g"}]\n\n' +
    'data: {"choices":[],"usage":{"prompt_tokens":9,"completion_tokens":12,"total_tokens":21,"prompt_tokens_details":{"cached_tokens":1}}}\n\ndata: [DONE]\n\n',
);
const config = utf8.encode(JSON.stringify({
  max_event_bytes: 1024,
  attributes: [
    { key: "answer", apply_to_log: true, rule: "append" },
    { key: "tool_calls", apply_to_log: true },
    { key: "q", value_source: "request_body", value: "messages.@reverse.#(role==\"user\").content", apply_to_log: true },
    { key: "first", value_source: "response_streaming_body", value: "choices.#(index==0)#.delta", rule: "first", apply_to_log: true },
  ],
}));
const arrayHead = utf8.encode('[{"modelVersion":"g","usageMetadata":{"promptTokenCount":1,"candidatesTokenCount":2}},');
const request = utf8.encode('{"model":"m","messages":[{"role":"user","content":"hi"}]}');

const mutated = fc
  .tuple(fc.array(fc.tuple(fc.nat(valid.length - 1), fc.integer({ min: 0, max: 255 })), { maxLength: 12 }), fc.nat(valid.length))
  .map(([flips, cut]) => {
    const b = valid.slice(0, Math.max(1, cut));
    for (const [at, v] of flips) if (at < b.length) b[at] = v;
    return b;
  });

describe.each(builds)("engine on garbage, $name build", (build) => {
  it("never throws, always ends with one final record and an empty arena", () => {
    fc.assert(
      fc.property(
        mutated,
        fc.array(fc.nat(), { maxLength: 8 }),
        fc.constantFrom("text/event-stream", "application/json"),
        fc.integer({ min: -1, max: 4 }),
        fc.boolean(),
        (mutatedBody, rawCuts, contentType, abortAfter, asArray) => {
          // A JSON-array stream (Gemini without alt=sse) whose later elements are the garbage.
          const body = asArray ? new Uint8Array([...arrayHead, ...mutatedBody]) : mutatedBody;
          const cuts = Int32Array.from([...new Set(rawCuts.map((c) => c % (body.length + 1)))].sort((a, b) => a - b));
          const trace = build.engineStreamTrace(config, "/v1/chat/completions", request, contentType, body, cuts, abortAfter, 1);
          const lines = trace.split("\n");
          expect(lines.filter((l) => / final /.test(l))).toHaveLength(1);
          // The log is a JSON object (never broken text), and says which kind of response it saw.
          const log = lines.find((l) => l.startsWith("log "));
          expect(log).toMatch(/^log \{/);
          const parsed = JSON.parse(log!.slice(4)) as unknown;
          expect(Object.prototype.toString.call(parsed)).toBe("[object Object]");
          expect(["stream", "normal"]).toContain((parsed as Record<string, unknown>)["response_type"]);
          expect(lines.at(-1)).toMatch(/^arena after 0 /);
        },
      ),
      { numRuns: 150, seed: 42 },
    );
  });
});
