// One measured cell of `pnpm bench load`: autocannon against a gateway for a fixed time, with the
// time to first byte and the whole-response latency of every request taken here, in fractional
// milliseconds, from autocannon's own client events (its built-in latency histogram counts whole
// milliseconds, too coarse for a 1 ms target).
import autocannon from "autocannon";

export type Mode = "stream" | "json";

/** Distinct OpenAI Chat Completions requests, cycled: the mock's answer (6–80 tokens) follows the body. */
export function requestBodies(mode: Mode, n = 8): string[] {
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const body: Record<string, unknown> = { model: "gpt-4o", messages: [{ role: "user", content: `Load question ${i}: how is the weather in city ${i}?` }] };
    if (mode === "stream") Object.assign(body, { stream: true, stream_options: { include_usage: true } });
    out.push(JSON.stringify(body));
  }
  return out;
}

export interface CellResult {
  requests: number;
  seconds: number;
  rps: number;
  non_2xx: number;
  errors: number;
  timeouts: number;
  p50_ms: number;
  p90_ms: number;
  p99_ms: number;
  p50_ttfb_ms: number;
  p90_ttfb_ms: number;
  p99_ttfb_ms: number;
  /** Latency at the plotted percentiles (PERCENTILES), ms. */
  latency_percentiles_ms: number[];
  ttfb_percentiles_ms: number[];
}

export const PERCENTILES = [50, 75, 90, 95, 99, 99.9];

/** The p-th percentile (nearest rank) of ascending samples. */
export function percentile(sorted: Float64Array | number[], p: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

const round3 = (x: number) => Math.round(x * 1000) / 1000;

/** Closed loop (each connection sends its next request as soon as one ends) unless `overallRate` (req/s over all connections) is given. */
export async function drive(url: string, mode: Mode, connections: number, seconds: number, overallRate?: number): Promise<CellResult> {
  const ttfb: number[] = [];
  const latency: number[] = [];
  const bodies = requestBodies(mode);
  const result = await autocannon({
    url: url + "/v1/chat/completions",
    connections,
    duration: seconds,
    pipelining: 1,
    ...(overallRate !== undefined ? { overallRate } : {}),
    timeout: 30,
    requests: bodies.map((body) => ({ method: "POST", path: "/v1/chat/completions", headers: { "content-type": "application/json" }, body })),
    setupClient(client) {
      let start = 0;
      let first = true;
      // "request" (emitted as each request is written) is missing from @types/autocannon's overloads.
      (client as unknown as NodeJS.EventEmitter).on("request", () => {
        start = performance.now();
        first = true;
      });
      client.on("body", () => {
        if (first) {
          first = false;
          ttfb.push(performance.now() - start);
        }
      });
      client.on("response", () => {
        latency.push(performance.now() - start);
      });
    },
  });
  const lat = Float64Array.from(latency).sort();
  const tt = Float64Array.from(ttfb).sort();
  const requests = result.requests.total;
  return {
    requests,
    seconds: result.duration,
    rps: Math.round((requests / result.duration) * 10) / 10,
    non_2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    p50_ms: round3(percentile(lat, 50)),
    p90_ms: round3(percentile(lat, 90)),
    p99_ms: round3(percentile(lat, 99)),
    p50_ttfb_ms: round3(percentile(tt, 50)),
    p90_ttfb_ms: round3(percentile(tt, 90)),
    p99_ttfb_ms: round3(percentile(tt, 99)),
    latency_percentiles_ms: PERCENTILES.map((p) => round3(percentile(lat, p))),
    ttfb_percentiles_ms: PERCENTILES.map((p) => round3(percentile(tt, p))),
  };
}
