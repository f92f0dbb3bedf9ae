// The ExchangeResult a host adapter reports, from the records its host delivered, the recorder's
// stats and the bytes each side received — shared by the node adapter (adapters/node.ts) and the
// edge player (edge/player.ts), so portable (no Buffer): the player runs inside workerd, Deno and Bun.
import type { ExchangeResult } from "./adapter.js";

/** What the result needs of a host's record (@aistats/host's AistatsRecord has it). */
export interface RecordLike {
  readonly log: object;
  readonly logText: string;
  readonly logFields: { readonly [key: string]: string };
  readonly logFieldsEscaped: { readonly [key: string]: string };
  readonly span: { readonly [key: string]: string };
  readonly counters: ReadonlyArray<{ readonly name: string; readonly value: number }>;
}

/** What the result needs of the recorder's stats(). */
export interface RecorderStatsLike {
  readonly activeExchanges: number;
  readonly arenaUsedBytes: number;
  readonly hostErrors: number;
  readonly skippedExchanges: number;
}

/** One side of the traffic: the bytes received, and the sizes of the chunks sent (each awaited). */
export interface Received {
  readonly received: readonly Uint8Array[];
  readonly sent: readonly number[];
}

export const byteLength = (chunks: readonly Uint8Array[]): number => chunks.reduce((a, b) => a + b.length, 0);

/** Bytes received, cut into the chunks that were sent (each was awaited before the next was sent). */
export function cut({ received, sent }: Received): Uint8Array[] {
  const all = new Uint8Array(byteLength(received));
  let at = 0;
  for (const c of received) {
    all.set(c, at);
    at += c.length;
  }
  const out: Uint8Array[] = [];
  at = 0;
  for (const n of sent) {
    out.push(all.subarray(at, Math.min(all.length, at + n)));
    at += n;
  }
  if (at < all.length) out.push(all.subarray(at));
  return out;
}

const utf8 = new TextEncoder();

/**
 * The result of one exchange, after checking that the host cleaned up (no exchange open, the
 * arena back to empty) and did not fail open (`host` names it in that error).
 */
export function exchangeResult(host: string, st: RecorderStatsLike, records: readonly RecordLike[], client: Received, upstream: Received): ExchangeResult {
  if (st.activeExchanges !== 0 || st.arenaUsedBytes !== 0) throw new Error(`exchanges left open: ${JSON.stringify(st)}`);
  if (st.hostErrors !== 0) throw new Error(`${host} failed open on this exchange`);
  const last = records.at(-1);
  const metrics: Record<string, number> = {};
  for (const rec of records) for (const c of rec.counters) metrics[c.name] = (metrics[c.name] ?? 0) + c.value;
  return {
    skipped: st.skippedExchanges === 1,
    log: last === undefined ? null : (last.log as Record<string, unknown>),
    logFields: { ...(last?.logFields ?? {}) },
    span: { ...(last?.span ?? {}) },
    metrics,
    clientChunks: cut(client),
    upstreamChunks: cut(upstream),
    records: {
      logForm: "json",
      logs: records.map((rec) => utf8.encode(rec.logText)),
      logFields: records.flatMap((rec) => Object.entries(rec.logFieldsEscaped).map(([k, v]): [string, Uint8Array] => [k, utf8.encode(v)])),
    },
  };
}
