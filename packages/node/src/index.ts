// @aistats/node: Higress-compatible LLM traffic statistics for Node.js servers, on @aistats/host.
// See README.md.
import type { IncomingMessage, ServerResponse } from "node:http";
import {
  AistatsConfigError,
  createRecorder,
  functionOption,
  intOption,
  optionsObject,
  type AistatsRecord,
  type GenAiTelemetry,
  type ConfigInput,
  type ExchangeHandle,
  type ExchangeInit,
  type HostLogger,
  type Recorder,
} from "@aistats/host";
import * as prom from "prom-client";
import type { Registry } from "prom-client";
import { fastifyPlugin, type FastifyPlugin } from "./fastify.js";
import { Metrics } from "./metrics.js";
import { activeContext, nodeTelemetry } from "./otel.js";
import { watch } from "./observe.js";

export { AistatsConfigError };
export type { FastifyLike, FastifyPlugin } from "./fastify.js";
export type { AistatsCounter, AistatsRecord, ConfigInput, ExchangeHandle, ExchangeInit, Recorder, RecorderStats } from "@aistats/host";

/** Anything with pino's `info(obj)` shape. */
export interface RecordLogger {
  info(obj: object): void;
}

export interface AiStatisticsOptions {
  /** Higress `route_name` of a request (the `ai_route` label, what `_match_route_` matches). Default: none (`-`). */
  readonly route?: (req: IncomingMessage) => string;
  /** Higress `cluster_name` of a request (the `ai_cluster` label, what `_match_service_` matches). Default: none (`-`). */
  readonly cluster?: (req: IncomingMessage) => string;
  /** The clock in ms (default `Date.now`), passed to the recorder. */
  readonly now?: () => number;
  /**
   * Where each record goes: `logger.info({ ai_log: record.log, ...record.logFields })`. Default:
   * one compact JSON line per record on stdout (`{"ai_log":{…},…separate log fields}`); `false`: none.
   */
  readonly logger?: RecordLogger | false;
  /** Called with every record (early and final), after the logger and the metrics. */
  readonly onRecord?: (record: AistatsRecord, handle: ExchangeHandle) => void;
  /** A prom-client 15 Registry for the counters (default prom-client's global `register`); `false`: no metrics. */
  readonly registry?: Registry | false;
  /** Distinct label sets per metric before new ones go to one `other` series (default 1000). */
  readonly maxSeries?: number;
  /** Longest label value from traffic, in characters (default 256). */
  readonly maxLabelLength?: number;
  /** No request or response bytes for this many ms → the exchange ends as aborted ("idle"). Default 0: none. */
  readonly idleTimeoutMs?: number;
  /**
   * OpenTelemetry through @opentelemetry/api (a no-op until an SDK is registered): the GenAI
   * histograms and one span per exchange (default true); `false`: none.
   */
  readonly otel?: boolean;
  /** Where the first internal error is reported (default `console`). */
  readonly warn?: HostLogger;
  /** Configuration warnings (default: `console.warn` each). */
  readonly onWarning?: (warning: string) => void;
}

/** What observeExchange takes: @aistats/host's ExchangeInit (method, path, authority, headers, route, cluster). */
export type ObserveExchangeInit = ExchangeInit;

export interface AiStatistics {
  /** Connect-style middleware for node:http and Express 5. */
  middleware(req: IncomingMessage, res: ServerResponse, next?: (error?: unknown) => void): void;
  /**
   * The Fastify 5 plugin (made with fastify-plugin, so not encapsulated): `app.register(stats.fastify)`.
   * Observes request.raw / reply.raw from an onRequest hook, whatever the handler sends.
   */
  readonly fastify: FastifyPlugin;
  /** The same as the middleware without `next`, for code that proxies by hand with node:http objects. */
  observe(req: IncomingMessage, res: ServerResponse): void;
  /**
   * A bare @aistats/host handle for proxies without a node:http response (undici, fetch,
   * http-proxy, pipeline): feed it requestChunk / requestEnd / responseStart / responseChunk and
   * end it with responseEnd or abort — every handle must end.
   */
  observeExchange(init: ObserveExchangeInit): ExchangeHandle;
  /** The Prometheus text of the registry in use (prom-client's `registry.metrics()`), "" without metrics. */
  metrics(): Promise<string>;
  /** The registry's content type (for a `/metrics` endpoint). */
  readonly metricsContentType: string;
  /** Releases the recorder (its drop totals stay in the counters). Exchanges still open keep working until they end. */
  close(): void;
  readonly recorder: Recorder;
}

