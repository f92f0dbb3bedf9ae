import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Arena } from "../arena/arena";
import { ArenaLease } from "../arena/arena-lease";
import { builds, jsBuild, wasmBuild, type CoreBuild } from "../testing/builds.node";
import { GEMINI_ARRAY, everyByte, render, splitsOf, utf8 } from "../testing/sse-reference.node";
import { JSON_ARRAY_CLOSED, JSON_ARRAY_MALFORMED, JSON_ARRAY_OPEN, JSON_ARRAY_TRUNCATED, JsonArrayFramer } from "./json-array-framer";
import { JsonElementSink } from "./json-element-sink";

const ARENA = 1 << 16;
const MAX = 1024;

interface Run {
  readonly splits?: Int32Array;
  readonly max?: number;
  readonly arena?: number;
  readonly finish?: boolean;
  readonly copy?: boolean;
}

interface Parsed {
  readonly elements: string[];
  readonly carried: boolean[];
  readonly summary: Record<string, number>;
}

function run(build: CoreBuild, input: string | Uint8Array, r: Run = {}): Parsed {
  const bytes = typeof input === "string" ? utf8(input) : input;
  const lines = build
    .jsonArrayTrace(bytes, r.splits ?? new Int32Array(0), r.max ?? MAX, r.arena ?? ARENA, r.finish ?? true, r.copy ?? true)
    .split("\n");
  const last = lines.pop()!.split(" ");
  const summary: Record<string, number> = {};
  for (let k = 0; k + 1 < last.length; k += 2) summary[last[k]] = Number(last[k + 1]);
  expect([summary.leaseBlocks, summary.arenaUsed]).toEqual([0, 0]);
  return {
    elements: lines.map((l) => l.replace(/ carried$/, "")),
    carried: lines.map((l) => l.endsWith(" carried")),
    summary,
  };
}

const el = (text: string): string => `element "${render(text)}"`;

