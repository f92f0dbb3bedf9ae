// LogMerger on both builds: the ai_log merge of the Proxy-Wasm plugin (Higress's wrapper
// WriteUserAttributeToLogWithKey, in bounded memory). Inputs are the bytes a stream's filter
// state holds (MarshalStr-escaped JSON), outputs what aistats stores back.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { builds, jsBuild, wasmBuild } from "../testing/builds.node";
import { LOG_MERGE_MARGIN_BYTES, LOG_MERGE_MAX_MEMBERS } from "./log-merge";

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const latin1 = (b: Uint8Array): string => Buffer.from(b).toString("latin1");
const fromLatin1 = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s, "latin1"));
/** Higress MarshalStr: the JSON string literal of `text`, without its quotes. */
const marshalStr = (text: string): string => JSON.stringify(text).slice(1, -1);

type Kind = "n" | "c";
interface Step {
  readonly kind: Kind;
  /** The stream's wasm.ai_log as stored (bytes or text), or null when it has none. */
  readonly existing: Uint8Array | string | null;
  /** aistats' own record (the engine's JSON text). */
  readonly own: Uint8Array | string;
}
const bytes = (x: Uint8Array | string): Uint8Array => (typeof x === "string" ? enc(x) : x);
const stepsText = (steps: readonly Step[]): string =>
  steps
    .map((s) => {
      const e = s.existing === null ? null : bytes(s.existing);
      const o = bytes(s.own);
      return `${s.kind}${e === null ? -1 : e.length},${o.length}:${e === null ? "" : latin1(e)}${latin1(o)}`;
    })
    .join("");

interface Result {
  readonly status: string;
  readonly stored: Uint8Array;
}
function run(build: (typeof builds)[number], steps: readonly Step[]): Result[] {
  const out = build.logMergeTrace(stepsText(steps));
  return out.split("\n").map((line) => {
    const sp = line.indexOf(" ");
    return { status: line.slice(0, sp), stored: fromLatin1(line.slice(sp + 1)) };
  });
}
const one = (build: (typeof builds)[number], existing: Uint8Array | string | null, own: Uint8Array | string): Result =>
  run(build, [{ kind: "n", existing, own }])[0]!;

/**
 * What an access log '{"ai_log":"%FILTER_STATE(wasm.ai_log:PLAIN)%"}' gives for a stored value,
 * checked on the way: no byte below 0x20, valid UTF-8, valid JSON at both levels.
 */
function accessLog(stored: Uint8Array): string {
  expect(stored.findIndex((b) => b < 0x20)).toBe(-1);
  const text = new TextDecoder("utf-8", { fatal: true }).decode(stored);
  const line = JSON.parse(`{"ai_log":"${text}"}`) as { ai_log: string };
  return line.ai_log;
}

/** The top-level members of a JSON object text, in order (keys decoded, values parsed). */
function members(text: string): [string, unknown][] {
  const out: [string, unknown][] = [];
  let i = 0;
  const ws = (): void => {
    while (i < text.length && " \t\n\r".includes(text[i]!)) i++;
  };
  const stringEnd = (at: number): number => {
    let k = at + 1;
    while (text[k] !== '"') k += text[k] === "\\" ? 2 : 1;
    return k + 1;
  };
  const valueEnd = (at: number): number => {
    let depth = 0;
    let k = at;
    do {
      const c = text[k]!;
      if (c === '"') k = stringEnd(k);
      else {
        if (c === "{" || c === "[") depth++;
        else if (c === "}" || c === "]") depth--;
        k++;
        if (depth === 0 && c !== "{" && c !== "[" && c !== "}" && c !== "]") while (k < text.length && !",}] \t\n\r".includes(text[k]!)) k++;
      }
    } while (depth > 0);
    return k;
  };
  ws();
  expect(text[i]).toBe("{");
  i++;
  ws();
  if (text[i] === "}") return out;
  for (;;) {
    const ke = stringEnd(i);
    const key = JSON.parse(text.slice(i, ke)) as string;
    i = ke;
    ws();
    i++; // :
    ws();
    const ve = valueEnd(i);
    out.push([key, JSON.parse(text.slice(i, ve)) as unknown]);
    i = ve;
    ws();
    if (text[i] === "}") return out;
    i++;
    ws();
  }
}

