import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { builds, jsBuild, wasmBuild } from "../testing/builds.node";

// The canonical form of captured objects and arrays, on both builds: what Go's json.Marshal
// writes for the value gjson read (compact, keys sorted, a repeated key's last value, Go's string
// escaping), or "invalid" for anything that is not exactly one JSON value.

const utf8 = new TextEncoder();
const canonical = (build: (typeof builds)[number], text: string | Uint8Array): string =>
  build.engineJsonTextTrace(typeof text === "string" ? utf8.encode(text) : text).split("\n")[1]!;

// Go's map ordering at every level, and JSON.stringify's compact form otherwise.
function sortedKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortedKeys);
  if (v !== null && typeof v === "object") {
    const out: Record<string, unknown> = {};
    const keys = Object.keys(v).sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
    // defineProperty: a key "__proto__" (JSON.parse makes it an own property) must stay one.
    for (const k of keys) Object.defineProperty(out, k, { value: sortedKeys((v as Record<string, unknown>)[k]), enumerable: true, writable: true, configurable: true });
    return out;
  }
  return v;
}

// Outside strings there is no byte at or below a space.
function compact(text: string): boolean {
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c < 0x20) return false;
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c <= 0x20) return false;
    else if (c === 0x22) inString = true;
  }
  return true;
}

describe.each(builds)("canonical JSON ($name build)", (build) => {
  it("writes pretty-printed values compact, keys sorted at every level", () => {
    const pretty = '{\n  "prompt_tokens": 12,\n  "details" : {\r\n\t"z": [ 1 , 2.50, -0, 1E3 ],\n\t"a": true\n  },\n  "audio": null\n}';
    expect(canonical(build, pretty)).toBe('{"audio":null,"details":{"a":true,"z":[1,2.50,-0,1E3]},"prompt_tokens":12}');
    expect(canonical(build, " [ ] ")).toBe("[]");
    expect(canonical(build, "{ }")).toBe("{}");
    expect(canonical(build, "[{},[[]],{\"b\":{}}]")).toBe('[{},[[]],{"b":{}}]');
  });

  it("keeps the last of repeated keys, as a Go map does", () => {
    expect(canonical(build, '{"b":1,"a":2,"b":3}')).toBe('{"a":2,"b":3}');
    expect(canonical(build, '{"a":1,"\\u0061":2}')).toBe('{"a":2}');
  });

  it("sorts by decoded key bytes", () => {
    // "\u00e9" is é (C3 A9), after "z"; "B" (0x42) before "a"; an escaped key compares decoded.
    expect(canonical(build, '{"\\u00e9":1,"z":2,"a":3,"B":4,"\\u0062":5}')).toBe('{"B":4,"a":3,"b":5,"z":2,"é":1}');
  });

  it("re-escapes strings as Go does: controls, <>&, U+2028, lone surrogates, invalid UTF-8", () => {
    expect(canonical(build, '["\\u003c\\u0001", "<&>", "\\/", "\\u2028", "\\ud83d\\ude00", "\\ud800", "\\udc00x"]')).toBe(
      '["\\u003c\\u0001","\\u003c\\u0026\\u003e","/","\\u2028","😀","\ufffd","\ufffdx"]',
    );
    // A lone surrogate decodes to U+FFFD, a valid character Go writes as it is; only invalid UTF-8
    // bytes become the escape \ufffd. gjson pairs a surrogate with the next \u escape whatever it
    // is: one U+FFFD for both.
    expect(canonical(build, '["\\ud800\\u0041"]')).toBe('["\ufffd"]');
    const invalid = new Uint8Array([0x5b, 0x22, 0xff, 0x41, 0xe4, 0xbd, 0x22, 0x5d]);
    expect(canonical(build, invalid)).toBe('["\\ufffdA\\ufffd\\ufffd"]');
    expect(canonical(build, '{"k\\n":"中文 emoji 👋"}')).toBe('{"k\\n":"中文 emoji 👋"}');
  });

  it("rejects anything that is not exactly one JSON value", () => {
    for (const bad of [
      "",
      " ",
      '[{"role":"user","content":"x"}',
      '{"a":1,}',
      "[1,]",
      '{"a" 1}',
      '{"a":1}}',
      "[1] [2]",
      '["a\nb"]',
      '["\\x"]',
      '["\\u12"]',
      "[01]",
      "[1.]",
      "[.5]",
      "[1e]",
      "[-]",
      "[tru]",
      "[nul]",
      '{"a":1',
      "[NaN]",
      "[Infinity]",
      "{1:2}",
      "'a'",
    ]) {
      expect(canonical(build, bad), JSON.stringify(bad)).toBe("invalid");
    }
    expect(canonical(build, "[".repeat(256) + "]".repeat(256))).not.toBe("invalid");
    expect(canonical(build, "[".repeat(257) + "]".repeat(257))).toBe("invalid");
  });

  it("keeps members in the order sent past the sorting bounds, still compact", () => {
    const deep = '{"b":'.repeat(20) + "1" + "}".repeat(20);
    expect(canonical(build, deep)).toBe(deep);
    const many = "{" + Array.from({ length: 5000 }, (_, i) => `"k${4999 - i}": ${i}`).join(",\n") + "}";
    const out = canonical(build, many);
    expect(compact(out)).toBe(true);
    expect(JSON.parse(out)).toEqual(JSON.parse(many));
  });
});

describe("canonical JSON on generated values", () => {
  it("parses back to the value, sorted and compact, identically on both builds", () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 4 }), fc.constantFrom(0, 1, 2, "\t"), (value, indent) => {
        const text = JSON.stringify(value, null, indent as number | string);
        const expected = JSON.stringify(sortedKeys(JSON.parse(text)))
          .replace(/</g, "\\u003c")
          .replace(/>/g, "\\u003e")
          .replace(/&/g, "\\u0026")
          .replace(/\u2028/g, "\\u2028")
          .replace(/\u2029/g, "\\u2029");
        const js = canonical(jsBuild, text);
        expect(canonical(wasmBuild, text)).toBe(js);
        expect(compact(js)).toBe(true);
        // JSON.stringify and Go agree on everything else (control escapes, number text aside:
        // numbers keep the provider's digits, so compare values there).
        expect(JSON.parse(js)).toEqual(JSON.parse(expected));
        if (!/[0-9]/.test(text)) expect(js).toBe(expected);
      }),
      { numRuns: 500 },
    );
  });
});
