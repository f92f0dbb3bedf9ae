// The `proxy-wasm` adapter: every case runs through the real plugin (packages/proxy-wasm/build/
// plugin.wasm, made by `pnpm --filter @aistats/proxy-wasm build`) inside @aistats/proxy-wasm-host,
// the Envoy-faithful Proxy-Wasm host, on the case's clock. The result is what Envoy would show:
// filter state `wasm.ai_log` (as %FILTER_STATE(wasm.ai_log:PLAIN)% prints it) and `wasm.<key>`,
// Higress span tags, the host's counters, and the chunks the host forwarded to each side.
// Cases sharing a configuration can also run interleaved as concurrent streams of one VM. Every
// write of filter state is also kept, byte for byte, for the record well-formedness check: the
// early ai_log and the final one, and each separate log field.
import { readFile } from "node:fs/promises";
import { defineAdapter, type ExchangeResult, type RecordTexts } from "../adapter.js";
import { deliveredResponseChunks, type CaseScript, type HeaderList } from "../case-format.js";

// The slice of the host's API this adapter uses (the host is loaded from its sources by tsx).
interface Clock {
  nowMs(): number;
  setMs(unixMs: number): void;
}
interface Traffic {
  readonly chunks: Uint8Array[];
}
interface Stream {
  requestHeaders(h: HeaderList, eos: boolean): unknown;
  requestBody(chunk: Uint8Array, eos: boolean): unknown;
  responseHeaders(h: HeaderList, eos: boolean): unknown;
  responseBody(chunk: Uint8Array, eos: boolean): unknown;
  complete(): void;
  abort(): void;
  readonly filterState: Map<string, Uint8Array>;
  readonly spanTags: Map<string, string>;
  readonly upstream: Traffic;
  readonly downstream: Traffic;
}
interface Host {
  start(): { ok: boolean; error?: string };
  newHttpStream(options: { properties: Record<string, string> }): Stream;
  readonly metrics: { counters(): Record<string, number> };
  readonly logs: { messages(level: string): string[] };
  readonly vmFailure: { message: string } | null;
}
interface HostModule {
  ManualClock: new (startUnixMs?: number) => Clock;
  ProxyWasmHost: { load(wasm: Uint8Array, options: object): Promise<Host> };
}

// Case clocks start near 0; the host's wall clock starts at a real date and only moves forward.
const EPOCH_MS = 1_704_067_200_000;
const CONFIG_ERROR_PREFIX = "aistats: invalid configuration: ";

/** One step of one exchange, at a case clock value. */
interface Step {
  readonly atMs: number;
  readonly run: (s: Stream) => void;
}

function stepsOf(script: CaseScript): Step[] {
  const req = script.request;
  const resp = script.response;
  const delivered = deliveredResponseChunks(script);
  const aborted = resp.abortAfterChunks !== null;
  const steps: Step[] = [];
  steps.push({ atMs: req.atMs, run: (s) => s.requestHeaders(req.headers, req.chunks.length === 0) });
  req.chunks.forEach((c, i) => {
    steps.push({ atMs: c.atMs, run: (s) => s.requestBody(c.bytes, i === req.chunks.length - 1) });
  });
  // The end of stream rides on the last chunk when it arrives then; otherwise an empty final frame
  // (as an HTTP/2 END_STREAM DATA frame) marks it at endAtMs.
  const last = delivered.at(-1);
  const eosOnLast = !aborted && last !== undefined && last.atMs === resp.endAtMs;
  const eosOnHeaders = !aborted && delivered.length === 0 && resp.atMs === resp.endAtMs;
  steps.push({ atMs: resp.atMs, run: (s) => s.responseHeaders(resp.headers, eosOnHeaders) });
  delivered.forEach((c, i) => {
    const eos = eosOnLast && i === delivered.length - 1;
    steps.push({ atMs: c.atMs, run: (s) => s.responseBody(c.bytes, eos) });
  });
  if (!aborted && !eosOnLast && !eosOnHeaders) {
    steps.push({ atMs: resp.endAtMs, run: (s) => s.responseBody(new Uint8Array(0), true) });
  }
  steps.push({ atMs: resp.endAtMs, run: (s) => (aborted ? s.abort() : s.complete()) });
  // A case's own times never go back; clamp in case a script's clock values do.
  let t = Number.NEGATIVE_INFINITY;
  return steps.map((step) => {
    t = Math.max(t, step.atMs);
    return { atMs: t, run: step.run };
  });
}

function decodeEscaped(text: string): string {
  return JSON.parse(`"${text}"`) as string;
}

/** Keeps a copy of every filter-state write of `stream` (the host's Map keeps only the last). */
function recordWrites(stream: Stream): RecordTexts {
  const records: RecordTexts = { logForm: "escaped", logs: [], logFields: [] };
  const state = stream.filterState;
  const set = state.set.bind(state);
  state.set = (key: string, value: Uint8Array) => {
    if (key === "wasm.ai_log") records.logs.push(value.slice());
    else if (key.startsWith("wasm.")) records.logFields.push([key.slice("wasm.".length), value.slice()]);
    return set(key, value);
  };
  return records;
}

