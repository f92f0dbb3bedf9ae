// @aistats/stats-core: the portable core shared by every aistats host. This is what a host needs:
// load a configuration, run exchanges through an engine, publish their records. Everything else
// (the arena, framers, matcher, configuration internals) is `@aistats/stats-core/internal`, for
// tests and benchmarks, with no stability promise.
export { parsePluginConfig } from "./config/parse-plugin-config";
export { ConfigResult } from "./config/config-result";
export { ConfigRule } from "./config/config-rule";
export { PluginConfig } from "./config/plugin-config";
export { AttributeConfig } from "./config/attribute-config";
export { ModelPrice } from "./config/model-price";
export { SEMCONV_LATEST, SEMCONV_V1_36, semconvName } from "./config/otel-semconv";
export { DEFAULT_ARENA_BYTES } from "./config/config-limits";
export { Engine } from "./engine/engine";
export { Exchange } from "./engine/exchange";
export { ExchangeRecords } from "./record/exchange-records";
export { RecordCursor } from "./record/record-cursor";
export { marshalStr } from "./record/marshal-str";
export { DROP_AI_LOG_REPLACED, DROP_ARENA_FULL, DROP_MALFORMED_JSON, DROP_OVERSIZED_EVENT, DROP_REASONS, DROP_TOO_MANY_TOOL_CALLS, DropCounters, DropDeltas } from "./record/drop-counters";
export { LOG_MERGE_MARGIN_BYTES, LOG_MERGE_MAX_DEPTH, LOG_MERGE_MAX_MEMBERS, LogMerger, MERGE_MERGED, MERGE_OWN, MERGE_TOO_LARGE, MERGE_UNPARSABLE, logMergeLimit } from "./record/log-merge";
