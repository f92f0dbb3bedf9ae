// Turns a validated case into the script adapters replay: every chunk becomes bytes with the
// clock value at which it arrives (PRODUCT §6 time rules), headers become ordered pairs, and the
// optional parts get their defaults.
import {
  deliveredChunks,
  type BodySpec,
  type CaseFile,
  type CaseScript,
  type ChunkSpec,
  type HeaderList,
  type RequestScript,
  type RequestSpec,
  type ResponseScript,
  type ResponseSpec,
  type TimedChunk,
} from "./case-format.js";

const utf8 = new TextEncoder();

/** `body` is shorthand for one chunk: a string as its UTF-8 bytes, any other JSON as JSON.stringify. */
export function bodyBytes(body: BodySpec): Uint8Array {
  return utf8.encode(typeof body === "string" ? body : JSON.stringify(body));
}

function chunkBytes(chunk: ChunkSpec): Uint8Array {
  if (typeof chunk === "string") return utf8.encode(chunk);
  if ("text" in chunk) return utf8.encode(chunk.text);
  return new Uint8Array(Buffer.from(chunk.base64, "base64"));
}

/** A chunk without at_ms arrives at the previous one's time; the first at `startMs`. */
function timeChunks(specs: readonly ChunkSpec[], startMs: number): TimedChunk[] {
  let clock = startMs;
  return specs.map((spec, origin) => {
    if (typeof spec !== "string" && spec.at_ms !== undefined) clock = spec.at_ms;
    return { bytes: chunkBytes(spec), atMs: clock, origin };
  });
}

function sideChunks(side: { body?: BodySpec; chunks?: ChunkSpec[] }, startMs: number): TimedChunk[] {
  if (side.chunks !== undefined) return timeChunks(side.chunks, startMs);
  if (side.body === undefined) return [];
  const bytes = bodyBytes(side.body);
  // An empty body is no body: there is nothing a host could deliver.
  return bytes.length === 0 ? [] : [{ bytes, atMs: startMs, origin: 0 }];
}

function headerList(headers: Record<string, string>): HeaderList {
  return Object.entries(headers).map(([name, value]) => [name, value] as const);
}

const EMPTY_REQUEST: RequestSpec = { headers: { ":method": "POST", ":path": "/" } };
const EMPTY_RESPONSE: ResponseSpec = { headers: { ":status": "200" } };

export function normalizeCase(doc: CaseFile, id: string, file: string): CaseScript {
  const requestSpec = doc.request ?? EMPTY_REQUEST;
  const responseSpec = doc.response ?? EMPTY_RESPONSE;

  const requestAt = doc.request?.at_ms ?? 0;
  const requestChunks = sideChunks(requestSpec, requestAt);
  const request: RequestScript = {
    headers: headerList(requestSpec.headers),
    atMs: requestAt,
    chunks: requestChunks,
  };

  // Response headers default to the moment the request finished arriving.
  const requestEnd = requestChunks.length > 0 ? requestChunks[requestChunks.length - 1]!.atMs : requestAt;
  const responseAt = doc.response?.at_ms ?? requestEnd;
  const responseChunks = sideChunks(responseSpec, responseAt);
  const abortAfter = doc.response?.abort_after_chunks ?? null;
  const delivered = deliveredChunks(responseChunks, abortAfter);
  const lastDelivered = delivered.length > 0 ? delivered[delivered.length - 1]!.atMs : responseAt;
  const response: ResponseScript = {
    headers: headerList(responseSpec.headers),
    atMs: responseAt,
    chunks: responseChunks,
    endAtMs: doc.response?.end_at_ms ?? lastDelivered,
    abortAfterChunks: abortAfter,
    abortAfterBytes: abortAfter === null ? null : delivered.reduce((n, c) => n + c.bytes.length, 0),
  };

  return {
    id,
    file,
    name: doc.name,
    description: doc.description ?? null,
    config: doc.config,
    configJson: JSON.stringify(doc.config),
    properties: doc.properties ?? {},
    request,
    response,
    expect: doc.expect,
    resplit: null,
  };
}
