import { describe, expect, it } from "vitest";
import { jsBuild, wasmBuild } from "../testing/builds.node";
import { checkExchanges, fieldProblems, logProblems, recordsTraceArgs, sampleExchanges, type GeneratedExchange } from "../testing/record-json.node";

// Issue 8 part 2, PRODUCT §3: for generated provider exchanges (OpenAI / Anthropic / Gemini /
// Responses, JSON bodies, SSE streams and JSON arrays; minified, pretty-printed, Python-spaced or
// multi-line SSE data; escapes, CJK, emoji, invalid UTF-8, lone surrogate escapes, raw control
// bytes, hostile token counts; cut at any byte, split anywhere, sometimes aborted; configurations
// that capture objects and arrays — see src/testing/record-json.node.ts), every record the engine
// writes is well-formed on both builds: the log is valid UTF-8 JSON, an object, compact and
// canonical, with no byte below 0x20, and the same text escaped as Higress's MarshalStr embeds as
// {"ai_log":"…"} and decodes back to a log that parses; separate log fields embed as JSON strings;
// the span's and counters' token numbers are plain integers (never Infinity or NaN); and both
// builds write exactly the same records, with text logs and with UTF-8 logs.

interface Answer {
  configError?: string;
  records?: Array<{ log?: string; logHex?: string; logFields: Array<[string, string]>; span: Array<[string, string]>; counters: Array<[string, string]> }>;
}

function trace(build: typeof jsBuild, x: GeneratedExchange, byteLogs: number): string {
  return build.engineRecordsTrace(...recordsTraceArgs(x), byteLogs);
}

const RUNS = 100;
const INT64_MAX = 9223372036854775807n;
const NEAREST_DOUBLE_OF_INT64_MAX = 2n ** 63n;

/** engineRecordsTrace's exact counter text ("12", "m*2^e", "Infinity") as a non-negative integer, or null. */
function counterValue(text: string): bigint | null {
  const m = /^(0|[1-9]\d*)(?:\*2\^(-?\d+))?$/.exec(text);
  if (m === null) return null;
  const e = Number(m[2] ?? "0");
  const mantissa = BigInt(m[1]!);
  if (e >= 0) return mantissa * 2n ** BigInt(e);
  const divisor = 2n ** BigInt(-e);
  return mantissa % divisor === 0n ? mantissa / divisor : null;
}

/** Everything wrong with the records of one exchange (both builds, both log modes). */
function problemsOf(x: GeneratedExchange, wants: { builds: boolean; records: boolean; numbers: boolean }): string[] {
  const problems: string[] = [];
  const texts = [0, 1].map((mode) => ({ js: trace(jsBuild, x, mode), wasm: trace(wasmBuild, x, mode) }));
  if (wants.builds) {
    texts.forEach(({ js, wasm }, mode) => {
      if (js !== wasm) {
        let at = 0;
        while (js[at] === wasm[at]) at++;
        problems.push(`builds differ (${mode === 0 ? "text" : "UTF-8"} logs) at ${at}: js …${js.slice(Math.max(0, at - 60), at + 60)}… wasm …${wasm.slice(Math.max(0, at - 60), at + 60)}…`);
      }
    });
  }
  for (const build of ["js", "wasm"] as const) {
    const answers = texts.map((t) => JSON.parse(t[build]) as Answer);
    for (const [mode, answer] of answers.entries()) {
      if (answer.configError !== undefined) return [`configuration rejected: ${answer.configError}`];
      const where = (k: number) => `${build} record ${k} (${mode === 0 ? "text" : "UTF-8"} log)`;
      (answer.records ?? []).forEach((r, k) => {
        const bytes = r.logHex !== undefined ? new Uint8Array(Buffer.from(r.logHex, "hex")) : new TextEncoder().encode(r.log ?? "");
        if (wants.records) {
          for (const p of logProblems(bytes)) problems.push(`${where(k)}: ${p}`);
          if (r.log !== undefined && /[\ud800-\udfff]/.test(r.log.replace(/[\ud800-\udbff][\udc00-\udfff]/g, ""))) problems.push(`${where(k)}: holds a lone surrogate`);
          for (const [key, value] of r.logFields) for (const p of fieldProblems(key, value)) problems.push(`${where(k)}: ${p}`);
        }
        if (wants.numbers) {
          for (const [key, value] of r.span) {
            if (!key.startsWith("gen_ai.usage.")) continue;
            if (!/^(0|[1-9]\d*)$/.test(value) || BigInt(value) > INT64_MAX) problems.push(`${where(k)}: span ${key}=${JSON.stringify(value)} is not an integer in [0, 2^63 - 1]`);
          }
          for (const [name, value] of r.counters) {
            const exact = counterValue(value);
            if (exact === null || exact > NEAREST_DOUBLE_OF_INT64_MAX) problems.push(`${where(k)}: counter ${name}=${value} is not an integer in [0, 2^63] (a count as int64, then the nearest double)`);
          }
        }
      });
    }
    if (wants.records) {
      // The same records whichever way the host reads the log.
      const textLogs = answers[0]!.records?.map((r) => r.log) ?? [];
      const byteLogs = answers[1]!.records?.map((r) => new TextDecoder().decode(Buffer.from(r.logHex ?? "", "hex"))) ?? [];
      if (JSON.stringify(textLogs) !== JSON.stringify(byteLogs)) problems.push(`${build}: text logs and UTF-8 logs differ`);
    }
  }
  return problems;
}

