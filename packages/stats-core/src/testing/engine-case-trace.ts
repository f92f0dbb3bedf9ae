import { parsePluginConfig } from "../config/parse-plugin-config";
import { Engine } from "../engine/engine";
import { Exchange } from "../engine/exchange";
import { JsonWriter } from "../record/json-writer";

// Replays one exchange through an Engine and returns what it recorded as JSON text:
// {"configError": "…"} or {"skipped", "log" (the last ai_log, or null), "logFields", "span",
// "metrics" (counter totals)}. Exported by both builds so the conformance adapters `core` and
// `core-wasm` drive the same code. Arguments: the configuration bytes; request and response
// headers as "name\nvalue\n" pairs; the host's route and cluster names; every request chunk then
// every delivered response chunk, concatenated; and `plan` = [request at, n, (length, at) × n,
// response at, m, (length, at) × m, end at, aborted (0/1)].
export function engineCaseTrace(
  config: Uint8Array,
  requestHeaders: string,
  responseHeaders: string,
  routeName: string,
  clusterName: string,
  bytes: Uint8Array,
  plan: Int32Array,
): string {
  const result = parsePluginConfig(config);
  const w = new JsonWriter();
  if (!result.ok) {
    w.text("{\"configError\":");
    w.stringLiteral(result.error);
    w.text("}");
    return w.finish();
  }
  const engine = new Engine(result);
  const reqNames = pairs(requestHeaders, 0);
  const reqValues = pairs(requestHeaders, 1);
  const ex = engine.begin(routeName, headerOf(reqNames, reqValues, ":authority"), clusterName);
  const counters = new CounterTotals();
  let p = 0;
  let offset = 0;
  const reqAt = <f64>plan[p++];
  for (let i = 0; i < reqNames.length; i++) ex.addRequestHeader(reqNames[i], reqValues[i]);
  ex.requestHeaders(reqAt);
  const n = plan[p++];
  let clock = reqAt;
  for (let i = 0; i < n; i++) {
    const len = plan[p++];
    clock = <f64>plan[p++];
    ex.requestBody(bytes, offset, offset + len, clock);
    offset += len;
  }
  ex.requestEnd(clock);
  const respAt = <f64>plan[p++];
  const respNames = pairs(responseHeaders, 0);
  const respValues = pairs(responseHeaders, 1);
  for (let i = 0; i < respNames.length; i++) ex.addResponseHeader(respNames[i], respValues[i]);
  ex.responseHeaders(respAt);
  const m = plan[p++];
  for (let i = 0; i < m; i++) {
    const len = plan[p++];
    clock = <f64>plan[p++];
    ex.responseBody(bytes, offset, offset + len, clock);
    offset += len;
    counters.collect(ex);
  }
  const endAt = <f64>plan[p++];
  const aborted = plan[p] != 0;
  if (aborted) ex.abort(endAt);
  else ex.responseEnd(endAt);
  counters.collect(ex);
  const out = describe(ex, counters, w);
  engine.end(ex);
  return out;
}

// Sums the counter increments of final records (a host applies them once).
class CounterTotals {
  readonly names: Array<string> = new Array<string>(0);
  readonly values: Array<f64> = new Array<f64>(0);
  private applied: bool = false;

  collect(ex: Exchange): void {
    const r = ex.records;
    if (!r.final || this.applied) return;
    this.applied = true;
    for (let i = 0; i < r.counterNames.length; i++) {
      const k = this.names.indexOf(r.counterNames[i]);
      if (k >= 0) this.values[k] += r.counterValues[i];
      else {
        this.names.push(r.counterNames[i]);
        this.values.push(r.counterValues[i]);
      }
    }
  }
}

function describe(ex: Exchange, counters: CounterTotals, w: JsonWriter): string {
  const r = ex.records;
  w.text("{\"skipped\":" + (r.skipped ? "true" : "false") + ",\"log\":");
  w.text(r.sequence > 0 ? r.log : "null");
  w.text(",\"logFields\":{");
  for (let i = 0; i < r.logFieldKeys.length; i++) {
    if (i > 0) w.text(",");
    w.stringLiteral(r.logFieldKeys[i]);
    w.text(":");
    w.stringLiteral(r.logFieldValues[i]);
  }
  w.text("},\"span\":{");
  for (let i = 0; i < r.spanKeys.length; i++) {
    if (i > 0) w.text(",");
    w.stringLiteral(r.spanKeys[i]);
    w.text(":");
    w.stringLiteral(r.spanValues[i]);
  }
  w.text("},\"metrics\":{");
  for (let i = 0; i < counters.names.length; i++) {
    if (i > 0) w.text(",");
    w.stringLiteral(counters.names[i]);
    w.text(":");
    w.number(counters.values[i]);
  }
  w.text("}}");
  return w.finish();
}

// Field `which` (0 name, 1 value) of each "name\nvalue\n" pair.
function pairs(text: string, which: i32): Array<string> {
  const out = new Array<string>(0);
  const parts = text.split("\n");
  for (let i = 0; i + 1 < parts.length; i += 2) out.push(which == 0 ? parts[i] : parts[i + 1]);
  return out;
}

function headerOf(names: Array<string>, values: Array<string>, name: string): string {
  for (let i = 0; i < names.length; i++) if (names[i] == name) return values[i];
  return "";
}
