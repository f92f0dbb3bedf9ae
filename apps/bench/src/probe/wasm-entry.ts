// AssemblyScript only (asc builtins such as __collect): checked by asc, excluded from tsc.
// The bench's wasm module: the portable probe compiled by asc against stats-core's sources,
// driven from JavaScript through asc's generated ESM bindings (which copy each chunk into linear
// memory, as a Proxy-Wasm host does). Built with asc's minimal runtime: see probeEnd.
import { Arena } from "@aistats/stats-core/internal";
import { LlmStreamProbe } from "./llm-stream-probe";

const arena = new Arena(4 << 20);
// One probe per workload kind, made when first selected (each leases from the one arena).
const probes = new Array<LlmStreamProbe | null>(4).fill(null);
let probe: LlmStreamProbe | null = null;

export function probeSelect(workload: i32): void {
  let p = probes[workload];
  if (p == null) {
    p = new LlmStreamProbe(arena, workload);
    probes[workload] = p;
  }
  probe = p;
}

export function probeBegin(): void {
  if (probe == null) probeSelect(0);
  probe!.begin();
}

export function probeFeed(chunk: Uint8Array): void {
  probe!.feed(chunk, 0, chunk.length);
}

export function probeEnd(): i32 {
  probe!.end();
  // The minimal runtime collects garbage only when asked: once per exchange, as the plugin does at
  // the end of each stream, keeps the hot path free of the incremental GC's shadow-stack spills.
  __collect();
  return probe!.answerBytes;
}

export function probeTotalTokens(): i32 {
  return probe!.totalTokens;
}
