// @aistats/host: the idiomatic TypeScript surface over @aistats/stats-core for JavaScript hosts
// (the Node and edge hosts build on it). See README.md.
export { AistatsConfigError, type ConfigInput } from "./config.js";
export type { ForEachHeaders, HeaderValue, HeadersInput } from "./headers.js";
export type { AistatsCounter, AistatsRecord, CounterMetric, DropReason, JsonValue } from "./records.js";
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
