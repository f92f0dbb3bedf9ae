// Plugin-defined metrics with Envoy's id scheme and semantics (context.cc defineMetric…getMetric,
// wasm.h next*MetricId): the metric type sits in the id's low two bits and each type counts in
// steps of 4 from 4/5/6, every define call yields a fresh id even for a known name, and all ids
// of one name share one stat, registered as "wasmcustom.<name>".
import { MetricType, WasmResult } from "../abi/abi-constants";

const TYPE_MASK = 0x3;
const ID_STEP = 4;
const U64 = (v: bigint): bigint => BigInt.asUintN(64, v);

export type MetricKind = "counter" | "gauge" | "histogram";
const KIND_BY_TYPE: readonly MetricKind[] = ["counter", "gauge", "histogram"];

interface Stat {
  readonly name: string;
  readonly kind: MetricKind;
  value: bigint;
  readonly samples: bigint[];
}

export interface MetricSnapshot {
  /** The name the plugin defined. */
  readonly name: string;
  /** Envoy's stat name: the name in the "wasmcustom" namespace. */
  readonly statName: string;
  readonly kind: MetricKind;
  /** Counter/gauge value (for histograms, the number of samples). */
  readonly value: bigint;
  /** Histogram samples in recording order. */
  readonly samples: readonly bigint[];
}

export class MetricRegistry {
  private readonly nextId = [MetricType.Counter, MetricType.Gauge, MetricType.Histogram].map((t) => t as number);
  private readonly byId = new Map<number, Stat>();
  private readonly byName = new Map<string, Stat>();
  /** Ids handed out per name, in order (a test can check the id scheme). */
  readonly definitions: { name: string; kind: MetricKind; id: number }[] = [];

  define(type: number, name: string): { status: WasmResult; id?: number } {
    const kind = KIND_BY_TYPE[type];
    if (kind === undefined) return { status: WasmResult.BadArgument };
    const key = `${kind}\u0000${name}`;
    let stat = this.byName.get(key);
    if (stat === undefined) {
      stat = { name, kind, value: 0n, samples: [] };
      this.byName.set(key, stat);
    }
    const id = ((this.nextId[type] as number) + ID_STEP) >>> 0;
    this.nextId[type] = id;
    this.byId.set(id, stat);
    this.definitions.push({ name, kind, id });
    return { status: WasmResult.Ok, id };
  }

  increment(id: number, delta: bigint): WasmResult {
    const type = id & TYPE_MASK;
    const stat = this.byId.get(id);
    if (type === MetricType.Counter) {
      if (stat === undefined) return WasmResult.NotFound;
      if (delta <= 0n) return WasmResult.BadArgument;
      stat.value = U64(stat.value + delta);
      return WasmResult.Ok;
    }
    if (type === MetricType.Gauge) {
      if (stat === undefined) return WasmResult.NotFound;
      stat.value = U64(stat.value + delta);
      return WasmResult.Ok;
    }
    return WasmResult.BadArgument;
  }

  record(id: number, value: bigint): WasmResult {
    const stat = this.byId.get(id);
    if (stat === undefined) return WasmResult.NotFound;
    const v = U64(value);
    if (stat.kind === "counter") stat.value = U64(stat.value + v);
    else if (stat.kind === "gauge") stat.value = v;
    else stat.samples.push(v);
    return WasmResult.Ok;
  }

  get(id: number): { status: WasmResult; value?: bigint } {
    const type = id & TYPE_MASK;
    if (type !== MetricType.Counter && type !== MetricType.Gauge) return { status: WasmResult.BadArgument };
    const stat = this.byId.get(id);
    if (stat === undefined) return { status: WasmResult.NotFound };
    return { status: WasmResult.Ok, value: stat.value };
  }

  private find(kind: MetricKind, name: string): Stat | undefined {
    return this.byName.get(`${kind}\u0000${name}`);
  }

  /** A counter's value by the name the plugin defined, or undefined if never defined. */
  counter(name: string): number | undefined {
    const s = this.find("counter", name);
    return s === undefined ? undefined : Number(s.value);
  }

  gauge(name: string): number | undefined {
    const s = this.find("gauge", name);
    return s === undefined ? undefined : Number(s.value);
  }

  histogram(name: string): number[] | undefined {
    return this.find("histogram", name)?.samples.map(Number);
  }

  /** Every defined metric, in definition order. */
  snapshot(): MetricSnapshot[] {
    return [...this.byName.values()].map((s) => ({
      name: s.name,
      statName: `wasmcustom.${s.name}`,
      kind: s.kind,
      value: s.kind === "histogram" ? BigInt(s.samples.length) : s.value,
      samples: [...s.samples],
    }));
  }

  /** Counter values by name, as plain numbers (convenient for deep-equal assertions). */
  counters(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const s of this.byName.values()) if (s.kind === "counter") out[s.name] = Number(s.value);
    return out;
  }
}
