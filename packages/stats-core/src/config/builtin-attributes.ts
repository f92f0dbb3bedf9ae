import {
  RULE_APPEND,
  SOURCE_REQUEST_BODY,
  SOURCE_RESPONSE_BODY,
  SOURCE_RESPONSE_STREAMING_BODY,
} from "./attribute-sources";

// Higress's built-in attribute keys (ai-statistics main.go: isBuiltinAttribute,
// getBuiltinAttributeDefaultSources, needsBodyBuffering, getBuiltinAttributeFallback). An attribute
// whose key is one of these needs no value_source/value: without value_source it fires for the
// key's default sources; with one, only for that source. Either way, when its own path (if any)
// yields nothing or "", the built-in extraction for that source is tried next (only for the key's
// default sources), then default_value.

export const BUILTIN_NONE: i32 = 0;
export const BUILTIN_QUESTION: i32 = 1;
export const BUILTIN_SYSTEM: i32 = 2;
export const BUILTIN_ANSWER: i32 = 3;
export const BUILTIN_REASONING: i32 = 4;
export const BUILTIN_TOOL_CALLS: i32 = 5;
export const BUILTIN_REASONING_TOKENS: i32 = 6;
export const BUILTIN_CACHED_TOKENS: i32 = 7;
export const BUILTIN_INPUT_TOKEN_DETAILS: i32 = 8;
export const BUILTIN_OUTPUT_TOKEN_DETAILS: i32 = 9;

const BUILTIN_KEYS = "question system answer reasoning tool_calls reasoning_tokens cached_tokens input_token_details output_token_details";

/** The built-in an attribute key names, or BUILTIN_NONE. */
export function builtinOf(key: string): i32 {
  const names = BUILTIN_KEYS.split(" ");
  for (let i = 0; i < names.length; i++) if (names[i] == key) return i + 1;
  return BUILTIN_NONE;
}

/** The key of a built-in ("" for BUILTIN_NONE). */
export function builtinKey(builtin: i32): string {
  if (builtin <= BUILTIN_NONE || builtin > BUILTIN_OUTPUT_TOKEN_DETAILS) return "";
  return BUILTIN_KEYS.split(" ")[builtin - 1];
}

/** Whether `source` is one of the built-in's default sources (where its extraction applies). */
export function builtinFiresFor(builtin: i32, source: i32): bool {
  if (builtin == BUILTIN_QUESTION || builtin == BUILTIN_SYSTEM) return source == SOURCE_REQUEST_BODY;
  if (builtin == BUILTIN_NONE) return false;
  return source == SOURCE_RESPONSE_BODY || source == SOURCE_RESPONSE_STREAMING_BODY;
}

/**
 * Token built-ins take their value from the usage the engine extracts (details maps, reasoning and
 * cached token counts), never from a body path: they need no body watching of their own.
 */
export function builtinFromUsage(builtin: i32): bool {
  return builtin >= BUILTIN_REASONING_TOKENS && builtin <= BUILTIN_OUTPUT_TOKEN_DETAILS;
}

/** On a stream, tool_calls are assembled from deltas by index (OpenAI) / content blocks (Anthropic). */
export function builtinAssemblesToolCalls(builtin: i32, source: i32): bool {
  return builtin == BUILTIN_TOOL_CALLS && source == SOURCE_RESPONSE_STREAMING_BODY;
}

/**
 * The built-in's fallback paths for `source`, tried in order (Higress: OpenAI shape first, then
 * Anthropic). Empty where the built-in has none for that source (tool_calls on a stream are
 * assembled, token built-ins come from usage).
 */
export function builtinFallbackPaths(builtin: i32, source: i32): Array<string> {
  const out = new Array<string>(0);
  if (!builtinFiresFor(builtin, source)) return out;
  const streaming = source == SOURCE_RESPONSE_STREAMING_BODY;
  if (builtin == BUILTIN_QUESTION) {
    out.push("messages.@reverse.0.content");
  } else if (builtin == BUILTIN_SYSTEM) {
    out.push("system");
  } else if (builtin == BUILTIN_ANSWER) {
    out.push(streaming ? "choices.0.delta.content" : "choices.0.message.content");
    out.push(streaming ? "delta.text" : "content.0.text");
  } else if (builtin == BUILTIN_REASONING) {
    out.push(streaming ? "choices.0.delta.reasoning_content" : "choices.0.message.reasoning_content");
  } else if (builtin == BUILTIN_TOOL_CALLS && !streaming) {
    out.push("choices.0.message.tool_calls");
  }
  return out;
}

/**
 * The rule a built-in fallback path is applied with on a stream: the attribute's own rule, except
 * reasoning, which Higress always appends.
 */
export function builtinStreamRule(builtin: i32, attributeRule: i32): i32 {
  return builtin == BUILTIN_REASONING ? RULE_APPEND : attributeRule;
}
