// @aistats/proxy-wasm-host: an Envoy-faithful Proxy-Wasm ABI 0.2.1 host for tests and benchmarks.
export {
  ProxyWasmHost,
  HostTrap,
  type ForeignFunction,
  type HttpCallRecord,
  type ProxyWasmHostOptions,
  type StartResult,
  type VmFailure,
} from "./host/proxy-wasm-host";
export {
  HttpStream,
  type CallbackResult,
  type DataCallbackResult,
  type HttpStreamOptions,
  type LocalResponse,
  type Phase,
} from "./host/http-stream";
export { ForwardedTraffic } from "./host/forwarded-traffic";
export { ProxyWasmLoadError } from "./host/load-module";
export { ManualClock, systemClock, type HostClock } from "./host/clock";
export { LogStore, type LogEntry } from "./host/log-store";
export { MemoryObserver, type MemoryChange } from "./host/memory-observer";
export { MetricRegistry, type MetricKind, type MetricSnapshot } from "./metrics/metric-registry";
export { HeaderMap, type HeaderInput } from "./headers/header-map";
export { parsePairs, serializePairs, pairsSize, type BytePair } from "./headers/pairs-codec";
export { property, TypedProperty, type PropertyInput } from "./properties/property-value";
export {
  BufferType,
  FilterDataStatus,
  FilterHeadersStatus,
  FilterTrailersStatus,
  LogLevel,
  MapType,
  MetricType,
  StreamType,
  WasiErrno,
  WasmResult,
  type AbiVersion,
  type LogLevelName,
} from "./abi/abi-constants";
