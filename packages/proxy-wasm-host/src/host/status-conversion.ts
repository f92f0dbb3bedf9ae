// How proxy-wasm-cpp-host turns a callback's raw i32 into the status Envoy acts on
// (context.cc convertVmCallResultTo*Status): out-of-range values and anything returned after
// proxy_send_local_response stop the stream, and headers StopIteration (1) is widened to
// StopAllIterationAndWatermark unless allow_on_headers_stop_iteration is set (default false).
import {
  FilterDataStatus,
  FilterHeadersStatus,
  FilterTrailersStatus,
} from "../abi/abi-constants";

/** Raw results are unsigned 32-bit words on the host side. */
const word = (raw: number): number => raw >>> 0;

export function convertHeadersStatus(
  raw: number,
  nextIterationStopped: boolean,
  allowStopIteration = false,
): FilterHeadersStatus {
  const r = word(raw);
  if (nextIterationStopped || r > FilterHeadersStatus.StopAllIterationAndWatermark) {
    return FilterHeadersStatus.StopAllIterationAndWatermark;
  }
  if (r === FilterHeadersStatus.StopIteration && !allowStopIteration) {
    return FilterHeadersStatus.StopAllIterationAndWatermark;
  }
  return r as FilterHeadersStatus;
}

export function convertDataStatus(raw: number, nextIterationStopped: boolean): FilterDataStatus {
  const r = word(raw);
  if (nextIterationStopped || r > FilterDataStatus.StopIterationNoBuffer) {
    return FilterDataStatus.StopIterationNoBuffer;
  }
  return r as FilterDataStatus;
}

export function convertTrailersStatus(raw: number, nextIterationStopped: boolean): FilterTrailersStatus {
  const r = word(raw);
  if (nextIterationStopped || r > FilterTrailersStatus.StopIteration) {
    return FilterTrailersStatus.StopIteration;
  }
  return r as FilterTrailersStatus;
}
