import { describe, expect, it } from "vitest";
import type { CaseScript, TimedChunk } from "./case-format.js";
import { parseCase } from "./load-cases.js";
import { resplitCase, resplitChunks } from "./resplit.js";
import { SeededRandom } from "./seeded-random.js";
import { sampleCase } from "./testing/temp-cases.js";

const join = (chunks: readonly TimedChunk[]) => Buffer.concat(chunks.map((c) => Buffer.from(c.bytes)));

function script(overrides: Record<string, unknown> = {}): CaseScript {
  const parsed = parseCase(JSON.stringify(sampleCase(overrides)), "s.json", "/s.json");
  if (Array.isArray(parsed)) throw new Error(JSON.stringify(parsed));
  return parsed;
}

const streamCase = () =>
  script({
    response: {
      headers: {},
      at_ms: 5,
      chunks: [
        'data: {"choices":[{"delta":{"content":"héllo — 你好"}}]}\r\n\r\n',
        { text: 'data: {"usage":{"prompt_tokens":9}}\r\n\r\n', at_ms: 50 },
        { text: "data: [DONE]\r\n\r\n", at_ms: 70 },
      ],
      abort_after_chunks: 2,
    },
  });

describe("resplitCase", () => {
  it("preserves every byte and adds exactly N boundaries on each side", () => {
    const original = streamCase();
    const cut = resplitCase(original, 7, 42);
    expect(join(cut.response.chunks)).toEqual(join(original.response.chunks));
    expect(join(cut.request.chunks)).toEqual(join(original.request.chunks));
    expect(cut.response.chunks.length).toBe(original.response.chunks.length + 7);
    expect(cut.request.chunks.length).toBe(original.request.chunks.length + 7);
    expect(cut.resplit).toEqual({ cuts: 7, seed: 42 });
  });

  it("keeps the original boundaries, and each piece keeps its chunk's time and origin", () => {
    const original = streamCase();
    const cut = resplitCase(original, 20, 3);
    for (let origin = 0; origin < original.response.chunks.length; origin++) {
      const pieces = cut.response.chunks.filter((c) => c.origin === origin);
      expect(pieces.length).toBeGreaterThan(0);
      expect(join(pieces)).toEqual(Buffer.from(original.response.chunks[origin]!.bytes));
      for (const piece of pieces) expect(piece.atMs).toBe(original.response.chunks[origin]!.atMs);
    }
  });

  it("is deterministic per seed and case, and different seeds cut differently", () => {
    const a = resplitCase(streamCase(), 10, 1).response.chunks.map((c) => c.bytes.length);
    const b = resplitCase(streamCase(), 10, 1).response.chunks.map((c) => c.bytes.length);
    const c = resplitCase(streamCase(), 10, 2).response.chunks.map((c) => c.bytes.length);
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
  });

  it("goes down to single bytes when N exceeds the possible cuts, through multi-byte characters and CRLF", () => {
    const original = streamCase();
    const cut = resplitCase(original, 1_000_000, 9);
    const total = join(original.response.chunks).length;
    expect(cut.response.chunks.length).toBe(total);
    expect(cut.response.chunks.every((c) => c.bytes.length === 1)).toBe(true);
    // A 3-byte character and a CRLF pair really were split apart.
    const bytes = cut.response.chunks.map((c) => c.bytes[0]);
    expect(bytes).toContain(0xe4);
    expect(bytes).toContain(0x0d);
  });

  it("keeps abort_after_chunks meaning 'after these original bytes'", () => {
    const original = streamCase();
    const cut = resplitCase(original, 25, 5);
    const n = cut.response.abortAfterChunks!;
    expect(join(cut.response.chunks.slice(0, n)).length).toBe(original.response.abortAfterBytes);
    expect(cut.response.abortAfterBytes).toBe(original.response.abortAfterBytes);
    expect(cut.response.chunks[n]!.origin).toBe(2);
    expect(cut.response.endAtMs).toBe(original.response.endAtMs);
  });

  it("leaves a case alone with N = 0 and copes with empty sides", () => {
    const original = streamCase();
    expect(resplitCase(original, 0, 1).response.chunks.map((c) => c.bytes.length)).toEqual(
      original.response.chunks.map((c) => c.bytes.length),
    );
    const empty = script({ response: { headers: {} } });
    expect(resplitCase(empty, 5, 1).response.chunks).toEqual([]);
  });
});

describe("resplitChunks", () => {
  it("never produces a piece that spans two original chunks", () => {
    const chunks: TimedChunk[] = [
      { bytes: new Uint8Array([1, 2, 3]), atMs: 0, origin: 0 },
      { bytes: new Uint8Array([]), atMs: 1, origin: 1 },
      { bytes: new Uint8Array([4, 5]), atMs: 2, origin: 2 },
    ];
    const out = resplitChunks(chunks, 2, new SeededRandom(7));
    expect(out.reduce((n, c) => n + c.bytes.length, 0)).toBe(5);
    expect(out.filter((c) => c.bytes.length > 0).length).toBe(4);
    for (const piece of out) {
      const source = chunks[piece.origin]!;
      expect(piece.atMs).toBe(source.atMs);
      expect(Buffer.from(source.bytes).includes(Buffer.from(piece.bytes))).toBe(true);
    }
  });
});
