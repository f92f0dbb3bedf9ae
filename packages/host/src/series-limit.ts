// Label caps for metrics fed from traffic (model and consumer names come from requests, so a
// client could otherwise create series without end): each value is cut to a length, and each
// metric keeps at most so many distinct label sets; a new set beyond that goes to one series whose
// every label is `other`, counted as aistats_dropped_total{reason="metric_series"}. The Node and
// edge hosts use the same limits.

/** The label value of the overflow series. */
export const OVERFLOW_LABEL = "other";
/** The drop reason of a label set that went to the overflow series. */
export const SERIES_DROP = "metric_series";

export interface SeriesLimits {
  /** Distinct label sets per metric before new ones go to the `other` series (default 1000). */
  readonly maxSeries: number;
  /** Longest label value kept, in UTF-16 code units (default 256). */
  readonly maxLabelLength: number;
}

export const DEFAULT_SERIES_LIMITS: SeriesLimits = Object.freeze({ maxSeries: 1000, maxLabelLength: 256 });

/** A label value cut to `max` UTF-16 code units (never splitting a surrogate pair). */
export function cutLabel(value: string, max: number): string {
  if (value.length <= max) return value;
  const last = value.charCodeAt(max - 1);
  return value.slice(0, last >= 0xd800 && last <= 0xdbff ? max - 1 : max);
}

/** The label sets seen per metric (one per registry: every factory feeding it shares them). */
export class SeriesLimit {
  readonly #seen = new Map<string, Set<string>>();
  /** Label sets sent to the overflow series so far. */
  overflowed = 0;

  /**
   * The labels to use for one observation of `metric`: the values cut, or every label `other`
   * when the metric already has maxSeries other label sets. Label names in the given order.
   */
  labels(metric: string, names: readonly string[], values: readonly string[], limits: SeriesLimits): Record<string, string> {
    const out: Record<string, string> = {};
    const cut = values.map((v) => cutLabel(v, limits.maxLabelLength));
    const key = cut.join("\u0000");
    let seen = this.#seen.get(metric);
    if (seen === undefined) this.#seen.set(metric, (seen = new Set()));
    let overflow = false;
    if (!seen.has(key)) {
      if (seen.size >= limits.maxSeries) overflow = true;
      else seen.add(key);
    }
    if (overflow) this.overflowed++;
    for (let i = 0; i < names.length; i++) out[names[i]!] = overflow ? OVERFLOW_LABEL : cut[i]!;
    return out;
  }
}
