import { Engine } from "../engine/engine";
import { Exchange } from "../engine/exchange";

// Replays one conformance case's exchange through an engine, for the trace functions both builds
// export (engineCaseTrace, engineRecordsTrace). Arguments: request and response headers as
// "name\nvalue\n" pairs; the host's route and cluster names; every request chunk then every
// delivered response chunk, concatenated; and `plan` = [request at, n, (length, at) × n, response
// at, m, (length, at) × m, end at, aborted (0/1)]. The observer looks at the exchange after every
// call into it. Returns the exchange, still begun (the caller reads it, then ends it).

/** Looks at an exchange's records after each call into it. */
export abstract class ReplayObserver {
  abstract collect(ex: Exchange): void;
}

export function replayCase(
  engine: Engine,
  requestHeaders: string,
  responseHeaders: string,
  routeName: string,
  clusterName: string,
  bytes: Uint8Array,
  plan: Int32Array,
  observer: ReplayObserver,
): Exchange {
  const reqNames = headerFields(requestHeaders, 0);
  const reqValues = headerFields(requestHeaders, 1);
  const ex = engine.begin(routeName, headerValue(reqNames, reqValues, ":authority"), clusterName);
  let p = 0;
  let offset = 0;
  const reqAt = <f64>plan[p++];
  for (let i = 0; i < reqNames.length; i++) ex.addRequestHeader(reqNames[i], reqValues[i]);
  ex.requestHeaders(reqAt);
  observer.collect(ex);
  const n = plan[p++];
  let clock = reqAt;
  for (let i = 0; i < n; i++) {
    const len = plan[p++];
    clock = <f64>plan[p++];
    ex.requestBody(bytes, offset, offset + len, clock);
    offset += len;
    observer.collect(ex);
  }
  ex.requestEnd(clock);
  observer.collect(ex);
  const respAt = <f64>plan[p++];
  const respNames = headerFields(responseHeaders, 0);
  const respValues = headerFields(responseHeaders, 1);
  for (let i = 0; i < respNames.length; i++) ex.addResponseHeader(respNames[i], respValues[i]);
  ex.responseHeaders(respAt);
  observer.collect(ex);
  const m = plan[p++];
  for (let i = 0; i < m; i++) {
    const len = plan[p++];
    clock = <f64>plan[p++];
    ex.responseBody(bytes, offset, offset + len, clock);
    offset += len;
    observer.collect(ex);
  }
  const endAt = <f64>plan[p++];
  if (plan[p] != 0) ex.abort(endAt);
  else ex.responseEnd(endAt);
  observer.collect(ex);
  return ex;
}

// Field `which` (0 name, 1 value) of each "name\nvalue\n" pair.
function headerFields(text: string, which: i32): Array<string> {
  const out = new Array<string>(0);
  const parts = text.split("\n");
  for (let i = 0; i + 1 < parts.length; i += 2) out.push(which == 0 ? parts[i] : parts[i + 1]);
  return out;
}

function headerValue(names: Array<string>, values: Array<string>, name: string): string {
  for (let i = 0; i < names.length; i++) if (names[i] == name) return values[i];
  return "";
}
