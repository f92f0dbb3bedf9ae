import { describe, expect, it } from "vitest";
import { passThroughResult, type RecordTexts } from "./adapter.js";
import { canonicalProblem, checkRecords } from "./check-records.js";
import type { Mismatch } from "./deep-subset.js";
import { parseCase } from "./load-cases.js";
import { matchCase } from "./match.js";
import { sampleCase } from "./testing/temp-cases.js";

const utf8 = new TextEncoder();
const bytes = (s: string): Uint8Array => utf8.encode(s);

/** Higress's MarshalStr (Go json.Marshal of a string) without the quotes, for ASCII/BMP text. */
function marshalStr(text: string): string {
  return JSON.stringify(text)
    .slice(1, -1)
    .replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

function problems(records: Partial<RecordTexts>): string[] {
  const out: Mismatch[] = [];
  checkRecords({ logForm: "json", logs: [], logFields: [], ...records }, out);
  return out.map((m) => `${m.path}: ${m.message}`);
}

const json = (...logs: string[]): string[] => problems({ logs: logs.map(bytes) });
const escaped = (...logs: string[]): string[] => problems({ logForm: "escaped", logs: logs.map(bytes) });

const GOOD = '{"input_token":9,"input_token_details":{"audio_tokens":0,"cached_tokens":2},"messages":[{"content":"x\\ny <b>","role":"user"}],"model":"gpt-4o"}';

describe("record well-formedness (PRODUCT §3)", () => {
  it("accepts a compact, canonical ai_log, as JSON text and as Higress's escaped filter state", () => {
    expect(json(GOOD)).toEqual([]);
    expect(escaped(marshalStr(GOOD))).toEqual([]);
    expect(json("{}", '{"a":[],"b":{},"c":[1,{"d":null}]}')).toEqual([]);
  });

  it("rejects a raw control byte anywhere, naming the byte and where it is", () => {
    expect(json('{"a":1,\n"b":2}')).toEqual(['records.ai_log[0]: holds a raw control byte 0x0a at byte 7: "{\\"a\\":1,\\n"']);
    expect(json('{"a":"x\ty"}')[0]).toMatch(/^records\.ai_log\[0\]: holds a raw control byte 0x09 at byte 7/);
    // As filter state: the raw line feed breaks '{"ai_log":"%FILTER_STATE(wasm.ai_log:PLAIN)%"}'.
    expect(escaped('{\\"a\\":{\n  \\"b\\": 1\n}}')[0]).toMatch(/^records\.ai_log\[0\]: holds a raw control byte 0x0a at byte 8/);
  });

  it("rejects whitespace outside strings (pretty-printed structured values) and accepts it inside", () => {
    expect(json('{"a":{ "b":1}}')[0]).toMatch(/is not written compact and canonical: whitespace outside a string at character 6/);
    expect(json('{"a": 1}')[0]).toMatch(/whitespace outside a string/);
    expect(json('{"a":[1, 2]}')[0]).toMatch(/whitespace outside a string/);
    expect(json('{"a":1} ')[0]).toMatch(/whitespace outside a string/);
    expect(json('{"a":"  spaced  { } [ ] , :"}')).toEqual([]);
    // Escaped, the stored text embeds fine, but the log it stands for is not compact.
    expect(escaped('{\\"a\\":{ \\"b\\":1}}')[0]).toMatch(/^records\.ai_log\[0\] \(decoded\): is not written compact and canonical: whitespace/);
    expect(escaped('{\\"a\\":{\\n  \\"b\\":1}}')[0]).toMatch(/^records\.ai_log\[0\] \(decoded\): holds a raw control byte 0x0a at byte 6/);
  });

  it("requires every object's keys in byte order, at every level, with no key repeated", () => {
    expect(json('{"b":1,"a":2}')[0]).toMatch(/key "a" after "b" \(keys not sorted\) at character 7/);
    expect(json('{"a":{"cached_tokens":0,"audio_tokens":0}}')[0]).toMatch(/key "audio_tokens" after "cached_tokens"/);
    expect(json('{"a":[{"role":"user","content":"x"}]}')[0]).toMatch(/key "content" after "role"/);
    expect(json('{"a":1,"a":2}')[0]).toMatch(/key "a" repeated in one object/);
    // Byte order of the UTF-8 (Go), not JavaScript's UTF-16 order: U+FF61 sorts before U+1F600.
    expect(json('{"\uff61":1,"\u{1f600}":2}')).toEqual([]);
    expect(json('{"\u{1f600}":2,"\uff61":1}')[0]).toMatch(/keys not sorted/);
    // Keys compare by their decoded text, so an escaped key sorts as the character it stands for.
    expect(json('{"\\u0041":1,"B":2}')).toEqual([]);
    expect(json('{"Z":1,"\\u0041":2}')[0]).toMatch(/key "A" after "Z"/);
  });

  it("rejects a log that is not a JSON object, or not valid UTF-8", () => {
    expect(json('{"model":"m","messages":[{"role":"user","content":"x"},"model":"m"}')[0]).toMatch(/^records\.ai_log\[0\]: is not JSON/);
    expect(json('{"total_token":Infinity}')[0]).toMatch(/is not JSON/);
    expect(json('["a"]')[0]).toMatch(/is JSON but not an object/);
    expect(problems({ logs: [new Uint8Array([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0x22, 0x7d])] })[0]).toMatch(/is not valid UTF-8: 7b22/);
  });

  it("checks every log written (early and final), each by its index", () => {
    expect(json(GOOD, '{"a":1,"a":1}', GOOD)).toEqual([expect.stringMatching(/^records\.ai_log\[1\]: .*repeated/)]);
  });

  it("requires escaped filter state to embed as {\"ai_log\":\"…\"} and to stand for a well-formed log", () => {
    // Not escaped at all: the quotes end the access log's string.
    expect(escaped(GOOD)[0]).toMatch(/^records\.ai_log\[0\]: embedded as \{"ai_log":"…"\} is not JSON/);
    // A lone backslash at the end escapes the closing quote.
    expect(escaped('{\\"a\\":1}\\')[0]).toMatch(/is not JSON/);
    // Escapes that decode to a raw control character inside a string of the log.
    expect(escaped('{\\"a\\":\\"x\ny\\"}')[0]).toMatch(/holds a raw control byte 0x0a/);
    expect(escaped('{\\"a\\":\\"x\\ny\\"}')[0]).toMatch(/^records\.ai_log\[0\] \(decoded\): holds a raw control byte 0x0a/);
    // A lone surrogate escape decodes to text that no UTF-8 log can hold.
    expect(escaped('{\\"a\\":\\"\\ud800\\"}')[0]).toMatch(/decodes to text with a lone surrogate/);
    expect(escaped('{\\"a\\":\\"\\ud83d\\ude00\\"}')).toEqual([]);
  });

  it("requires separate log fields to embed as JSON string contents", () => {
    expect(problems({ logFields: [["consumer", bytes("team-a")], ["usage", bytes(marshalStr('{"a":1}'))]] })).toEqual([]);
    expect(problems({ logFields: [["usage", bytes('{"a":1}')]] })[0]).toMatch(/^records\.log_fields\.usage: embedded as \{"usage":"…"\} is not JSON/);
    expect(problems({ logFields: [["usage", bytes("{\n}")]] })[0]).toMatch(/^records\.log_fields\.usage: holds a raw control byte 0x0a/);
  });

  it("walks nested values without being fooled by structural characters inside strings", () => {
    expect(canonicalProblem('{"a":"}\\",{\\"z\\":1,\\"b\\":2}","b":[["x",{"c":"]"}]]}')).toBeNull();
    expect(canonicalProblem('{"a":[[{"y":1,"x":2}]]}')).toMatch(/key "x" after "y"/);
  });

  it("fails the case in matchCase when the host's records are not well-formed", () => {
    const parsed = parseCase(JSON.stringify(sampleCase()), "m.json", "/m.json");
    if (Array.isArray(parsed)) throw new Error(JSON.stringify(parsed));
    const result = { ...passThroughResult(parsed), log: { model: "gpt-4o" } };
    const good: RecordTexts = { logForm: "json", logs: [bytes('{"model":"gpt-4o"}')], logFields: [] };
    expect(matchCase(parsed, { ...result, records: good }).mismatches).toEqual([]);
    const bad: RecordTexts = { logForm: "json", logs: [bytes('{"model":"gpt-4o","details":{\n}}')], logFields: [] };
    expect(matchCase(parsed, { ...result, records: bad }).mismatches.map((m) => m.path)).toEqual(["records.ai_log[0]"]);
  });
});
