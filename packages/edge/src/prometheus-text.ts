// Counters and histograms in the Prometheus text exposition format (version 0.0.4), without
// prom-client (which needs Node built-ins): what a `/metrics` handler in a long-lived Deno, Bun or
// Node server returns. Series are kept in maps keyed by their label values; the caps on how many
// there may be are the caller's (SeriesLimit).

export const PROMETHEUS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

type Labels = Readonly<Record<string, string>>;

const escapeLabel = (v: string): string => v.replace(/\\/g, "\\\\").replace(/\n/g, "\\n").replace(/"/g, '\\"');
const escapeHelp = (v: string): string => v.replace(/\\/g, "\\\\").replace(/\n/g, "\\n");

function labelText(labels: Labels, extra?: string): string {
  const parts = Object.keys(labels).map((k) => `${k}="${escapeLabel(labels[k]!)}"`);
  if (extra !== undefined) parts.push(extra);
  return parts.length === 0 ? "" : `{${parts.join(",")}}`;
}

/** A number as Prometheus reads it (Go's ParseFloat: `+Inf`, `NaN`, exponents). */
function valueText(v: number): string {
  if (v === Infinity) return "+Inf";
  if (v === -Infinity) return "-Inf";
  return String(v);
}

abstract class Family {
  constructor(
    readonly name: string,
    readonly help: string,
  ) {}
  abstract readonly type: string;
  abstract lines(out: string[]): void;
  text(out: string[]): void {
    out.push(`# HELP ${this.name} ${escapeHelp(this.help)}`, `# TYPE ${this.name} ${this.type}`);
    this.lines(out);
  }
}

export class CounterFamily extends Family {
  readonly type = "counter";
  readonly #series = new Map<string, { labels: Labels; value: number }>();
  /** Series rendered from a callback at scrape time (aistats_dropped_total reads the recorders then). */
  collect: (() => ReadonlyArray<readonly [Labels, number]>) | null = null;

  inc(labels: Labels, value: number): void {
    const key = labelText(labels);
    const s = this.#series.get(key);
    if (s === undefined) this.#series.set(key, { labels, value });
    else s.value += value;
  }

  lines(out: string[]): void {
    for (const s of this.#series.values()) out.push(`${this.name}${labelText(s.labels)} ${valueText(s.value)}`);
    if (this.collect !== null) for (const [labels, value] of this.collect()) out.push(`${this.name}${labelText(labels)} ${valueText(value)}`);
  }
}

export class HistogramFamily extends Family {
  readonly type = "histogram";
  readonly #buckets: readonly number[];
  readonly #series = new Map<string, { labels: Labels; counts: number[]; sum: number; count: number }>();

  constructor(name: string, help: string, buckets: readonly number[]) {
    super(name, help);
    this.#buckets = buckets;
  }

  observe(labels: Labels, value: number): void {
    const key = labelText(labels);
    let s = this.#series.get(key);
    if (s === undefined) this.#series.set(key, (s = { labels, counts: this.#buckets.map(() => 0), sum: 0, count: 0 }));
    for (let i = 0; i < this.#buckets.length; i++) if (value <= this.#buckets[i]!) s.counts[i]!++;
    s.sum += value;
    s.count++;
  }

  lines(out: string[]): void {
    for (const s of this.#series.values()) {
      for (let i = 0; i < this.#buckets.length; i++) out.push(`${this.name}_bucket${labelText(s.labels, `le="${valueText(this.#buckets[i]!)}"`)} ${s.counts[i]}`);
      out.push(`${this.name}_bucket${labelText(s.labels, 'le="+Inf"')} ${s.count}`);
      out.push(`${this.name}_sum${labelText(s.labels)} ${valueText(s.sum)}`);
      out.push(`${this.name}_count${labelText(s.labels)} ${s.count}`);
    }
  }
}

/** Families in registration order, rendered as one exposition. */
export class PrometheusText {
  readonly #families: Family[] = [];

  add<F extends Family>(family: F): F {
    this.#families.push(family);
    return family;
  }

  text(): string {
    const out: string[] = [];
    for (const f of this.#families) f.text(out);
    return out.length === 0 ? "" : `${out.join("\n")}\n`;
  }
}
