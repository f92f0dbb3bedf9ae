// The recorder (one per process or isolate: it owns stats-core's engine and its fixed arena) and
// the exchange handles it hands out (one per HTTP exchange). Only a handle calls into the engine,
// and a handle ends its exchange exactly once; after that, and after a failure, every call on it
// returns at once without reaching the engine, so a late call can never touch the pooled exchange
// object another request has since been given (the handle compares the exchange's generation with
// the one it began with before every call, as a second line of defence).
import { DropDeltas, RecordCursor, semconvName, type Engine, type Exchange } from "@aistats/stats-core";
import { engineFor, loadConfig, type ConfigInput } from "./config.js";
import { forEachHeader, type HeadersInput } from "./headers.js";
import { buildRecord, type AistatsRecord, type DropReason } from "./records.js";

/** A body chunk: a Uint8Array (a Node Buffer is one), another ArrayBuffer view, or an ArrayBuffer. Never a string. */
export type BodyChunk = Uint8Array | ArrayBufferView | ArrayBuffer;

export interface HostLogger {
  warn(message: string, error?: unknown): void;
}

export interface RecorderOptions {
  /**
   * Receives every record, once, as a deep-frozen object, synchronously inside the handle call
   * that produced it, with the handle it belongs to. A sink that throws does not break the
   * request: that exchange stops recording (counted as `host_error`, logged once).
   */
  readonly onRecord?: (record: AistatsRecord, handle: ExchangeHandle) => void;
  /** Called once per configuration warning while the recorder is created (they are also in `recorder.warnings`). */
  readonly onWarning?: (warning: string) => void;
  /**
   * The clock, in milliseconds, read at every handle call (default `Date.now()`). Any origin: only
   * differences are logged. The core takes whole milliseconds (it floors), as Higress does.
   */
  readonly now?: () => number;
  /** Where the first internal error is reported (default `console`); later ones are only counted. */
  readonly logger?: HostLogger;
}

/** The request that starts an exchange. */
export interface ExchangeInit {
  /** `:method` (else taken from a `:method` header). */
  readonly method?: string;
  /** `:path`, query string included (else a `:path` header). Matched against `enable_path_suffixes` without the query. */
  readonly path?: string;
  /** `:authority` (else a `:authority` header, else `host`): what `_rules_` `_match_domain_` matches. */
  readonly authority?: string;
  /** Every other request header (see HeadersInput for the forms accepted). */
  readonly headers?: HeadersInput;
  /**
   * Higress `route_name`: the counters' route label and what `_match_route_` matches. Outside
   * Higress, whatever name the host gives the route (say `chat`); "" is logged as `-`.
   */
  readonly route?: string;
  /**
   * Higress `cluster_name`: the counters' upstream label and what `_match_service_` matches.
   * Outside Higress, the upstream's name (say `openai`); "" is logged as `-`.
   */
  readonly cluster?: string;
}

export type HandleState = "open" | "skipped" | "ended" | "failed";

/** One HTTP exchange being recorded. No method throws; calls after the end do nothing. */
export interface ExchangeHandle {
  /**
   * `open` until the exchange ends; `skipped` when nothing is recorded for it (path not enabled,
   * no configuration applies) — it costs nothing further; `ended` after responseEnd / abort;
   * `failed` after an internal error disabled it.
   */
  readonly state: HandleState;
  /** state === "skipped": a host may stop feeding it (calls are no-ops anyway). */
  readonly skipped: boolean;
  /** state !== "open". */
  readonly ended: boolean;
  /** A piece of the request body, as it goes upstream (read, never kept or changed). */
  requestChunk(chunk: BodyChunk): void;
  /** The request body is complete (implied by responseStart). */
  requestEnd(): void;
  /** The response status (`:status`; "" or undefined: from a `:status` header) and headers. */
  responseStart(status: number | string | undefined, headers?: HeadersInput): void;
  /** A piece of the response body, as it goes to the client (read, never kept or changed). */
  responseChunk(chunk: BodyChunk): void;
  /** The response is complete: the final record is delivered and the exchange ends. */
  responseEnd(): void;
  /**
   * The exchange was cut short (client gone, upstream reset, an error): what was seen is recorded
   * in the final record (`aborted`, `abortReason`: a string as is, an Error's message, "aborted"
   * without a reason) and the exchange ends.
   */
  abort(reason?: unknown): void;
}