const stdoutLogger: RecordLogger = {
  info(obj) {
    process.stdout.write(`${JSON.stringify(obj)}\n`);
  },
};

/**
 * One factory per process (it owns one recorder and its fixed arena). Throws AistatsConfigError
 * (message starting with the field path) on a rejected configuration or option.
 */
export function createAiStatistics(config?: ConfigInput, options: AiStatisticsOptions = {}): AiStatistics {
  optionsObject(options);
  const route = functionOption(options.route, "options.route");
  const cluster = functionOption(options.cluster, "options.cluster");
  const now = functionOption(options.now, "options.now");
  const onRecord = functionOption(options.onRecord, "options.onRecord");
  const maxSeries = intOption(options.maxSeries, "options.maxSeries", 1000, 1);
  const maxLabelLength = intOption(options.maxLabelLength, "options.maxLabelLength", 256, 1);
  const idleTimeoutMs = intOption(options.idleTimeoutMs, "options.idleTimeoutMs", 0, 0);
  const logger = options.logger === undefined ? stdoutLogger : options.logger;
  if (logger !== false && (typeof logger !== "object" || logger === null || typeof logger.info !== "function")) {
    throw new AistatsConfigError("options.logger: expected an object with info(obj) (pino's shape) or false");
  }
  const registry = options.registry === undefined ? prom.register : options.registry;
  if (registry !== false && (typeof registry !== "object" || registry === null || typeof registry.metrics !== "function")) {
    throw new AistatsConfigError("options.registry: expected a prom-client Registry or false");
  }

  let metrics: Metrics | null = null;
  let otel: GenAiTelemetry | null = null;
  const clock = now ?? Date.now;
  /** What the OpenTelemetry view of an exchange needs besides its record. */
  const exchanges = new WeakMap<ExchangeHandle, { readonly path: string; readonly res: ServerResponse | null; readonly context: unknown }>();
  const recorder = createRecorder(config, {
    ...(now === undefined ? {} : { now }),
    ...(options.warn === undefined ? {} : { logger: options.warn }),
    onWarning: options.onWarning ?? ((w) => console.warn(`aistats: configuration warning: ${w}`)),
    onRecord(record, handle) {
      // A sink that throws fails this exchange's recording open (counted as host_error), never the request.
      if (record.final && metrics !== null) for (const c of record.counters) metrics.add(c);
      if (record.final && otel !== null) {
        const x = exchanges.get(handle);
        otel.record(record, x?.path ?? "", x?.res?.statusCode ?? 0, clock(), x?.context);
      }
      if (logger !== false) logger.info({ ai_log: record.log, ...record.logFields });
      onRecord?.(record, handle);
    },
  });
  if (registry !== false) metrics = new Metrics(prom, registry, recorder, { maxSeries, maxLabelLength });
  if (options.otel !== false) otel = nodeTelemetry(recorder.settings.otelSemconv);

  const start = (req: IncomingMessage, res: ServerResponse): ExchangeHandle => {
    let r = "";
    let c = "";
    try {
      r = route?.(req) ?? "";
      c = cluster?.(req) ?? "";
    } catch {
      // a naming function that throws: the exchange is recorded without names
    }
    const handle = recorder.start({ method: req.method ?? "GET", path: req.url ?? "/", headers: req.headers, route: String(r), cluster: String(c) });
    if (otel !== null && !handle.ended) exchanges.set(handle, { path: req.url ?? "/", res, context: activeContext() });
    return handle;
  };
  const observe = (req: IncomingMessage, res: ServerResponse): void => {
    try {
      watch(start(req, res), req, res, { idleTimeoutMs });
    } catch {
      // fail open: the request goes on unobserved
    }
  };

  return {
    middleware(req, res, next) {
      observe(req, res);
      next?.();
    },
    observe,
    fastify: fastifyPlugin(observe),
    observeExchange(init) {
      const handle = recorder.start({ ...init });
      if (otel !== null && !handle.ended) exchanges.set(handle, { path: init.path ?? "", res: null, context: activeContext() });
      return handle;
    },
    async metrics() {
      return registry === false ? "" : registry.metrics();
    },
    metricsContentType: registry === false ? "text/plain; version=0.0.4; charset=utf-8" : registry.contentType,
    close() {
      metrics?.close();
      metrics = null;
    },
    recorder,
  };
}
