// Statistics for the gateway, on @aistats/node: one createAiStatistics (one recorder, one arena) per
// gateway; the gateway proxies by hand (undici), so each proxied request gets one exchange handle
// from observeExchange and is fed the request and response bytes as they pass. Each record is one
// JSON line (`{"ai_log":{…},…separate log fields}`); the Higress counters in Prometheus form
// (route_upstream_model_consumer_metric_<metric>{ai_route,ai_cluster,ai_model,ai_consumer}) and
// aistats_dropped_total{reason} go into the gateway's own prom-client registry.
import type { ExchangeHandle, ExchangeInit } from "@aistats/host";
import { AistatsConfigError, type AiStatistics, type AistatsRecord, type ConfigInput, createAiStatistics } from "@aistats/node";
import { Registry } from "prom-client";
import { GatewayConfigError } from "./config.js";

export interface StatisticsOptions {
  /** Where each record's log line goes (default: stdout, one line each). */
  log?: (line: string, record: AistatsRecord) => void;
  onWarning?: (warning: string) => void;
}

export class Statistics {
  readonly registry = new Registry();
  readonly stats: AiStatistics;

  constructor(config: unknown, options: StatisticsOptions = {}) {
    const log = options.log ?? ((line: string) => process.stdout.write(line + "\n"));
    try {
      this.stats = createAiStatistics(config as ConfigInput, {
        registry: this.registry,
        logger: false,
        onRecord: (record) => log(JSON.stringify({ ai_log: record.log, ...record.logFields }), record),
        onWarning: options.onWarning ?? ((w) => console.warn(`aistats-gateway: statistics: ${w}`)),
      });
    } catch (e) {
      if (e instanceof AistatsConfigError) {
        const field = e.field;
        const rest = field && e.message.startsWith(field + ":") ? e.message.slice(field.length + 1).trim() : e.message;
        throw new GatewayConfigError(field ? `statistics.${field}` : "statistics", rest);
      }
      throw e;
    }
  }

  start(init: ExchangeInit): ExchangeHandle {
    return this.stats.observeExchange(init);
  }

  close(): void {
    this.stats.close();
  }
}
