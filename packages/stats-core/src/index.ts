// @aistats/stats-core: the portable core shared by every aistats host.
export { Arena, MIN_BLOCK, NO_BLOCK } from "./arena/arena";
export { ArenaBuffer } from "./arena/arena-buffer";
export { ArenaLease } from "./arena/arena-lease";
export { SseEvent } from "./sse/sse-event";
export { SseSink } from "./sse/sse-sink";
export { DEFAULT_MAX_EVENT_BYTES, MAX_EVENT_NAME_BYTES, SseFramer, isDoneMarker } from "./sse/sse-framer";
export { JsonElementSink } from "./sse/json-element-sink";
export { JSON_ARRAY_CLOSED, JSON_ARRAY_MALFORMED, JSON_ARRAY_OPEN, JSON_ARRAY_TRUNCATED, JsonArrayFramer } from "./sse/json-array-framer";
export { JSON_INCOMPLETE, JSON_MALFORMED, JSON_OK, JSON_TOO_DEEP, JsonMatchSink, JsonMatchStats, JsonMatcher, JsonPathSet, KIND_ARRAY, KIND_FALSE, KIND_NULL, KIND_NUMBER, KIND_OBJECT, KIND_STRING, KIND_TRUE, jsonStatusName, kindName } from "./json/json-matcher";
export * from "./config/config-api";
export { Engine } from "./engine/engine";
export { Exchange, MODE_ARRAY, MODE_JSON, MODE_NONE, MODE_SSE } from "./engine/exchange";
export { ExchangeRecords } from "./record/exchange-records";
export { DROP_AI_LOG_REPLACED, DROP_ARENA_FULL, DROP_MALFORMED_JSON, DROP_OVERSIZED_EVENT, DROP_REASONS, DROP_TOO_MANY_TOOL_CALLS, DropCounters, DropDeltas } from "./record/drop-counters";
export { RecordCursor } from "./record/record-cursor";
export { marshalStr } from "./record/marshal-str";
export { LOG_MERGE_MARGIN_BYTES, LOG_MERGE_MAX_DEPTH, LOG_MERGE_MAX_MEMBERS, LogMerger, MERGE_MERGED, MERGE_OWN, MERGE_TOO_LARGE, MERGE_UNPARSABLE, logMergeLimit } from "./record/log-merge";
