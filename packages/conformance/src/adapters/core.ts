// The `core` adapter: every case through @aistats/host — the API JavaScript hosts (Node, edge)
// call — over stats-core's JavaScript build, both declared workspace dependencies (so turbo builds
// them first). A case's calls (exchange-steps.ts) are played on a handle with a manual clock set
// to each step's time: `recorder.start` with the request headers, `requestChunk` / `requestEnd`,
// `responseStart` with the response headers (`:status` among them), `responseChunk`,
// `responseEnd` on the response's end of stream, or `abort` when the case cuts the exchange short.
// The result is built from the records the recorder delivered: the last log, its separate log
// fields and span attributes, the final record's counters by Higress name; `skipped` is the
// handle's; a rejected configuration is the AistatsConfigError's message.
//
// Traffic (§4): each chunk is handed to the handle in a buffer of its own, and that same buffer,
// after the call, is what the adapter reports as forwarded — so a host that changed a byte would
// be caught by the traffic check.
//
// `runConcurrent` (--concurrent): cases sharing a configuration run on one recorder (one engine
// and arena, as in one process), their steps interleaved on its one clock (exchange-steps.ts).
import { AistatsConfigError, createRecorder, type AistatsRecord, type ExchangeHandle, type Recorder } from "@aistats/host";
import { defineAdapter, passThroughResult, type ExchangeResult, type RecordTexts } from "../adapter.js";
import type { CaseScript } from "../case-format.js";
import { exchangeSteps, interleaveExchanges, type ExchangeStep } from "../exchange-steps.js";

const utf8 = new TextEncoder();

/** One case's exchange on a recorder: its handle, what it forwarded, what it was given. */
class Played {
  handle: ExchangeHandle | null = null;
  readonly records: AistatsRecord[] = [];
  readonly upstream: Uint8Array[] = [];
  readonly client: Uint8Array[] = [];

  constructor(readonly script: CaseScript) {}

  take(step: ExchangeStep, start: (played: Played, step: ExchangeStep & { kind: "request-headers" }) => ExchangeHandle): void {
    switch (step.kind) {
      case "request-headers":
        this.handle = start(this, step);
        if (step.endOfStream) this.handle.requestEnd();
        return;
      case "request-body": {
        const h = this.handle!;
        const chunk = step.bytes.slice();
        h.requestChunk(chunk);
        this.upstream.push(chunk);
        if (step.endOfStream) h.requestEnd();
        return;
      }
      case "response-headers": {
        const h = this.handle!;
        h.responseStart(undefined, step.headers); // `:status` is among the headers
        if (step.endOfStream) h.responseEnd();
        return;
      }
      case "response-body": {
        const h = this.handle!;
        if (step.bytes.length > 0) {
          const chunk = step.bytes.slice();
          h.responseChunk(chunk);
          this.client.push(chunk);
        }
        if (step.endOfStream) h.responseEnd();
        return;
      }
      case "end":
        // A completed exchange has ended on its end of stream (a second responseEnd would be a no-op).
        if (step.aborted) this.handle!.abort("abort_after_chunks");
    }
  }

  result(hostError: string | null): ExchangeResult {
    const h = this.handle!;
    if (h.state === "failed") throw new Error(`@aistats/host failed open on this exchange: ${hostError ?? "(no message)"}`);
    if (h.state === "open") throw new Error("the exchange's handle is still open after its last step");
    const last = this.records.at(-1);
    const metrics: Record<string, number> = {};
    for (const r of this.records) for (const c of r.counters) metrics[c.name] = (metrics[c.name] ?? 0) + c.value;
    const records: RecordTexts = {
      logForm: "json",
      logs: this.records.map((r) => utf8.encode(r.logText)),
      logFields: this.records.flatMap((r) => Object.entries(r.logFieldsEscaped).map(([k, v]): [string, Uint8Array] => [k, utf8.encode(v)])),
    };
    return {
      skipped: h.skipped,
      log: last === undefined ? null : (last.log as Record<string, unknown>),
      logFields: { ...(last?.logFields ?? {}) },
      span: { ...(last?.span ?? {}) },
      metrics,
      clientChunks: this.client,
      upstreamChunks: this.upstream,
      records,
    };
  }
}

/** Plays scripts that share one configuration on one recorder, their steps interleaved (one script: in order). */
function replayGroup(scripts: readonly CaseScript[]): ExchangeResult[] {
  let nowMs = 0;
  let hostError: string | null = null;
  const played = scripts.map((s) => new Played(s));
  const byHandle = new Map<ExchangeHandle, Played>();
  let recorder: Recorder;
  try {
    recorder = createRecorder(scripts[0]!.configJson, {
      now: () => nowMs,
      onRecord: (record, handle) => byHandle.get(handle)!.records.push(record),
      logger: { warn: (message) => void (hostError ??= message) },
    });
  } catch (error) {
    if (!(error instanceof AistatsConfigError)) throw error;
    return scripts.map((script) => ({ ...passThroughResult(script), configError: error.message }));
  }
  const start = (p: Played, step: ExchangeStep & { kind: "request-headers" }): ExchangeHandle => {
    const { route_name: route = "", cluster_name: cluster = "" } = p.script.properties;
    const handle = recorder.start({ headers: step.headers, route, cluster });
    byHandle.set(handle, p);
    return handle;
  };
  for (const { exchange, step, sharedMs } of interleaveExchanges(scripts.map(exchangeSteps))) {
    nowMs = Math.max(nowMs, sharedMs);
    played[exchange]!.take(step, start);
  }
  const stats = recorder.stats();
  if (stats.activeExchanges !== 0 || stats.arenaUsedBytes !== 0) throw new Error(`exchanges left open after the last step: ${JSON.stringify(stats)}`);
  return played.map((p) => p.result(hostError));
}

export default defineAdapter(() => ({
  name: "core",
  async run(script: CaseScript): Promise<ExchangeResult> {
    return replayGroup([script])[0]!;
  },
  async runConcurrent(scripts: readonly CaseScript[]): Promise<ExchangeResult[]> {
    const groups = new Map<string, number[]>();
    scripts.forEach((s, i) => groups.set(s.configJson, [...(groups.get(s.configJson) ?? []), i]));
    const results = new Array<ExchangeResult>(scripts.length);
    for (const indexes of groups.values()) {
      const out = replayGroup(indexes.map((i) => scripts[i]!));
      indexes.forEach((i, j) => (results[i] = out[j]!));
    }
    return results;
  },
}));
