import { describe, expect, it } from "vitest";
import { builds, jsBuild, wasmBuild } from "../testing/builds.node";
import { Arena, NO_BLOCK } from "./arena";
import { ArenaBuffer } from "./arena-buffer";
import { ArenaLease } from "./arena-lease";

describe.each(builds)("arena on the $name build", (build) => {
  it("leaves nothing leased after a thousand random exchanges end or abort", () => {
    const trace = build.arenaTrace(1 << 20, 16, 6000, 7);
    const summary = trace.split("\n").at(-1)!;
    expect(Number(/ended (\d+)/.exec(summary)![1])).toBeGreaterThan(1000);
    expect(summary).toContain("usedBytes 0 usedBlocks 0");
    // Every buddy merged back: the free shape is the initial one.
    expect(summary.split(" top ")[1]).toBe(build.initialShape(1 << 20));
  });

  it("reports exhaustion instead of allocating, and recovers after release", () => {
    const trace = build.arenaTrace(64 * 1024, 8, 3000, 99);
    expect(trace).toMatch(/-> -1$/m); // some allocations failed
    expect(trace).toMatch(/kept (?!4096)\d+/); // some appends were cut
    expect(trace.split("\n").at(-1)).toContain("usedBytes 0 usedBlocks 0");
  });

  it("covers arenas that are not a power of two", () => {
    expect(build.initialShape(6 * 1024 * 1024)).toBe("16:1 15:1 ");
    expect(build.initialShape(100)).toBe("0:1 ");
    const trace = build.arenaTrace(3 * 1024 * 1024 + 640, 4, 2000, 3);
    expect(trace.split("\n").at(-1)).toContain("usedBytes 0 usedBlocks 0");
  });
});

describe("arena builds agree", () => {
  it.each([
    [1 << 20, 16, 4000, 1],
    [64 * 1024, 8, 3000, 2],
    [4 << 20, 64, 5000, 3],
  ])("arenaTrace(%i, %i, %i, %i) is identical on js and wasm", (bytes, exchanges, steps, seed) => {
    expect(wasmBuild.arenaTrace(bytes, exchanges, steps, seed)).toBe(jsBuild.arenaTrace(bytes, exchanges, steps, seed));
  });
});

describe("arena (direct)", () => {
  it("splits and merges buddies", () => {
    const arena = new Arena(1024);
    const a = arena.alloc(64);
    const b = arena.alloc(64);
    expect([a, b]).toEqual([0, 64]);
    expect(arena.alloc(512)).toBe(512);
    expect(arena.alloc(512)).toBe(NO_BLOCK);
    expect(arena.failedAllocations).toBe(1);
    arena.free(a);
    arena.free(b);
    arena.free(512);
    expect(arena.usedBytes).toBe(0);
    expect(arena.freeBlocksOfOrder(arena.maxOrder)).toBe(1);
  });

  it("keeps a lease's blocks apart from another's and frees only its own", () => {
    const arena = new Arena(4096);
    const one = new ArenaLease(arena);
    const two = new ArenaLease(arena);
    const x = one.alloc(100);
    const y = two.alloc(100);
    one.free(y); // not one's block: ignored
    expect(arena.isAllocated(y)).toBe(true);
    one.releaseAll();
    expect(arena.isAllocated(x)).toBe(false);
    expect(arena.isAllocated(y)).toBe(true);
    two.releaseAll();
    expect(arena.usedBytes).toBe(0);
  });

  it("grows a buffer in place of its old block and caps it at its limit", () => {
    const arena = new Arena(1 << 16);
    const lease = new ArenaLease(arena);
    const buf = new ArenaBuffer(lease, 1000);
    const src = new TextEncoder().encode("x".repeat(700));
    expect(buf.append(src, 0, 700)).toBe(700);
    expect(buf.append(src, 0, 700)).toBe(300);
    expect(buf.truncated).toBe(400);
    expect(lease.blocks).toBe(1);
    expect(arena.blockBytes(buf.offset)).toBe(1024);
    buf.release();
    expect(arena.usedBytes).toBe(0);
  });
});
