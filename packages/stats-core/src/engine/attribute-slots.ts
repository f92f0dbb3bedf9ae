import { ArenaLease } from "../arena/arena-lease";
import { PluginConfig } from "../config/plugin-config";
import { ValueBuffer } from "./value-buffer";

// The configured attributes' values of one exchange, one slot per attribute in configuration
// order, and what the record needs to know of each: when it was last set (several attributes may
// share a key; the most recently set one counts), whether its source phase ran (only then does
// its default_value apply, as in Higress, where each phase sets its own attributes), and whether
// it came from the usage or the tool calls (then it follows them until a path gives it a value).
export class AttributeSlots {
  readonly values: Array<ValueBuffer> = new Array<ValueBuffer>(0);
  private readonly order: Int32Array;
  private readonly reachedFlags: Uint8Array;
  private readonly settledFlags: Uint8Array;
  private clock: i32 = 0;

  constructor(lease: ArenaLease, count: i32, limit: i32) {
    this.order = new Int32Array(count);
    this.reachedFlags = new Uint8Array(count);
    this.settledFlags = new Uint8Array(count);
    for (let i = 0; i < count; i++) this.values.push(new ValueBuffer(lease, limit));
  }

  get count(): i32 {
    return this.values.length;
  }

  /** Every slot unset (arena blocks kept for the next exchange). */
  reset(): void {
    this.clock = 0;
    for (let i = 0; i < this.values.length; i++) {
      this.values[i].kind = 0;
      this.values[i].total = 0;
      this.order[i] = 0;
      this.reachedFlags[i] = 0;
      this.settledFlags[i] = 0;
    }
  }

  release(): void {
    for (let i = 0; i < this.values.length; i++) this.values[i].release();
  }

  /** Slot i was just given its own value. */
  touch(i: i32): void {
    this.clock++;
    this.order[i] = this.clock;
    this.settledFlags[i] = 0;
  }

  /** Slot i was just given a value from the usage or the tool calls. */
  settle(i: i32): void {
    this.touch(i);
    this.settledFlags[i] = 1;
  }

  /** Slot i has a value of its own (not one that follows the usage). */
  ownsValue(i: i32): bool {
    return this.values[i].kind != 0 && this.settledFlags[i] == 0;
  }

  markReached(i: i32): void {
    this.reachedFlags[i] = 1;
  }

  reached(i: i32): bool {
    return this.reachedFlags[i] != 0;
  }

  /** Slots whose value the arena could not hold whole. */
  get lostValues(): i32 {
    let n = 0;
    for (let i = 0; i < this.values.length; i++) if (this.values[i].lost > 0) n++;
    return n;
  }

  /**
   * Whether attribute i is the one whose value counts for its key: the most recently set of the
   * attributes with that key, else the last configured among unset ones.
   */
  countsFor(config: PluginConfig, i: i32): bool {
    const key = config.attributes[i].key;
    let best = -1;
    let bestOrder = -1;
    for (let k = 0; k < config.attributes.length; k++) {
      if (config.attributes[k].key != key) continue;
      const order = this.values[k].kind != 0 ? this.order[k] : 0;
      if (order >= bestOrder) {
        best = k;
        bestOrder = order;
      }
    }
    return best == i;
  }
}
