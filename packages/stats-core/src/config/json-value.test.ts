import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { builds, jsBuild, wasmBuild } from "../testing/builds.node";
import { referenceBinaryText, referenceJsonTrace } from "../testing/config-json-reference.node";
import { JV_ARRAY, JV_OBJECT, JV_STRING } from "./json-value";
import { JSON_VALUE_MAX_DEPTH, JV_NO_VALUE, JV_SYNTAX_ERROR, JV_TOO_DEEP, JsonValueParser } from "./json-value-parser";

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const bytes = (...b: number[]): Uint8Array => Uint8Array.from(b);
const quoted = (...b: number[]): Uint8Array => bytes(0x22, ...b, 0x22);

// Documents whose trace is pinned by hand (the reference parser cannot express all of these).
const pinned: Array<[string, Uint8Array, string]> = [
  ["escapes", enc(String.raw`"\"\\\/\b\f\n\r\t"`), String.raw`"\"\\/\u0008\u000c\u000a\u000d\u0009"`],
  ["\\u escapes in any case", enc(String.raw`"\u00E9\u00e9\u0041"`), String.raw`"\u00e9\u00e9A"`],
  ["a surrogate pair escape", enc(String.raw`"\ud83d\ude00"`), String.raw`"\ud83d\ude00"`],
  ["a lone high surrogate escape becomes U+FFFD (Go)", enc(String.raw`"\ud800x"`), String.raw`"\ufffdx"`],
  ["a lone low surrogate escape becomes U+FFFD", enc(String.raw`"\udc00"`), String.raw`"\ufffd"`],
  ["a high surrogate before a non-surrogate escape", enc(String.raw`"\ud800\u0041"`), String.raw`"\ufffdA"`],
  ["two high surrogates", enc(String.raw`"\ud800\ud800\udc00"`), String.raw`"\ufffd\ud800\udc00"`],
  ["raw multi-byte UTF-8", enc('"é€😀"'), String.raw`"\u00e9\u20ac\ud83d\ude00"`],
  ["an invalid byte becomes U+FFFD", quoted(0xc3, 0x28), String.raw`"\ufffd("`],
  ["an encoded surrogate is three invalid bytes", quoted(0xed, 0xa0, 0x80), String.raw`"\ufffd\ufffd\ufffd"`],
  ["an overlong form is invalid", quoted(0xc0, 0xaf), String.raw`"\ufffd\ufffd"`],
  ["a cut sequence before the quote", quoted(0xe2, 0x82), String.raw`"\ufffd\ufffd"`],
  ["beyond U+10FFFF", quoted(0xf4, 0x90, 0x80, 0x80), String.raw`"\ufffd\ufffd\ufffd\ufffd"`],
  ["duplicate members are kept in order", enc('{"a":1,"a":2}'), '{"a":num(1p0),"a":num(1p1)}'],
  ["whitespace everywhere", enc(' \t\r\n[ 1 , { "a" : [ ] } ]\n'), '[num(1p0),{"a":[]}]'],
  ["top-level scalars", enc("null"), "null"],
  ["negative zero", enc("-0"), "num(-0)"],
  ["-0.0e5", enc("-0.0e5"), "num(-0)"],
  ["overflow is infinity", enc("[1e400,-1e400]"), "[num(inf),num(-inf)]"],
  ["underflow is zero", enc("[1e-400,-1e-400]"), "[num(0),num(-0)]"],
  ["2^53 + 1 rounds to even", enc("9007199254740993"), "num(1p53)"],
  ["0.1", enc("0.1"), "num(3602879701896397p-55)"],
  ["a huge exponent digit string", enc("1e99999999999999999999"), "num(inf)"],
];

