import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Arena } from "../arena/arena";
import { ArenaLease } from "../arena/arena-lease";
import { builds, jsBuild, wasmBuild, type CoreBuild } from "../testing/builds.node";
import {
  ANTHROPIC_STREAM,
  OPENAI_STREAM,
  RESPONSES_STREAM,
  eventLine,
  everyByte,
  parseTrace,
  referenceParse,
  render,
  splitIndependent,
  splitsOf,
  utf8,
} from "../testing/sse-reference.node";
import type { SseEvent } from "./sse-event";
import { SseFramer } from "./sse-framer";
import { SseSink } from "./sse-sink";

const ARENA = 1 << 16;
const MAX = 1024;

interface Run {
  readonly splits?: Int32Array;
  readonly max?: number;
  readonly arena?: number;
  readonly finish?: boolean;
  readonly copy?: boolean;
}

function trace(build: CoreBuild, input: string | Uint8Array, run: Run = {}): string {
  const bytes = typeof input === "string" ? utf8(input) : input;
  return build.sseTrace(
    bytes,
    run.splits ?? new Int32Array(0),
    run.max ?? MAX,
    run.arena ?? ARENA,
    run.finish ?? true,
    run.copy ?? true,
  );
}

/** The events of a trace (carried flags dropped), after checking the arena was left empty. */
function events(build: CoreBuild, input: string | Uint8Array, run: Run = {}): string[] {
  const t = parseTrace(trace(build, input, run));
  expect(t.summary.leaseBlocks).toBe(0);
  expect(t.summary.arenaUsed).toBe(0);
  expect(t.summary.afterEnd).toBe(0);
  return t.events;
}

function summary(build: CoreBuild, input: string | Uint8Array, run: Run = {}): Record<string, number> {
  return parseTrace(trace(build, input, run)).summary;
}

