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
  /**
   * false: statistics off — no recorder, no arena, no records or counters; the gateway proxies
   * without feeding anything (the baseline `pnpm bench load` compares against). Default true.
   */
  enabled?: boolean;
  /** Where each record's log line goes (default: stdout, one line each). */
  log?: (line: string, record: AistatsRecord) => void;
  onWarning?: (warning: string) => void;
}

export class Statistics {
  readonly registry = new Registry();
  /** null when statistics are off (`enabled: false`). */
  readonly stats: AiStatistics | null = null;

  constructor(config: unknown, options: StatisticsOptions = {}) {
    if (options.enabled === false) return;
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

  get enabled(): boolean {
    return this.stats !== null;
  }

  /** An exchange handle; null when statistics are off (nothing to feed). */
  start(init: ExchangeInit): ExchangeHandle | null {
    return this.stats === null ? null : this.stats.observeExchange(init);
  }

  close(): void {
    this.stats?.close();
  }
}
