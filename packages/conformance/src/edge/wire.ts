// How a CaseScript goes to a runtime harness and its ExchangeResult comes back: JSON over HTTP,
// with every byte string as base64. Portable (atob / btoa, no Buffer): both ends use it.
import type { ExchangeResult } from "../adapter.js";
import type { CaseScript, TimedChunk } from "../case-format.js";

export function toBase64(bytes: Uint8Array): string {
  let text = "";
  for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(text);
}

export function fromBase64(text: string): Uint8Array {
  const raw = atob(text);
  const bytes = new Uint8Array(raw.length);
  for (let i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
  return bytes;
}

type WireChunk = Omit<TimedChunk, "bytes"> & { bytes: string };
const chunksOut = (chunks: readonly TimedChunk[]): WireChunk[] => chunks.map((c) => ({ ...c, bytes: toBase64(c.bytes) }));
const chunksIn = (chunks: readonly WireChunk[]): TimedChunk[] => chunks.map((c) => ({ ...c, bytes: fromBase64(c.bytes) }));

export function encodeScript(script: CaseScript): string {
  return JSON.stringify({
    ...script,
    request: { ...script.request, chunks: chunksOut(script.request.chunks) },
    response: { ...script.response, chunks: chunksOut(script.response.chunks) },
  });
}

export function decodeScript(text: string): CaseScript {
  const wire = JSON.parse(text) as CaseScript & { request: { chunks: WireChunk[] }; response: { chunks: WireChunk[] } };
  return {
    ...wire,
    request: { ...wire.request, chunks: chunksIn(wire.request.chunks) },
    response: { ...wire.response, chunks: chunksIn(wire.response.chunks) },
  };
}

export function encodeResult(result: ExchangeResult): string {
  const { records } = result;
  return JSON.stringify({
    result: {
      ...result,
      clientChunks: result.clientChunks.map(toBase64),
      upstreamChunks: result.upstreamChunks.map(toBase64),
      ...(records === undefined
        ? {}
        : { records: { logForm: records.logForm, logs: records.logs.map(toBase64), logFields: records.logFields.map(([k, v]) => [k, toBase64(v)]) } }),
    },
  });
}

type WireResult = Omit<ExchangeResult, "clientChunks" | "upstreamChunks" | "records"> & {
  clientChunks: string[];
  upstreamChunks: string[];
  records?: { logForm: "json" | "escaped"; logs: string[]; logFields: Array<[string, string]> };
};

/** Decodes a harness answer; an `error` answer is thrown, naming the runtime. */
export function decodeAnswer(text: string, runtime: string): ExchangeResult {
  const answer = JSON.parse(text) as { result?: WireResult; error?: string };
  if (answer.result === undefined) throw new Error(`in ${runtime}: ${answer.error ?? text}`);
  const { records, ...r } = answer.result;
  return {
    ...r,
    clientChunks: r.clientChunks.map(fromBase64),
    upstreamChunks: r.upstreamChunks.map(fromBase64),
    ...(records === undefined
      ? {}
      : { records: { logForm: records.logForm, logs: records.logs.map(fromBase64), logFields: records.logFields.map(([k, v]): [string, Uint8Array] => [k, fromBase64(v)]) } }),
  };
}
