// A proxy over @aistats/host needs no guard code: whatever a host calls on a handle after its end
// (Node's `close` after `finish`, a late chunk, a second end), nothing reaches the engine's
// pooled exchange that another request has been given since.
import { Engine, parsePluginConfig } from "@aistats/stats-core";
import { describe, expect, it } from "vitest";
import { createRecorder, type AistatsRecord, type ExchangeHandle, type Recorder } from "./index.js";
import { bytes, handleSteps, ManualClock, Random, sampleExchange, scriptOf, type Script } from "./testing/exchanges.js";

const CONFIG = {
  enable_path_suffixes: ["/completions", "/messages", ":streamGenerateContent"],
  attributes: [
    { key: "question", apply_to_log: true },
    { key: "answer", apply_to_log: true },
    { key: "sid", value_source: "request_header", value: "x-session", as_separate_log_field: true },
  ],
};

/** Everything a late call on the ended handle would feed another exchange if it got through. */
const HOSTILE_BODY = bytes(
  JSON.stringify({ model: "evil", choices: [{ message: { content: "injected" } }], usage: { prompt_tokens: 1000, completion_tokens: 1000, total_tokens: 2000 } }),
);

function lateCalls(h: ExchangeHandle): void {
  h.requestChunk(bytes('{"model":"evil","messages":[{"role":"user","content":"injected"}]}'));
  h.requestEnd();
  h.responseStart(500, { "content-type": "application/json", "x-session": "evil" });
  h.responseChunk(HOSTILE_BODY);
  h.responseEnd();
  h.abort("late");
  h.responseEnd();
}

interface Run {
  recorder: Recorder;
  clock: ManualClock;
  records: Map<ExchangeHandle, AistatsRecord[]>;
}

function newRun(): Run {
  const clock = new ManualClock();
  const records = new Map<ExchangeHandle, AistatsRecord[]>();
  const recorder = createRecorder(CONFIG, {
    now: clock.now,
    onRecord: (r, h) => records.set(h, [...(records.get(h) ?? []), r]),
  });
  return { recorder, clock, records };
}

/** B alone on a fresh recorder: what its records must be whatever happens around it. */
function alone(script: Script): AistatsRecord[] {
  const run = newRun();
  let handle: ExchangeHandle | null = null;
  for (const step of handleSteps(script, run.clock, (init) => (handle = run.recorder.start({ ...init, headers: [...init.headers, ["x-session", "b"]] })))) step();
  return run.records.get(handle!)!;
}

function scriptB(kind: "openai-sse" | "anthropic-json" | "gemini-sse", abortAfter: number | null): Script {
  return scriptOf(sampleExchange(kind, 4), new Random(99), { abortAfter, route: "rb", cluster: "cb" });
}

describe("the hazard the handles remove", () => {
  it("the core pools exchanges: the object ended for one request is the next request's", () => {
    const engine = new Engine(parsePluginConfig(new Uint8Array(0)));
    const a = engine.begin("r", "h", "c");
    const generation = a.generation;
    engine.end(a);
    const b = engine.begin("r", "h", "c");
    expect(b).toBe(a);
    expect(b.generation).not.toBe(generation);
    engine.end(b);
  });
});

