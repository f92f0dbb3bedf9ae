import { describe, expect, it } from "vitest";
import { Arena } from "../arena/arena";
import { ArenaLease } from "../arena/arena-lease";
import { builds } from "../testing/builds.node";
import { JSON_INCOMPLETE, JSON_MALFORMED, JSON_OK, JsonMatchSink, JsonMatcher, JsonPathSet, KIND_ARRAY, KIND_STRING } from "./json-matcher";

// How the matcher streams, observed directly on the JS build: what the sink has seen after each
// chunk, what the arena holds meanwhile, and the start/bytes/end protocol around errors.

const enc = new TextEncoder();
const dec = new TextDecoder();

class RecordingSink extends JsonMatchSink {
  readonly events: string[] = [];
  readonly values = new Map<number, number[]>();
  pieces = 0;
  maxPiece = 0;

  onValueStart(pathId: number, kind: number): void {
    this.events.push(`start ${pathId} ${kind}`);
    this.values.set(pathId, []);
  }

  onValueBytes(pathId: number, bytes: Uint8Array, start: number, end: number): void {
    this.values.get(pathId)!.push(...bytes.subarray(start, end));
    this.pieces++;
    this.maxPiece = Math.max(this.maxPiece, end - start);
    this.events.push(`bytes ${pathId} ${dec.decode(bytes.subarray(start, end))}`);
  }

  onValueEnd(pathId: number): void {
    this.events.push(`end ${pathId}`);
  }

  text(pathId: number): string {
    return dec.decode(Uint8Array.from(this.values.get(pathId) ?? []));
  }
}

function setup(paths: string[], arenaBytes = 1 << 16) {
  const set = new JsonPathSet();
  for (const p of paths) expect(set.add(p), set.error).toBeGreaterThanOrEqual(0);
  const arena = new Arena(arenaBytes);
  const lease = new ArenaLease(arena);
  const sink = new RecordingSink();
  return { matcher: new JsonMatcher(set, lease, sink, 32), sink, lease, arena };
}

function feed(m: JsonMatcher, text: string): number {
  const b = enc.encode(text);
  return m.feed(b, 0, b.length);
}

