// The `proxy-wasm` adapter: every case runs through the real plugin (@aistats/proxy-wasm's
// plugin.wasm, made by its build) inside @aistats/proxy-wasm-host, the Envoy-faithful Proxy-Wasm
// host, on the case's clock. Both are declared workspace dependencies of this package, resolved
// through their exports, so turbo builds them before the conformance tests run. The result is
// what Envoy would show: filter state `wasm.ai_log` (as %FILTER_STATE(wasm.ai_log:PLAIN)% prints
// it) and `wasm.<key>`, Higress span tags, the host's counters, and the chunks the host forwarded
// to each side. Every write of filter state is also kept, byte for byte, for the record
// well-formedness check: the early ai_log and the final one, and each separate log field.
//
// `runConcurrent` (--concurrent): cases sharing a configuration run as concurrent streams of one
// VM (a VM has one plugin configuration), their calls interleaved step by step on the VM's one
// clock (exchange-steps.ts); a case whose configuration no other case has runs alone on its VM.
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { ManualClock, ProxyWasmHost, type HttpStream } from "@aistats/proxy-wasm-host";
import { defineAdapter, passThroughResult, type ExchangeResult, type RecordTexts } from "../adapter.js";
import type { CaseScript } from "../case-format.js";
import { exchangeSteps, interleaveExchanges, type ExchangeStep } from "../exchange-steps.js";

// Case clocks start near 0; the host's wall clock starts at a real date and only moves forward.
const EPOCH_MS = 1_704_067_200_000;
const CONFIG_ERROR_PREFIX = "aistats: invalid configuration: ";

/** plugin.wasm of the @aistats/proxy-wasm this package depends on (its `./plugin.wasm` export). */
export function pluginWasmPath(): string {
  return createRequire(import.meta.url).resolve("@aistats/proxy-wasm/plugin.wasm");
}

/** Makes one exchange step's call on a stream. */
function take(s: HttpStream, step: ExchangeStep): void {
  switch (step.kind) {
    case "request-headers":
      s.requestHeaders(step.headers, step.endOfStream);
      return;
    case "request-body":
      s.requestBody(step.bytes, step.endOfStream);
      return;
    case "response-headers":
      s.responseHeaders(step.headers, step.endOfStream);
      return;
    case "response-body":
      s.responseBody(step.bytes, step.endOfStream);
      return;
    case "end":
      if (step.aborted) s.abort();
      else s.complete();
  }
}

function decodeEscaped(text: string): string {
  return JSON.parse(`"${text}"`) as string;
}

/** Keeps a copy of every filter-state write of `stream` (the host's Map keeps only the last). */
function recordWrites(stream: HttpStream): RecordTexts {
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

function resultOf(stream: HttpStream, metrics: Record<string, number>, records: RecordTexts): ExchangeResult {
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

/** The host's counters by name, exact (uint64 as bigint). */
function counterValues(host: ProxyWasmHost): Map<string, bigint> {
  return new Map(host.metrics.snapshot().filter((m) => m.kind === "counter").map((m) => [m.name, m.value]));
}

/**
 * Adds what one callback added to the host's counters to `into`. Exact, in bigint: streams of one
 * VM share counters by name, and one case's counts beyond 2^53 would otherwise swallow another
 * case's increments in a double's rounding. Envoy's counters are uint64, so a delta is mod 2^64.
 */
function addCounters(into: Map<string, bigint>, before: Map<string, bigint>, after: Map<string, bigint>): void {
  for (const [name, value] of after) {
    const delta = BigInt.asUintN(64, value - (before.get(name) ?? 0n));
    if (delta !== 0n) into.set(name, (into.get(name) ?? 0n) + delta);
  }
}

/** One stream's counters as it would see them alone on a fresh VM (uint64, then a number). */
function counterNumbers(added: Map<string, bigint>): Record<string, number> {
  return Object.fromEntries([...added].map(([name, value]) => [name, Number(BigInt.asUintN(64, value))]));
}

export default defineAdapter(async () => {
  const wasmFile = pluginWasmPath();
  let wasm: Uint8Array;
  try {
    wasm = new Uint8Array(await readFile(wasmFile));
  } catch (error) {
    throw new Error(`cannot read ${wasmFile} (${(error as Error).message}): build it first (pnpm exec turbo run build --filter=@aistats/proxy-wasm)`, { cause: error });
  }

  /**
   * Replays scripts that share one configuration as streams of one VM, their steps interleaved
   * (exchange-steps.ts; one script = the plain sequential case). Counters are attributed to the
   * stream whose callback moved them: the plugin increments a stream's counters only inside its
   * own callbacks.
   */
  async function replayGroup(scripts: readonly CaseScript[]): Promise<ExchangeResult[]> {
    const clock = new ManualClock(EPOCH_MS);
    const host = await ProxyWasmHost.load(wasm, { pluginConfig: scripts[0]!.configJson, clock });
    const started = host.start();
    if (!started.ok) {
      const logged = host.logs.messages("error").find((m) => m.startsWith(CONFIG_ERROR_PREFIX));
      const configError = logged === undefined ? (started.error ?? "configuration refused") : logged.slice(CONFIG_ERROR_PREFIX.length);
      return scripts.map((script) => ({ ...passThroughResult(script), configError }));
    }
    const streams = scripts.map((script) => host.newHttpStream({ properties: { ...script.properties } }));
    const written = streams.map(recordWrites);
    const added = scripts.map(() => new Map<string, bigint>());
    for (const { exchange, step, sharedMs } of interleaveExchanges(scripts.map(exchangeSteps))) {
      if (EPOCH_MS + sharedMs > clock.nowMs()) clock.setMs(EPOCH_MS + sharedMs);
      const before = counterValues(host);
      take(streams[exchange]!, step);
      addCounters(added[exchange]!, before, counterValues(host));
    }
    if (host.vmFailure !== null) throw new Error(`plugin failed: ${host.vmFailure.message}`);
    return streams.map((s, k) => resultOf(s, counterNumbers(added[k]!), written[k]!));
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
