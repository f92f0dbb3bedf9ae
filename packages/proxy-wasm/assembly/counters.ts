// Counters by name, each defined with the host once and its id cached: Envoy hands out a new id on
// every proxy_define_metric call, even for a name it already has (as Higress's plugin does, we
// define lazily and keep the id).
import { defineCounter, incrementCounter } from "./host";

export class Counters {
  private readonly ids: Map<string, i32> = new Map<string, i32>();

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
}
