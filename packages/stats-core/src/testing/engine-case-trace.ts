import { parsePluginConfig } from "../config/parse-plugin-config";
import { Engine } from "../engine/engine";
import { Exchange } from "../engine/exchange";
import { ReplayObserver, replayCase } from "./replay-case";
import { JsonWriter } from "../record/json-writer";

// Replays one exchange through an Engine and returns what it recorded as JSON text:
// {"configError": "…"} or {"skipped", "log" (the last ai_log, or null), "logFields", "span",
// "metrics" (counter totals)}. Exported by both builds so the conformance adapters `core` and
// `core-wasm` drive the same code. Arguments: the configuration bytes, then replayCase's
// (replay-case.ts).
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
  const counters = new CounterTotals();
  const ex = replayCase(engine, requestHeaders, responseHeaders, routeName, clusterName, bytes, plan, counters);
  const out = describe(ex, counters, w);
  engine.end(ex);
  return out;
}

// Sums the counter increments of final records (a host applies them once).
class CounterTotals extends ReplayObserver {
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
