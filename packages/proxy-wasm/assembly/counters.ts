// Counters by name, each defined with the host once and its id cached: Envoy hands out a new id on
// every proxy_define_metric call, even for a name it already has (as Higress's plugin does, we
// define lazily and keep the id).
//
// Envoy keeps every metric a plugin defines for the VM's life, and the model and consumer labels
// come from requests, so the label sets are capped: at most MAX_SERIES distinct
// route/upstream/model/consumer sets get counters of their own; the counters of any later set go
// to the `other` series (every label `other`), and each such increment is counted as
// `aistats_dropped_total.reason.metric_series` — the Node and edge hosts' label cap and drop reason.
// So the id map and Envoy's metrics stop growing at MAX_SERIES × the number of metrics.
import { defineCounter, incrementCounter } from "./host";

/** Distinct route/upstream/model/consumer label sets with counters of their own (per VM). */
export const MAX_SERIES: i32 = 100;
/** The prefix of the overflow series' counter names. */
export const OVERFLOW_SERIES = "route.other.upstream.other.model.other.consumer.other.metric.";
export const SERIES_DROP_COUNTER = "aistats_dropped_total.reason.metric_series";

export class Counters {
  private readonly ids: Map<string, i32> = new Map<string, i32>();
  private readonly series: Set<string> = new Set<string>();

  /** Adds `delta` (rounded; Envoy refuses increments ≤ 0, so those are skipped). */
  add(name: string, delta: f64): void {
    const n = <i64>Math.round(delta);
    if (n <= 0) return;
    let id: i32 = -1;
    if (this.ids.has(name)) id = this.ids.get(name);
    else {
      id = defineCounter(name);
      if (id < 0) return;
      this.ids.set(name, id);
    }
    incrementCounter(id, n);
  }

  /**
   * true when the label set `key` (route, upstream, model and consumer joined) has its own
   * counters: it was seen before, or fewer than MAX_SERIES sets were.
   */
  admit(key: string): bool {
    if (this.series.has(key)) return true;
    if (this.series.size >= MAX_SERIES) return false;
    this.series.add(key);
    return true;
  }

  /** One record's counter increment: to `name`, or to the overflow series when its label set was not admitted. */
  addSeries(admitted: bool, name: string, metric: string, delta: f64): void {
    if (admitted) {
      this.add(name, delta);
      return;
    }
    if (<i64>Math.round(delta) <= 0) return;
    this.add(OVERFLOW_SERIES + metric, delta);
    this.add(SERIES_DROP_COUNTER, 1);
  }
}
