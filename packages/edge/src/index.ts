// @aistats/edge: Higress-compatible LLM traffic statistics for fetch-API runtimes (Cloudflare
// Workers / workerd, Deno, Bun, Node's fetch), on @aistats/host. See README.md.
//
// The data path: the request's body and the response's body each pass through a tap
// (body-tap.ts) that hands every chunk to the exchange's @aistats/host handle on its way — the
// same chunk objects, read only when the consumer reads — and the exchange ends exactly once, when
// the response body's source ends, when its consumer cancels, when reading it fails, or at once for
// a response without a body. Records go to the sinks (a log line, Prometheus text, OpenTelemetry)
// from the handle's onRecord.
import {
  AistatsConfigError,
  DEFAULT_SERIES_LIMITS,
  GenAiTelemetry,
  createRecorder,
  functionOption,
  intOption,
  optionsObject,
  type AistatsRecord,
  type ConfigInput,
  type ExchangeHandle,
  type HostLogger,
  type OpenTelemetryApi,
  type Recorder,
} from "@aistats/host";
import { tapBody } from "./body-tap.js";
import { EdgeMetrics } from "./edge-metrics.js";
import { GlobalTelemetry, activeContext } from "./otel-global.js";
import { PROMETHEUS_CONTENT_TYPE } from "./prometheus-text.js";
import { recordLine } from "./record-line.js";

export { AistatsConfigError, recordLine };
export type { AistatsCounter, AistatsRecord, ConfigInput, ExchangeHandle, OpenTelemetryApi, Recorder, RecorderStats } from "@aistats/host";

/** What a Workers handler's third argument has (`ExecutionContext`): keeps the isolate alive for a promise. */
export interface WaitUntilContext {
  waitUntil(promise: Promise<unknown>): void;
}

/** A fetch handler: Workers' `fetch(request, env, ctx)`, Deno.serve's `(request, info)`, Bun.serve's `fetch(request, server)`. */
export type FetchHandler<Env = unknown, Ctx = unknown> = (request: Request, env: Env, ctx: Ctx) => Response | Promise<Response>;

/** A record sink: may return a promise (a log shipped over the network); it is kept alive with `waitUntil`. */
export type RecordLogger = (line: string, record: AistatsRecord) => void | PromiseLike<unknown>;

export interface EdgeOptions {
  /** Higress `route_name` of a request (the `ai_route` label, what `_match_route_` matches). Default: none (`-`). */
  readonly route?: (request: Request) => string;
  /** Higress `cluster_name` of a request (the `ai_cluster` label, what `_match_service_` matches). Default: none (`-`). */
  readonly cluster?: (request: Request) => string;
  /**
   * The clock in ms (default `Date.now`). In Workers `Date.now()` advances only across I/O, which
   * is where the times recorded here fall (headers, chunks, the end).
   */
  readonly now?: () => number;
  /**
   * Where each record goes, as one compact JSON line `{"ai_log":{…},…separate log fields}`.
   * Default `console.log(line)` (what Workers Logs and Logpush collect); `false`: none.
   */
  readonly logger?: RecordLogger | false;
  /** Called with every record (early and final), after the logger and the metrics. */
  readonly onRecord?: (record: AistatsRecord) => void | PromiseLike<unknown>;
  /** Counters and histograms for `metrics()` (default true); `false`: none kept. */
  readonly metrics?: boolean;
  /** Distinct label sets per metric before new ones go to one `other` series (default 1000). */
  readonly maxSeries?: number;
  /** Longest label value from traffic, in characters (default 256). */
  readonly maxLabelLength?: number;
  /**
   * OpenTelemetry: the GenAI histograms and one span per exchange. Default: through the providers
   * an OpenTelemetry SDK has registered globally for @opentelemetry/api 1.x, when one has (looked
   * up at each record, without importing the API); nothing when none has. The
   * `@opentelemetry/api` module itself (`import * as otel from "@opentelemetry/api"`) to use it
   * explicitly; `false`: none.
   */
  readonly opentelemetry?: OpenTelemetryApi | false;
  /**
   * Observe the request body (default true): the request the handler gets carries the body through
   * a tap (the request model and request attributes come from it). `false`: the request is passed
   * on as it came, and only its headers are seen.
   */
  readonly observeRequestBody?: boolean;
  /**
   * Where to keep a record's delivery alive when the handler has no `ctx.waitUntil` (say Vercel's
   * or Netlify's `waitUntil`). Default: none.
   */
  readonly waitUntil?: (promise: Promise<unknown>) => void;
  /** Where the first internal error (and the first failed async sink) is reported (default `console`). */
  readonly warn?: HostLogger;
  /** Configuration warnings (default: `console.warn` each). */
  readonly onWarning?: (warning: string) => void;
}

