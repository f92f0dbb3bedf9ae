// @aistats/stats-core/internal: the pieces behind the public API, for stats-core's own tests, the
// conformance suite and the benchmarks. Not a stable API: names and shapes change with the core.
export * from "./index";
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