const failures: Array<[string, Uint8Array, number, string]> = [
  ["empty input", enc(""), JV_NO_VALUE, "at byte 0 (line 1, column 1): empty input"],
  ["only whitespace", enc(" \n "), JV_NO_VALUE, "at byte 3 (line 2, column 2): no JSON value, only whitespace"],
  ["a misspelt literal", enc("[tru]"), JV_SYNTAX_ERROR, "at byte 4 (line 1, column 5): expected true, found ']'"],
  ["a trailing comma", enc("[1,]"), JV_SYNTAX_ERROR, "at byte 3 (line 1, column 4): expected a value, found ']'"],
  ["a missing colon", enc('{"a" 1}'), JV_SYNTAX_ERROR, "at byte 5 (line 1, column 6): expected ':' after a member name, found '1'"],
  ["an unquoted name", enc("{a:1}"), JV_SYNTAX_ERROR, "at byte 1 (line 1, column 2): expected a member name in double quotes, found 'a'"],
  ["leading zeros", enc("01"), JV_SYNTAX_ERROR, "at byte 1 (line 1, column 2): a number must not have leading zeros"],
  ["a bare decimal point", enc("1."), JV_SYNTAX_ERROR, "at byte 2 (line 1, column 3): expected a digit after the decimal point, found end of input"],
  ["a lone minus", enc("-"), JV_SYNTAX_ERROR, "at byte 1 (line 1, column 2): expected a digit, found end of input"],
  ["an empty exponent", enc("1e+"), JV_SYNTAX_ERROR, "at byte 3 (line 1, column 4): expected a digit in the exponent, found end of input"],
  ["a plus sign", enc("+1"), JV_SYNTAX_ERROR, "at byte 0 (line 1, column 1): expected a value, found '+'"],
  ["a raw control character", quoted(0x61, 0x0a), JV_SYNTAX_ERROR, "at byte 2 (line 1, column 3): control character 0x0a in a string (escape it)"],
  ["an invalid escape", enc(String.raw`"\x"`), JV_SYNTAX_ERROR, String.raw`at byte 1 (line 1, column 2): invalid escape \'x'`],
  ["a short \\u escape", enc(String.raw`"\u12"`), JV_SYNTAX_ERROR, String.raw`at byte 1 (line 1, column 2): \u must be followed by four hex digits`],
  ["an unterminated string", enc('"abc'), JV_SYNTAX_ERROR, "at byte 4 (line 1, column 5): unterminated string"],
  ["trailing garbage", enc("[1] x"), JV_SYNTAX_ERROR, "at byte 4 (line 1, column 5): unexpected 'x' after the JSON value"],
  ["two values", enc("{} {}"), JV_SYNTAX_ERROR, "at byte 3 (line 1, column 4): unexpected '{' after the JSON value"],
  ["a byte-order mark (gjson rejects it too)", bytes(0xef, 0xbb, 0xbf, 0x7b, 0x7d), JV_SYNTAX_ERROR, "at byte 0 (line 1, column 1): expected a value, found byte 0xef"],
  ["a position on a later line", enc('{\n  "a": tru\n}'), JV_SYNTAX_ERROR, "at byte 12 (line 2, column 11): expected true, found byte 0x0a"],
];

const nested = (open: string, close: string, depth: number): string => open.repeat(depth) + close.repeat(depth);

describe.each(builds)("JSON value parser on the $name build", (build) => {
  it.each(pinned)("%s", (_name, input, expected) => {
    expect(build.jsonValueTrace(input, JSON_VALUE_MAX_DEPTH)).toBe(expected);
  });

  it.each(failures)("rejects %s", (_name, input, status, text) => {
    expect(build.jsonValueTrace(input, JSON_VALUE_MAX_DEPTH)).toBe("error " + status + " " + text);
  });

  it("accepts nesting up to the limit and refuses one level more", () => {
    expect(build.jsonValueTrace(enc(nested("[", "]", 128)), 128)).toBe(nested("[", "]", 128));
    expect(build.jsonValueTrace(enc(nested("[", "]", 129)), 128)).toBe(
      "error " + JV_TOO_DEEP + " at byte 128 (line 1, column 129): nested deeper than 128 arrays/objects",
    );
    const objects = '{"a":'.repeat(4) + "1" + "}".repeat(4);
    expect(build.jsonValueTrace(enc(objects), 4)).toBe('{"a":'.repeat(4) + "num(1p0)" + "}".repeat(4));
    expect(build.jsonValueTrace(enc(objects), 3)).toMatch(/^error 2 at byte 15 /);
    // Far deeper than any stack would like: refused at the limit, no recursion beyond it.
    expect(build.jsonValueTrace(enc(nested("[", "]", 100000)), 128)).toMatch(/^error 2 /);
  });

  it("agrees with JSON.parse on numbers of the exact domain", () => {
    for (const text of ["0", "1", "-1", "9007199254740992", "-9007199254740991", "0.5", "123.456", "1e22", "1e23", "1.5e-7",
      "123456789012345e-22", "0.000000000000000000001", "4.35", "1E+2", "1234567890123450000000", "3.14159265358979", "1e37", "-2.5e-22"]) {
      expect(build.jsonValueTrace(enc(text), 8), text).toBe(referenceJsonTrace(text));
    }
  });
});

