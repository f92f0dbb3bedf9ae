import { describe, expect, it } from "vitest";
import { BaselineExtractor } from "./baseline-extractor.js";
import { CeilingScan } from "./ceiling-scan.js";
import { CoreJsExtractor } from "./core-js-extractor.js";
import { CoreWasmExtractor } from "./core-wasm-extractor.js";
import { runOnce, verify } from "./measure.js";
import { cutIntoChunks, openAiWorkload, seededRandom } from "./openai-workload.js";
import { WORKLOAD_NAMES, makeWorkload } from "./workloads.js";

describe("throughput workload", () => {
  it("is deterministic per seed and close to the requested size", () => {
    const a = openAiWorkload(512 * 1024, 7);
    const b = openAiWorkload(512 * 1024, 7);
    expect(a.bytes).toBe(b.bytes);
    expect(a.bytes).toBeGreaterThanOrEqual(512 * 1024);
    expect(a.exchanges.map((e) => e.expected)).toEqual(b.exchanges.map((e) => e.expected));
    const sizes = a.exchanges.flatMap((e) => e.chunks.slice(0, -1).map((c) => c.length));
    expect(Math.min(...sizes)).toBeGreaterThanOrEqual(1024);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(8192);
  });

  it("cuts chunks that reassemble to the original bytes", () => {
    const bytes = new Uint8Array(10_000).map((_, i) => i & 0xff);
    const chunks = cutIntoChunks(bytes, seededRandom(1), 1, 100);
    expect(Buffer.concat(chunks)).toEqual(Buffer.from(bytes));
  });
});

describe("the workloads of PRODUCT §7", () => {
  it("openai chunks carry service_tier and an obfuscation string whose length changes", () => {
    const text = Buffer.concat(openAiWorkload(64 * 1024, 3).exchanges[0]!.chunks).toString();
    const events = text.split("\n\n").filter((e) => e.startsWith("data: {"));
    expect(events.every((e) => e.includes('"service_tier":"default"'))).toBe(true);
    const lengths = new Set(events.map((e) => /"obfuscation":"([^"]*)"/.exec(e)![1]!.length));
    expect(lengths.size).toBeGreaterThan(5);
  });

  it("anthropic has event: lines, pings and cumulative message_delta usage; gemini usage in every event", () => {
    const a = Buffer.concat(makeWorkload("anthropic", 256 * 1024, 3).exchanges[0]!.chunks).toString();
    expect(a).toContain("event: ping\n");
    expect(a).toContain("event: content_block_delta\n");
    expect(a).toContain('"type":"message_delta"');
    const g = Buffer.concat(makeWorkload("gemini", 64 * 1024, 3).exchanges[0]!.chunks).toString();
    const events = g.split("\n\n").filter((e) => e.startsWith("data: "));
    expect(events.every((e) => e.includes('"usageMetadata":'))).toBe(true);
  });

  it("escapes has \\u escapes with surrogate pairs, raw multi-byte text, tool-call arguments and decoys", () => {
    const text = Buffer.concat(makeWorkload("escapes", 256 * 1024, 3).exchanges[0]!.chunks).toString();
    expect(text).toMatch(/\\ud83[cd]\\ud[c-f][0-9a-f]{2}/);
    expect(text).toContain("日本語");
    expect(text).toContain('"arguments":"');
    expect(text).toContain('\\"content\\":');
  });
});

describe.each(WORKLOAD_NAMES)("extractors agree on the %s workload", (name) => {
  const workload = makeWorkload(name, 1024 * 1024, 11);

  it.each([
    ["baseline", () => Promise.resolve(new BaselineExtractor())],
    ["core-js", () => Promise.resolve(new CoreJsExtractor())],
    ["core-wasm", () => CoreWasmExtractor.load()],
  ])("%s extracts every answer and usage exactly", async (_name, make) => {
    const extractor = await make();
    extractor.prepare?.(workload);
    const { results } = runOnce(extractor, workload);
    // Exactly what each exchange was generated with.
    expect(results.map(({ answerBytes, totalTokens }) => ({ answerBytes, totalTokens }))).toEqual(workload.exchanges.map((e) => e.expected));
    // The guard the benchmark runs (measure.ts) refuses a result that is off by one token.
    const off = results.map((r, i) => (i === 3 ? { ...r, totalTokens: r.totalTokens + 1 } : r));
    expect(() => verify(extractor, workload, off)).toThrow(/from exchange 3, expected/);
  });

  it("the ceiling counts every line", () => {
    const { results } = runOnce(new CeilingScan(), workload);
    const newlines = workload.exchanges.map((e) => e.chunks.reduce((n, c) => n + c.filter((b) => b === 10).length, 0));
    expect(results.map((r) => r.totalTokens)).toEqual(newlines);
  });
});
