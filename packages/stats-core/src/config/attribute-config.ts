import { RULE_NONE, SOURCE_NONE } from "./attribute-sources";
import { BUILTIN_NONE } from "./builtin-attributes";

// One entry of `attributes` (Higress's Attribute struct), validated. Field names follow the
// configuration; `source`, `rule` and `builtin` are the decoded forms the engine switches on.
export class AttributeConfig {
  /** Position in the configured `attributes` list, or in the preset's list. */
  index: i32 = 0;
  /** Log field / span attribute name (`key`). */
  key: string = "";
  /** `value_source` as written ("" when absent). */
  valueSource: string = "";
  /** `value_source` decoded: a SOURCE_* constant. */
  source: i32 = SOURCE_NONE;
  /** `value`: the fixed value, the header name, or the gjson path, per source. */
  value: string = "";
  /** `default_value`: used when the source yields nothing or "". */
  defaultValue: string = "";
  /** `rule` decoded: RULE_* (only meaningful for response_streaming_body and built-ins on a stream). */
  rule: i32 = RULE_NONE;
  applyToLog: bool = false;
  applyToSpan: bool = false;
  /** `trace_span_key`: the span attribute name when set (else `key`). */
  traceSpanKey: string = "";
  /** `as_separate_log_field`: logged as its own field (filter state `wasm.<key>`) instead of in ai_log. */
  asSeparateLogField: bool = false;
  /** BUILTIN_* when `key` is a built-in key, else BUILTIN_NONE. */
  builtin: i32 = BUILTIN_NONE;
  /** Listed in `redact`: the value is replaced by its length and a SHA-256 prefix. */
  redacted: bool = false;

  /** The span attribute name: trace_span_key, else key. */
  get spanKey(): string {
    return this.traceSpanKey.length > 0 ? this.traceSpanKey : this.key;
  }

  /**
   * The key is one of model, input_token, output_token, total_token: Higress also stores the value
   * for the metrics (it overrides the usage extracted from the body, e.g. for non-OpenAI bodies).
   */
  get feedsUsage(): bool {
    const k = this.key;
    return k == "model" || k == "input_token" || k == "output_token" || k == "total_token";
  }
}
