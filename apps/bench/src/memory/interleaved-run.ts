// Drives `exchanges` exchanges through a Proxy-Wasm plugin in the Envoy-faithful host, `concurrency`
// streams at a time, round-robin one response chunk per stream per turn; a finished stream's slot
// takes the next exchange at once, so `concurrency` streams stay open until the end. Linear memory
// is read after every completed exchange.
import { ProxyWasmHost, type HttpStream } from "@aistats/proxy-wasm-host";
import type { MemoryExchange, MemoryWorkload } from "./memory-workload.js";

export interface LinearMemory {
  initial_bytes: number;
  /** Linear memory right after the 100th exchange completed (or the last, if fewer ran). */
  after_100_bytes: number;
  peak_bytes: number;
  final_bytes: number;
  /** [exchanges completed, linear memory bytes] whenever the size changed, plus the first and last. */
  series: [number, number][];
  seconds: number;
  /** `wasm.ai_log` of the first completed exchange as the access log prints it ("-" if none). */
  firstLog: string;
  /** Completed exchanges whose `wasm.ai_log` carries the usage (`total_token`). */
  logged: number;
  /** The plugin's `aistats_dropped_total.reason.<reason>` counters at the end (non-zero ones). */
  drops: Record<string, number>;
  /** Metrics the plugin defined (Envoy keeps each for the VM's life). */
  metrics_defined: number;
}

export interface RunOptions {
  exchanges: number;
  concurrency: number;
  /** Plugin configuration (JSON text). */
  pluginConfig: string;
}

const ROUTE = "llm-route";
const CLUSTER = "outbound|443||api.openai.com";

interface Slot {
  stream: HttpStream;
  exchange: MemoryExchange;
  next: number;
}

function open(host: ProxyWasmHost, exchange: MemoryExchange): Slot {
  const stream = host.newHttpStream();
  stream.requestHeaders({ ":method": "POST", ":path": "/v1/chat/completions", ":authority": "api.openai.com", "content-type": "application/json" });
  stream.requestBody(exchange.requestBody, true);
  stream.responseHeaders({ ":status": "200", "content-type": "text/event-stream" });
  return { stream, exchange, next: 0 };
}

/** Feeds one chunk; returns true when the exchange has completed (log, done, delete). */
function step(slot: Slot): boolean {
  const chunks = slot.exchange.response.chunks;
  const last = slot.next === chunks.length - 1;
  slot.stream.responseBody(chunks[slot.next++], last);
  if (!last) return false;
  slot.stream.complete();
  return true;
}

export async function runInterleaved(wasm: Uint8Array, workload: MemoryWorkload, options: RunOptions): Promise<LinearMemory> {
  const host = await ProxyWasmHost.start(wasm, {
    pluginConfig: options.pluginConfig,
    properties: { route_name: ROUTE, cluster_name: CLUSTER },
  });
  const initial = host.memory.current;
  const series: [number, number][] = [[0, initial]];
  const slots: (Slot | null)[] = new Array<Slot | null>(options.concurrency).fill(null);
  let started = 0;
  let completed = 0;
  let after100 = 0;
  let firstLog = "";
  let logged = 0;
  const began = performance.now();
  while (completed < options.exchanges) {
    for (let i = 0; i < slots.length; i++) {
      let slot = slots[i];
      if (slot === null) {
        if (started === options.exchanges) continue;
        slot = open(host, workload.pool[started++ % workload.pool.length]);
        slots[i] = slot;
      }
      if (!step(slot)) continue;
      slots[i] = null;
      const log = slot.stream.accessLogFilterState("wasm.ai_log");
      if (completed === 0) firstLog = log;
      if (log.includes("total_token")) logged++;
      completed++;
      const bytes = host.memory.current;
      if (bytes !== series[series.length - 1][1]) series.push([completed, bytes]);
      if (completed === Math.min(100, options.exchanges)) after100 = bytes;
    }
  }
  const seconds = (performance.now() - began) / 1000;
  if (host.vmFailure !== null) throw new Error(`plugin VM failed: ${String(host.vmFailure)}`);
  const final = host.memory.current;
  series.push([completed, final]);
  const drops: Record<string, number> = {};
  for (const [name, value] of Object.entries(host.metrics.counters()))
    if (name.startsWith("aistats_dropped_total.reason.") && value > 0) drops[name.slice("aistats_dropped_total.reason.".length)] = value;
  return {
    initial_bytes: initial,
    after_100_bytes: after100,
    peak_bytes: host.memory.peak,
    final_bytes: final,
    series,
    seconds,
    firstLog,
    logged,
    drops,
    metrics_defined: host.metrics.definitions.length,
  };
}
