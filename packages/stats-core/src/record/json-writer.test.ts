import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { JsonWriter } from "./json-writer";

// What Go's encoding/json writes for a string (HTML-safe escaping, lone surrogates as U+FFFD).
function goString(s: string): string {
  const wellFormed = s.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, "\uFFFD");
  return JSON.stringify(wellFormed)
    .replace(/</g, "\\u003c")
    .replace(/>/g, "\\u003e")
    .replace(/&/g, "\\u0026")
    .replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029")
}

describe("JsonWriter", () => {
  it("escapes strings as Go's encoding/json does", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary" }), (s) => {
        const w = new JsonWriter();
        w.stringLiteral(s);
        expect(w.finish()).toBe(goString(s));
      }),
      { numRuns: 2000 },
    );
  });

  it("reuses its buffer across logs and grows past it", () => {
    const w = new JsonWriter();
    const big = "é".repeat(5000) + "🚀<&>";
    w.stringLiteral(big);
    expect(w.finish()).toBe(goString(big));
    w.text('{"a":1}');
    expect(w.finish()).toBe('{"a":1}');
  });
});
