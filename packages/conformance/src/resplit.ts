// `--resplit N --seed S`: re-cuts a case's request bytes and response bytes at N extra seeded
// boundaries each, so every host must give the same record however the network slices the
// traffic — through multi-byte UTF-8 characters, CRLF pairs, `data:` prefixes and JSON strings,
// down to one byte per chunk when N is large. The case's own chunk boundaries are kept, so every
// new piece lies inside one original chunk and keeps that chunk's arrival time and origin; an
// abort after n original chunks therefore still happens after exactly the same bytes.
import type { CaseScript, TimedChunk } from "./case-format.js";
import { hashString, SeededRandom } from "./seeded-random.js";

/** Offsets (1..total-1) at which the chunks already meet: they are boundaries already. */
function existingBoundaries(chunks: readonly TimedChunk[]): Set<number> {
  const set = new Set<number>();
  let offset = 0;
  for (const chunk of chunks) {
    offset += chunk.bytes.length;
    set.add(offset);
  }
  return set;
}

/** Picks up to `count` distinct new cut offsets in (0, total), none already a boundary. */
function pickCuts(total: number, taken: Set<number>, count: number, random: SeededRandom): number[] {
  const free: number[] = [];
  const freeCount = total - 1 - [...taken].filter((o) => o > 0 && o < total).length;
  if (count <= 0 || freeCount <= 0) return free;
  if (count >= freeCount) {
    for (let o = 1; o < total; o++) if (!taken.has(o)) free.push(o);
    return free;
  }
  const chosen = new Set<number>();
  if (count * 2 <= freeCount) {
    // Sparse: draw offsets and retry collisions; expected draws stay below 2 × count.
    while (chosen.size < count) {
      const o = 1 + random.below(total - 1);
      if (!taken.has(o)) chosen.add(o);
    }
    return [...chosen].sort((a, b) => a - b);
  }
  // Dense: a partial Fisher–Yates shuffle of the free offsets.
  for (let o = 1; o < total; o++) if (!taken.has(o)) free.push(o);
  for (let i = 0; i < count; i++) {
    const j = i + random.below(free.length - i);
    const t = free[i]!;
    free[i] = free[j]!;
    free[j] = t;
  }
  return free.slice(0, count).sort((a, b) => a - b);
}

/** Cuts `chunks` at `count` new seeded offsets; each piece keeps its chunk's time and origin. */
export function resplitChunks(chunks: readonly TimedChunk[], count: number, random: SeededRandom): TimedChunk[] {
  const total = chunks.reduce((n, c) => n + c.bytes.length, 0);
  const cuts = pickCuts(total, existingBoundaries(chunks), count, random);
  const out: TimedChunk[] = [];
  let offset = 0;
  let next = 0; // index into cuts
  for (const chunk of chunks) {
    const end = offset + chunk.bytes.length;
    let start = offset;
    while (next < cuts.length && cuts[next]! < end) {
      const cut = cuts[next++]!;
      out.push({ bytes: chunk.bytes.subarray(start - offset, cut - offset), atMs: chunk.atMs, origin: chunk.origin });
      start = cut;
    }
    out.push({ bytes: chunk.bytes.subarray(start - offset), atMs: chunk.atMs, origin: chunk.origin });
    offset = end;
  }
  return out;
}

/**
 * The case with request and response each re-cut at `cuts` new boundaries, chosen by a generator
 * seeded from `seed` and the case id (so a case is cut the same way whatever else is run).
 */
export function resplitCase(script: CaseScript, cuts: number, seed: number): CaseScript {
  const random = new SeededRandom((seed ^ hashString(script.id)) >>> 0);
  const requestChunks = resplitChunks(script.request.chunks, cuts, random);
  const responseChunks = resplitChunks(script.response.chunks, cuts, random);
  const abortAfter = script.response.abortAfterChunks;
  return {
    ...script,
    request: { ...script.request, chunks: requestChunks },
    response: {
      ...script.response,
      chunks: responseChunks,
      // Boundaries are kept, so "after n original chunks" is "after every piece of those chunks".
      abortAfterChunks: abortAfter === null ? null : responseChunks.filter((c) => c.origin < abortAfter).length,
    },
    resplit: { cuts, seed },
  };
}