describe("streaming", () => {
  it("reports a selected string piece by piece as chunks arrive", () => {
    const { matcher, sink } = setup(["a.b", "c"]);
    feed(matcher, '{"a":{"b":"hel');
    expect(sink.events).toEqual([`start 0 ${KIND_STRING}`, "bytes 0 hel"]);
    feed(matcher, 'lo\\nwor');
    expect(sink.text(0)).toBe("hello\nwor");
    feed(matcher, 'ld"},"c":[1,');
    expect(sink.events.at(-1)).toBe("bytes 1 [1,");
    feed(matcher, "2]}");
    expect(matcher.finish()).toBe(JSON_OK);
    expect(sink.events.slice(-2)).toEqual(["bytes 1 2]", "end 1"]);
    expect(sink.text(1)).toBe("[1,2]");
  });

  it("streams a 1 MB selected string without holding anything in the arena", () => {
    const { matcher, sink, lease } = setup(["choices.0.delta.content"]);
    const body = "é😀x".repeat(150000);
    const doc = enc.encode(JSON.stringify({ choices: [{ delta: { content: body } }] }));
    for (let at = 0; at < doc.length; at += 65536) {
      matcher.feed(doc, at, Math.min(doc.length, at + 65536));
      expect(lease.bytes).toBe(0);
    }
    expect(matcher.finish()).toBe(JSON_OK);
    expect(sink.text(0)).toBe(body);
    expect(sink.maxPiece).toBeLessThanOrEqual(65536);
    expect(sink.pieces).toBeGreaterThan(10);
  });

  it("holds only values waiting for a decision, and returns the blocks on reset", () => {
    const { matcher, sink, lease } = setup(["#(c==1).v"]);
    feed(matcher, '[{"v":"' + "w".repeat(1000));
    expect(sink.events).toEqual([]);
    expect(lease.bytes).toBeGreaterThanOrEqual(1000);
    feed(matcher, '","c":1}]');
    expect(matcher.finish()).toBe(JSON_OK);
    expect(sink.text(0)).toBe("w".repeat(1000));
    matcher.reset();
    expect(lease.bytes).toBe(0);
  });

  it("passes a value straight through once its condition is known", () => {
    const { matcher, sink, lease } = setup(["#(c==1).v"]);
    feed(matcher, '[{"c":1,"v":"abc');
    expect(sink.text(0)).toBe("abc");
    expect(lease.bytes).toBe(0);
  });

  it("builds #. arrays as elements stream by", () => {
    const { matcher, sink } = setup(["#.a"]);
    feed(matcher, '[{"a":1},{"b":2},{"a":"x');
    expect(sink.events[0]).toBe(`start 0 ${KIND_ARRAY}`);
    expect(sink.text(0)).toBe('[1,"x');
    feed(matcher, '"}]');
    matcher.finish();
    expect(sink.text(0)).toBe('[1,"x"]');
  });

  it("ends an open value when the document breaks, and ignores what follows", () => {
    const { matcher, sink } = setup(["a", "b"]);
    feed(matcher, '{"a":"par');
    expect(feed(matcher, "\u0001tial")).toBe(JSON_MALFORMED);
    expect(sink.events).toEqual([`start 0 ${KIND_STRING}`, "bytes 0 par", "end 0"]);
    expect(feed(matcher, '","b":1}')).toBe(JSON_MALFORMED);
    expect(matcher.finish()).toBe(JSON_MALFORMED);
    expect(matcher.statusText).toBe("MALFORMED at byte 9");
    expect(sink.events).toHaveLength(3);
  });

  it("ends an open value on a reset mid-document", () => {
    const { matcher, sink } = setup(["a"]);
    feed(matcher, '{"a":[1,');
    matcher.reset();
    expect(sink.events.at(-1)).toBe("end 0");
    feed(matcher, '{"a":2}');
    expect(matcher.finish()).toBe(JSON_OK);
    expect(sink.text(0)).toBe("2");
  });

  it("reports INCOMPLETE for a document cut short", () => {
    const { matcher } = setup(["a"]);
    feed(matcher, '{"a":1');
    expect(matcher.finish()).toBe(JSON_INCOMPLETE);
    expect(matcher.errorOffset).toBe(6);
  });

  it("lets one compiled path set serve several matchers at once", () => {
    const set = new JsonPathSet();
    set.add('#(k=="x").v');
    const arena = new Arena(1 << 16);
    const a = new RecordingSink();
    const b = new RecordingSink();
    const ma = new JsonMatcher(set, new ArenaLease(arena), a, 8);
    const mb = new JsonMatcher(set, new ArenaLease(arena), b, 8);
    const da = enc.encode('[{"v":"A1","k":"y"},{"v":"A2","k":"x"}]');
    const db = enc.encode('[{"v":"B1","k":"x"}]');
    for (let i = 0; i < Math.max(da.length, db.length); i++) {
      if (i < da.length) ma.feed(da, i, i + 1);
      if (i < db.length) mb.feed(db, i, i + 1);
    }
    ma.finish();
    mb.finish();
    expect([a.text(0), b.text(0)]).toEqual(["A2", "B1"]);
  });
});

describe.each(builds)("strings nobody reads on the $name build", (build) => {
  it("are skipped quote to quote, escaped quotes and backslash runs included, at any split", () => {
    const doc = enc.encode(String.raw`{"x":"a\"b\\\\\"c\\","k\"ey":"\\","long":"` + "z".repeat(40) + String.raw`\"` + "z".repeat(40) + String.raw`\\","y":1}`);
    const want = "#0 NUMBER 1\nstatus OK";
    expect(build.jsonMatchTrace("y", doc, new Int32Array(0))).toBe(want);
    for (let at = 1; at < doc.length; at++) expect(build.jsonMatchTrace("y", doc, Int32Array.of(at)), "split at " + at).toBe(want);
    expect(build.jsonMatchTrace("y", doc, Int32Array.from({ length: doc.length }, (_, i) => i))).toBe(want);
  });

  it("are not checked for bad escapes or control characters (only decoded strings are)", () => {
    expect(build.jsonMatchTrace("y", enc.encode('{"x":"\\q\u0001","y":1}'), new Int32Array(0))).toBe("#0 NUMBER 1\nstatus OK");
    // The selected string had begun: it is ended (empty) when the bad escape stops the document.
    expect(build.jsonMatchTrace("x", enc.encode('{"x":"\\q","y":1}'), new Int32Array(0))).toBe("#0 STRING \nstatus MALFORMED at 7");
  });
});
