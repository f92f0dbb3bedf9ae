// 10,000 exchanges through one recorder, up to 24 open at once, their calls interleaved at random:
// random chunking, aborts at random points (before the request ends, before the response starts,
// in the middle of an event), skipped paths, SSE and JSON responses shaped as OpenAI, Anthropic and
// Gemini send them, and late calls on ended handles. Every arena block comes back and every
// exchange that was not skipped delivers exactly one final record, its last.
import { describe, expect, it } from "vitest";
import { createRecorder, type AistatsRecord, type ExchangeHandle } from "./index.js";
import { cut, KINDS, ManualClock, Random, sampleExchange, type SampleExchange } from "./testing/exchanges.js";

const CONFIG = {
  use_default_attributes: true,
  enable_path_suffixes: ["/completions", "/messages", ":streamGenerateContent"],
  attributes_note: "ignored with a warning",
};

interface Planned {
  readonly sample: SampleExchange | null; // null: a skipped path
  readonly steps: Array<() => void>;
  readonly aborted: boolean;
  handle: ExchangeHandle | null;
  next: number;
}

function plan(n: number, random: Random, clock: ManualClock, start: (p: Planned, path: string) => ExchangeHandle): Planned {
  const skippedPath = random.chance(0.08);
  const sample = skippedPath ? null : sampleExchange(random.pick(KINDS), n);
  const p: Planned = { sample, steps: [], aborted: false, handle: null, next: 0 };
  const tick = (f: () => void) => () => {
    clock.ms += random.int(5);
    f();
  };
  const h = (): ExchangeHandle => p.handle!;
  const path = sample?.path ?? random.pick(["/v1/models", "/v1/embeddings", "/health"]);
  const all: Array<() => void> = [];
  all.push(tick(() => (p.handle = start(p, path))));
  const request = sample?.requestBody ?? new TextEncoder().encode('{"input":"x"}');
  for (const c of cut(request, random, 4)) all.push(tick(() => h().requestChunk(c)));
  if (random.chance(0.8)) all.push(tick(() => h().requestEnd()));
  const contentType = sample?.contentType ?? "application/json";
  all.push(tick(() => h().responseStart(200, { "content-type": contentType })));
  const response = sample?.responseBody ?? new TextEncoder().encode('{"data":[]}');
  for (const c of cut(response, random, 16)) all.push(tick(() => h().responseChunk(c)));
  const abortAt = random.chance(0.25) ? 1 + random.int(all.length - 1) : -1;
  if (abortAt > 0) {
    p.steps.push(...all.slice(0, abortAt), tick(() => h().abort(random.chance(0.5) ? "client gone" : new Error("reset"))));
    return Object.assign(p, { aborted: true });
  }
  p.steps.push(...all, tick(() => h().responseEnd()));
  return p;
}

function lateCall(h: ExchangeHandle, random: Random): void {
  const junk = new TextEncoder().encode('data: {"usage":{"prompt_tokens":999}}\n\n');
  switch (random.int(5)) {
    case 0:
      return h.requestChunk(junk);
    case 1:
      return h.responseChunk(junk);
    case 2:
      return h.responseEnd();
    case 3:
      return h.abort("late");
    default:
      return h.responseStart(500, { "content-type": "text/event-stream" });
  }
}

describe("10,000 interleaved exchanges", () => {
  it("return every arena block and deliver exactly one final record per exchange that was not skipped", () => {
    const random = new Random(20_240_611);
    const clock = new ManualClock();
    const records = new Map<ExchangeHandle, AistatsRecord[]>();
    const warnings: string[] = [];
    const recorder = createRecorder(CONFIG, {
      now: clock.now,
      onWarning: (w) => warnings.push(w),
      onRecord: (r, h) => {
        const list = records.get(h);
        if (list === undefined) records.set(h, [r]);
        else list.push(r);
      },
    });
    expect(warnings).toEqual([expect.stringMatching(/^attributes_note: unknown field/)]);

    const TOTAL = 10_000;
    const MAX_OPEN = 24;
    const open: Planned[] = [];
    const done: Planned[] = [];
    let started = 0;
    let maxOpen = 0;
    let peakUsed = 0;
    while (started < TOTAL || open.length > 0) {
      if (started < TOTAL && (open.length === 0 || (open.length < MAX_OPEN && random.chance(0.3)))) {
        open.push(plan(started++, random, clock, (_p, path) => recorder.start({ method: "POST", path, headers: { "x-mse-consumer": `c${started % 7}` }, route: "llm.route", cluster: "outbound|443||api.example.com" })));
      }
      maxOpen = Math.max(maxOpen, open.length);
      const i = random.int(open.length);
      const p = open[i]!;
      p.steps[p.next++]!();
      if (p.next === p.steps.length) {
        open.splice(i, 1);
        done.push(p);
      }
      if (done.length > 0 && random.chance(0.05)) lateCall(random.pick(done).handle!, random);
      if ((started & 255) === 0) peakUsed = Math.max(peakUsed, recorder.stats().arenaUsedBytes);
    }
    expect(maxOpen).toBe(MAX_OPEN);
    expect(peakUsed).toBeGreaterThan(0);

    let finals = 0;
    let skipped = 0;
    let aborted = 0;
    let complete = 0;
    for (const p of done) {
      const h = p.handle!;
      const list = records.get(h) ?? [];
      if (p.sample === null) {
        expect(h.state).toBe("skipped");
        expect(list).toEqual([]);
        skipped++;
        continue;
      }
      expect(h.state).toBe("ended");
      expect(list.filter((r) => r.final)).toHaveLength(1);
      expect(list.at(-1)!.final).toBe(true);
      expect(list.map((r) => r.sequence)).toEqual(list.map((_, k) => k + 1));
      finals++;
      const last = list.at(-1)!;
      expect(last.aborted).toBe(p.aborted);
      if (p.aborted) {
        aborted++;
        continue;
      }
      // Run to the end: its own usage and model, whatever ran around it.
      complete++;
      const counter = (metric: string) => last.counters.find((c) => c.metric === metric)?.value;
      expect(counter("input_token")).toBe(p.sample.usage.input);
      expect(counter("output_token")).toBe(p.sample.usage.output);
      expect(last.counters.every((c) => c.route === "llm.route" && c.cluster === "outbound|443||api.example.com" && c.model === p.sample!.model)).toBe(true);
    }
    expect(skipped).toBeGreaterThan(500);
    expect(aborted).toBeGreaterThan(1500);
    expect(complete).toBeGreaterThan(5000);
    expect(finals + skipped).toBe(TOTAL);
    expect(recorder.stats()).toMatchObject({
      activeExchanges: 0,
      openHandles: 0,
      arenaUsedBytes: 0,
      exchanges: TOTAL,
      skippedExchanges: skipped,
      hostErrors: 0,
    });
    expect(recorder.stats().arenaPeakUsedBytes).toBeGreaterThanOrEqual(peakUsed);
  });
});
