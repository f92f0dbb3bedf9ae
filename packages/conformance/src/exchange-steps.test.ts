import { describe, expect, it } from "vitest";
import type { CaseScript } from "./case-format.js";
import { exchangeSteps, interleaveExchanges, type ExchangeStep } from "./exchange-steps.js";
import { parseCase } from "./load-cases.js";
import { sampleCase } from "./testing/temp-cases.js";

function script(overrides: Record<string, unknown> = {}): CaseScript {
  const parsed = parseCase(JSON.stringify(sampleCase(overrides)), "s.json", "/s.json");
  if (Array.isArray(parsed)) throw new Error(JSON.stringify(parsed));
  return parsed;
}

const text = new TextDecoder();
const show = (s: ExchangeStep): string =>
  s.kind === "end"
    ? `${s.atMs} end${s.aborted ? " aborted" : ""}`
    : `${s.atMs} ${s.kind}${"bytes" in s ? ` ${JSON.stringify(text.decode(s.bytes))}` : ""}${s.endOfStream ? " eos" : ""}`;

describe("exchangeSteps", () => {
  it("lists an exchange's calls in order, the end of stream on the last chunk when it arrives at the end", () => {
    const s = script({ request: { headers: { ":path": "/" }, chunks: ["a", "b"], at_ms: 5 } });
    expect(exchangeSteps(s).map(show)).toEqual([
      "5 request-headers",
      '5 request-body "a"',
      '5 request-body "b" eos',
      "10 response-headers",
      '10 response-body "data: {\\"id\\":\\"c1\\"}\\n\\n"',
      '40 response-body "data: [DONE]\\n\\n" eos',
      "40 end",
    ]);
  });

  it("ends the stream with an empty final frame when it ends after its last chunk, and on the headers without a body", () => {
    const late = script({ response: { headers: {}, at_ms: 10, chunks: ["x"], end_at_ms: 90 } });
    expect(exchangeSteps(late).slice(3).map(show)).toEqual(['10 response-body "x"', '90 response-body "" eos', "90 end"]);
    const bodiless = script({ request: { headers: {} }, response: { headers: {}, at_ms: 10 } });
    expect(exchangeSteps(bodiless).map(show)).toEqual(["0 request-headers eos", "10 response-headers eos", "10 end"]);
  });

  it("stops after abort_after_chunks without an end of stream", () => {
    const cut = script({ response: { headers: {}, at_ms: 10, chunks: ["x", { text: "y", at_ms: 30 }, "z"], abort_after_chunks: 2 } });
    expect(exchangeSteps(cut).slice(2).map(show)).toEqual(["10 response-headers", '10 response-body "x"', '30 response-body "y"', "30 end aborted"]);
  });

  it("never lets time go back, whatever the script says (the loader refuses such cases; a hand-made script may not)", () => {
    const s = script();
    const backwards: CaseScript = { ...s, response: { ...s.response, chunks: s.response.chunks.map((c) => ({ ...c, atMs: 1 })), endAtMs: 1 } };
    expect(exchangeSteps(backwards).map((step) => step.atMs)).toEqual([0, 0, 10, 10, 10, 10]);
  });
});

/** Steps named by their exchange and index, at the given times. */
function timed(times: number[]): ExchangeStep[] {
  return times.map((atMs) => ({ kind: "end", atMs, aborted: false }));
}
const order = (lists: ExchangeStep[][]): string[] => interleaveExchanges(lists).map((s) => `${"abc"[s.exchange]}${s.index}@${s.sharedMs}`);

describe("interleaveExchanges", () => {
  it("takes steps in clock order and round-robins the steps at the same time", () => {
    expect(order([timed([0, 0, 0]), timed([0, 0]), timed([0, 5])])).toEqual(["a0@0", "b0@0", "c0@0", "a1@0", "b1@0", "a2@0", "c1@5"]);
    expect(order([timed([0, 10, 30]), timed([0, 20])])).toEqual(["a0@0", "b0@0", "a1@10", "b1@20", "a2@30"]);
  });

  it("starts every exchange at the earliest start, each keeping its own durations, so none runs after another", () => {
    // b starts at 1000, long after a ends: moved to start with a, 40 ms apart as before.
    expect(order([timed([0, 5]), timed([1000, 1040])])).toEqual(["a0@0", "b0@0", "a1@5", "b1@40"]);
    const steps = [timed([3, 3, 50, 60]), timed([700, 700, 701]), timed([20, 900])];
    const schedule = interleaveExchanges(steps);
    // Every exchange's first call comes before any exchange's second call.
    expect(schedule.slice(0, 3).map((s) => s.index)).toEqual([0, 0, 0]);
    expect(schedule.map((s) => s.sharedMs)).toEqual([...schedule.map((s) => s.sharedMs)].sort((x, y) => x - y));
    for (const s of schedule) expect(s.sharedMs - s.step.atMs).toBe(3 - steps[s.exchange]![0]!.atMs);
  });

  it("is the exchange's own steps in order, at their own times, for one exchange", () => {
    expect(order([timed([4, 4, 9])])).toEqual(["a0@4", "a1@4", "a2@9"]);
  });
});