describe.each(builds)("JSON array framer on the $name build", (build) => {
  const geminiElements = JSON.parse(GEMINI_ARRAY).map((o: object) => el(JSON.stringify(o)));

  it("reports each element of a Gemini streamGenerateContent array", () => {
    const r = run(build, GEMINI_ARRAY);
    expect(r.elements).toEqual(geminiElements);
    expect(r.carried).toEqual([false, false]);
    expect(r.summary.peak).toBe(0);
    expect(r.summary.status).toBe(JSON_ARRAY_CLOSED);
  });

  it("gives the same elements for a cut at every byte, and for one byte per chunk", () => {
    const bytes = utf8(GEMINI_ARRAY);
    for (let at = 1; at < bytes.length; at++) {
      const r = run(build, bytes, { splits: splitsOf(at), copy: at % 2 === 1 });
      expect(r.elements).toEqual(geminiElements);
      expect(r.summary.status).toBe(JSON_ARRAY_CLOSED);
    }
    expect(run(build, bytes, { splits: everyByte(bytes.length) }).elements).toEqual(geminiElements);
  });

  it("carries only the element that crosses a chunk boundary, returning its block when it ends", () => {
    const r = run(build, '[{"a":1}, {"b":2}, {"c":3}]', { splits: splitsOf(13) });
    expect(r.elements).toEqual([el('{"a":1}'), el('{"b":2}'), el('{"c":3}')]);
    expect(r.carried).toEqual([false, true, false]);
    expect(r.summary.held).toBe(0);
  });

  it("tracks strings, escapes and nesting, not just brackets", () => {
    const input = '[{"s":"}],{[\\"\\\\"},[1,[2,{"x":"]"}]],"a\\"]b",-1.5e+3,true,null,false]';
    const expected = [el('{"s":"}],{[\\"\\\\"}'), el('[1,[2,{"x":"]"}]]'), el('"a\\"]b"'), el("-1.5e+3"), el("true"), el("null"), el("false")];
    expect(run(build, input).elements).toEqual(expected);
    const bytes = utf8(input);
    for (let at = 1; at < bytes.length; at++) expect(run(build, bytes, { splits: splitsOf(at) }).elements).toEqual(expected);
  });

  it("accepts a BOM (whole or split), whitespace anywhere between tokens, and empty arrays", () => {
    const input = "\uFEFF \r\n[ \t{}\r\n,\n[] ] \n";
    for (const splits of [splitsOf(), splitsOf(1), splitsOf(2), splitsOf(1, 2, 3)]) {
      const r = run(build, input, { splits });
      expect(r.elements).toEqual([el("{}"), el("[]")]);
      expect(r.summary.status).toBe(JSON_ARRAY_CLOSED);
    }
    expect(run(build, "[]").summary.status).toBe(JSON_ARRAY_CLOSED);
    expect(run(build, " [ ] ").summary.elements).toBe(0);
  });

  it.each([
    ["an object instead of an array", '{"a":1}', 0, 0],
    ["garbage before the array", "x[{}]", 0, 0],
    ["a missing comma", "[{} {}]", 4, 1],
    ["a leading comma", "[,{}]", 1, 0],
    ["a trailing comma", "[{},]", 4, 1],
    ["a second value after the array", "[{}] []", 5, 1],
    ["a byte no value starts with", "[{}, @]", 5, 1],
    ["a BOM that is not one", "\uFEFF\uFEFF[]", 3, 0],
    ["a broken BOM", "\xEF[]", 0, 0],
    ["a BOM after whitespace", " \uFEFF[]", 1, 0],
  ])("stops with MALFORMED on %s", (_, input, offset, elements) => {
    // "\xEF" in a JS string is U+00EF (C3 AF in UTF-8): not a BOM start either.
    const r = run(build, input);
    expect(r.summary.status).toBe(JSON_ARRAY_MALFORMED);
    expect(r.summary.errorOffset).toBe(offset);
    expect(r.summary.elements).toBe(elements);
  });

  it("stops on a raw EF not followed by the rest of a BOM, even split", () => {
    const input = new Uint8Array([0xef, 0xbb, 0x5b, 0x5d]);
    for (const splits of [splitsOf(), splitsOf(1), splitsOf(2)]) {
      const r = run(build, input, { splits });
      expect([r.summary.status, r.summary.errorOffset]).toEqual([JSON_ARRAY_MALFORMED, 2]);
    }
  });

  it("ignores everything after a malformed byte", () => {
    const r = run(build, '[{"a":1}x{"b":2}, {"c":3}]', { splits: splitsOf(9, 12) });
    expect(r.elements).toEqual([el('{"a":1}')]);
    expect(r.summary.bytes).toBe(26);
  });

  it("reports TRUNCATED when the array never closes, keeping the complete elements", () => {
    const r = run(build, '[{"a":1},{"b":', { splits: splitsOf(11) });
    expect(r.elements).toEqual([el('{"a":1}')]);
    expect(r.summary.status).toBe(JSON_ARRAY_TRUNCATED);
    expect(r.summary.held).toBe(1);
    // An element's end is known at its closing brace, before any `,` or `]`.
    expect(run(build, '[{"a":1},{"b":2}').elements).toEqual([el('{"a":1}'), el('{"b":2}')]);
    // A scalar's end is not known until a delimiter: dropped.
    expect(run(build, "[1,23").elements).toEqual([el("1")]);
    expect(run(build, "").summary.status).toBe(JSON_ARRAY_TRUNCATED);
  });

  it("drops the unfinished element on abort, leaving the status open", () => {
    const r = run(build, '[{"a":1},{"b":', { finish: false, splits: splitsOf(11) });
    expect(r.elements).toEqual([el('{"a":1}')]);
    expect(r.summary.status).toBe(JSON_ARRAY_OPEN);
  });

  it("skips and counts an element longer than the limit whatever the split, then reports the next", () => {
    const big = `{"t":"${"x".repeat(1020)}"}`; // 1028 bytes
    const input = `[${big},{"ok":true}]`;
    const expected = [el('{"ok":true}')];
    for (const splits of [splitsOf(), splitsOf(5), splitsOf(1028, 1029), splitsOf(1030)]) {
      const r = run(build, input, { splits });
      expect(r.elements).toEqual(expected);
      expect([r.summary.oversized, r.summary.status]).toEqual([1, JSON_ARRAY_CLOSED]);
    }
    expect(run(build, input).summary.peak).toBe(0);
    // Exactly at the limit is kept.
    expect(run(build, `[${big}]`, { max: big.length, splits: splitsOf(600) }).elements).toEqual([el(big)]);
  });

  it("skips and counts an element the arena cannot carry, then reports the next", () => {
    const big = `"${"y".repeat(1998)}"`;
    const input = `[${big},"ok"]`;
    const r = run(build, input, { arena: 1024, max: 4096, splits: splitsOf(100) });
    expect(r.elements).toEqual([el('"ok"')]);
    expect([r.summary.arenaFull, r.summary.oversized]).toEqual([1, 0]);
    expect(run(build, input, { arena: 1024, max: 4096 }).elements).toEqual([el(big), el('"ok"')]);
    // Exactly at the limit, but not carried: arena-full, not oversized.
    const exact = run(build, input, { arena: 1024, max: big.length, splits: splitsOf(100) });
    expect([exact.summary.arenaFull, exact.summary.oversized]).toEqual([1, 0]);
  });
});

