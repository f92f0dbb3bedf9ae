// Fail open: an exception inside the host glue, the core or a sink disables recording for that one
// exchange (its handle goes inert and gives the exchange back), is counted as host_error, is
// reported once, and never reaches the caller's request handling.
import { afterEach, describe, expect, it, vi } from "vitest";
import { createRecorder, type AistatsRecord, type ExchangeHandle, type HostLogger } from "./index.js";
import { bytes, handleSteps, ManualClock, Random, sampleExchange, scriptOf } from "./testing/exchanges.js";

const sample = sampleExchange("openai-sse", 1);

function logger(): HostLogger & { calls: Array<[string, unknown]> } {
  const calls: Array<[string, unknown]> = [];
  return { calls, warn: (message, error) => void calls.push([message, error]) };
}

function stream(h: ExchangeHandle): void {
  h.requestChunk(sample.requestBody);
  h.responseStart(200, { "content-type": "text/event-stream" });
  h.responseChunk(sample.responseBody.subarray(0, sample.responseBody.length - 20));
  h.responseChunk(sample.responseBody.subarray(sample.responseBody.length - 20));
  h.responseEnd();
}

afterEach(() => vi.restoreAllMocks());

describe("a sink that throws", () => {
  it("on the early record: that exchange stops recording, the caller sees nothing, the other exchange is untouched", () => {
    const log = logger();
    const delivered: Array<[ExchangeHandle, AistatsRecord]> = [];
    let victim: ExchangeHandle | null = null;
    const recorder = createRecorder({}, {
      now: () => 0,
      logger: log,
      onRecord: (r, h) => {
        delivered.push([h, r]);
        if (h === victim) throw new Error("sink is down");
      },
    });
    const other = recorder.start({ method: "POST", path: sample.path });
    victim = recorder.start({ method: "POST", path: sample.path });
    expect(() => {
      stream(victim!);
      stream(other);
    }).not.toThrow();
    expect(victim.state).toBe("failed");
    expect(delivered.filter(([h]) => h === victim).map(([, r]) => r.final)).toEqual([false]); // the early one, then nothing
    expect(delivered.filter(([h]) => h === other).map(([, r]) => r.final)).toEqual([false, true]);
    expect(recorder.drops().host_error).toBe(1);
    expect(recorder.stats()).toMatchObject({ hostErrors: 1, activeExchanges: 0, openHandles: 0, arenaUsedBytes: 0 });
    expect(log.calls).toHaveLength(1);
    expect(log.calls[0]![0]).toMatch(/internal error stopped recording one exchange.*host_error.*Error: sink is down/);
    expect((log.calls[0]![1] as Error).message).toBe("sink is down");
  });

  it("on the final record: counted, the exchange is already back", () => {
    const log = logger();
    const recorder = createRecorder({}, { now: () => 0, logger: log, onRecord: (r) => { if (r.final) throw new TypeError("final"); } });
    const h = recorder.start({ method: "POST", path: sample.path });
    stream(h);
    expect(h.state).toBe("ended");
    expect(recorder.stats()).toMatchObject({ hostErrors: 1, activeExchanges: 0, openHandles: 0, arenaUsedBytes: 0 });
  });

  it("is reported once per recorder, counted every time; a logger that throws is swallowed too", () => {
    const log = logger();
    const recorder = createRecorder({}, { now: () => 0, logger: log, onRecord: () => { throw new Error("x"); } });
    for (let i = 0; i < 5; i++) stream(recorder.start({ method: "POST", path: sample.path }));
    expect(recorder.drops().host_error).toBe(5);
    expect(log.calls).toHaveLength(1);
    const throwing = createRecorder({}, { logger: { warn: () => { throw new Error("logger down"); } }, onRecord: () => { throw new Error("x"); } });
    expect(() => stream(throwing.start({ method: "POST", path: sample.path }))).not.toThrow();
    expect(throwing.stats().hostErrors).toBe(1);
  });

  it("without a logger, console.warn is used, once", () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    const recorder = createRecorder({}, { onRecord: () => { throw new Error("boom"); } });
    stream(recorder.start({ method: "POST", path: sample.path }));
    stream(recorder.start({ method: "POST", path: sample.path }));
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0]![0])).toMatch(/Error: boom/);
  });
});

