// Process-wide counts of what could not be recorded, by reason, for hosts to export as
// aistats_dropped_total{reason}. One instance per engine; exchanges add to it as they go.

export const DROP_OVERSIZED_EVENT: i32 = 0;
export const DROP_ARENA_FULL: i32 = 1;
export const DROP_MALFORMED_JSON: i32 = 2;
export const DROP_TOO_MANY_TOOL_CALLS: i32 = 3;
/**
 * A Proxy-Wasm host found an ai_log on the stream that it could not merge with (over the size
 * limit, or not a JSON object) and wrote aistats' own record in its place (see LogMerger).
 */
export const DROP_AI_LOG_REPLACED: i32 = 4;
export const DROP_REASONS: i32 = 5;

// Label values, by DROP_* index. (A value cut by value_length_limit is not a drop: Higress cuts
// it the same way, on purpose.)
const NAMES: string = "oversized_event arena_full malformed_json too_many_tool_calls ai_log_replaced";

export class DropCounters {
  readonly counts: Float64Array = new Float64Array(DROP_REASONS);

  add(reason: i32, n: i32): void {
    if (n > 0 && reason >= 0 && reason < DROP_REASONS) this.counts[reason] += n;
  }

  /** The label value of a DROP_* reason. */
  reasonName(reason: i32): string {
    return NAMES.split(" ")[reason];
  }

  get reasons(): i32 {
    return DROP_REASONS;
  }
}

/**
 * What an engine's drop counters added since a host last looked, for hosts that export them as
 * counters (increments) rather than as gauges: take() computes `deltas` per DROP_* reason.
 */
export class DropDeltas {
  readonly deltas: Float64Array = new Float64Array(DROP_REASONS);
  private readonly seen: Float64Array = new Float64Array(DROP_REASONS);

  /** The counts added since the last take (into `deltas`); true when any reason grew. */
  take(drops: DropCounters): bool {
    let any = false;
    for (let i = 0; i < DROP_REASONS; i++) {
      const now = drops.counts[i];
      const d = now - this.seen[i];
      this.deltas[i] = d > 0 ? d : 0;
      if (d > 0) any = true;
      this.seen[i] = now;
    }
    return any;
  }
}
