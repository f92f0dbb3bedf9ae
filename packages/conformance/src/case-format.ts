// The conformance case format (PRODUCT §6) as written in a case file, and the normalized script
// the runner hands to every adapter. Case files are JSON; the loader (load-cases.ts) validates
// them into `CaseFile` and normalizes them into `CaseScript`, so adapters never see the many
// spellings a case author may use (string chunk, text chunk, base64 chunk, body shorthand).

/** A JSON value as JSON.parse returns it. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** One chunk as written: plain text, or text / base64 with an optional arrival time. */
export type ChunkSpec = string | { text: string; at_ms?: number } | { base64: string; at_ms?: number };

/** `request` / `response` `body`: a string is sent as its UTF-8 bytes, anything else as JSON.stringify. */
export type BodySpec = Json;

export interface RequestSpec {
  headers: Record<string, string>;
  body?: BodySpec;
  chunks?: ChunkSpec[];
  at_ms?: number;
}

export interface ResponseSpec {
  headers: Record<string, string>;
  at_ms?: number;
  chunks?: ChunkSpec[];
  body?: BodySpec;
  end_at_ms?: number;
  abort_after_chunks?: number;
}

/** What a case requires of the record; every field is optional and checked only when present. */
export interface Expectation {
  /** The configuration must be rejected with a message containing this text. */
  config_error?: string;
  /** true: the exchange must not be processed (no log, no metrics). Absent or false: it must be. */
  skipped?: boolean;
  /** Deep subset of the ai_log object. */
  log?: { [key: string]: Json };
  /** Keys that must not be in the ai_log (a null value counts as absent). */
  log_absent?: string[];
  /**
   * Keys that must be in the ai_log with a value other than null, whatever it is (e.g.
   * `aistats_truncated`, whose count the contract leaves open beyond "at least one").
   */
  log_present?: string[];
  /** Deep subset of the separate log fields (attributes with as_separate_log_field). */
  log_fields?: { [key: string]: Json };
  /** Deep subset of the span attributes (values are strings, as on a real span). */
  span?: { [key: string]: string };
  /** Absolute counter values after the exchange. */
  metrics?: { [name: string]: number };
  /** Counters that must not exist after the exchange (a counter at 0 counts as absent). */
  metrics_absent?: string[];
}

/** A case file after validation, before normalization. Unknown top-level fields are dropped. */
export interface CaseFile {
  name: string;
  description?: string;
  config: { [key: string]: Json };
  properties?: Record<string, string>;
  request?: RequestSpec;
  response?: ResponseSpec;
  expect: Expectation;
}

/** One piece of a body, with the clock value at which the adapter must deliver it. */
export interface TimedChunk {
  readonly bytes: Uint8Array;
  /** Runner clock (ms) when this chunk arrives. */
  readonly atMs: number;
  /** Index of the chunk in the case file this piece came from; resplit pieces keep their origin. */
  readonly origin: number;
}

export type HeaderList = ReadonlyArray<readonly [name: string, value: string]>;

export interface RequestScript {
  /** Header pairs in file order, pseudo-headers (`:method`, `:path`) included. */
  readonly headers: HeaderList;
  /** Clock when the request headers arrive: the start of the exchange. */
  readonly atMs: number;
  readonly chunks: readonly TimedChunk[];
}

export interface ResponseScript {
  readonly headers: HeaderList;
  /** Clock when the response headers arrive. */
  readonly atMs: number;
  readonly chunks: readonly TimedChunk[];
  /**
   * Clock when the stream ends: end of stream, or the moment of the abort when the exchange is
   * cut short. Defaults to the last delivered chunk's time (the headers' time without chunks).
   */
  readonly endAtMs: number;
  /**
   * Null: every chunk is delivered, then end of stream. A number n: only `chunks[0..n)` are
   * delivered and the exchange is then cut short (client gone / upstream reset), no end of stream.
   */
  readonly abortAfterChunks: number | null;
  /** The same cut as a byte count (sum of the delivered chunks' lengths); null when not aborted. */
  readonly abortAfterBytes: number | null;
}

/** How the case's bytes were re-cut (`--resplit N --seed S`); null when they were not. */
export interface ResplitInfo {
  readonly cuts: number;
  readonly seed: number;
}

/** Everything an adapter needs to replay one case. */
export interface CaseScript {
  /** Path of the case file relative to the cases directory, `/`-separated: the case's id. */
  readonly id: string;
  /** Absolute path of the case file. */
  readonly file: string;
  readonly name: string;
  readonly description: string | null;
  /** Plugin configuration exactly as the case wrote it (PRODUCT §2). */
  readonly config: { readonly [key: string]: Json };
  /** The same configuration as JSON text, for hosts that take configuration bytes. */
  readonly configJson: string;
  /** Host facts such as `route_name` and `cluster_name` (proxy-wasm properties). */
  readonly properties: Readonly<Record<string, string>>;
  /**
   * The exchange. A `config_error` case may omit request and response; the loader then fills in an
   * empty POST / 200 exchange, so an adapter whose host wrongly accepts the configuration still
   * has something to run.
   */
  readonly request: RequestScript;
  readonly response: ResponseScript;
  readonly expect: Expectation;
  readonly resplit: ResplitInfo | null;
}

/**
 * The response chunks a host delivers: all of them, or those before the abort
 * (`abortAfterChunks`). The one place this is computed: the loader, the matcher and every adapter
 * use it.
 */
export function deliveredChunks(chunks: readonly TimedChunk[], abortAfterChunks: number | null): readonly TimedChunk[] {
  return abortAfterChunks === null ? chunks : chunks.slice(0, abortAfterChunks);
}

/** Response chunks the client receives: all of them, or those before the abort. */
export function deliveredResponseChunks(script: CaseScript): readonly TimedChunk[] {
  return deliveredChunks(script.response.chunks, script.response.abortAfterChunks);
}

/** A header's value by case-insensitive name, or undefined. */
export function headerValue(headers: HeaderList, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of headers) if (key.toLowerCase() === wanted) return value;
  return undefined;
}