describe("JSON value parser: properties", () => {
  it("parses generated documents exactly as JSON.parse does, on both builds", () => {
    fc.assert(
      fc.property(documentArbitrary, fc.integer(), (doc, styleSeed) => {
        const text = serialize(doc, new Lcg(styleSeed));
        const expected = referenceJsonTrace(text);
        expect(expected).not.toBeNull();
        const input = enc(text);
        expect(jsBuild.jsonValueTrace(input, JSON_VALUE_MAX_DEPTH)).toBe(expected);
        expect(wasmBuild.jsonValueTrace(input, JSON_VALUE_MAX_DEPTH)).toBe(expected);
      }),
      { numRuns: 400 },
    );
  });

  it("rejects exactly the mutated documents JSON.parse rejects, on both builds", () => {
    fc.assert(
      fc.property(documentArbitrary, fc.array(mutationArbitrary, { minLength: 1, maxLength: 3 }), (doc, mutations) => {
        let text = JSON.stringify(doc);
        for (const m of mutations) text = mutate(text, m);
        const accepted = referenceJsonTrace(text) !== null;
        const input = enc(text);
        for (const build of builds) {
          const trace = build.jsonValueTrace(input, JSON_VALUE_MAX_DEPTH);
          expect(trace.startsWith("error "), build.name + " on " + JSON.stringify(text)).toBe(!accepted);
        }
      }),
      { numRuns: 600 },
    );
  });

  it("computes any double identically on both builds, within a few ulps of JSON.parse", () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (x) => {
        const text = String(x);
        const trace = jsBuild.jsonValueTrace(enc(text), 1);
        expect(wasmBuild.jsonValueTrace(enc(text), 1)).toBe(trace);
        const ours = fromBinaryText(trace.slice(4, -1));
        const tolerance = Math.abs(x) * 1e-14 + 5e-324 * 16;
        expect(Math.abs(ours - x)).toBeLessThanOrEqual(tolerance);
      }),
      { numRuns: 2000 },
    );
  });

  it("is exact for integers up to 2^53 and decimals of at most 15 significant digits", () => {
    fc.assert(
      fc.property(exactNumberText, (text) => {
        const trace = jsBuild.jsonValueTrace(enc(text), 1);
        expect(trace, text).toBe("num(" + referenceBinaryText(JSON.parse(text) as number) + ")");
        expect(wasmBuild.jsonValueTrace(enc(text), 1)).toBe(trace);
      }),
      { numRuns: 3000 },
    );
  });
});

describe("JSON value parser (direct)", () => {
  it("keeps the source range, the number text and member order", () => {
    const p = new JsonValueParser(8);
    const v = p.parse(enc(' {"b": [1.50, "x"], "a": true, "b": null} '))!;
    expect(v.kind).toBe(JV_OBJECT);
    expect([v.start, v.end]).toEqual([1, 41]);
    expect(v.keys).toEqual(["b", "a", "b"]);
    expect(v.member("b")!.kind).toBe(JV_ARRAY);
    expect(v.lastMember("b")!.kind).not.toBe(JV_ARRAY);
    expect(v.memberCount("b")).toBe(2);
    const items = v.member("b")!.items;
    expect(items[0]!.text).toBe("1.50");
    expect(items[0]!.number).toBe(1.5);
    expect(items[1]!.kind).toBe(JV_STRING);
    expect(v.size).toBe(3);
  });

  it("can be reused after a failure", () => {
    const p = new JsonValueParser(8);
    expect(p.parse(enc("[1,"))).toBeNull();
    expect(p.status).toBe(JV_SYNTAX_ERROR);
    expect(p.parse(enc('"ok"'))!.text).toBe("ok");
    expect(p.status).toBe(0);
    expect(p.errorOffset).toBe(-1);
  });
});

// ---- generators ----

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

// Numbers the parser must get exactly right: safe integers and m × 10^e with m < 10^15, |e| ≤ 22.
const exactNumberText: fc.Arbitrary<string> = fc.oneof(
  fc.maxSafeInteger().map(String),
  fc
    .record({
      m: fc.bigInt({ min: 0n, max: 10n ** 15n - 1n }),
      e: fc.integer({ min: -22, max: 22 }),
      negative: fc.boolean(),
      style: fc.constantFrom("plain", "exp", "scientific", "EXP"),
    })
    .map(({ m, e, negative, style }) => (negative ? "-" : "") + decimalText(m.toString(), e, style)),
);

