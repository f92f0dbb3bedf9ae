// The value sources and streaming rules of a Higress attribute, as integer constants.

/** No value_source: only meaningful for built-in keys (they use their default sources). */
export const SOURCE_NONE: i32 = 0;
export const SOURCE_FIXED_VALUE: i32 = 1;
export const SOURCE_REQUEST_HEADER: i32 = 2;
export const SOURCE_REQUEST_BODY: i32 = 3;
export const SOURCE_RESPONSE_HEADER: i32 = 4;
export const SOURCE_RESPONSE_BODY: i32 = 5;
export const SOURCE_RESPONSE_STREAMING_BODY: i32 = 6;
/** A value_source Higress does not know: accepted (Higress accepts it) but it never fires. */
export const SOURCE_UNKNOWN: i32 = 7;

/** No rule (Higress: "" — on a stream, a path without rule extracts nothing). */
export const RULE_NONE: i32 = 0;
/** The first event where the path has a non-empty value. */
export const RULE_FIRST: i32 = 1;
/** The last event where the path has a non-empty value. */
export const RULE_REPLACE: i32 = 2;
/** Every event's value, joined. */
export const RULE_APPEND: i32 = 3;

const SOURCE_NAMES = "fixed_value request_header request_body response_header response_body response_streaming_body";

/** The SOURCE_* for a value_source string ("" → SOURCE_NONE, unknown → SOURCE_UNKNOWN). */
export function sourceFromName(name: string): i32 {
  if (name.length == 0) return SOURCE_NONE;
  const names = SOURCE_NAMES.split(" ");
  for (let i = 0; i < names.length; i++) if (names[i] == name) return i + 1;
  return SOURCE_UNKNOWN;
}

/** The value_source string of a SOURCE_* ("" for none, "unknown"). */
export function sourceName(source: i32): string {
  if (source == SOURCE_NONE) return "";
  if (source == SOURCE_UNKNOWN) return "unknown";
  return SOURCE_NAMES.split(" ")[source - 1];
}

/** Whether the source's value is a gjson path into a body. */
export function isBodySource(source: i32): bool {
  return source == SOURCE_REQUEST_BODY || source == SOURCE_RESPONSE_BODY || source == SOURCE_RESPONSE_STREAMING_BODY;
}

/** Whether the source's value is a header name. */
export function isHeaderSource(source: i32): bool {
  return source == SOURCE_REQUEST_HEADER || source == SOURCE_RESPONSE_HEADER;
}

/** The RULE_* for a rule string, or -1 when it is not one of first, replace, append ("" → RULE_NONE). */
export function ruleFromName(name: string): i32 {
  if (name.length == 0) return RULE_NONE;
  if (name == "first") return RULE_FIRST;
  if (name == "replace") return RULE_REPLACE;
  if (name == "append") return RULE_APPEND;
  return -1;
}

/** The rule string of a RULE_* ("" for none). */
export function ruleName(rule: i32): string {
  if (rule == RULE_FIRST) return "first";
  if (rule == RULE_REPLACE) return "replace";
  if (rule == RULE_APPEND) return "append";
  return "";
}