/** Numbers a test or a health endpoint may look at. */
export interface RecorderStats {
  /** Exchanges the engine has begun and not yet taken back (0 when idle). */
  readonly activeExchanges: number;
  /** Handles not yet ended (open). */
  readonly openHandles: number;
  /** The fixed arena's size (`arena_bytes`). */
  readonly arenaBytes: number;
  /** Arena bytes leased now (0 when every exchange has returned its blocks). */
  readonly arenaUsedBytes: number;
  /** The most arena bytes ever leased at once. */
  readonly arenaPeakUsedBytes: number;
  /** Handles started. */
  readonly exchanges: number;
  /** Handles that were skipped. */
  readonly skippedExchanges: number;
  /** Records delivered (early and final). */
  readonly records: number;
  /** Internal errors (each disabled one exchange): `drops().host_error`. */
  readonly hostErrors: number;
}

export interface Recorder {
  /** Configuration warnings (accepted oddities), each starting with its field path. */
  readonly warnings: readonly string[];
  /** Settings the Node and edge hosts read: `otel_semconv` ("latest" | "1.36") and `arena_bytes`. */
  readonly settings: { readonly otelSemconv: string; readonly arenaBytes: number };
  /** Starts recording one exchange (its request headers). Never throws. */
  start(init: ExchangeInit): ExchangeHandle;
  /** Totals by reason since the recorder was created (every reason, zeros included), for `aistats_dropped_total{reason}`. */
  drops(): { readonly [reason in DropReason]: number };
  stats(): RecorderStats;
}

const HOST_ERROR = "host_error";

/** What the recorder shares with its handles. */
class Shared {
  readonly deltas = new DropDeltas();
  readonly reasons: readonly string[];
  openHandles = 0;
  exchanges = 0;
  skipped = 0;
  records = 0;
  hostErrors = 0;
  private reported = false;

  constructor(
    readonly engine: Engine,
    readonly clock: () => number,
    readonly onRecord: ((record: AistatsRecord, handle: ExchangeHandle) => void) | undefined,
    private readonly logger: HostLogger | undefined,
  ) {
    const drops = engine.drops;
    const reasons: string[] = [];
    for (let i = 0; i < drops.reasons; i++) reasons.push(drops.reasonName(i));
    this.reasons = reasons;
    this.deltas.take(drops);
  }

  now(): number {
    const t = this.clock();
    if (typeof t !== "number" || !Number.isFinite(t)) throw new TypeError(`the clock returned ${String(t)}, not a finite number of milliseconds`);
    return t;
  }

  hostError(error: unknown): void {
    this.hostErrors++;
    if (this.reported) return;
    this.reported = true;
    const message = `aistats: an internal error stopped recording one exchange; the traffic is not affected (reported once, counted as aistats_dropped_total{reason="host_error"}): ${describe(error)}`;
    try {
      if (this.logger !== undefined) this.logger.warn(message, error);
      else globalThis.console?.warn(message, error);
    } catch {
      // A logger that throws is not the request's problem either.
    }
  }
}

function describe(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}

function reasonText(reason: unknown): string {
  if (reason === undefined || reason === null) return "aborted";
  if (typeof reason === "string") return reason;
  if (reason instanceof Error) return reason.message || reason.name;
  try {
    return String(reason);
  } catch {
    return "aborted";
  }
}

/** A chunk as a Uint8Array over the same memory (no copy). */
function bytesOf(chunk: BodyChunk): Uint8Array {
  if (chunk instanceof Uint8Array) return chunk;
  if (ArrayBuffer.isView(chunk)) return new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  if (chunk instanceof ArrayBuffer) return new Uint8Array(chunk);
  throw new TypeError(`a body chunk must be a Uint8Array, another ArrayBuffer view or an ArrayBuffer, got ${chunk === null ? "null" : typeof chunk}`);
}

const REQUEST_PSEUDO = new Set([":method", ":path", ":authority"]);

class Handle implements ExchangeHandle {
  readonly #s: Shared;
  #ex: Exchange | null = null;
  #generation = -1;
  #state: HandleState = "open";
  #cursor: RecordCursor | null = null;
  /** Drops this exchange added, by DROP_* index (allocated on the first one). */
  #drops: Float64Array | null = null;
  #aborted = false;
  #abortReason: string | null = null;

  constructor(s: Shared, init: ExchangeInit) {
    this.#s = s;
    s.exchanges++;
    s.openHandles++;
    try {
      this.#begin(init);
    } catch (error) {
      this.#fail(error);
    }
  }

  get state(): HandleState {
    return this.#state;
  }

  get skipped(): boolean {
    return this.#state === "skipped";
  }