const byteOrder = (a: string, b: string): number => Buffer.compare(Buffer.from(a), Buffer.from(b));

/** Checks a merged record: keys unique and in Go's byte order, equal to `expected`. */
function expectRecord(stored: Uint8Array, expected: Record<string, unknown>): void {
  const inner = accessLog(stored);
  const m = members(inner);
  const keys = m.map(([k]) => k);
  expect([...keys].sort(byteOrder)).toEqual(keys);
  expect(new Set(keys).size).toBe(keys.length);
  expect(JSON.parse(inner)).toEqual(expected);
  expectCompact(inner);
}

/** No whitespace outside strings. */
function expectCompact(text: string): void {
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (inString) {
      if (c === "\\") i++;
      else if (c === '"') inString = false;
    } else {
      expect(" \t\n\r").not.toContain(c);
      if (c === '"') inString = true;
    }
  }
}

const OWN = '{"input_token":12,"model":"gpt-4o","output_token":5,"total_token":17}';

describe.each(builds)("LogMerger on the $name build", (build) => {
  it("writes the own record alone when the stream has no ai_log", () => {
    const r = one(build, null, OWN);
    expect(r.status).toBe("own");
    expect(new TextDecoder().decode(r.stored)).toBe(marshalStr(OWN));
    expect(one(build, "", OWN).status).toBe("own");
  });

  it("keeps what ai-cache wrote (MarshalStr of {\"cache_status\":\"hit\"}) and sorts the keys", () => {
    const r = one(build, marshalStr('{"cache_status":"hit"}'), OWN);
    expect(r.status).toBe("merged");
    expect(new TextDecoder().decode(r.stored)).toBe(
      marshalStr('{"cache_status":"hit","input_token":12,"model":"gpt-4o","output_token":5,"total_token":17}'),
    );
  });

  it("lets aistats' own keys win over the same keys written before, and keeps the rest", () => {
    const r = one(build, marshalStr('{"input_token":99,"model":"other","safecheck_status":"request pass","zz":[1,{"b":2}]}'), OWN);
    expect(r.status).toBe("merged");
    expectRecord(r.stored, { input_token: 12, model: "gpt-4o", output_token: 5, total_token: 17, safecheck_status: "request pass", zz: [1, { b: 2 }] });
  });

  it("keeps the last value of a key repeated in the existing value, as a Go map does", () => {
    const r = one(build, marshalStr('{"a":1,"b":true,"a":{"x":null},"b":false}'), '{"m":"x"}');
    expect(new TextDecoder().decode(r.stored)).toBe(marshalStr('{"a":{"x":null},"b":false,"m":"x"}'));
  });

  it("compares keys decoded, in UTF-8 byte order (é after z, 😀 after U+FFFF), escapes and raw text alike", () => {
    // The existing "\u00e9" and the own "é" are one key (own wins); "\u0061" is "a".
    const existing = marshalStr('{"z":1,"\\u00e9":"theirs","\\uffff":2,"😀":3,"\\u0061":4,"\\ud83d\\ude01":5}');
    const r = one(build, existing, '{"é":"ours"}');
    const inner = accessLog(r.stored);
    expect(members(inner).map(([k]) => k)).toEqual(["a", "z", "é", "\uffff", "😀", "😁"]);
    expect(JSON.parse(inner)).toMatchObject({ é: "ours" });
  });

  it("copies foreign values compact, with their escapes, unicode and numbers intact", () => {
    const pretty = JSON.stringify({ note: 'line\nbreak "quoted" \\ tab\t', cjk: "中文", emoji: "😀", n: [1.5, -2e-7, 12345678901234567000, 0], nested: { a: { b: [] } } }, null, 2);
    const r = one(build, marshalStr(pretty), OWN);
    expect(r.status).toBe("merged");
    const inner = accessLog(r.stored);
    expect(inner).not.toMatch(/\n|\t/);
    expectRecord(r.stored, { ...(JSON.parse(pretty) as object), ...(JSON.parse(OWN) as object) });
  });

  it("decodes the stored escapes as Go does: a lone surrogate escape becomes U+FFFD, invalid UTF-8 too", () => {
    // Outer level: \ud800 (stored) decodes to U+FFFD inside the inner text; raw 0xff likewise.
    const stored = new Uint8Array([...enc('{\\"a\\":\\"x\\ud800y'), 0xff, ...enc('\\",\\"\\ud83d\\ude00\\":1}')]);
    const r = one(build, stored, '{"m":1}');
    expect(r.status).toBe("merged");
    expectRecord(r.stored, { a: "x\ufffdy\ufffd", "😀": 1, m: 1 });
  });

  it.each([
    ["not an object: array", marshalStr("[1,2]")],
    ["not an object: string", marshalStr('"x"')],
    ["not an object: null", marshalStr("null")],
    ["not an object: number", "42"],
    ["whitespace only", " "],
    ["not JSON", marshalStr("{cache_status:hit}")],
    ["cut short", marshalStr('{"cache_status":"hi')],
    ["trailing text", marshalStr('{"a":1} x')],
    ["two objects", marshalStr('{"a":1}{"b":2}')],
    ["a trailing comma", marshalStr('{"a":1,}')],
    ["a raw quote in the stored text", '{"a":1}'],
    ["a raw control character in the stored text", '{\\"a\\":\\"x\ny\\"}'],
    ["a raw line feed between the stored tokens (Go's string decoding refuses it)", '{\n\\"a\\":1}'],
    ["a raw control character inside an inner string", '{\\"a\\":\\"x\\ny\\"}'],
    ["a bad escape", '{\\"a\\":\\x41}'],
    ["a cut escape", '{\\"a\\":1}\\'],
    ["a bad inner escape", marshalStr('{"a":"\\q"}')],
    ["a number beyond float64 (Go's Unmarshal refuses it)", marshalStr('{"a":1e400}')],
    ["a leading zero", marshalStr('{"a":01}')],
    ["nesting deeper than 128", marshalStr(`{"a":${"[".repeat(129)}${"]".repeat(129)}}`)],
    ["more than 512 members", marshalStr(`{${Array.from({ length: LOG_MERGE_MAX_MEMBERS + 1 }, (_, i) => `"k${i}":${i}`).join(",")}}`)],
  ])("replaces an existing value that is %s with the own record", (_what, existing) => {
    const r = one(build, existing, OWN);
    expect(r.status).toBe("unparsable");
    expect(new TextDecoder().decode(r.stored)).toBe(marshalStr(OWN));
  });

  it("accepts what is at the limits: nesting 128 deep, 512 members", () => {
    expect(one(build, marshalStr(`{"a":${"[".repeat(128)}${"]".repeat(128)}}`), OWN).status).toBe("merged");
    const many = `{${Array.from({ length: LOG_MERGE_MAX_MEMBERS }, (_, i) => `"k${i}":${i}`).join(",")}}`;
    const r = one(build, marshalStr(many), "{}");
    expect(r.status).toBe("merged");
    expect(members(accessLog(r.stored))).toHaveLength(LOG_MERGE_MAX_MEMBERS);
  });

  it("replaces an existing value over the limit: 16 KiB on the first write, 16 KiB more than its own last write after", () => {
    const filler = (n: number): string => {
      const head = '{\\"big\\":\\"';
      const tail = '\\"}';
      return head + "x".repeat(n - head.length - tail.length) + tail;
    };
    expect(one(build, filler(LOG_MERGE_MARGIN_BYTES), OWN).status).toBe("merged");
    const over = one(build, filler(LOG_MERGE_MARGIN_BYTES + 1), OWN);
    expect(over.status).toBe("too_large");
    expect(new TextDecoder().decode(over.stored)).toBe(marshalStr(OWN));
    // A later write on the stream reads back aistats' own earlier record: that does not count.
    const bigOwn = JSON.stringify({ answer: "a".repeat(40000), model: "m" });
    const [first] = run(build, [{ kind: "n", existing: null, own: bigOwn }]);
    const previous = first!.stored.length;
    const steps = (extra: number): Step[] => [
      { kind: "n", existing: null, own: bigOwn },
      { kind: "c", existing: filler(previous + extra), own: bigOwn },
    ];
    expect(run(build, steps(LOG_MERGE_MARGIN_BYTES)).map((x) => x.status)).toEqual(["own", "merged"]);
    expect(run(build, steps(LOG_MERGE_MARGIN_BYTES + 1)).map((x) => x.status)).toEqual(["own", "too_large"]);
  });

  it("merges again on the final write: the early record's keys are replaced, another plugin's added keys kept", () => {
    const early = '{"input_token":12,"model":"gpt-4o"}';
    const final = '{"input_token":12,"llm_service_duration":300,"model":"gpt-4o","output_token":5}';
    const [a, b] = run(build, [
      { kind: "n", existing: marshalStr('{"cache_status":"hit"}'), own: early },
      { kind: "c", existing: "", own: final },
    ]);
    expectRecord(a!.stored, { cache_status: "hit", input_token: 12, model: "gpt-4o" });
    // Between the writes, ai-security-guard merged its key into what aistats wrote.
    const between = JSON.stringify({ ...(JSON.parse(accessLog(a!.stored)) as object), safecheck_status: "response pass" });
    const [, c] = run(build, [
      { kind: "n", existing: marshalStr('{"cache_status":"hit"}'), own: early },
      { kind: "c", existing: marshalStr(between), own: final },
    ]);
    expect(b!.status).toBe("own");
    expect(c!.status).toBe("merged");
    expectRecord(c!.stored, { cache_status: "hit", safecheck_status: "response pass", input_token: 12, llm_service_duration: 300, model: "gpt-4o", output_token: 5 });
  });

  it("escapes every byte below 0x20 of its own record (short forms as Go writes them, others \\u00XX)", () => {
    const controls = Array.from({ length: 32 }, (_, i) => String.fromCharCode(i)).join("");
    const own = `{"k":"${controls}\\"\\\\ é 😀"}`;
    const r = one(build, null, own);
    const stored = new TextDecoder().decode(r.stored);
    expect(stored).toContain("\\u0000\\u0001");
    expect(stored).toContain("\\b\\t\\n\\u000b\\f\\r\\u000e");
    expect(accessLog(r.stored)).toBe(own);
  });

  it("stores every byte of invalid UTF-8 as U+FFFD, so the stored value is always UTF-8", () => {
    const own = new Uint8Array([...enc('{"k":"a'), 0xc3, 0x28, 0xe2, 0x82, 0xf0, 0x9f, 0x98, 0x80, 0xed, 0xa0, 0x80, 0xff, ...enc('"}')]);
    const r = one(build, null, own);
    expect(accessLog(r.stored)).toBe('{"k":"a\ufffd(\ufffd\ufffd😀\ufffd\ufffd\ufffd\ufffd"}');
  });

  it("is the same after many writes on one merger (buffers reused and grown)", () => {
    const steps: Step[] = [];
    for (let i = 0; i < 30; i++) {
      const own = JSON.stringify({ answer: "x".repeat((i * 977) % 9000), i });
      steps.push({ kind: i % 3 === 0 ? "n" : "c", existing: i % 2 === 0 ? marshalStr(`{"cache_status":"hit","i":-1,"p${i}":"${"y".repeat((i * 613) % 5000)}"}`) : null, own });
    }
    const together = run(build, steps);
    steps.forEach((s, i) => {
      if (s.kind === "n") expect(run(build, [s])[0]).toEqual(together[i]);
    });
  });
});