describe("a forced internal error", () => {
  const bad: Array<[string, unknown]> = [
    ["a string", "data: {}\n\n"],
    ["null", null],
    ["a number", 42],
    ["a plain object", { length: 3 }],
  ];

  it.each(bad)("a request chunk that is %s: the handle fails open", (_what, chunk) => {
    const log = logger();
    const records: AistatsRecord[] = [];
    const recorder = createRecorder({}, { now: () => 0, logger: log, onRecord: (r) => records.push(r) });
    const h = recorder.start({ method: "POST", path: sample.path });
    expect(() => h.requestChunk(chunk as Uint8Array)).not.toThrow();
    expect(h.state).toBe("failed");
    expect(() => stream(h)).not.toThrow();
    expect(records).toEqual([]);
    expect(recorder.stats()).toMatchObject({ hostErrors: 1, activeExchanges: 0, openHandles: 0, arenaUsedBytes: 0 });
    expect(log.calls[0]![0]).toMatch(/TypeError: a body chunk must be a Uint8Array/);
  });

  it.each(bad)("a response chunk that is %s, in the middle of a stream with blocks leased: they all come back", (_what, chunk) => {
    const recorder = createRecorder({ use_default_attributes: true }, { now: () => 0, logger: logger() });
    const h = recorder.start({ method: "POST", path: sample.path });
    h.requestChunk(sample.requestBody);
    h.responseStart(200, { "content-type": "text/event-stream" });
    h.responseChunk(sample.responseBody.subarray(0, 150)); // an event cut in the middle: its tail is in the arena
    expect(recorder.stats().arenaUsedBytes).toBeGreaterThan(0);
    expect(() => h.responseChunk(chunk as Uint8Array)).not.toThrow();
    expect(h.state).toBe("failed");
    expect(recorder.stats()).toMatchObject({ hostErrors: 1, activeExchanges: 0, arenaUsedBytes: 0 });
  });

  it("other ArrayBuffer views and ArrayBuffers are chunks, read in place", () => {
    const records: AistatsRecord[] = [];
    const recorder = createRecorder({}, { now: () => 0, onRecord: (r) => records.push(r) });
    const h = recorder.start({ method: "POST", path: sample.path });
    const body = sample.responseBody;
    const padded = new Uint8Array(body.length + 8);
    padded.set(body, 4);
    const copy = padded.slice();
    h.responseStart(200, { "content-type": "text/event-stream" });
    h.responseChunk(new DataView(padded.buffer, 4, 100));
    h.responseChunk(new Uint8Array(padded.buffer, 104, 50).slice().buffer);
    h.responseChunk(new Int8Array(padded.buffer, 154, body.length - 150));
    h.responseEnd();
    expect(h.state).toBe("ended");
    expect(records.at(-1)!.log).toMatchObject({ input_token: sample.usage.input, output_token: sample.usage.output });
    expect(padded).toEqual(copy); // never altered
  });

  it("a clock that throws or is not a number", () => {
    for (const now of [() => { throw new Error("no clock"); }, () => Number.NaN, () => "12" as unknown as number]) {
      const recorder = createRecorder({}, { now, logger: logger() });
      let h: ExchangeHandle | null = null;
      expect(() => {
        h = recorder.start({ method: "POST", path: sample.path });
        stream(h);
      }).not.toThrow();
      expect(h!.state).toBe("failed");
      expect(recorder.stats()).toMatchObject({ hostErrors: 1, activeExchanges: 0, openHandles: 0 });
    }
  });

  it("headers that throw while read, at the start or at the response", () => {
    const recorder = createRecorder({}, { now: () => 0, logger: logger() });
    const throwing: Iterable<[string, string]> = {
      *[Symbol.iterator]() {
        yield ["x-a", "1"];
        throw new Error("headers gone");
      },
    };
    const a = recorder.start({ method: "POST", path: sample.path, headers: throwing });
    expect(a.state).toBe("failed");
    const b = recorder.start({ method: "POST", path: sample.path });
    b.requestChunk(sample.requestBody);
    expect(() => b.responseStart(200, throwing)).not.toThrow();
    expect(b.state).toBe("failed");
    expect(recorder.stats()).toMatchObject({ hostErrors: 2, activeExchanges: 0, openHandles: 0, arenaUsedBytes: 0 });
  });

  it("a failure in one exchange leaves the exchanges around it exactly as they would be alone", () => {
    const config = { use_default_attributes: true };
    const script = scriptOf(sampleExchange("anthropic-sse", 3), new Random(5));
    const play = (withFailure: boolean): AistatsRecord[] => {
      const clock = new ManualClock();
      const mine: AistatsRecord[] = [];
      let target: ExchangeHandle | null = null;
      const recorder = createRecorder(config, { now: clock.now, logger: logger(), onRecord: (r, h) => { if (h === target) mine.push(r); } });
      const steps = handleSteps(script, clock, (init) => (target = recorder.start(init)));
      steps.forEach((step, i) => {
        step();
        if (withFailure && i === 2) {
          const f = recorder.start({ method: "POST", path: "/v1/messages" });
          f.requestChunk(bytes('{"model":"x","messages":['));
          f.responseStart(200, { "content-type": "text/event-stream" });
          f.responseChunk(bytes("data: {\"type\":\"message_start\""));
          f.responseChunk("oops" as unknown as Uint8Array);
        }
      });
      return mine;
    };
    expect(play(true)).toEqual(play(false));
  });
});
