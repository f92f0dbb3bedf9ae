// The same traffic through stats-core's JavaScript Engine in this process, for the Node.js
// adapter's view of memory: heapUsed before (after a full collection), the highest heapUsed seen
// after any exchange completed (garbage included: that is what the process has to hold), and
// heapUsed after a final full collection. The interleaving is the plugin run's: `concurrency`
// exchanges open at once, one response chunk each per turn.
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { Engine, parsePluginConfig, type Exchange } from "@aistats/stats-core";
import type { MemoryExchange, MemoryWorkload } from "./memory-workload.js";

export interface NodeHeap {
  heap_baseline_bytes: number;
  heap_peak_bytes: number;
  heap_after_bytes: number;
  /** heapUsed right after a full collection once 100 exchanges had completed. */
  heap_after_100_collected_bytes: number;
  gc: boolean;
  seconds: number;
}

/** global.gc, exposed at run time when node was started without --expose-gc. */
function collector(): (() => void) | null {
  const existing = (globalThis as { gc?: () => void }).gc;
  if (typeof existing === "function") return existing;
  try {
    setFlagsFromString("--expose-gc");
    return runInNewContext("gc") as () => void;
  } catch {
    return null;
  }
}

interface Open {
  ex: Exchange;
  exchange: MemoryExchange;
  next: number;
}

export function runNodeHeap(workload: MemoryWorkload, exchanges: number, concurrency: number, pluginConfig: string): NodeHeap {
  const gc = collector();
  const config = parsePluginConfig(new TextEncoder().encode(pluginConfig));
  if (!config.ok) throw new Error(`configuration rejected: ${config.error}`);
  const engine = new Engine(config);
  gc?.();
  const baseline = process.memoryUsage().heapUsed;
  let peak = baseline;
  let after100 = 0;
  let now = 1732800000000;
  const slots: (Open | null)[] = new Array<Open | null>(concurrency).fill(null);
  let started = 0;
  let completed = 0;
  let logBytes = 0;
  const began = performance.now();
  while (completed < exchanges) {
    for (let i = 0; i < slots.length; i++) {
      let slot = slots[i];
      if (slot === null) {
        if (started === exchanges) continue;
        const exchange = workload.pool[started++ % workload.pool.length];
        const ex = engine.begin("llm-route", "api.openai.com", "outbound|443||api.openai.com");
        ex.addRequestHeader(":path", "/v1/chat/completions");
        ex.addRequestHeader("content-type", "application/json");
        ex.requestHeaders(now);
        ex.requestBody(exchange.requestBody, 0, exchange.requestBody.length, now);
        ex.requestEnd(now);
        ex.addResponseHeader(":status", "200");
        ex.addResponseHeader("content-type", "text/event-stream");
        ex.responseHeaders(now);
        slot = { ex, exchange, next: 0 };
        slots[i] = slot;
      }
      const chunk = slot.exchange.response.chunks[slot.next++];
      slot.ex.responseBody(chunk, 0, chunk.length, ++now);
      if (slot.next < slot.exchange.response.chunks.length) continue;
      slot.ex.responseEnd(now);
      logBytes += slot.ex.records.log.length;
      engine.end(slot.ex);
      slots[i] = null;
      completed++;
      const used = process.memoryUsage().heapUsed;
      if (used > peak) peak = used;
      if (completed === Math.min(100, exchanges)) {
        gc?.();
        after100 = process.memoryUsage().heapUsed;
      }
    }
  }
  const seconds = (performance.now() - began) / 1000;
  if (logBytes === 0) throw new Error("the engine wrote no log");
  gc?.();
  const after = process.memoryUsage().heapUsed;
  return {
    heap_baseline_bytes: baseline,
    heap_peak_bytes: peak,
    heap_after_bytes: after,
    heap_after_100_collected_bytes: after100,
    gc: gc !== null,
    seconds,
  };
}