function check(wants: { builds: boolean; records: boolean; numbers: boolean }): Promise<void> {
  return checkExchanges((x) => problemsOf(x, wants), RUNS);
}

describe("every record is well-formed JSON, whatever the provider sent (both builds)", () => {
  it("writes each ai_log compact and canonical, with no byte below 0x20, embeddable as Higress escapes it; separate fields embed as JSON strings", async () => {
    await check({ builds: false, records: true, numbers: false });
  });

  it("puts only plain non-negative integers in the span's token counts and the counters (never Infinity or NaN)", async () => {
    await check({ builds: false, records: false, numbers: true });
  });

  it("writes exactly the same records on the JS and the wasm build", async () => {
    await check({ builds: true, records: false, numbers: false });
  });

  it("has checks that fail bad records (so the properties above can fail)", () => {
    const bytes = (t: string) => new TextEncoder().encode(t);
    expect(logProblems(bytes('{"a":{"b":"<x>\\n"},"c":[1,{"d":null}]}'))).toEqual([]);
    expect(logProblems(bytes('{"a":{\n  "b": 1\n}}'))[0]).toMatch(/raw control byte 0xa/);
    expect(logProblems(bytes('{"a":{ "b":1}}'))).toEqual([expect.stringMatching(/not compact and canonical: whitespace/)]);
    expect(logProblems(bytes('{"b":1,"a":2}'))).toEqual([expect.stringMatching(/key "a" after "b"/)]);
    expect(logProblems(bytes('{"a":1,"a":1}'))).toEqual([expect.stringMatching(/key "a" after "a"/)]);
    expect(logProblems(bytes('{"total_token":Infinity}'))).toEqual([expect.stringMatching(/^not JSON/)]);
    expect(logProblems(bytes('{"m":[{"role":"user"},"model":"m"}'))).toEqual([expect.stringMatching(/^not JSON/)]);
    expect(logProblems(Uint8Array.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0x22, 0x7d]))).toEqual(["not valid UTF-8"]);
    expect(fieldProblems("usage", '{\\"a\\":1}')).toEqual([]);
    expect(fieldProblems("usage", '{"a":1}')[0]).toMatch(/does not embed/);
    expect(fieldProblems("usage", "{\n}")[0]).toMatch(/raw control character 0xa/);
  });

  it("generates what it claims: pretty-printed, cut and hostile inputs all occur", () => {
    const sample = sampleExchanges(400);
    const text = (x: GeneratedExchange) => Buffer.concat([...x.requestChunks, ...x.responseChunks].map((c) => Buffer.from(c))).toString("latin1");
    expect(sample.some((x) => /\n {2}"/.test(text(x)))).toBe(true);
    expect(sample.some((x) => /\r\n {4}"/.test(text(x)))).toBe(true);
    expect(sample.some((x) => text(x).includes("\\ud800"))).toBe(true);
    expect(sample.some((x) => text(x).includes("1e400"))).toBe(true);
    expect(sample.some((x) => x.responseChunks.some((c) => c.includes(0xff)))).toBe(true);
    expect(sample.some((x) => x.abortAfter !== null)).toBe(true);
    expect(new Set(sample.map((x) => x.provider)).size).toBe(9);
    expect(sample.some((x) => JSON.stringify(x.config).includes("as_separate_log_field"))).toBe(true);
  });
});
