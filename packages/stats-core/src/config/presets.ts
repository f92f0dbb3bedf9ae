import { AttributeConfig } from "./attribute-config";
import { RULE_APPEND, RULE_NONE, SOURCE_NONE, SOURCE_REQUEST_BODY, sourceName } from "./attribute-sources";
import { builtinOf } from "./builtin-attributes";

// Higress's attribute presets (ai-statistics main.go: getDefaultAttributes,
// getDefaultResponseAttributes, parseConfig). A preset replaces `attributes` entirely (full preset
// before lightweight before custom), changes the default value_length_limit and, when
// enable_path_suffixes is absent, restricts processing to /completions and /messages.

export const PRESET_NONE: i32 = 0;
/** `use_default_attributes`: messages, question, system, answer, reasoning, tool_calls and the token details. */
export const PRESET_DEFAULT_ATTRIBUTES: i32 = 1;
/** `use_default_response_attributes`: the token details only (no body is kept). */
export const PRESET_DEFAULT_RESPONSE_ATTRIBUTES: i32 = 2;

/** value_length_limit when neither set nor implied by a preset. */
export const DEFAULT_VALUE_LENGTH_LIMIT: i32 = 32000;
/** value_length_limit under use_default_attributes, unless set: 10 MB. */
export const DEFAULT_ATTRIBUTES_VALUE_LENGTH_LIMIT: i32 = 10485760;
/** value_length_limit under use_default_response_attributes, unless set. */
export const DEFAULT_RESPONSE_ATTRIBUTES_VALUE_LENGTH_LIMIT: i32 = 4000;

/** "none", "use_default_attributes" or "use_default_response_attributes". */
export function presetName(preset: i32): string {
  if (preset == PRESET_DEFAULT_ATTRIBUTES) return "use_default_attributes";
  if (preset == PRESET_DEFAULT_RESPONSE_ATTRIBUTES) return "use_default_response_attributes";
  return "none";
}

/** The preset's value_length_limit default. */
export function presetValueLengthLimit(preset: i32): i32 {
  if (preset == PRESET_DEFAULT_ATTRIBUTES) return DEFAULT_ATTRIBUTES_VALUE_LENGTH_LIMIT;
  if (preset == PRESET_DEFAULT_RESPONSE_ATTRIBUTES) return DEFAULT_RESPONSE_ATTRIBUTES_VALUE_LENGTH_LIMIT;
  return DEFAULT_VALUE_LENGTH_LIMIT;
}

/** enable_path_suffixes under a preset when the field is absent. */
export function presetPathSuffixes(): Array<string> {
  const out = new Array<string>(0);
  out.push("/completions");
  out.push("/messages");
  return out;
}

/** The preset's attributes, in Higress's order, all logged (apply_to_log) and nothing else. */
export function presetAttributes(preset: i32): Array<AttributeConfig> {
  const out = new Array<AttributeConfig>(0);
  if (preset == PRESET_DEFAULT_ATTRIBUTES) {
    // The whole conversation, as a request_body attribute (not a built-in).
    out.push(logged(0, "messages", SOURCE_REQUEST_BODY, "messages", RULE_NONE));
    out.push(logged(1, "question", SOURCE_NONE, "", RULE_NONE));
    out.push(logged(2, "system", SOURCE_NONE, "", RULE_NONE));
    out.push(logged(3, "answer", SOURCE_NONE, "", RULE_APPEND));
    out.push(logged(4, "reasoning", SOURCE_NONE, "", RULE_APPEND));
    out.push(logged(5, "tool_calls", SOURCE_NONE, "", RULE_NONE));
    out.push(logged(6, "reasoning_tokens", SOURCE_NONE, "", RULE_NONE));
    out.push(logged(7, "cached_tokens", SOURCE_NONE, "", RULE_NONE));
    out.push(logged(8, "input_token_details", SOURCE_NONE, "", RULE_NONE));
    out.push(logged(9, "output_token_details", SOURCE_NONE, "", RULE_NONE));
  } else if (preset == PRESET_DEFAULT_RESPONSE_ATTRIBUTES) {
    out.push(logged(0, "reasoning_tokens", SOURCE_NONE, "", RULE_NONE));
    out.push(logged(1, "cached_tokens", SOURCE_NONE, "", RULE_NONE));
    out.push(logged(2, "input_token_details", SOURCE_NONE, "", RULE_NONE));
    out.push(logged(3, "output_token_details", SOURCE_NONE, "", RULE_NONE));
  }
  return out;
}

function logged(index: i32, key: string, source: i32, value: string, rule: i32): AttributeConfig {
  const a = new AttributeConfig();
  a.index = index;
  a.key = key;
  a.source = source;
  a.valueSource = sourceName(source);
  a.value = value;
  a.rule = rule;
  a.applyToLog = true;
  a.builtin = builtinOf(key);
  return a;
}
