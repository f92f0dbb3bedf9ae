// The edge host's metrics, rendered as Prometheus text: the Higress counters as Higress exports
// them (`route_upstream_model_consumer_metric_<m>{ai_route,ai_cluster,ai_model,ai_consumer}`),
// `aistats_dropped_total{reason}`, and the OpenTelemetry GenAI histograms under the names the
// OpenTelemetry Prometheus exporter gives them (dots → underscores, seconds → `_seconds`), all
// with the Node host's label caps.
import { COUNTER_METRICS, GEN_AI_HISTOGRAMS, SERIES_DROP, SeriesLimit, genAiView, type AistatsRecord, type GenAiHistogramName, type Recorder, type SeriesLimits } from "@aistats/host";
import { CounterFamily, HistogramFamily, PrometheusText } from "./prometheus-text.js";

const LABELS = ["ai_route", "ai_cluster", "ai_model", "ai_consumer"];

/** `gen_ai.client.operation.duration` (unit s) → `gen_ai_client_operation_duration_seconds`. */
function promName(name: string, unit: string): string {
  const base = name.replace(/[^a-zA-Z0-9_]/g, "_");
  return unit === "s" ? `${base}_seconds` : base;
}

export class EdgeMetrics {
  readonly #registry = new PrometheusText();
  readonly #counters = new Map<string, CounterFamily>();
  readonly #histograms = new Map<GenAiHistogramName, HistogramFamily>();
  readonly #series = new SeriesLimit();
  readonly #limits: SeriesLimits;
  readonly #semconv: string;

  constructor(recorder: Recorder, limits: SeriesLimits) {
    this.#limits = limits;
    this.#semconv = recorder.settings.otelSemconv;
    for (const m of COUNTER_METRICS) {
      const help = `Higress ai-statistics counter ${m} (route.<route>.upstream.<cluster>.model.<model>.consumer.<consumer>.metric.${m})`;
      this.#counters.set(m, this.#registry.add(new CounterFamily(`route_upstream_model_consumer_metric_${m}`, help)));
    }
    const dropped = this.#registry.add(new CounterFamily("aistats_dropped_total", "What aistats could not record, by reason (the traffic was not affected)"));
    dropped.collect = () => {
      const out: Array<[Record<string, string>, number]> = Object.entries(recorder.drops()).map(([reason, n]) => [{ reason }, n]);
      if (this.#series.overflowed > 0) out.push([{ reason: SERIES_DROP }, this.#series.overflowed]);
      return out;
    };
    for (const [name, h] of Object.entries(GEN_AI_HISTOGRAMS) as Array<[GenAiHistogramName, (typeof GEN_AI_HISTOGRAMS)[GenAiHistogramName]]>) {
      this.#histograms.set(name, this.#registry.add(new HistogramFamily(promName(name, h.unit), `${h.description} (${name})`, h.buckets)));
    }
  }

  /** One final record: its counters, and its GenAI histogram points (`path` and `status` say which operation and whether it failed). */
  add(record: AistatsRecord, path: string, status: number): void {
    for (const c of record.counters) {
      this.#counters.get(c.metric)?.inc(this.#series.labels(c.metric, LABELS, [c.route, c.cluster, c.model, c.consumer], this.#limits), c.value);
    }
    for (const p of genAiView(record, path, status, this.#semconv).points) {
      const names = Object.keys(p.attributes).sort();
      const labels = this.#series.labels(
        p.histogram,
        names.map((n) => n.replace(/[^a-zA-Z0-9_]/g, "_")),
        names.map((n) => String(p.attributes[n])),
        this.#limits,
      );
      this.#histograms.get(p.histogram)?.observe(labels, p.value);
    }
  }

  text(): string {
    return this.#registry.text();
  }
}