describe("JSON array framer on random arrays (property)", () => {
  const spaces = fc.constantFrom("", " ", "\r\n", "\n", "\t ");
  const arrays = fc
    .record({
      values: fc.array(fc.jsonValue({ maxDepth: 3 }), { maxLength: 8 }),
      indent: fc.constantFrom(0, 1, 2),
      gaps: fc.array(spaces, { minLength: 20, maxLength: 20 }),
      bom: fc.boolean(),
    })
    .map(({ values, indent, gaps, bom }) => {
      const pieces = values.map((v) => JSON.stringify(v, null, indent));
      const gap = (k: number): string => gaps[k % gaps.length];
      const text = (bom ? "\uFEFF" : "") + gap(0) + "[" + pieces.map((p, k) => gap(k + 1) + p + gap(k + 2)).join(",") + gap(1) + "]" + gap(3);
      return { pieces, text };
    })
    .chain((c) =>
      fc
        .uniqueArray(fc.integer({ min: 0, max: utf8(c.text).length }), { maxLength: 10 })
        .map((cuts) => ({ ...c, splits: Int32Array.from(cuts.sort((a, b) => a - b)) })),
    );

  it.each(builds.map((b) => [b.name, b] as const))("%s build: exactly the serialized elements, whatever the chunking", (_, build) => {
    fc.assert(
      fc.property(arrays, fc.boolean(), (c, copy) => {
        const r = run(build, c.text, { splits: c.splits, copy, max: 1 << 20 });
        expect(r.elements).toEqual(c.pieces.map(el));
        expect(r.summary.status).toBe(JSON_ARRAY_CLOSED);
      }),
      { numRuns: 300 },
    );
  });

  it("js and wasm traces are identical, limits and arena pressure included", () => {
    fc.assert(
      fc.property(arrays, fc.boolean(), fc.constantFrom(8, 64, 1024), fc.constantFrom(256, ARENA), (c, copy, max, arena) => {
        const input = utf8(c.text);
        expect(wasmBuild.jsonArrayTrace(input, c.splits, max, arena, true, copy)).toBe(
          jsBuild.jsonArrayTrace(input, c.splits, max, arena, true, copy),
        );
      }),
      { numRuns: 300 },
    );
  });
});

describe("JSON array framer (direct)", () => {
  class Collect extends JsonElementSink {
    readonly seen: string[] = [];
    onElement(bytes: Uint8Array, start: number, end: number): void {
      this.seen.push(new TextDecoder().decode(bytes.subarray(start, end)));
    }
  }

  it("starts a new stream on the first feed after finish, keeping counters until reset", () => {
    const sink = new Collect();
    const lease = new ArenaLease(new Arena(ARENA));
    const framer = new JsonArrayFramer(lease, MAX, sink);
    const one = utf8("[1,{}");
    framer.feed(one, 0, one.length);
    expect(framer.finish()).toBe(JSON_ARRAY_TRUNCATED);
    expect(framer.status).toBe(JSON_ARRAY_TRUNCATED);
    const two = utf8("\uFEFF[2]");
    framer.feed(two, 0, two.length);
    expect(framer.finish()).toBe(JSON_ARRAY_CLOSED);
    expect(sink.seen).toEqual(["1", "{}", "2"]);
    expect([framer.elements, framer.bytes]).toEqual([3, one.length + two.length]);
    framer.reset();
    expect([framer.elements, framer.bytes, framer.status, framer.errorOffset]).toEqual([0, 0, JSON_ARRAY_OPEN, -1]);
    expect(lease.blocks).toBe(0);
  });
});
