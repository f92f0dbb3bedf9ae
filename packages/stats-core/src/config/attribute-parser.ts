import { AttributeConfig } from "./attribute-config";
import { RULE_NONE, SOURCE_NONE, SOURCE_RESPONSE_STREAMING_BODY, SOURCE_UNKNOWN, ruleFromName, sourceFromName } from "./attribute-sources";
import { BUILTIN_NONE, builtinOf } from "./builtin-attributes";
import { ConfigProblems, describeValue, fieldPath, quoteText } from "./config-problems";
import { readStrictBool, readStrictString } from "./field-reader";
import { JV_NULL, JV_OBJECT, JsonValue } from "./json-value";

// Reads one `attributes` entry the way Higress does, with Go's encoding/json into its Attribute
// struct: member names match case-insensitively (an exact match preferred), a repeated member
// overrides the earlier one, null leaves a field unset, a JSON type that does not fit the field is
// an error, unknown members are ignored (here: with a warning). Then Higress's own check: `rule`
// must be "", first, replace or append.

const FIELDS = "key value_source value default_value rule apply_to_log apply_to_span trace_span_key as_separate_log_field";

/** The attribute, or null (with problems.error set) when it cannot be used; null entries are skipped with a warning. */
export function parseAttribute(v: JsonValue, path: string, index: i32, problems: ConfigProblems): AttributeConfig | null {
  if (v.kind == JV_NULL) {
    // encoding/json leaves the struct zero: an attribute with key "" that never fires.
    problems.warn(path, "null entry, ignored");
    return null;
  }
  if (v.kind != JV_OBJECT) {
    problems.fail(path, "expected an object, got " + describeValue(v));
    return null;
  }
  const a = new AttributeConfig();
  a.index = index;
  let ruleText = "";
  let ruleValue: JsonValue | null = null;
  const fields = FIELDS.split(" ");
  const seen = new Array<bool>(fields.length);
  for (let f = 0; f < fields.length; f++) seen[f] = false;
  for (let m = 0; m < v.keys.length; m++) {
    const name = v.keys[m];
    const value = v.values[m];
    const f = fieldIndex(fields, name);
    const p = fieldPath(path, name);
    if (f < 0) {
      problems.warn(p, "unknown field, ignored");
      continue;
    }
    if (fields[f] != name) problems.warn(p, "read as " + fields[f] + " (Go's encoding/json matches names case-insensitively); write " + fields[f]);
    if (seen[f]) problems.warn(p, "repeated field: the last one is used (as Go's encoding/json does)");
    seen[f] = true;
    if (f == 0) a.key = readStrictString(value, p, problems, a.key);
    else if (f == 1) a.valueSource = readStrictString(value, p, problems, a.valueSource);
    else if (f == 2) a.value = readStrictString(value, p, problems, a.value);
    else if (f == 3) a.defaultValue = readStrictString(value, p, problems, a.defaultValue);
    else if (f == 4) {
      ruleText = readStrictString(value, p, problems, ruleText);
      ruleValue = value;
    } else if (f == 5) a.applyToLog = readStrictBool(value, p, problems, a.applyToLog);
    else if (f == 6) a.applyToSpan = readStrictBool(value, p, problems, a.applyToSpan);
    else if (f == 7) a.traceSpanKey = readStrictString(value, p, problems, a.traceSpanKey);
    else a.asSeparateLogField = readStrictBool(value, p, problems, a.asSeparateLogField);
    if (problems.failed) return null;
  }
  const rule = ruleFromName(ruleText);
  if (rule < 0) {
    problems.fail(fieldPath(path, "rule"), quoteText(ruleText, 40) + " is not one of first, replace, append");
    return null;
  }
  a.rule = rule;
  a.source = sourceFromName(a.valueSource);
  a.builtin = builtinOf(a.key);
  noteOddities(a, path, ruleValue, problems);
  return a;
}

// Valid but probably not what was meant: Higress accepts these silently.
function noteOddities(a: AttributeConfig, path: string, ruleValue: JsonValue | null, problems: ConfigProblems): void {
  if (a.key.length == 0) problems.warn(fieldPath(path, "key"), "empty key");
  if (a.source == SOURCE_UNKNOWN) {
    problems.warn(fieldPath(path, "value_source"), quoteText(a.valueSource, 40) +
      " is not one of fixed_value, request_header, request_body, response_header, response_body, response_streaming_body: the attribute never records anything");
  } else if (a.source == SOURCE_NONE && a.builtin == BUILTIN_NONE) {
    problems.warn(path, "no value_source and " + quoteText(a.key, 40) + " is not a built-in key: the attribute never records anything");
  } else if (a.source != SOURCE_NONE && a.builtin == BUILTIN_NONE && a.value.length == 0 && a.defaultValue.length == 0) {
    problems.warn(path, "no value and no default_value: the attribute never records anything");
  }
  if (ruleValue != null && a.rule != RULE_NONE && a.source != SOURCE_RESPONSE_STREAMING_BODY && a.source != SOURCE_NONE) {
    problems.warn(fieldPath(path, "rule"), "only applies to response_streaming_body, ignored here");
  }
  if (a.source == SOURCE_RESPONSE_STREAMING_BODY && a.rule == RULE_NONE && a.builtin == BUILTIN_NONE) {
    problems.warn(fieldPath(path, "rule"), "not set: Higress extracts nothing from a stream without a rule (first, replace or append)");
  }
  if (a.traceSpanKey.length > 0 && !a.applyToSpan) problems.warn(fieldPath(path, "trace_span_key"), "has no effect without apply_to_span");
  if (a.asSeparateLogField && !a.applyToLog) problems.warn(fieldPath(path, "as_separate_log_field"), "has no effect without apply_to_log");
}

// The struct field `name` sets: an exact match, else a case-insensitive one (Go also folds the
// Kelvin sign to k and the long s to s); -1 when none.
function fieldIndex(fields: Array<string>, name: string): i32 {
  for (let i = 0; i < fields.length; i++) if (fields[i] == name) return i;
  const folded = foldName(name);
  for (let i = 0; i < fields.length; i++) if (fields[i] == folded) return i;
  return -1;
}

function foldName(s: string): string {
  let out = "";
  for (let i = 0; i < s.length; i++) {
    let c = s.charCodeAt(i);
    if (c >= 0x41 && c <= 0x5a) c += 0x20;
    else if (c == 0x212a) c = 0x6b; // KELVIN SIGN
    else if (c == 0x017f) c = 0x73; // LATIN SMALL LETTER LONG S
    out += String.fromCharCode(c);
  }
  return out;
}