/** Per-exchange settings of `tapRequest` / `observe`. */
export interface ObserveOptions {
  /** Keeps the final record's delivery alive after the response is sent (a Workers ExecutionContext). */
  readonly ctx?: WaitUntilContext | undefined;
  /** This exchange's route name (else `options.route(request)`). */
  readonly route?: string;
  /** This exchange's cluster name (else `options.cluster(request)`). */
  readonly cluster?: string;
}

export interface AiStatistics {
  /**
   * Wraps a fetch handler: the handler gets the request with its body tapped, and its response goes
   * back to the runtime with its body tapped. What the handler throws is rethrown (the exchange is
   * recorded as aborted). With a Workers `ctx`, `ctx.waitUntil` keeps the final record alive.
   */
  wrap<Env = unknown, Ctx = unknown>(handler: FetchHandler<Env, Ctx>): (request: Request, env?: Env, ctx?: Ctx) => Promise<Response>;
  /**
   * Lower level, step one: starts recording an exchange and returns the request to forward (its
   * body tapped). Give its response to `observe` with this returned request — every exchange
   * started must be observed (or it stays open).
   */
  tapRequest(request: Request, options?: ObserveOptions): Request;
  /**
   * Lower level: the response to send, its body passed through a tap (same bytes, same chunks,
   * back-pressure kept, nothing buffered). `request` is the one `tapRequest` returned, or any
   * request (then only its headers are seen: its body has gone upstream already).
   */
  observe(request: Request, response: Response, options?: ObserveOptions): Response;
  /** The counters and histograms as Prometheus text (exposition format 0.0.4); "" without metrics. */
  metrics(): string;
  /** The Prometheus text's content type, for a `/metrics` response. */
  readonly metricsContentType: string;
  readonly recorder: Recorder;
  /** Stops keeping metrics. Exchanges still open keep working until they end. */
  close(): void;
}

/** The instrumentation scope of the histograms and spans. */
const SCOPE = "@aistats/edge";

const consoleLogger: RecordLogger = (line) => console.log(line);

const isThenable = (v: unknown): v is PromiseLike<unknown> => typeof v === "object" && v !== null && typeof (v as { then?: unknown }).then === "function";

/** One exchange as this host follows it. */
class EdgeExchange {
  status = 0;
  /** The OpenTelemetry context active when the exchange began: its span's parent. */
  parent: unknown = undefined;
  #pending: Array<PromiseLike<unknown>> | null = null;
  #resolve: (() => void) | null = null;
  /** Settles when the exchange has ended and every promise its sinks returned has settled. */
  readonly done: Promise<void> | null;

