// Numeric constants of Proxy-Wasm ABI 0.2.1 (spec "Types") and the Envoy filter statuses that
// proxy-wasm-cpp-host converts callback results into. Plain `as const` objects, so a value can be
// compared with what crosses the wasm boundary without any mapping.

/** proxy_status_t, returned by every hostcall. */
export const WasmResult = {
  Ok: 0,
  NotFound: 1,
  BadArgument: 2,
  SerializationFailure: 3,
  ParseFailure: 4,
  BadExpression: 5,
  InvalidMemoryAccess: 6,
  Empty: 7,
  CasMismatch: 8,
  ResultMismatch: 9,
  InternalFailure: 10,
  BrokenConnection: 11,
  Unimplemented: 12,
} as const;
export type WasmResult = (typeof WasmResult)[keyof typeof WasmResult];

/** proxy_log_level_t; the same numbers as spdlog's levels, which Envoy relies on. */
export const LogLevel = { Trace: 0, Debug: 1, Info: 2, Warn: 3, Error: 4, Critical: 5 } as const;
export type LogLevel = (typeof LogLevel)[keyof typeof LogLevel];
export const LOG_LEVEL_NAMES = ["trace", "debug", "info", "warn", "error", "critical"] as const;
export type LogLevelName = (typeof LOG_LEVEL_NAMES)[number];

export const BufferType = {
  HttpRequestBody: 0,
  HttpResponseBody: 1,
  DownstreamData: 2,
  UpstreamData: 3,
  HttpCallResponseBody: 4,
  GrpcReceiveBuffer: 5,
  VmConfiguration: 6,
  PluginConfiguration: 7,
  CallData: 8,
} as const;
export const BUFFER_TYPE_MAX = 8;

export const MapType = {
  RequestHeaders: 0,
  RequestTrailers: 1,
  ResponseHeaders: 2,
  ResponseTrailers: 3,
  GrpcReceiveInitialMetadata: 4,
  GrpcReceiveTrailingMetadata: 5,
  HttpCallResponseHeaders: 6,
  HttpCallResponseTrailers: 7,
} as const;
export const MAP_TYPE_MAX = 7;

export const MetricType = { Counter: 0, Gauge: 1, Histogram: 2 } as const;
export type MetricType = (typeof MetricType)[keyof typeof MetricType];

export const StreamType = { Request: 0, Response: 1, Downstream: 2, Upstream: 3 } as const;
export const STREAM_TYPE_MAX = 3;

/** Envoy's Http::FilterHeadersStatus as proxy-wasm-cpp-host numbers it. */
export const FilterHeadersStatus = {
  Continue: 0,
  StopIteration: 1,
  ContinueAndEndStream: 2,
  StopAllIterationAndBuffer: 3,
  StopAllIterationAndWatermark: 4,
} as const;
export type FilterHeadersStatus = (typeof FilterHeadersStatus)[keyof typeof FilterHeadersStatus];

export const FilterDataStatus = {
  Continue: 0,
  StopIterationAndBuffer: 1,
  StopIterationAndWatermark: 2,
  StopIterationNoBuffer: 3,
} as const;
export type FilterDataStatus = (typeof FilterDataStatus)[keyof typeof FilterDataStatus];

export const FilterTrailersStatus = { Continue: 0, StopIteration: 1 } as const;
export type FilterTrailersStatus = (typeof FilterTrailersStatus)[keyof typeof FilterTrailersStatus];

/** The WASI errno values Envoy's WASI subset returns. */
export const WasiErrno = {
  Success: 0,
  Badf: 8,
  Fault: 21,
  Inval: 28,
  Noent: 44,
  Nosys: 52,
  Notsup: 58,
  Notcapable: 76,
} as const;

/** ABI versions recognised from the module's `proxy_abi_version_*` function export. */
export type AbiVersion = "0.1.0" | "0.2.0" | "0.2.1" | "0.2.100";
