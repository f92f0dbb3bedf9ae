// Shared by the `core` and `core-wasm` adapters: both builds of stats-core export the same
// portable driver, `engineCaseTrace`, which replays one exchange through an Engine and returns
// what it recorded as JSON text. This file flattens a case script into the driver's simple
// arguments (strings, one byte array, one Int32Array of lengths and clock values) and turns the
// answer back into an ExchangeResult. The bytes are handed to the engine and then delivered as
// they are: the engine only reads them, which is what §4 requires of a host.
import type { ExchangeResult } from "../adapter.js";
import type { CaseScript, HeaderList, TimedChunk } from "../case-format.js";

export type EngineCaseTrace = (
  config: Uint8Array,
  requestHeaders: string,
  responseHeaders: string,
  routeName: string,
  clusterName: string,
  bytes: Uint8Array,
  plan: Int32Array,
) => string;

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

export function runWithDriver(trace: EngineCaseTrace, script: CaseScript): ExchangeResult {
  const req = script.request;
  const resp = script.response;
  const delivered: readonly TimedChunk[] =
    resp.abortAfterChunks === null ? resp.chunks : resp.chunks.slice(0, resp.abortAfterChunks);
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
  const text = trace(
    utf8.encode(script.configJson),
    headerText(req.headers),
    headerText(resp.headers),
    script.properties.route_name ?? "",
    script.properties.cluster_name ?? "",
    bytes,
    Int32Array.from(plan),
  );
  const answer = JSON.parse(text) as DriverAnswer;
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
  return result;
}