  get ended(): boolean {
    return this.#state !== "open";
  }

  #begin(init: ExchangeInit): void {
    const s = this.#s;
    const names: string[] = [];
    const values: string[] = [];
    forEachHeader(init.headers, (name, value) => {
      names.push(name.toLowerCase());
      values.push(value);
    });
    const header = (name: string): string | undefined => {
      const i = names.indexOf(name);
      return i < 0 ? undefined : values[i];
    };
    const method = init.method ?? header(":method");
    const path = init.path ?? header(":path");
    const authority = init.authority ?? header(":authority") ?? header("host") ?? "";
    const ex = s.engine.begin(init.route ?? "", authority, init.cluster ?? "");
    this.#ex = ex;
    this.#generation = ex.generation;
    if (ex.isSkipped) {
      this.#skip(ex);
      return;
    }
    if (method !== undefined) ex.addRequestHeader(":method", method);
    if (path !== undefined) ex.addRequestHeader(":path", path);
    if (authority !== "") ex.addRequestHeader(":authority", authority);
    for (let i = 0; i < names.length; i++) if (!REQUEST_PSEUDO.has(names[i]!)) ex.addRequestHeader(names[i]!, values[i]!);
    const processed = ex.requestHeaders(s.now());
    this.#takeDrops();
    if (!processed) {
      this.#skip(ex);
      return;
    }
    this.#cursor = new RecordCursor();
  }

  /** The exchange, when this handle may still call it. */
  #live(): Exchange | null {
    if (this.#state !== "open") return null;
    const ex = this.#ex;
    if (ex === null || ex.generation !== this.#generation || ex.isReleased) {
      // Only this handle ends its exchange, so this cannot happen; if it did, stay away from it.
      this.#fail(new Error("the exchange was taken back by someone else"));
      return null;
    }
    return ex;
  }

  requestChunk(chunk: BodyChunk): void {
    this.#call(false, (ex, nowMs) => {
      const bytes = bytesOf(chunk);
      ex.requestBody(bytes, 0, bytes.length, nowMs);
    });
  }

  requestEnd(): void {
    this.#call(false, (ex, nowMs) => ex.requestEnd(nowMs));
  }

  responseStart(status: number | string | undefined, headers?: HeadersInput): void {
    this.#call(false, (ex, nowMs) => {
      // The status argument is `:status`; without one (undefined or ""), a `:status` header is.
      const statusText = status === undefined || status === null ? "" : String(status);
      if (statusText !== "") ex.addResponseHeader(":status", statusText);
      forEachHeader(headers, (name, value) => {
        if (statusText === "" || name !== ":status") ex.addResponseHeader(name, value);
      });
      ex.responseHeaders(nowMs);
    });
  }

  responseChunk(chunk: BodyChunk): void {
    this.#call(false, (ex, nowMs) => {
      const bytes = bytesOf(chunk);
      ex.responseBody(bytes, 0, bytes.length, nowMs);
    });
  }

  responseEnd(): void {
    this.#call(true, (ex, nowMs) => ex.responseEnd(nowMs));
  }

  abort(reason?: unknown): void {
    this.#call(true, (ex, nowMs) => {
      this.#aborted = true;
      this.#abortReason = reasonText(reason);
      ex.abort(nowMs);
    });
  }

  /**
   * One call into a live exchange (a no-op once the handle has ended or failed), then what follows
   * every call (#after); any error on the way fails this exchange open instead of reaching the caller.
   */
  #call(ending: boolean, step: (ex: Exchange, nowMs: number) => void): void {
    const ex = this.#live();
    if (ex === null) return;
    try {
      step(ex, this.#s.now());
      this.#after(ex, ending);
    } catch (error) {
      this.#fail(error);
    }
  }

  /**
   * After a call: publish what is new (each log once, the counters once), end the exchange when it
   * is over, then deliver — so a sink that calls back into this handle finds it ended.
   */
  #after(ex: Exchange, ending: boolean): void {
    const s = this.#s;
    this.#takeDrops();
    const r = ex.records;
    const cursor = this.#cursor!;
    const newLog = cursor.takeLog(r);
    const counters = cursor.takeCounters(r);
    let record: AistatsRecord | null = null;
    if ((newLog || counters) && s.onRecord !== undefined) {
      record = buildRecord(r, counters, { aborted: this.#aborted, abortReason: this.#abortReason, drops: this.#dropNames() });
    }
    if (ending || ex.isFinished) this.#end(ex);
    if (record !== null) this.#deliver(record);
  }

  #deliver(record: AistatsRecord): void {
    const s = this.#s;
    s.records++;
    try {
      s.onRecord!(record, this);
    } catch (error) {
      this.#fail(error);
    }
  }

  #takeDrops(): void {
    const s = this.#s;
    if (!s.deltas.take(s.engine.drops)) return;
    const d = s.deltas.deltas;
    const mine = (this.#drops ??= new Float64Array(d.length));
    for (let i = 0; i < d.length; i++) mine[i]! += d[i]!;
  }

  #dropNames(): { [reason: string]: number } {
    const out: { [reason: string]: number } = {};
    const mine = this.#drops;
    if (mine === null) return out;
    const reasons = this.#s.reasons;
    for (let i = 0; i < mine.length; i++) if (mine[i]! > 0) out[reasons[i] ?? `reason_${i}`] = mine[i]!;
    return out;
  }

  #skip(ex: Exchange): void {
    this.#s.skipped++;
    this.#release(ex, "skipped");
  }

  #end(ex: Exchange): void {
    this.#release(ex, "ended");
  }

  /**
   * Gives the exchange back to the engine, once, and only while it is still this handle's. The
   * handle is done before engine.end runs, so nothing that follows can reach the exchange again.
   */
  #release(ex: Exchange, next: HandleState): void {
    this.#state = next;
    this.#ex = null;
    this.#cursor = null;
    this.#s.openHandles--;
    if (ex.generation === this.#generation && !ex.isReleased) this.#s.engine.end(ex);
  }

  /** Fail open: recording stops for this exchange, the exchange goes back if it can, counted and reported. */
  #fail(error: unknown): void {
    const s = this.#s;
    const ex = this.#ex;
    if (this.#state === "open") {
      this.#state = "failed";
      this.#ex = null;
      this.#cursor = null;
      s.openHandles--;
      if (ex !== null) {
        try {
          if (ex.generation === this.#generation && !ex.isReleased) s.engine.end(ex);
        } catch {
          // Left to the engine: the exchange stays begun (stats().activeExchanges shows it).
        }
      }
    }
    s.hostError(error);
  }
}

