import { describe, expect, it } from "vitest";
import { HeaderMap } from "./header-map";
import { PAIRS_MAX_COUNT, pairsSize, parsePairs, serializePairs } from "./pairs-codec";

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const dec = (b: Uint8Array): string => new TextDecoder().decode(b);

describe("pairs serialization", () => {
  it("matches the spec layout and round-trips", () => {
    const pairs = [[enc("a"), enc("1")], [enc("b"), enc("22")]] as const;
    const bytes = serializePairs(pairs);
    expect([...bytes]).toEqual([2, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 97, 0, 49, 0, 98, 0, 50, 50, 0]);
    expect(pairsSize(pairs)).toBe(bytes.length);
    expect(parsePairs(bytes).map(([k, v]) => [dec(k), dec(v)])).toEqual([["a", "1"], ["b", "22"]]);
    expect([...serializePairs([])]).toEqual([0, 0, 0, 0]);
  });

  it("parses anything malformed as an empty map", () => {
    const good = serializePairs([[enc("k"), enc("v")]]);
    const cases: Uint8Array[] = [
      good.slice(0, 3), // shorter than the count
      good.slice(0, good.length - 1), // missing final NUL
      Uint8Array.of(...good, 0), // trailing byte
      Uint8Array.of(...good.slice(0, good.length - 3), 1, ...good.slice(good.length - 2)), // NUL replaced
      Uint8Array.of(5, 0, 0, 0), // count larger than the buffer
      Uint8Array.of(...new Uint8Array(new Uint32Array([PAIRS_MAX_COUNT + 1]).buffer), ...new Uint8Array(8 * 1025)),
    ];
    for (const c of cases) expect(parsePairs(c)).toEqual([]);
  });
});

describe("HeaderMap", () => {
  it("lowercases keys, keeps pseudo-headers first, replaces all entries of a key at the end", () => {
    const m = HeaderMap.from([["X-A", "1"], [":path", "/"], ["x-a", "2"]]);
    m.add(":method", "GET");
    expect(m.pairs()).toEqual([[":path", "/"], [":method", "GET"], ["x-a", "1"], ["x-a", "2"]]);
    expect(m.get("X-A")).toBe("1");
    expect(m.getAll("x-a")).toEqual(["1", "2"]);
    m.replace("X-A", "3");
    expect(m.pairs()).toEqual([[":path", "/"], [":method", "GET"], ["x-a", "3"]]);
    expect(m.byteSize()).toBe(":path/:methodGETx-a3".length);
    m.remove("x-a");
    expect(m.size).toBe(2);
  });
});
