// One exchange as the calls a host receives (request headers, request chunks, response headers,
// response chunks, end or abort), each at its case clock value, and the schedule in which
// `--concurrent` replays several exchanges on one host: interleaved, step by step.
//
// Schedule: every exchange starts at the same moment (the earliest start among them) and keeps
// its own durations; steps are taken in order of that shared time, and steps at the same time
// round-robin — the first step of each exchange, then the second of each, … So every exchange's
// first call comes before any exchange's second call: all of them are open on the host at once,
// and a host that replays them one after another is caught (exchange-steps.test.ts,
// adapters/concurrent.test.ts). Shared time never goes back, so a host with one clock (a
// Proxy-Wasm VM) can follow it; a host that takes a clock value per call can pass each step's own
// `atMs` instead.
import { deliveredResponseChunks, type CaseScript, type HeaderList } from "./case-format.js";

export type ExchangeStep =
  | { readonly kind: "request-headers"; readonly atMs: number; readonly headers: HeaderList; readonly endOfStream: boolean }
  | { readonly kind: "request-body"; readonly atMs: number; readonly bytes: Uint8Array; readonly endOfStream: boolean }
  | { readonly kind: "response-headers"; readonly atMs: number; readonly headers: HeaderList; readonly endOfStream: boolean }
  /** `bytes` is empty for a final frame that only carries the end of stream. */
  | { readonly kind: "response-body"; readonly atMs: number; readonly bytes: Uint8Array; readonly endOfStream: boolean }
  /** The stream is over: complete (after its end of stream), or cut short (`aborted`). */
  | { readonly kind: "end"; readonly atMs: number; readonly aborted: boolean };

/**
 * The calls of one exchange in order. The request's end of stream rides on its last chunk (on the
 * headers without a body). The response's rides on its last delivered chunk when that arrives at
 * `endAtMs`, on the headers when there is no body and they arrive then, and otherwise on an empty
 * final frame at `endAtMs` (an HTTP/2 END_STREAM DATA frame). An aborted exchange has no end of
 * stream. Clock values never go back (a script's are clamped).
 */
export function exchangeSteps(script: CaseScript): ExchangeStep[] {
  const req = script.request;
  const resp = script.response;
  const delivered = deliveredResponseChunks(script);
  const aborted = resp.abortAfterChunks !== null;
  const steps: ExchangeStep[] = [];
  steps.push({ kind: "request-headers", atMs: req.atMs, headers: req.headers, endOfStream: req.chunks.length === 0 });
  req.chunks.forEach((c, i) => {
    steps.push({ kind: "request-body", atMs: c.atMs, bytes: c.bytes, endOfStream: i === req.chunks.length - 1 });
  });
  const last = delivered.at(-1);
  const eosOnLast = !aborted && last !== undefined && last.atMs === resp.endAtMs;
  const eosOnHeaders = !aborted && delivered.length === 0 && resp.atMs === resp.endAtMs;
  steps.push({ kind: "response-headers", atMs: resp.atMs, headers: resp.headers, endOfStream: eosOnHeaders });
  delivered.forEach((c, i) => {
    steps.push({ kind: "response-body", atMs: c.atMs, bytes: c.bytes, endOfStream: eosOnLast && i === delivered.length - 1 });
  });
  if (!aborted && !eosOnLast && !eosOnHeaders) {
    steps.push({ kind: "response-body", atMs: resp.endAtMs, bytes: new Uint8Array(0), endOfStream: true });
  }
  steps.push({ kind: "end", atMs: resp.endAtMs, aborted });
  let t = Number.NEGATIVE_INFINITY;
  return steps.map((step) => {
    t = Math.max(t, step.atMs);
    return t === step.atMs ? step : { ...step, atMs: t };
  });
}

/** One step of the schedule. */
export interface ScheduledStep {
  /** Index of the exchange (into the lists given to interleaveExchanges). */
  readonly exchange: number;
  /** Index of the step within its exchange. */
  readonly index: number;
  readonly step: ExchangeStep;
  /**
   * The host's clock for this step: the step's own time shifted so that every exchange starts at
   * the earliest start. Non-decreasing along the schedule. Equals `step.atMs` for one exchange.
   */
  readonly sharedMs: number;
}

/** The interleaved schedule of several exchanges' steps (see the top of this file). */
export function interleaveExchanges(exchanges: readonly (readonly ExchangeStep[])[]): ScheduledStep[] {
  const starts = exchanges.map((steps) => steps[0]?.atMs ?? 0);
  const start = Math.min(...starts);
  const all = exchanges.flatMap((steps, exchange) =>
    steps.map((step, index): ScheduledStep => ({ exchange, index, step, sharedMs: step.atMs - starts[exchange]! + start })),
  );
  return all.sort((a, b) => a.sharedMs - b.sharedMs || a.index - b.index || a.exchange - b.exchange);
}