describe.each(builds)("SSE framer on the $name build", (build) => {
  describe("lines", () => {
    it.each([
      ["LF", "\n"],
      ["CRLF", "\r\n"],
      ["CR", "\r"],
    ])("ends lines with %s", (_, eol) => {
      const input = ["event: e", "data: a", "data: b", "", "data: c", "", ""].join(eol);
      expect(events(build, input)).toEqual([eventLine("e", "a\nb"), eventLine("", "c")]);
    });

    it("mixes line ends in one stream", () => {
      expect(events(build, "data: a\rdata: b\r\ndata: c\n\r\ndata: d\r\r")).toEqual([eventLine("", "a\nb\nc"), eventLine("", "d")]);
    });

    it("treats a CR ending one chunk and an LF starting the next as one line end", () => {
      const input = "data: a\r\ndata: b\r\n\r\ndata: c\r\n\r\n";
      const crs = [...input].flatMap((ch, k) => (ch === "\r" ? [k + 1] : []));
      for (const at of crs) {
        expect(events(build, input, { splits: splitsOf(at) })).toEqual([eventLine("", "a\nb"), eventLine("", "c")]);
      }
      expect(events(build, input, { splits: Int32Array.from(crs) })).toEqual([eventLine("", "a\nb"), eventLine("", "c")]);
    });

    it("still sees a lone CR at a chunk end followed by a CR in the next chunk as two line ends", () => {
      expect(events(build, "data: a\r\rdata: b\r\r", { splits: splitsOf(8, 17) })).toEqual([
        eventLine("", "a"),
        eventLine("", "b"),
      ]);
    });

    it("keeps the CR pending across an empty chunk", () => {
      expect(events(build, "data: a\r\n\r\n", { splits: splitsOf(8, 8, 8) })).toEqual([eventLine("", "a")]);
    });
  });

  describe("byte order mark", () => {
    const withBom = "\uFEFFdata: a\n\n";
    it("ignores a leading BOM, whole or split at every byte", () => {
      expect(events(build, withBom)).toEqual([eventLine("", "a")]);
      for (const at of [1, 2, 3]) expect(events(build, withBom, { splits: splitsOf(at) })).toEqual([eventLine("", "a")]);
      expect(events(build, withBom, { splits: splitsOf(1, 2, 3) })).toEqual([eventLine("", "a")]);
    });

    it("ignores only one BOM, and only at the start", () => {
      // The second BOM becomes part of the first line's field name, which is then unknown.
      expect(events(build, "\uFEFF\uFEFFdata: a\n\ndata: b\n\n")).toEqual([eventLine("", "b")]);
      expect(events(build, "data: \uFEFFa\n\n")).toEqual([eventLine("", "\uFEFFa")]);
    });

    it("frames bytes that only began like a BOM as content, even when split", () => {
      const input = new Uint8Array([0xef, 0xbb, 0x0a, ...utf8("data: a\n\n")]);
      expect(events(build, input)).toEqual([eventLine("", "a")]);
      for (const at of [1, 2]) expect(events(build, input, { splits: splitsOf(at) })).toEqual([eventLine("", "a")]);
      // EF BB then a blank line: the partial BOM is a (junk) line, so the blank line is the second
      // line end and dispatches nothing.
      const junk = new Uint8Array([0xef, 0xbb, 0x0a, 0x0a, ...utf8("data: b\n\n")]);
      expect(events(build, junk, { splits: splitsOf(1) })).toEqual([eventLine("", "b")]);
      // EF then a field: the EF belongs to the field name, which is then no longer `data`.
      const glued = new Uint8Array([0xef, ...utf8("data: a\n\ndata: b\n\n")]);
      expect(events(build, glued)).toEqual([eventLine("", "b")]);
      expect(events(build, glued, { splits: splitsOf(1) })).toEqual([eventLine("", "b")]);
    });

    it("handles a stream that is nothing but BOM bytes", () => {
      for (const bytes of [[0xef], [0xef, 0xbb], [0xef, 0xbb, 0xbf]]) {
        expect(events(build, new Uint8Array(bytes))).toEqual([]);
      }
    });
  });

  describe("fields", () => {
    it("skips comments", () => {
      expect(events(build, ": hello\n:\ndata: a\n: between\ndata: b\n\n")).toEqual([eventLine("", "a\nb")]);
    });

    it("removes exactly one space after the colon", () => {
      expect(events(build, "data:x\n\ndata: x\n\ndata:  x\n\ndata:\tx\n\n")).toEqual([
        eventLine("", "x"),
        eventLine("", "x"),
        eventLine("", " x"),
        eventLine("", "\tx"),
      ]);
    });

    it("reads a line without a colon as a field with an empty value", () => {
      expect(events(build, "data\n\n")).toEqual([eventLine("", "")]);
      expect(events(build, "data\ndata\n\n")).toEqual([eventLine("", "\n")]);
      expect(events(build, "event: x\nevent\ndata: a\n\n")).toEqual([eventLine("", "a")]);
    });

    it("dispatches a single empty data field, but nothing without one", () => {
      expect(events(build, "data:\n\n")).toEqual([eventLine("", "")]);
      expect(events(build, "data: \n\n")).toEqual([eventLine("", "")]);
      expect(events(build, "event: ping\n\n\nid: 1\nretry: 10\n\n")).toEqual([]);
    });

    it("ignores id, retry and unknown fields, and field names that only look known", () => {
      const input = "id: 7\nretry: 100\nfoo: bar\nDATA: up\ndat: short\ndatas: long\ndata : spaced\neventx: y\ndata: a\n\n";
      expect(events(build, input)).toEqual([eventLine("", "a")]);
    });

    it("keeps colons inside values", () => {
      expect(events(build, 'data: {"a":"b:c"}\n\ndata::x\n\n')).toEqual([eventLine("", '{"a":"b:c"}'), eventLine("", ":x")]);
    });

    it("names events with the last event field and forgets the name after each event", () => {
      expect(events(build, "event: one\nevent: two\ndata: a\n\ndata: b\n\nevent: lost\n\ndata: c\n\n")).toEqual([
        eventLine("two", "a"),
        eventLine("", "b"),
        eventLine("", "c"),
      ]);
    });

    it("cuts event names at 128 bytes and flags them", () => {
      const name = "n".repeat(130);
      const t = parseTrace(trace(build, `event: ${name}\ndata: a\n\n`, { splits: splitsOf(70) }));
      expect(t.events).toEqual([`event "${"n".repeat(128)}" "a" nameCut`]);
    });

    it("names events the same whether the name line is whole in a chunk (a view) or cut anywhere (a copy)", () => {
      // 127, 128 and 129 bytes: around the cut, in every chunking of one byte split.
      const names = ["x".repeat(127) + "y", "x".repeat(127) + "yz", "m".repeat(127)];
      const input = names.map((n, k) => `event: ${n}\ndata: ${k}\n\n`).join("") + "event:  sp\ndata: s\n\n";
      const expected = [
        eventLine(names[0]!, "0"),
        `event "${names[1]!.slice(0, 128)}" "1" nameCut`,
        eventLine(names[2]!, "2"),
        eventLine(" sp", "s"),
      ];
      expect(events(build, input)).toEqual(expected);
      for (let at = 1; at < input.length; at++) expect(events(build, input, { splits: splitsOf(at) })).toEqual(expected);
      expect(events(build, input, { splits: everyByte(input.length) })).toEqual(expected);
    });

    it("flags [DONE] exactly", () => {
      expect(events(build, "data: [DONE]\n\ndata:[DONE]\n\ndata: [DONE] \n\ndata: [done]\n\ndata: [DONE]\ndata: x\n\n")).toEqual([
        eventLine("", "[DONE]"),
        eventLine("", "[DONE]"),
        eventLine("", "[DONE] "),
        eventLine("", "[done]"),
        eventLine("", "[DONE]\nx"),
      ]);
      expect(summary(build, "data: [DONE]\n\n").done).toBe(1);
    });
  });

  describe("zero copy", () => {
    it("hands a one-line event inside one chunk on as a view, using no arena", () => {
      const t = parseTrace(trace(build, OPENAI_STREAM));
      expect(t.carried).toEqual([false, false, false, false]);
      expect(t.summary.peak).toBe(0);
    });

    it("copies an event that crosses a chunk or joins lines, keeping one small block for reuse", () => {
      const input = "data: abc\n\ndata: a\ndata: b\n\ndata: x\n\n";
      const t = parseTrace(trace(build, input, { splits: splitsOf(8) }));
      expect(t.events).toEqual([eventLine("", "abc"), eventLine("", "a\nb"), eventLine("", "x")]);
      expect(t.carried).toEqual([true, true, false]);
      expect([t.summary.held, t.summary.peak]).toEqual([1, 64]); // one 64-byte block served both
    });

    it("returns a block larger than 1 KiB as soon as its event ends", () => {
      const input = `data: ${"w".repeat(1500)}\n\ndata: x\n\n`;
      const t = parseTrace(trace(build, input, { max: 4096, splits: splitsOf(100, 1508) }));
      expect(t.carried).toEqual([true, false]);
      expect(t.summary.held).toBe(0);
      expect(t.summary.peak).toBeGreaterThanOrEqual(2048); // it did hold a 2 KiB block
    });

    it("holds one block while an event is open at a chunk end", () => {
      expect(summary(build, "data: a\n\ndata: b", { splits: splitsOf(12) }).held).toBe(1);
    });

    it("never reads past the end of a range, even when the line end lies just beyond it", () => {
      // As ranges of one array the first piece is searched with indexOf, which would find the
      // line end in the bytes that belong to the next feed.
      for (const eol of ["\n", "\r\n", "\r"]) {
        const input = `data: abcdef${eol}${eol}`;
        expect(events(build, input, { splits: splitsOf(8), copy: false })).toEqual([eventLine("", "abcdef")]);
        const named = `event: ${"n".repeat(20)}${eol}${input}`;
        expect(events(build, named, { splits: splitsOf(20), copy: false })).toEqual([eventLine("n".repeat(20), "abcdef")]);
      }
    });

    it("gives identical traces whether chunks are separate arrays or ranges of one", () => {
      for (const input of [OPENAI_STREAM, ANTHROPIC_STREAM]) {
        const splits = splitsOf(3, 50, 51, 200, 400, 401, 402);
        expect(trace(build, input, { splits, copy: false })).toBe(trace(build, input, { splits, copy: true }));
      }
    });
  });

  describe("provider streams split anywhere", () => {
    it.each([
      ["OpenAI chat completions", OPENAI_STREAM],
      ["Anthropic messages", ANTHROPIC_STREAM],
      ["OpenAI responses", RESPONSES_STREAM],
    ])("%s: the same events for a cut at every byte, and for one byte per chunk", (_, stream) => {
      const whole = trace(build, stream);
      const expected = referenceParse(stream, true, MAX).lines;
      expect(parseTrace(whole).events).toEqual(expected);
      expect(expected.length).toBeGreaterThanOrEqual(3);
      const bytes = utf8(stream);
      for (let at = 1; at < bytes.length; at++) {
        expect(splitIndependent(trace(build, bytes, { splits: splitsOf(at), copy: at % 2 === 0 }))).toBe(splitIndependent(whole));
      }
      expect(splitIndependent(trace(build, bytes, { splits: everyByte(bytes.length) }))).toBe(splitIndependent(whole));
    });

    it("finds Anthropic's event names and the OpenAI usage chunk before [DONE]", () => {
      const names = events(build, ANTHROPIC_STREAM).map((l) => l.split('"')[1]);
      expect(names).toEqual(["message_start", "content_block_start", "content_block_delta", "content_block_stop", "message_delta", "message_stop"]);
      const openai = events(build, OPENAI_STREAM);
      expect(openai.at(-1)).toBe(eventLine("", "[DONE]"));
      expect(openai.at(-2)).toContain("total_tokens");
    });

    it("keeps multi-byte characters whole when they are split between chunks", () => {
      const input = "data: 日本語🚀é\n\n";
      const expected = [eventLine("", "日本語🚀é")];
      for (let at = 6; at < utf8(input).length; at++) expect(events(build, input, { splits: splitsOf(at) })).toEqual(expected);
    });
  });

  describe("max event bytes", () => {
    const big = "x".repeat(1025);
    const input = `data: ${big}\n\ndata: next\n\n`;

    it("skips and counts an oversized event, then parses the next, however it is split", () => {
      const whole = trace(build, input);
      expect(parseTrace(whole).events).toEqual([eventLine("", "next")]);
      expect(parseTrace(whole).summary.oversized).toBe(1);
      expect(parseTrace(whole).summary.peak).toBe(0); // skipped without growing anything
      for (const splits of [splitsOf(3), splitsOf(10), splitsOf(500), splitsOf(1030, 1031, 1032), everyByte(utf8(input).length)]) {
        expect(splitIndependent(trace(build, input, { splits }))).toBe(splitIndependent(whole));
      }
    });

    it("accepts an event of exactly maxEventBytes", () => {
      expect(events(build, `data: ${"y".repeat(1024)}\n\n`, { splits: splitsOf(600) })).toEqual([eventLine("", "y".repeat(1024))]);
    });

    it("counts the joining newlines and multi-byte characters in UTF-8 bytes", () => {
      const lines = `data: ${"a".repeat(512)}\ndata: ${"b".repeat(512)}\n\n`; // 1025 joined
      expect(summary(build, lines).oversized).toBe(1);
      expect(summary(build, lines, { splits: splitsOf(100) }).oversized).toBe(1);
      const wide = `data: ${"é".repeat(513)}\n\n`; // 1026 bytes, 513 characters
      expect(summary(build, wide).oversized).toBe(1);
    });

    it("skips an oversized event that is still open at finish", () => {
      const s = summary(build, `data: ${big}`, { splits: splitsOf(700) });
      expect([s.events, s.oversized, s.leaseBlocks]).toEqual([0, 1, 0]);
    });
  });

  describe("arena exhaustion", () => {
    // A 1 KiB arena cannot carry a 2000-byte event; maxEventBytes would allow it.
    const big = "z".repeat(2000);
    const input = `data: ${big}\n\ndata: small\n\n`;

    it("skips and counts an event the arena cannot carry, then parses the next", () => {
      const t = parseTrace(trace(build, input, { arena: 1024, max: 4096, splits: splitsOf(100) }));
      expect(t.events).toEqual([eventLine("", "small")]);
      expect(t.summary.arenaFull).toBe(1);
      expect(t.summary.oversized).toBe(0);
      expect(t.summary.arenaUsed).toBe(0);
    });

    it("needs no arena for the same event inside one chunk", () => {
      expect(events(build, input, { arena: 1024, max: 4096 })).toEqual([eventLine("", big), eventLine("", "small")]);
    });

    it("reports oversized rather than arena-full when an event is both", () => {
      const s = summary(build, input, { arena: 1024, max: 1500, splits: splitsOf(100) });
      expect([s.oversized, s.arenaFull]).toEqual([1, 0]);
    });

    it("counts an event of exactly maxEventBytes that the arena cannot carry as arena-full", () => {
      const s = summary(build, input, { arena: 1024, max: 2000, splits: splitsOf(100) });
      expect([s.oversized, s.arenaFull, s.events]).toEqual([0, 1, 1]);
    });

    it("works with an arena too small for any block", () => {
      const s = summary(build, "data: a\n\n", { arena: 16, splits: splitsOf(7) });
      expect([s.events, s.arenaFull]).toEqual([0, 1]);
    });
  });

  describe("end of stream", () => {
    it("dispatches a final event without its blank line on finish (documented deviation)", () => {
      expect(events(build, "data: a\n\ndata: last\n")).toEqual([eventLine("", "a"), eventLine("", "last")]);
      expect(events(build, "event: u\ndata: last", { splits: splitsOf(12) })).toEqual([eventLine("u", "last")]);
      expect(events(build, "data: last\r")).toEqual([eventLine("", "last")]);
      expect(events(build, "data")).toEqual([eventLine("", "")]);
      expect(events(build, "data:")).toEqual([eventLine("", "")]);
      expect(events(build, "data: a\nevent: n")).toEqual([eventLine("n", "a")]);
      expect(events(build, "data: a\nevent:")).toEqual([eventLine("", "a")]);
    });

    it("dispatches nothing more on finish after a trailing blank line or without data", () => {
      expect(events(build, "data: a\n\n")).toEqual([eventLine("", "a")]);
      expect(events(build, "data: a\n\nevent: x\nid: 3\n: c")).toEqual([eventLine("", "a")]);
    });

    it("drops the unfinished event on abort", () => {
      expect(events(build, "data: a\n\ndata: b\n", { finish: false, splits: splitsOf(12) })).toEqual([eventLine("", "a")]);
      expect(summary(build, "data: a\n\ndata: b", { finish: false, splits: splitsOf(12) }).held).toBe(1);
    });

    it("handles empty input", () => {
      expect(trace(build, "")).toBe("events 0 done 0 oversized 0 arenaFull 0 bytes 0 held 0 afterEnd 0 leaseBlocks 0 arenaUsed 0 peak 0");
      expect(events(build, "", { finish: false })).toEqual([]);
    });

    it("counts the bytes fed", () => {
      expect(summary(build, "\uFEFFdata: a\n\n", { splits: splitsOf(2, 5) }).bytes).toBe(12);
    });
  });
});

