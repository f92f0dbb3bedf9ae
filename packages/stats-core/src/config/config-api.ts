// The public configuration API of stats-core (re-exported by src/index.ts): load an ai-statistics
// configuration with parsePluginConfig and hand the engine its PluginConfig(s) and plan.
export { parsePluginConfig } from "./parse-plugin-config";
export { ConfigResult } from "./config-result";
export { ConfigRule, MATCH_BY_DOMAIN, MATCH_BY_ROUTE, MATCH_BY_ROUTE_AND_SERVICE, MATCH_BY_ROUTE_PREFIX, MATCH_BY_SERVICE } from "./config-rule";
export { DEFAULT_SESSION_HEADERS, PluginConfig } from "./plugin-config";
export { AttributeConfig } from "./attribute-config";
export {
  RULE_APPEND,
  RULE_FIRST,
  RULE_NONE,
  RULE_REPLACE,
  SOURCE_FIXED_VALUE,
  SOURCE_NONE,
  SOURCE_REQUEST_BODY,
  SOURCE_REQUEST_HEADER,
  SOURCE_RESPONSE_BODY,
  SOURCE_RESPONSE_HEADER,
  SOURCE_RESPONSE_STREAMING_BODY,
  SOURCE_UNKNOWN,
  isBodySource,
  isHeaderSource,
  ruleName,
  sourceName,
} from "./attribute-sources";
export {
  BUILTIN_ANSWER,
  BUILTIN_CACHED_TOKENS,
  BUILTIN_INPUT_TOKEN_DETAILS,
  BUILTIN_NONE,
  BUILTIN_OUTPUT_TOKEN_DETAILS,
  BUILTIN_QUESTION,
  BUILTIN_REASONING,
  BUILTIN_REASONING_TOKENS,
  BUILTIN_SYSTEM,
  BUILTIN_TOOL_CALLS,
  builtinKey,
  builtinOf,
} from "./builtin-attributes";
export { ExtractionPlan, PlannedAttribute, PlannedPath, SourcePlan } from "./extraction-plan";
export { ModelPrice } from "./model-price";
export {
  DEFAULT_ATTRIBUTES_VALUE_LENGTH_LIMIT,
  DEFAULT_RESPONSE_ATTRIBUTES_VALUE_LENGTH_LIMIT,
  DEFAULT_VALUE_LENGTH_LIMIT,
  PRESET_DEFAULT_ATTRIBUTES,
  PRESET_DEFAULT_RESPONSE_ATTRIBUTES,
  PRESET_NONE,
  presetName,
} from "./presets";
export { DEFAULT_OTEL_SEMCONV, SEMCONV_LATEST, SEMCONV_V1_36, semconvName } from "./otel-semconv";
export {
  CONFIG_DEFAULT_MAX_EVENT_BYTES,
  DEFAULT_ARENA_BYTES,
  MAX_ARENA_BYTES,
  MAX_MAX_EVENT_BYTES,
  MIN_ARENA_BYTES,
  MIN_MAX_EVENT_BYTES,
} from "./config-limits";
export { JV_ARRAY, JV_BOOL, JV_NULL, JV_NUMBER, JV_OBJECT, JV_STRING, JsonValue, jsonKindName } from "./json-value";
export { JSON_VALUE_MAX_DEPTH, JV_NO_VALUE, JV_OK, JV_SYNTAX_ERROR, JV_TOO_DEEP, JsonValueParser } from "./json-value-parser";
