// A tiny `pnpm bench memory` (200 exchanges of ~64 KiB, 16 and 32 interleaved streams) through the
// real build/plugin.wasm and the naive append-every-chunk plugin in the Envoy-faithful host. Needs
// `pnpm build` (turbo runs it before test): the naive plugin is compiled to build/naive-append.wasm.
import { describe, expect, it } from "vitest";
import type { LinearMemory } from "./interleaved-run.js";
import { runInterleaved } from "./interleaved-run.js";
import { ARTICLE_CONFIG, memoryWorkload } from "./memory-workload.js";
import { DEFAULT_ARENA_BYTES, flatnessProblems, naiveWasm, pluginWasm } from "./run-memory.js";

const KIB = 1024;
const workload = memoryWorkload(64 * KIB, 8, 7);
const config = JSON.stringify(ARTICLE_CONFIG);

function run(wasm: Uint8Array, concurrency: number, pluginConfig = config): Promise<LinearMemory> {
  return runInterleaved(wasm, workload, { exchanges: 200, concurrency, pluginConfig });
}

describe("pnpm bench memory (tiny)", () => {
  it("keeps plugin.wasm's linear memory flat after the first 100 exchanges and within arena_bytes + 2 MiB, whatever the concurrency", async () => {
    const plugin = pluginWasm();
    const at16 = await run(plugin, 16);
    expect(at16.firstLog).toContain("total_token");
    // The question is the last message (messages.@reverse.0.content).
    expect(at16.firstLog).toMatch(/question\\":\\"Question \d+\.\d+: how do gateways keep memory flat\?/);
    expect(at16.final_bytes).toBe(at16.after_100_bytes);
    expect(at16.peak_bytes).toBe(at16.after_100_bytes);
    // Twice the streams open at once: the arena absorbs them, memory does not move.
    const at32 = await run(plugin, 32);
    expect(at32.peak_bytes).toBe(at16.peak_bytes);
    // …and within the bound of issue #4: arena_bytes + 2 MiB, at 16 and at 32 streams.
    expect(flatnessProblems(at16, DEFAULT_ARENA_BYTES)).toEqual([]);
    expect(flatnessProblems(at32, DEFAULT_ARENA_BYTES)).toEqual([]);
  });

  it("shows the naive plugin's memory growing with concurrency × body size", async () => {
    const naive = naiveWasm();
    const at16 = await run(naive, 16, "");
    const at32 = await run(naive, 32, "");
    // Each open stream holds its whole body (~58–70 KiB here) before it ends.
    expect(at16.peak_bytes - at16.initial_bytes).toBeGreaterThanOrEqual(16 * 58 * KIB);
    expect(at32.peak_bytes - at32.initial_bytes).toBeGreaterThanOrEqual(32 * 58 * KIB);
    expect(at32.peak_bytes).toBeGreaterThan(at16.peak_bytes);
  });

  it("reports growth after warm-up and memory beyond arena_bytes + 2 MiB as problems", () => {
    const base = { initial_bytes: 0, series: [], seconds: 0, firstLog: "", logged: 0, drops: {}, metrics_defined: 0 };
    const flat = { ...base, after_100_bytes: 5 << 20, peak_bytes: 5 << 20, final_bytes: 5 << 20 };
    expect(flatnessProblems(flat, DEFAULT_ARENA_BYTES)).toEqual([]);
    const grew = { ...base, after_100_bytes: 5 << 20, peak_bytes: 6 << 20, final_bytes: 6 << 20 };
    expect(flatnessProblems(grew, DEFAULT_ARENA_BYTES).join("\n")).toMatch(/grew after warm-up/);
    const big = { ...base, after_100_bytes: 7 << 20, peak_bytes: 7 << 20, final_bytes: 7 << 20 };
    expect(flatnessProblems(big, DEFAULT_ARENA_BYTES).join("\n")).toMatch(/arena_bytes \+ 2 MiB/);
  });
});