describe("SSE framer against a reference parser (property)", () => {
  const valueChar = fc.constantFrom("a", "b", " ", ":", "é", "日", "🚀", "[", "]", "DONE", '"', "\t", "\uFEFF");
  const value = fc.string({ unit: valueChar, maxLength: 12 });
  const line = fc.oneof(
    value.map((v) => `data: ${v}`),
    value.map((v) => `data:${v}`),
    fc.constantFrom("data", "data:", "data: [DONE]", "event", "event:", "", "", "", ":", ": comment", "id: 1", "retry: 5"),
    value.map((v) => `event: ${v}`),
    value.map((v) => `:${v}`),
    fc.tuple(fc.constantFrom("foo", "dat", "datas", "Data", "evnt", "id", "retry", "eventt"), value).map(([f, v]) => `${f}:${v}`),
  );
  const stream = fc.record({
    bom: fc.boolean(),
    lines: fc.array(fc.tuple(line, fc.constantFrom("\n", "\r\n", "\r")), { maxLength: 24 }),
    tail: fc.constantFrom("", "data: tail", "data", "event: t"),
    finish: fc.boolean(),
    max: fc.constantFrom(0, 4, 16, 1024),
  });
  const caseWithSplits = stream.chain((s) => {
    const text = (s.bom ? "\uFEFF" : "") + s.lines.map(([l, eol]) => l + eol).join("") + s.tail;
    const n = utf8(text).length;
    return fc
      .uniqueArray(fc.integer({ min: 0, max: n }), { maxLength: 12 })
      .map((cuts) => ({ ...s, text, splits: Int32Array.from(cuts.sort((a, b) => a - b)) }));
  });

  it.each(builds.map((b) => [b.name, b] as const))("%s build: same events as the reference, whatever the chunking", (_, build) => {
    fc.assert(
      fc.property(caseWithSplits, fc.boolean(), (c, copy) => {
        const t = parseTrace(build.sseTrace(utf8(c.text), c.splits, c.max, ARENA, c.finish, copy));
        const ref = referenceParse(c.text, c.finish, c.max);
        expect(t.events).toEqual(ref.lines);
        expect([t.summary.events, t.summary.done, t.summary.oversized, t.summary.arenaFull]).toEqual([ref.events, ref.done, ref.oversized, 0]);
        expect([t.summary.leaseBlocks, t.summary.arenaUsed]).toEqual([0, 0]);
      }),
      { numRuns: 400 },
    );
  });

  it("js and wasm traces are identical, carried flags and arena use included", () => {
    fc.assert(
      fc.property(caseWithSplits, fc.boolean(), fc.constantFrom(128, 1024, ARENA), (c, copy, arena) => {
        const input = utf8(c.text);
        expect(wasmBuild.sseTrace(input, c.splits, c.max, arena, c.finish, copy)).toBe(
          jsBuild.sseTrace(input, c.splits, c.max, arena, c.finish, copy),
        );
      }),
      { numRuns: 300 },
    );
  });
});