describe("late and repeated calls on an ended handle change nothing for the other request", () => {
  for (const kind of ["openai-sse", "anthropic-json", "gemini-sse"] as const) {
    for (const [how, abortAfter] of [["after responseEnd", null], ["after abort", 1]] as const) {
      it(`${kind}: handle A ended ${how}, then B gets the pooled exchange`, () => {
        const script = scriptB(kind, abortAfter);
        const expected = alone(script);
        expect(expected.at(-1)!.final).toBe(true);

        const run = newRun();
        // A: a whole exchange of its own, ended the way this case says.
        const a = run.recorder.start({ method: "POST", path: "/v1/chat/completions", headers: { "x-session": "a" }, route: "ra", cluster: "ca" });
        a.requestChunk(bytes('{"model":"gpt-4o","messages":[]}'));
        a.responseStart(200, { "content-type": "application/json" });
        if (abortAfter === null) {
          a.responseChunk(HOSTILE_BODY);
          a.responseEnd();
        } else a.abort("client gone");
        expect(a.ended).toBe(true);
        const aRecords = run.records.get(a)!;
        expect(aRecords).toHaveLength(1);
        expect(run.recorder.stats().activeExchanges).toBe(0);

        // B, with A's late calls before and after each of B's steps.
        let b: ExchangeHandle | null = null;
        lateCalls(a);
        for (const step of handleSteps(script, run.clock, (init) => (b = run.recorder.start({ ...init, headers: [...init.headers, ["x-session", "b"]] })))) {
          step();
          lateCalls(a);
          lateCalls(a);
        }
        expect(run.records.get(b!)).toEqual(expected);
        expect(run.records.get(a)).toBe(aRecords); // nothing more for A
        expect(aRecords).toHaveLength(1);
        // B ended too; calls on it are no-ops as well.
        lateCalls(b!);
        expect(run.records.get(b!)).toEqual(expected);
        expect(run.recorder.stats()).toMatchObject({ activeExchanges: 0, openHandles: 0, arenaUsedBytes: 0, hostErrors: 0 });
      });
    }
  }

  it("late calls on a skipped handle, a failed one and an aborted one reach nothing", () => {
    const script = scriptB("openai-sse", null);
    const expected = alone(script);
    const run = newRun();
    const skipped = run.recorder.start({ method: "GET", path: "/v1/models" });
    expect(skipped.state).toBe("skipped");
    const failed = run.recorder.start({ method: "POST", path: "/v1/chat/completions" });
    failed.requestChunk("not bytes" as unknown as Uint8Array);
    expect(failed.state).toBe("failed");
    const aborted = run.recorder.start({ path: "/v1/chat/completions" });
    aborted.abort();
    let b: ExchangeHandle | null = null;
    for (const step of handleSteps(script, run.clock, (init) => (b = run.recorder.start({ ...init, headers: [...init.headers, ["x-session", "b"]] })))) {
      step();
      lateCalls(skipped);
      lateCalls(failed);
      lateCalls(aborted);
    }
    expect(run.records.get(b!)).toEqual(expected);
    expect(run.records.has(failed)).toBe(false);
    expect(run.recorder.stats()).toMatchObject({ activeExchanges: 0, openHandles: 0, arenaUsedBytes: 0, hostErrors: 1 });
  });

  it("a second responseEnd or abort delivers no second final record", () => {
    const run = newRun();
    const h = run.recorder.start({ method: "POST", path: "/v1/chat/completions" });
    h.responseStart(200, { "content-type": "application/json" });
    h.responseChunk(HOSTILE_BODY);
    h.responseEnd();
    h.responseEnd();
    h.abort();
    h.abort("again");
    expect(run.records.get(h)!.map((r) => r.final)).toEqual([true]);
  });

  it("a sink that calls back into the handle finds it ended after the final record", () => {
    const clock = new ManualClock();
    const finals: AistatsRecord[] = [];
    const recorder = createRecorder(CONFIG, {
      now: clock.now,
      onRecord: (r, h) => {
        finals.push(r);
        lateCalls(h);
      },
    });
    const h = recorder.start({ method: "POST", path: "/v1/chat/completions" });
    h.responseStart(200, { "content-type": "application/json" });
    h.responseChunk(HOSTILE_BODY);
    h.responseEnd();
    expect(finals).toHaveLength(1);
    expect(recorder.stats()).toMatchObject({ activeExchanges: 0, openHandles: 0, hostErrors: 0 });
  });

  it("a sink may abort its own stream on the early record: the final record follows once", () => {
    const clock = new ManualClock();
    const got: AistatsRecord[] = [];
    const recorder = createRecorder({}, {
      now: clock.now,
      onRecord: (r, h) => {
        got.push(r);
        if (!r.final) h.abort("budget exceeded");
      },
    });
    const sample = sampleExchange("openai-sse", 2);
    const h = recorder.start({ method: "POST", path: sample.path });
    h.responseStart(200, { "content-type": "text/event-stream" });
    h.responseChunk(sample.responseBody);
    h.responseChunk(sample.responseBody);
    h.responseEnd();
    expect(got.map((r) => [r.final, r.abortReason])).toEqual([
      [false, null],
      [true, "budget exceeded"],
    ]);
    expect(h.state).toBe("ended");
    expect(recorder.stats()).toMatchObject({ activeExchanges: 0, hostErrors: 0 });
  });
});