function decimalText(digits: string, e: number, style: string): string {
  if (style === "exp") return digits + "e" + e;
  if (style === "EXP") return digits + "E" + (e >= 0 ? "+" : "") + e;
  if (style === "scientific") {
    const head = digits.slice(0, 1) + (digits.length > 1 ? "." + digits.slice(1) : "");
    return head + "e" + (e + digits.length - 1);
  }
  if (e >= 0) return digits === "0" ? "0" : digits + "0".repeat(e);
  const padded = digits.padStart(-e + 1, "0");
  return padded.slice(0, padded.length + e) + "." + padded.slice(padded.length + e);
}

// JSON.parse reorders integer-like member names, which a tree keeping document order does not.
const memberName = fc.string({ unit: "binary", maxLength: 8 }).filter((k) => !/^(0|[1-9]\d*)$/.test(k));

const documentArbitrary: fc.Arbitrary<Json> = fc.letrec<{ value: Json }>((tie) => ({
  value: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.constant(null),
    fc.boolean(),
    exactNumberText.map(Number).filter((n) => !Object.is(n, -0)),
    fc.string({ unit: "binary", maxLength: 12 }),
    fc.array(tie("value"), { maxLength: 4 }),
    fc
      .uniqueArray(fc.tuple(memberName, tie("value")), { maxLength: 4, selector: (t) => t[0] })
      .map((pairs) => Object.fromEntries(pairs) as Json),
  ),
})).value;

// A tiny deterministic generator for serialization choices.
class Lcg {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0 || 1;
  }
  below(n: number): number {
    this.state = (Math.imul(this.state, 1664525) + 1013904223) >>> 0;
    return this.state % n;
  }
}

const SPACES = ["", " ", "\n", "\t", "\r\n  "];

// JSON text for `v` with random whitespace and random (valid) escapes.
function serialize(v: Json, r: Lcg): string {
  const ws = (): string => SPACES[r.below(SPACES.length)]!;
  if (v === null || typeof v === "boolean") return String(v);
  if (typeof v === "number") return numberText(v, r);
  if (typeof v === "string") return stringText(v, r);
  if (Array.isArray(v)) return "[" + ws() + v.map((x) => serialize(x, r)).join(ws() + "," + ws()) + ws() + "]";
  return "{" + ws() + Object.keys(v).map((k) => stringText(k, r) + ws() + ":" + ws() + serialize(v[k]!, r)).join("," + ws()) + ws() + "}";
}

function numberText(n: number, r: Lcg): string {
  const plain = String(n);
  if (r.below(3) !== 0 || !/^-?\d+$/.test(plain)) return plain;
  return plain + (r.below(2) === 0 ? ".0" : "e0");
}

function stringText(s: string, r: Lcg): string {
  let out = '"';
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    const mode = r.below(4);
    if (ch === '"') out += '\\"';
    else if (ch === "\\") out += "\\\\";
    else if (cp < 0x20 || mode === 0) out += [...ch].map(unitEscapes).join("");
    else if (ch === "/" && mode === 1) out += "\\/";
    else out += ch;
  }
  return out + '"';
}

function unitEscapes(ch: string): string {
  let out = "";
  for (let i = 0; i < ch.length; i++) out += "\\u" + ch.charCodeAt(i).toString(16).padStart(4, "0");
  return out;
}

type Mutation = { at: number; kind: number; ch: string };
const mutationArbitrary: fc.Arbitrary<Mutation> = fc.record({
  at: fc.nat(),
  kind: fc.integer({ min: 0, max: 2 }),
  ch: fc.constantFrom(..."{}[]:,\"\\ 0123456789.eE+-tfnulrsa\u0001\u00e9"),
});

function mutate(text: string, m: Mutation): string {
  const at = text.length === 0 ? 0 : m.at % (text.length + 1);
  if (m.kind === 0) return text.slice(0, at) + m.ch + text.slice(at);
  if (m.kind === 1) return text.slice(0, at) + text.slice(at + 1);
  return text.slice(0, at) + m.ch + text.slice(at + 1);
}

// "<odd>p<exp>" (or 0, -0, inf) back to a number, exactly.
function fromBinaryText(s: string): number {
  if (s === "0") return 0;
  if (s === "-0") return -0;
  if (s === "inf") return Infinity;
  if (s === "-inf") return -Infinity;
  const [m, e] = s.split("p") as [string, string];
  return Number(m) * 2 ** Number(e);
}
