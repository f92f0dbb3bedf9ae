// Statistics for the gateway, wired on @aistats/host directly: one recorder (one arena) per gateway,
// one handle per proxied request, each record's ai_log as one JSON line, the Higress counters in
// Prometheus form (route_upstream_model_consumer_metric_<metric>{ai_route,ai_cluster,ai_model,ai_consumer})
// and aistats_dropped_total{reason} in a prom-client registry.
import { AistatsConfigError, type AistatsRecord, type ConfigInput, createRecorder, type ExchangeHandle, type ExchangeInit, type Recorder } from "@aistats/host";
import { Counter, Registry } from "prom-client";
import { GatewayConfigError } from "./config.js";

const METRICS = [
  "input_token",
  "output_token",
  "total_token",
  "llm_first_token_duration",
  "llm_stream_duration_count",
  "llm_service_duration",
  "llm_duration_count",
] as const;

/** Longest label value taken from traffic (the model, the consumer); longer ones are cut. */
const MAX_LABEL = 256;

export interface StatisticsOptions {
  /** Where each record's log line goes (default: stdout, one line each). */
  log?: (line: string, record: AistatsRecord) => void;
  onWarning?: (warning: string) => void;
}

export class Statistics {
  readonly registry = new Registry();
  readonly recorder: Recorder;
  readonly #counters = new Map<string, Counter<"ai_route" | "ai_cluster" | "ai_model" | "ai_consumer">>();

  constructor(config: unknown, options: StatisticsOptions = {}) {
    const log = options.log ?? ((line: string) => process.stdout.write(line + "\n"));
    try {
      this.recorder = createRecorder(config as ConfigInput, {
        onRecord: (record) => {
          log(record.logText, record);
          for (const c of record.counters) {
            this.#counters.get(c.metric)?.inc(
              {
                ai_route: (c.route || "-").slice(0, MAX_LABEL),
                ai_cluster: (c.cluster || "-").slice(0, MAX_LABEL),
                ai_model: (c.model || "-").slice(0, MAX_LABEL),
                ai_consumer: (c.consumer || "none").slice(0, MAX_LABEL),
              },
              c.value,
            );
          }
        },
        onWarning: options.onWarning ?? ((w) => console.warn(`aistats-gateway: statistics: ${w}`)),
      });
    } catch (e) {
      if (e instanceof AistatsConfigError) throw new GatewayConfigError(e.field ? `statistics.${e.field}` : "statistics", e.message.startsWith(e.field + ":") && e.field ? e.message.slice(e.field.length + 1).trim() : e.message);
      throw e;
    }
    for (const m of METRICS) {
      this.#counters.set(
        m,
        new Counter({
          name: `route_upstream_model_consumer_metric_${m}`,
          help: `aistats: Higress ai-statistics counter route.<route>.upstream.<cluster>.model.<model>.consumer.<consumer>.metric.${m}`,
          labelNames: ["ai_route", "ai_cluster", "ai_model", "ai_consumer"],
          registers: [this.registry],
        }),
      );
    }
    const recorder = this.recorder;
    new Counter({
      name: "aistats_dropped_total",
      help: "aistats: what could not be recorded, by reason",
      labelNames: ["reason"],
      registers: [this.registry],
      collect() {
        this.reset();
        for (const [reason, n] of Object.entries(recorder.drops())) this.inc({ reason }, n);
      },
    });
  }

  start(init: ExchangeInit): ExchangeHandle {
    return this.recorder.start(init);
  }
}
