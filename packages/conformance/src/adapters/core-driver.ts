// Shared by the `core` and `core-wasm` adapters: both builds of stats-core export the same
// portable driver, `engineCaseTrace`, which replays one exchange through an Engine and returns
// what it recorded as JSON text. This file flattens a case script into the driver's simple
// arguments (strings, one byte array, one Int32Array of lengths and clock values) and turns the
// answer back into an ExchangeResult. The bytes are handed to the engine and then delivered as
// they are: the engine only reads them, which is what §4 requires of a host.
// `engineRecordsTrace` replays the same exchange and returns every record's texts byte for byte
// (the log as UTF-8, as the plugin reads it), for the well-formedness check of PRODUCT §3; when a
// log is so broken that engineCaseTrace's answer (which embeds it) is not JSON, the result is
// read from those records instead, so the case reports what is wrong with the record.
import type { ExchangeResult, RecordTexts } from "../adapter.js";
import { deliveredResponseChunks, type CaseScript, type HeaderList } from "../case-format.js";

export type EngineCaseTrace = (
  config: Uint8Array,
  requestHeaders: string,
  responseHeaders: string,
  routeName: string,
  clusterName: string,
  bytes: Uint8Array,
  plan: Int32Array,
) => string;

export type EngineRecordsTrace = (
  config: Uint8Array,
  requestHeaders: string,
  responseHeaders: string,
  routeName: string,
  clusterName: string,
  bytes: Uint8Array,
  plan: Int32Array,
  byteLogs: number,
) => string;

export interface EngineTraces {
  readonly engineCaseTrace: EngineCaseTrace;
  readonly engineRecordsTrace: EngineRecordsTrace;
}

interface RecordsAnswer {
  configError?: string;
  skipped: boolean;
  records: Array<{
    final: boolean;
    logHex: string;
    logFields: Array<[string, string]>;
    span: Array<[string, string]>;
    counters: Array<[string, string]>;
  }>;
}

interface DriverAnswer {
  configError?: string;
  skipped: boolean;
  log: Record<string, unknown> | null;
  logFields: Record<string, string>;
  span: Record<string, string>;
  metrics: Record<string, number>;
}

const utf8 = new TextEncoder();

function headerText(headers: HeaderList): string {
  return headers.map(([n, v]) => `${n}\n${v}\n`).join("");
}

/** "12", "7*2^-1", "Infinity" (engineRecordsTrace's exact counter text) as a number. */
function counterValue(text: string): number {
  const [m, e] = text.split("*2^");
  return Number(m) * 2 ** Number(e ?? "0");
}

function parseOr<T>(text: string, fallback: T): T {
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
}

/** The result read from the records alone (the last log, parsed if it parses; counters of the final record). */
function resultFromRecords(answer: RecordsAnswer): Omit<ExchangeResult, "clientChunks" | "upstreamChunks"> {
  const last = answer.records.at(-1);
  const metrics: Record<string, number> = {};
  for (const r of answer.records) if (r.final) for (const [name, value] of r.counters) metrics[name] = (metrics[name] ?? 0) + counterValue(value);
  return {
    skipped: answer.skipped,
    log: last === undefined ? null : parseOr<Record<string, unknown> | null>(Buffer.from(last.logHex, "hex").toString("utf8"), null),
    logFields: Object.fromEntries((last?.logFields ?? []).map(([k, v]) => [k, parseOr<unknown>(`"${v}"`, v)])),
    span: Object.fromEntries(last?.span ?? []),
    metrics,
  };
}

export function runWithDriver(traces: EngineTraces, script: CaseScript): ExchangeResult {
  const req = script.request;
  const resp = script.response;
  const delivered = deliveredResponseChunks(script);
  const all = [...req.chunks, ...delivered];
  const size = all.reduce((n, c) => n + c.bytes.length, 0);
  const bytes = new Uint8Array(size);
  let at = 0;
  for (const c of all) {
    bytes.set(c.bytes, at);
    at += c.bytes.length;
  }
  const plan: number[] = [req.atMs, req.chunks.length];
  for (const c of req.chunks) plan.push(c.bytes.length, c.atMs);
  plan.push(resp.atMs, delivered.length);
  for (const c of delivered) plan.push(c.bytes.length, c.atMs);
  plan.push(resp.endAtMs, resp.abortAfterChunks === null ? 0 : 1);
  const args = [
    utf8.encode(script.configJson),
    headerText(req.headers),
    headerText(resp.headers),
    script.properties.route_name ?? "",
    script.properties.cluster_name ?? "",
    bytes,
    Int32Array.from(plan),
  ] as const;
  const recorded = JSON.parse(traces.engineRecordsTrace(...args, 1)) as RecordsAnswer;
  const records: RecordTexts = {
    logForm: "json",
    logs: (recorded.records ?? []).map((r) => new Uint8Array(Buffer.from(r.logHex, "hex"))),
    logFields: (recorded.records ?? []).flatMap((r) => r.logFields.map(([k, v]): [string, Uint8Array] => [k, utf8.encode(v)])),
  };
  const text = traces.engineCaseTrace(...args);
  const answer = parseOr<DriverAnswer | null>(text, null);
  if (answer === null) {
    // A log that breaks the answer it is embedded in: report from the records (checkRecords says why).
    return { ...resultFromRecords(recorded), records, clientChunks: delivered.map((c) => c.bytes), upstreamChunks: req.chunks.map((c) => c.bytes) };
  }
  const result: ExchangeResult = {
    skipped: answer.skipped,
    log: answer.log,
    logFields: Object.fromEntries(
      Object.entries(answer.logFields ?? {}).map(([k, v]) => [k, JSON.parse(`"${v}"`) as unknown]),
    ),
    span: answer.span ?? {},
    metrics: answer.metrics ?? {},
    clientChunks: delivered.map((c) => c.bytes),
    upstreamChunks: req.chunks.map((c) => c.bytes),
  };
  if (answer.configError !== undefined) result.configError = answer.configError;
  else result.records = records;
  return result;
}
