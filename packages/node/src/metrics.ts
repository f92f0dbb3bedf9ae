// The Higress counters in Prometheus form, as Higress exports them
// (`route_upstream_model_consumer_metric_<m>{ai_route,ai_cluster,ai_model,ai_consumer}`), and
// `aistats_dropped_total{reason}`, on a prom-client 15 registry. One set of metric objects per
// registry, shared by every factory that uses it (a second createAiStatistics on the same registry
// adds to the same counters instead of failing on a duplicate name).
import { COUNTER_METRICS, SERIES_DROP, SeriesLimit, type AistatsCounter, type Recorder, type SeriesLimits } from "@aistats/host";
import type { Counter, Registry } from "prom-client";


const LABELS = ["ai_route", "ai_cluster", "ai_model", "ai_consumer"] as const;

/** The prom-client module (a peer dependency), as the factory is given it. */
export interface PromClient {
  readonly Counter: typeof Counter;
  readonly register: Registry;
}

export type MetricsLimits = SeriesLimits;

class RegistryMetrics {
  readonly counters = new Map<string, Counter<string>>();
  readonly series = new SeriesLimit();
  readonly sources = new Set<Recorder>();
  /** Totals of recorders that were closed, so the counter never goes back. */
  readonly retired = new Map<string, number>();

  constructor(prom: PromClient, registry: Registry) {
    for (const m of COUNTER_METRICS) {
      const name = `route_upstream_model_consumer_metric_${m}`;
      const existing = registry.getSingleMetric(name) as Counter<string> | undefined;
      this.counters.set(
        m,
        existing ??
          new prom.Counter({ name, help: `Higress ai-statistics counter ${m} (route.<route>.upstream.<cluster>.model.<model>.consumer.<consumer>.metric.${m})`, labelNames: [...LABELS], registers: [registry] }),
      );
    }
    const totals = (): Map<string, number> => this.dropTotals();
    if (registry.getSingleMetric("aistats_dropped_total") === undefined) {
      new prom.Counter({
        name: "aistats_dropped_total",
        help: "What aistats could not record, by reason (the traffic was not affected)",
        labelNames: ["reason"],
        registers: [registry],
        collect(this: Counter<string>) {
          this.reset();
          for (const [reason, value] of totals()) if (value > 0 || reason !== SERIES_DROP) this.inc({ reason }, value);
        },
      });
    }
  }

  dropTotals(): Map<string, number> {
    const out = new Map<string, number>(this.retired);
    out.set(SERIES_DROP, 0);
    for (const r of this.sources) for (const [reason, value] of Object.entries(r.drops())) out.set(reason, (out.get(reason) ?? 0) + value);
    out.set(SERIES_DROP, (out.get(SERIES_DROP) ?? 0) + this.series.overflowed);
    return out;
  }
}

const byRegistry = new WeakMap<Registry, RegistryMetrics>();

/** Feeds one recorder's final records into a registry's counters. */
export class Metrics {
  readonly #m: RegistryMetrics;
  readonly #limits: MetricsLimits;
  readonly #recorder: Recorder;

  constructor(prom: PromClient, registry: Registry, recorder: Recorder, limits: MetricsLimits) {
    let m = byRegistry.get(registry);
    if (m === undefined) {
      m = new RegistryMetrics(prom, registry);
      byRegistry.set(registry, m);
    }
    this.#m = m;
    this.#limits = limits;
    this.#recorder = recorder;
    m.sources.add(recorder);
  }

  add(c: AistatsCounter): void {
    const counter = this.#m.counters.get(c.metric);
    if (counter === undefined) return;
    counter.inc(this.#m.series.labels(c.metric, LABELS, [c.route, c.cluster, c.model, c.consumer], this.#limits), c.value);
  }

  /** The recorder is closed: its drop totals stay in the counter. */
  close(): void {
    const m = this.#m;
    if (!m.sources.delete(this.#recorder)) return;
    for (const [reason, value] of Object.entries(this.#recorder.drops())) m.retired.set(reason, (m.retired.get(reason) ?? 0) + value);
  }
}