  constructor(
    readonly handle: ExchangeHandle,
    readonly path: string,
    keepAlive: ((promise: Promise<unknown>) => void) | null,
  ) {
    this.done = keepAlive === null || handle.ended ? null : new Promise<void>((resolve) => (this.#resolve = resolve));
    if (this.done !== null) keepAlive!(this.done);
  }

  keep(promise: PromiseLike<unknown>): void {
    (this.#pending ??= []).push(promise);
  }

  /** The handle has ended: release `done` once the sinks' promises have settled. */
  finish(): void {
    const resolve = this.#resolve;
    if (resolve === null || !this.handle.ended) return;
    this.#resolve = null;
    const pending = this.#pending;
    if (pending === null) resolve();
    else void Promise.allSettled(pending).then(() => resolve());
  }
}

function pathOf(url: string): string {
  try {
    const u = new URL(url);
    return `${u.pathname}${u.search}`;
  } catch {
    return url;
  }
}

function authorityOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return "";
  }
}

/**
 * One factory per isolate or process (it owns one recorder and its fixed arena). Throws
 * AistatsConfigError (message starting with the field path) on a rejected configuration or option.
 */
export function createAiStatistics(config?: ConfigInput, options: EdgeOptions = {}): AiStatistics {
  optionsObject(options);
  const route = functionOption(options.route, "options.route");
  const cluster = functionOption(options.cluster, "options.cluster");
  const now = functionOption(options.now, "options.now");
  const onRecord = functionOption(options.onRecord, "options.onRecord");
  const waitUntil = functionOption(options.waitUntil, "options.waitUntil");
  const maxSeries = intOption(options.maxSeries, "options.maxSeries", DEFAULT_SERIES_LIMITS.maxSeries, 1);
  const maxLabelLength = intOption(options.maxLabelLength, "options.maxLabelLength", DEFAULT_SERIES_LIMITS.maxLabelLength, 1);
  const logger = options.logger === undefined ? consoleLogger : options.logger;
  if (logger !== false && typeof logger !== "function") throw new AistatsConfigError("options.logger: expected a function (line, record) or false");
  const api = options.opentelemetry;
  if (api !== undefined && api !== false && (typeof api !== "object" || api === null || typeof api.metrics?.getMeter !== "function" || typeof api.trace?.getTracer !== "function")) {
    throw new AistatsConfigError("options.opentelemetry: expected the @opentelemetry/api module (import * as otel from \"@opentelemetry/api\") or false");
  }
  const observeRequestBody = options.observeRequestBody !== false;
  const clock = now ?? Date.now;

  let warned = false;
  const sinkFailed = (error: unknown): void => {
    if (warned) return;
    warned = true;
    const message = "aistats: a record sink's promise was rejected (reported once; the traffic is not affected)";
    try {
      if (options.warn !== undefined) options.warn.warn(message, error);
      else console.warn(message, error);
    } catch {
      // a logger that throws is not the request's problem
    }
  };

  const exchanges = new WeakMap<ExchangeHandle, EdgeExchange>();
  const requests = new WeakMap<Request, EdgeExchange>();
  let metrics: EdgeMetrics | null = null;
  let otel: (() => GenAiTelemetry | null) | null = null;

  const recorder = createRecorder(config, {
    ...(now === undefined ? {} : { now }),
    ...(options.warn === undefined ? {} : { logger: options.warn }),
    onWarning: options.onWarning ?? ((w) => console.warn(`aistats: configuration warning: ${w}`)),
    onRecord(record, handle) {
      // A sink that throws fails this exchange's recording open (counted as host_error), never the request.
      const x = exchanges.get(handle);
      if (record.final) {
        metrics?.add(record, x?.path ?? "", x?.status ?? 0);
        otel?.()?.record(record, x?.path ?? "", x?.status ?? 0, clock(), x?.parent);
      }
      for (const sink of [logger === false ? null : () => logger(recordLine(record), record), onRecord === undefined ? null : () => onRecord(record)]) {
        if (sink === null) continue;
        const out = sink();
        if (isThenable(out)) x?.keep(Promise.resolve(out).catch(sinkFailed));
      }
    },
  });
  if (options.metrics !== false) metrics = new EdgeMetrics(recorder, { maxSeries, maxLabelLength });
  if (api === undefined) {
    const global = new GlobalTelemetry(SCOPE, recorder.settings.otelSemconv);
    otel = () => global.current();
  } else if (api !== false) {
    const explicit = new GenAiTelemetry(api, SCOPE, recorder.settings.otelSemconv);
    otel = () => explicit;
  }

  const begin = (request: Request, o: ObserveOptions | undefined): EdgeExchange => {
    let r = o?.route;
    let c = o?.cluster;
    try {
      r ??= route?.(request);
      c ??= cluster?.(request);
    } catch {
      // a naming function that throws: the exchange is recorded without names
    }
    const path = pathOf(request.url);
    const handle = recorder.start({ method: request.method, path, authority: authorityOf(request.url), headers: request.headers, route: String(r ?? ""), cluster: String(c ?? "") });
    const ctx = o?.ctx;
    const keepAlive = ctx !== undefined && ctx !== null && typeof ctx.waitUntil === "function" ? (p: Promise<unknown>) => ctx.waitUntil(p) : (waitUntil ?? null);
    const x = new EdgeExchange(handle, path, keepAlive);
    if (!handle.ended) {
      exchanges.set(handle, x);
      if (otel !== null) x.parent = activeContext(api === false ? undefined : api);
    }
    return x;
  };

  /** Calls into a handle never throw; what follows them here must not either. */
  const ending = (x: EdgeExchange, how: () => void): void => {
    try {
      how();
    } finally {
      x.finish();
    }
  };

  const tapRequest = (request: Request, o?: ObserveOptions): Request => {
    const x = begin(request, o);
    let out = request;
    if (!x.handle.ended && observeRequestBody && request.body !== null) {
      const h = x.handle;
      try {
        const body = tapBody(request.body, {
          chunk: (bytes) => h.requestChunk(bytes),
          end: () => h.requestEnd(),
          cancel: () => {}, // the handler stopped reading: the response says how the exchange went
          error: () => {}, // the client's upload failed: so will the handler, and its response says so
        });
        out = new Request(request, { body, duplex: "half" } as RequestInit);
      } catch {
        out = request; // a runtime that cannot build the request: pass the original on (the tap never read it)
      }
    }
    requests.set(out, x);
    return out;
  };

  const observe = (request: Request, response: Response, o?: ObserveOptions): Response => {
    const x = requests.get(request) ?? begin(request, o);
    requests.delete(request);
    const h = x.handle;
    if (h.ended) {
      x.finish();
      return response;
    }
    try {
      x.status = response.status;
      h.responseStart(response.status, response.headers);
      const body = response.body;
      // No body, or a WebSocket upgrade (the runtime's own object; nothing to tap): over now.
      if (body === null || response.status === 101 || (response as { webSocket?: unknown }).webSocket != null) {
        ending(x, () => h.responseEnd());
        return response;
      }
      const tapped = tapBody(body, {
        chunk: (bytes) => h.responseChunk(bytes),
        end: () => ending(x, () => h.responseEnd()),
        cancel: () => ending(x, () => h.abort("client closed")),
        error: (error) => ending(x, () => h.abort(error)),
      });
      return new Response(tapped, response);
    } catch (error) {
      // A response the runtime would not rebuild: it goes out as it came, unrecorded from here on.
      ending(x, () => h.abort(error));
      return response;
    }
  };

  return {
    wrap<Env, Ctx>(handler: FetchHandler<Env, Ctx>) {
      if (typeof handler !== "function") throw new AistatsConfigError(`wrap: expected a fetch handler function, got ${typeof handler}`);
      return async (request: Request, env?: Env, ctx?: Ctx): Promise<Response> => {
        const c = ctx as WaitUntilContext | undefined;
        const tapped = tapRequest(request, { ctx: c !== undefined && c !== null && typeof c.waitUntil === "function" ? c : undefined });
        let response: Response;
        try {
          response = await handler(tapped, env as Env, ctx as Ctx);
        } catch (error) {
          const x = requests.get(tapped);
          requests.delete(tapped);
          if (x !== undefined) ending(x, () => x.handle.abort(error));
          throw error;
        }
        return observe(tapped, response);
      };
    },
    tapRequest,
    observe,
    metrics: () => metrics?.text() ?? "",
    metricsContentType: PROMETHEUS_CONTENT_TYPE,
    recorder,
    close() {
      metrics = null;
    },
  };
}
