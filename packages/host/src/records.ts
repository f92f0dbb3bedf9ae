// What a recorder delivers: one frozen plain object per log an exchange writes (the early one when
// a stream's usage becomes known, the final one at the end), built from stats-core's
// ExchangeRecords right after the call that produced it.
import { marshalStr, type ExchangeRecords } from "@aistats/stats-core";

/** A JSON value as the ai_log holds it (JSON.parse of the log text), deep-frozen. */
export type JsonValue = null | boolean | number | string | readonly JsonValue[] | { readonly [key: string]: JsonValue };

/** The Higress counters (`…metric.<metric>`). */
export type CounterMetric =
  | "input_token"
  | "output_token"
  | "total_token"
  | "llm_first_token_duration"
  | "llm_stream_duration_count"
  | "llm_service_duration"
  | "llm_duration_count";

/** Every Higress counter, in Higress's order. */
export const COUNTER_METRICS: readonly CounterMetric[] = Object.freeze([
  "input_token",
  "output_token",
  "total_token",
  "llm_first_token_duration",
  "llm_stream_duration_count",
  "llm_service_duration",
  "llm_duration_count",
]);

/** One counter increment of a final record, with its labels as structure (names contain dots). */
export interface AistatsCounter {
  /** The metric alone: `input_token`, …, `llm_duration_count`. */
  readonly metric: CounterMetric;
  /** Higress `route_name` (`-` when the host gave none; `a@b@c@…` keeps three parts, as Higress does). */
  readonly route: string;
  /** Higress `cluster_name` (`-` when none), e.g. `outbound|443||api.openai.com`. */
  readonly cluster: string;
  /** The response model (else the request's, else the Gemini path's), cut to 256 UTF-8 bytes. */
  readonly model: string;
  /** `x-mse-consumer`, else `none`. */
  readonly consumer: string;
  /** The increment (> 0). */
  readonly value: number;
  /** The Higress metric name: `route.<route>.upstream.<cluster>.model.<model>.consumer.<consumer>.metric.<metric>`. */
  readonly name: string;
}

/**
 * Reasons something could not be recorded (`aistats_dropped_total{reason}`): stats-core's
 * (oversized_event, arena_full, malformed_json, too_many_tool_calls, ai_log_replaced — the last
 * is the Proxy-Wasm host's and stays 0 here) and this package's `host_error` (an exception inside
 * the host glue, the core or a sink: that exchange stopped recording). New core reasons appear
 * under their own names.
 */
export type DropReason =
  | "oversized_event"
  | "arena_full"
  | "malformed_json"
  | "too_many_tool_calls"
  | "ai_log_replaced"
  | "host_error"
  | (string & {});

export interface AistatsRecord {
  /** 1, 2, …: the position of this log among the exchange's logs. */
  readonly sequence: number;
  /** The exchange is over (response end or abort): its last record, with the counters. */
  readonly final: boolean;
  /** The ai_log object (JSON.parse of `logText`; a count beyond 2^53 keeps its digits only in the text). */
  readonly log: { readonly [key: string]: JsonValue };
  /** The ai_log as compact JSON text, keys sorted as Go sorts a map: one line, no raw control character. */
  readonly logText: string;
  /**
   * `logText` in Higress's escaped form (MarshalStr: a JSON string's contents without the quotes),
   * as Proxy-Wasm stores filter state `wasm.ai_log`: `{"ai_log":"<logEscaped>"}` is valid JSON.
   */
  readonly logEscaped: string;
  /** `as_separate_log_field` attributes, decoded: key → value. */
  readonly logFields: { readonly [key: string]: string };
  /** The same in Higress's escaped form (what Proxy-Wasm stores in `wasm.<key>`). */
  readonly logFieldsEscaped: { readonly [key: string]: string };
  /** Span attributes with a value (Higress sets only non-empty ones): `gen_ai.*` and `apply_to_span` attributes. */
  readonly span: { readonly [key: string]: string };
  /** Counter increments, only in the final record (empty otherwise, and when usage or model is unknown). */
  readonly counters: readonly AistatsCounter[];
  /** What this exchange could not record so far (also in the log as `aistats_truncated` when > 0). */
  readonly truncated: number;
  /** The exchange was cut short by `handle.abort()`. */
  readonly aborted: boolean;
  /** The reason given to `abort(reason)` (an Error's message, a string as is), "aborted" without one; null when not aborted. */
  readonly abortReason: string | null;
  /** What this exchange added to the drop counters, by reason (only reasons > 0). */
  readonly drops: { readonly [reason in DropReason]?: number };
}

function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const key of Object.keys(value)) deepFreeze((value as Record<string, unknown>)[key]);
  }
  return value;
}

/** A MarshalStr-escaped value back to the string it escapes. */
function unescape(escaped: string): string {
  return JSON.parse(`"${escaped}"`) as string;
}

export interface RecordFacts {
  readonly aborted: boolean;
  readonly abortReason: string | null;
  readonly drops: { readonly [reason: string]: number };
}

/**
 * The record for the current log of `r` (read before engine.end empties it); `withCounters` when
 * the final record's counters are due. Throws when the core's texts are not what it promises
 * (the caller fails open).
 */
export function buildRecord(r: ExchangeRecords, withCounters: boolean, facts: RecordFacts): AistatsRecord {
  const logText = r.log;
  const log = JSON.parse(logText) as unknown;
  if (typeof log !== "object" || log === null || Array.isArray(log)) throw new Error(`stats-core logged ${logText.slice(0, 80)}, not a JSON object`);
  const logFields: Array<[string, string]> = [];
  const logFieldsEscaped: Array<[string, string]> = [];
  for (let i = 0; i < r.logFieldKeys.length; i++) {
    const key = r.logFieldKeys[i]!;
    const escaped = r.logFieldValues[i]!;
    logFields.push([key, unescape(escaped)]);
    logFieldsEscaped.push([key, escaped]);
  }
  const span: Array<[string, string]> = [];
  for (let i = 0; i < r.spanKeys.length; i++) {
    const value = r.spanValues[i]!;
    if (value.length > 0) span.push([r.spanKeys[i]!, value]);
  }
  const counters: AistatsCounter[] = [];
  if (withCounters) {
    for (let i = 0; i < r.counterNames.length; i++) {
      counters.push({
        metric: r.counterMetrics[i] as CounterMetric,
        route: r.counterRoute,
        cluster: r.counterCluster,
        model: r.counterModel,
        consumer: r.counterConsumer,
        value: r.counterValues[i]!,
        name: r.counterNames[i]!,
      });
    }
  }
  // Object.fromEntries defines own properties, so a key such as "__proto__" stays a key.
  return deepFreeze({
    sequence: r.sequence,
    final: r.final,
    log: log as { readonly [key: string]: JsonValue },
    logText,
    logEscaped: marshalStr(logText),
    logFields: Object.fromEntries(logFields),
    logFieldsEscaped: Object.fromEntries(logFieldsEscaped),
    span: Object.fromEntries(span),
    counters,
    truncated: r.truncated,
    aborted: facts.aborted,
    abortReason: facts.abortReason,
    drops: { ...facts.drops },
  });
}