describe("SSE framer (direct)", () => {
  class Collect extends SseSink {
    readonly seen: string[] = [];
    onEvent(event: SseEvent): void {
      const name = new TextDecoder().decode(event.name.subarray(event.nameStart, event.nameEnd));
      const data = new TextDecoder().decode(event.data.subarray(event.dataStart, event.dataEnd));
      this.seen.push(`${name}|${data}|${event.dataLength}|${event.nameIs("message_delta")}`);
    }
  }

  it("starts a new stream after finish, keeping counters until reset", () => {
    const lease = new ArenaLease(new Arena(ARENA));
    const sink = new Collect();
    const framer = new SseFramer(lease, MAX, sink);
    const one = utf8("event: message_delta\ndata: {}\n\ndata: half");
    framer.feed(one, 0, one.length);
    framer.finish();
    // The next exchange begins with a BOM, which is only skipped at a stream's start.
    const two = utf8("\uFEFFdata: again\n\n");
    framer.feed(two, 0, two.length);
    framer.finish();
    expect(sink.seen).toEqual(["message_delta|{}|2|true", "|half|4|false", "|again|5|false"]);
    expect([framer.events, framer.bytes]).toEqual([3, one.length + two.length]);
    framer.reset();
    expect([framer.events, framer.doneEvents, framer.oversizedEvents, framer.arenaFullEvents, framer.bytes]).toEqual([0, 0, 0, 0, 0]);
    expect(lease.blocks).toBe(0);
  });

  it("clamps start and end to the chunk and ignores empty ranges", () => {
    const sink = new Collect();
    const framer = new SseFramer(new ArenaLease(new Arena(ARENA)), MAX, sink);
    const chunk = utf8("xxdata: a\n\nyy");
    framer.feed(chunk, 2, 11);
    framer.feed(chunk, 5, 5);
    framer.feed(chunk, 11, 2);
    framer.feed(utf8("data: b\n\n"), -4, 99);
    expect(sink.seen.map((s) => s.split("|")[1])).toEqual(["a", "b"]);
    expect(framer.bytes).toBe(9 + 9);
  });

  it("renders trace bytes the way the test helpers expect", () => {
    const t = jsBuild.sseTrace(utf8('data: "\\\u0001é\n\n'), new Int32Array(0), MAX, ARENA, true, true);
    expect(t.split("\n")[0]).toBe(`event "" "${render('"\\\u0001é')}"`);
  });
});