/** The value a broken record stands for in the result: null (checkRecords reports why). */
function parsedOrNull<T>(read: () => T): T | null {
  try {
    return read();
  } catch {
    return null;
  }
}

function resultOf(stream: Stream, metrics: Record<string, number>, records: RecordTexts): ExchangeResult {
  const utf8 = new TextDecoder();
  let log: Record<string, unknown> | null = null;
  let logWritten = false;
  const logFields: Record<string, unknown> = {};
  for (const [key, value] of stream.filterState) {
    const text = utf8.decode(value);
    if (key === "wasm.ai_log") {
      logWritten = true;
      log = parsedOrNull(() => JSON.parse(decodeEscaped(text)) as Record<string, unknown>);
    } else if (key.startsWith("wasm.")) logFields[key.slice("wasm.".length)] = parsedOrNull(() => decodeEscaped(text));
  }
  return {
    // Higress writes ai_log for every exchange it processes: no log means the plugin skipped it.
    skipped: !logWritten,
    log,
    logFields,
    span: Object.fromEntries(stream.spanTags),
    metrics,
    clientChunks: stream.downstream.chunks,
    upstreamChunks: stream.upstream.chunks,
    records,
  };
}

function addCounters(into: Record<string, number>, before: Record<string, number>, after: Record<string, number>): void {
  for (const [name, value] of Object.entries(after)) {
    const delta = value - (before[name] ?? 0);
    if (delta !== 0) into[name] = (into[name] ?? 0) + delta;
  }
}

export default defineAdapter(async () => {
  const hostSource = "../../../proxy-wasm-host/src/index.ts";
  const hostModule = (await import(hostSource)) as HostModule;
  const wasmFile = new URL("../../../proxy-wasm/build/plugin.wasm", import.meta.url);
  const wasm = new Uint8Array(await readFile(wasmFile));

  /**
   * Replays scripts that share one configuration as streams of one VM, their steps merged in
   * clock order (one script = the plain sequential case). Counters are attributed to the stream
   * whose callback moved them: the plugin increments a stream's counters only inside its own
   * callbacks.
   */
  async function replayGroup(scripts: readonly CaseScript[]): Promise<ExchangeResult[]> {
    const clock = new hostModule.ManualClock(EPOCH_MS);
    const host = await hostModule.ProxyWasmHost.load(wasm, { pluginConfig: scripts[0]!.configJson, clock });
    const started = host.start();
    if (!started.ok) {
      const logged = host.logs.messages("error").find((m) => m.startsWith(CONFIG_ERROR_PREFIX));
      const configError = logged === undefined ? (started.error ?? "configuration refused") : logged.slice(CONFIG_ERROR_PREFIX.length);
      return scripts.map((script) => ({ ...emptyResult(script), configError }));
    }
    const streams = scripts.map((script) => host.newHttpStream({ properties: { ...script.properties } }));
    const written = streams.map(recordWrites);
    const metrics = scripts.map(() => ({}) as Record<string, number>);
    const merged = scripts.flatMap((script, k) => stepsOf(script).map((step, order) => ({ ...step, k, order })));
    merged.sort((a, b) => a.atMs - b.atMs || a.order - b.order || a.k - b.k);
    for (const step of merged) {
      if (EPOCH_MS + step.atMs > clock.nowMs()) clock.setMs(EPOCH_MS + step.atMs);
      const before = host.metrics.counters();
      step.run(streams[step.k]!);
      addCounters(metrics[step.k]!, before, host.metrics.counters());
    }
    if (host.vmFailure !== null) throw new Error(`plugin failed: ${host.vmFailure.message}`);
    return streams.map((s, k) => resultOf(s, metrics[k]!, written[k]!));
  }

  return {
    name: "proxy-wasm",
    async run(script: CaseScript): Promise<ExchangeResult> {
      const [result] = await replayGroup([script]);
      return result!;
    },
    async runConcurrent(scripts: readonly CaseScript[]): Promise<ExchangeResult[]> {
      const groups = new Map<string, number[]>();
      scripts.forEach((s, i) => {
        const list = groups.get(s.configJson) ?? [];
        list.push(i);
        groups.set(s.configJson, list);
      });
      const results: ExchangeResult[] = new Array<ExchangeResult>(scripts.length);
      for (const indexes of groups.values()) {
        const out = await replayGroup(indexes.map((i) => scripts[i]!));
        indexes.forEach((i, j) => (results[i] = out[j]!));
      }
      return results;
    },
  };
});

function emptyResult(script: CaseScript): ExchangeResult {
  return {
    skipped: false,
    log: null,
    logFields: {},
    span: {},
    metrics: {},
    clientChunks: deliveredResponseChunks(script).map((c) => c.bytes),
    upstreamChunks: script.request.chunks.map((c) => c.bytes),
  };
}
