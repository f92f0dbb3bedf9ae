// @aistats/host: the idiomatic TypeScript surface over @aistats/stats-core for JavaScript hosts
// (the Node and edge hosts build on it). See README.md.
export { AistatsConfigError, type ConfigInput } from "./config.js";
export type { ForEachHeaders, HeaderValue, HeadersInput } from "./headers.js";
export { COUNTER_METRICS, type AistatsCounter, type AistatsRecord, type CounterMetric, type DropReason, type JsonValue } from "./records.js";
export {
  createRecorder,
  type BodyChunk,
  type ExchangeHandle,
  type ExchangeInit,
  type HandleState,
  type HostLogger,
  type Recorder,
  type RecorderOptions,
  type RecorderStats,
} from "./recorder.js";
export {
  GEN_AI_HISTOGRAMS,
  genAiView,
  operationOf,
  type GenAiAttributes,
  type GenAiHistogramName,
  type GenAiPoint,
  type GenAiView,
} from "./gen-ai.js";
export { GenAiTelemetry, type OpenTelemetryApi } from "./gen-ai-telemetry.js";
export { DEFAULT_SERIES_LIMITS, OVERFLOW_LABEL, SERIES_DROP, SeriesLimit, cutLabel, type SeriesLimits } from "./series-limit.js";
export { functionOption, intOption, optionsObject } from "./options.js";