class RecorderImpl implements Recorder {
  readonly warnings: readonly string[];
  readonly settings: { readonly otelSemconv: string; readonly arenaBytes: number };
  readonly #s: Shared;

  constructor(config: ConfigInput | undefined, options: RecorderOptions) {
    const loaded = loadConfig(config);
    this.warnings = loaded.warnings;
    const engine = engineFor(loaded);
    // textLogs stays on: records.log is the log text (this package turns it into an object anyway).
    engine.textLogs = true;
    const top = loaded.result.config;
    this.settings = Object.freeze({
      otelSemconv: top === null ? "latest" : semconvName(top.otelSemconv),
      arenaBytes: loaded.result.arenaBytes,
    });
    this.#s = new Shared(engine, options.now ?? Date.now, options.onRecord, options.logger);
    if (options.onWarning !== undefined) for (const w of this.warnings) options.onWarning(w);
  }

  start(init: ExchangeInit): ExchangeHandle {
    return new Handle(this.#s, init ?? {});
  }

  drops(): { readonly [reason in DropReason]: number } {
    const s = this.#s;
    const counts = s.engine.drops.counts;
    const out: { [reason: string]: number } = {};
    for (let i = 0; i < s.reasons.length; i++) out[s.reasons[i]!] = counts[i]!;
    out[HOST_ERROR] = s.hostErrors;
    return Object.freeze(out) as { readonly [reason in DropReason]: number };
  }

  stats(): RecorderStats {
    const s = this.#s;
    const arena = s.engine.arena;
    return Object.freeze({
      activeExchanges: s.engine.activeExchanges,
      openHandles: s.openHandles,
      arenaBytes: arena.capacity,
      arenaUsedBytes: arena.usedBytes,
      arenaPeakUsedBytes: arena.peakUsedBytes,
      exchanges: s.exchanges,
      skippedExchanges: s.skipped,
      records: s.records,
      hostErrors: s.hostErrors,
    });
  }
}

/**
 * A recorder for one configuration (Higress ai-statistics JSON, as text, bytes or an object;
 * omitted: every default). Throws AistatsConfigError when the configuration is rejected. Make one
 * per process or isolate: it allocates the fixed arena (`arena_bytes`, default 4 MiB) once.
 */
export function createRecorder(config?: ConfigInput, options: RecorderOptions = {}): Recorder {
  return new RecorderImpl(config, options);
}