// ---- generated inputs, both builds, identical results ----------------------------------------------

const key = fc.oneof(fc.string({ unit: "grapheme", maxLength: 6 }), fc.constantFrom("model", "input_token", "cache_status", "a", "é", "😀", "\u0000", "<&>"));
const value = fc.jsonValue({ maxDepth: 3 });
/** Members as a Go-written ai_log could hold them, repeated keys included. */
const memberList = fc.array(fc.tuple(key, value), { maxLength: 12 });
const objectText = (m: readonly [string, unknown][], pretty: boolean): string =>
  pretty
    ? `{\n${m.map(([k, v]) => `  ${JSON.stringify(k)} : ${JSON.stringify(v, null, 2)}`).join(",\n")}\n}`
    : `{${m.map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`).join(",")}}`;
const lastWins = (m: readonly [string, unknown][]): Record<string, unknown> => {
  const o: Record<string, unknown> = {};
  // As JSON text reads back (-0 is written 0).
  for (const [k, v] of m) Object.defineProperty(o, k, { value: JSON.parse(JSON.stringify(v)) as unknown, enumerable: true, configurable: true, writable: true });
  return o;
};
/** The engine's record: keys unique and sorted. */
const ownText = (m: readonly [string, unknown][]): string => {
  const o = lastWins(m);
  return objectText(
    Object.keys(o)
      .sort(byteOrder)
      .map((k) => [k, o[k]] as [string, unknown]),
    false,
  );
};

describe("LogMerger with generated inputs", () => {
  it("merges any Go-written ai_log: its keys kept, aistats' win, sorted, valid at both levels, same on both builds", () => {
    fc.assert(
      fc.property(memberList, memberList, fc.boolean(), (theirs, ours, pretty) => {
        const existing = marshalStr(objectText(theirs, pretty));
        const own = ownText(ours);
        const js = one(jsBuild, existing, own);
        const wasm = one(wasmBuild, existing, own);
        expect(wasm).toEqual(js);
        expect(js.status).toBe("merged");
        expectRecord(js.stored, { ...lastWins(theirs), ...lastWins(ours) });
      }),
      { numRuns: 300 },
    );
  });

  it("never stores anything but valid escaped JSON, whatever bytes the existing value holds", () => {
    const noise = fc.uint8Array({ maxLength: 200 });
    const escapedish = fc.array(fc.constantFrom("{", "}", "[", "]", ",", ":", '\\"', "\\\\", "\\n", "\\u00", "\\ud800", "a", "1", "e", "-", " ", "\n", '"', "null", "é"), { maxLength: 60 }).map((p) => enc(p.join("")));
    fc.assert(
      fc.property(fc.oneof(noise, escapedish), memberList, (existing, ours) => {
        const own = ownText(ours);
        const js = one(jsBuild, existing, own);
        expect(one(wasmBuild, existing, own)).toEqual(js);
        expect(["merged", "unparsable", "own"]).toContain(js.status);
        const inner = accessLog(js.stored);
        expect(JSON.parse(inner)).toMatchObject(lastWins(ours));
        if (js.status !== "merged") expect(inner).toBe(own);
        else expectRecord(js.stored, { ...(JSON.parse(inner) as object) });
      }),
      { numRuns: 500 },
    );
  });

  it("escapes any own record byte for byte (control characters included), invalid UTF-8 as U+FFFD", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (own) => {
        const js = one(jsBuild, null, own);
        expect(one(wasmBuild, null, own)).toEqual(js);
        expect(accessLog(js.stored)).toBe(goString(own));
      }),
      { numRuns: 300 },
    );
  });
});

/** Bytes as Go's string decoding sees them: each byte of an invalid UTF-8 sequence is U+FFFD. */
function goString(b: Uint8Array): string {
  let out = "";
  let i = 0;
  const strict = new TextDecoder("utf-8", { fatal: true });
  while (i < b.length) {
    let done = false;
    for (const n of [1, 2, 3, 4]) {
      if (i + n > b.length) break;
      try {
        const s = strict.decode(b.subarray(i, i + n));
        if (n === 1 && b[i]! >= 0x80) break;
        out += s;
        i += n;
        done = true;
        break;
      } catch {
        // try a longer sequence
      }
    }
    if (!done) {
      out += "\ufffd";
      i++;
    }
  }
  return out;
}
