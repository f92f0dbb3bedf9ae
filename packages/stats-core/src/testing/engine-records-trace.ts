import { parsePluginConfig } from "../config/parse-plugin-config";
import { Engine } from "../engine/engine";
import { Exchange } from "../engine/exchange";
import { ReplayObserver, replayCase } from "./replay-case";
import { JsonWriter } from "../record/json-writer";

// Replays one exchange exactly as engineCaseTrace does (same arguments) and returns every record
// the engine wrote, as the texts a host would write out: PRODUCT §3 requires each of them to be
// well-formed (valid JSON, compact, no raw control character), whatever the input. engineCaseTrace
// embeds the log inside its own JSON answer, which hides how the log text itself is written; here
// each text is a JSON string literal, so the caller gets it byte for byte.
//
// Answer: {"configError": "…"} or {"skipped": bool, "truncated": n, "records": [record, …]},
// one record per new log (records.sequence changed) in order, each
//   {"sequence": n, "final": bool, "log": "<ai_log JSON text>" | "logHex": "<its UTF-8 as hex>",
//    "logFields": [["key", "<value as stored: JSON string contents>"], …],
//    "span": [["key", "value"], …], "counters": [["name", "<number text>"], …]}.
// byteLogs = 0: text logs (records.log, as the Node and edge hosts read them); 1: UTF-8 logs
// (engine.textLogs off, records.logBytes, as the Proxy-Wasm plugin reads them), given as hex so
// that no byte is changed on the way out.
export function engineRecordsTrace(
  config: Uint8Array,
  requestHeaders: string,
  responseHeaders: string,
  routeName: string,
  clusterName: string,
  bytes: Uint8Array,
  plan: Int32Array,
  byteLogs: i32,
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
  engine.textLogs = byteLogs == 0;
  const seen = new RecordsSeen(byteLogs != 0);
  const ex = replayCase(engine, requestHeaders, responseHeaders, routeName, clusterName, bytes, plan, seen);
  const r = ex.records;
  const out = "{\"skipped\":" + (r.skipped ? "true" : "false") + ",\"truncated\":" + r.truncated.toString() +
    ",\"records\":[" + seen.texts.join(",") + "]}";
  engine.end(ex);
  return out;
}

// Each new record (sequence changed since the last look) as one JSON object text.
class RecordsSeen extends ReplayObserver {
  readonly texts: Array<string> = new Array<string>(0);
  private sequence: i32 = 0;
  private readonly w: JsonWriter = new JsonWriter();
  private readonly byteLogs: bool;

  constructor(byteLogs: bool) {
    super();
    this.byteLogs = byteLogs;
  }

  collect(ex: Exchange): void {
    const r = ex.records;
    if (r.sequence == this.sequence) return;
    this.sequence = r.sequence;
    const w = this.w;
    w.text("{\"sequence\":" + r.sequence.toString() + ",\"final\":" + (r.final ? "true" : "false"));
    if (this.byteLogs) {
      w.text(",\"logHex\":\"" + hexOf(r.logBytes, r.logLength) + "\"");
    } else {
      w.text(",\"log\":");
      w.stringLiteral(r.log);
    }
    w.text(",\"logFields\":[");
    for (let i = 0; i < r.logFieldKeys.length; i++) pair(w, i, r.logFieldKeys[i], r.logFieldValues[i]);
    w.text("],\"span\":[");
    for (let i = 0; i < r.spanKeys.length; i++) pair(w, i, r.spanKeys[i], r.spanValues[i]);
    w.text("],\"counters\":[");
    for (let i = 0; i < r.counterNames.length; i++) {
      if (i > 0) w.text(",");
      w.text("[");
      w.stringLiteral(r.counterNames[i]);
      w.text(",");
      // As text: a JSON number here would hide a value that is not one (Infinity, NaN).
      w.stringLiteral(numberString(r.counterValues[i]));
      w.text("]");
    }
    w.text("]}");
    this.texts.push(w.finish());
  }
}

function pair(w: JsonWriter, i: i32, key: string, value: string): void {
  if (i > 0) w.text(",");
  w.text("[");
  w.stringLiteral(key);
  w.text(",");
  w.stringLiteral(value);
  w.text("]");
}

// A counter value, exactly and identically on both builds (the portable subset has no i64, and
// f64 printing differs between builds beyond 2^53): NaN and the infinities spelt out, an integer
// below 2^54 in digits, any other value as "m*2^e" with m such an integer (halving and doubling
// are exact).
function numberString(x: f64): string {
  if (x != x) return "NaN";
  if (x == Infinity) return "Infinity";
  if (x == -Infinity) return "-Infinity";
  let m = x;
  let e = 0;
  while (m != Math.floor(m)) {
    m *= 2;
    e--;
  }
  while (Math.abs(m) >= 18014398509481984) {
    m /= 2;
    e++;
  }
  return e == 0 ? digits(m) : digits(m) + "*2^" + e.toString();
}

// An integral |v| < 2^54 in decimal digits: v % 10 is exact, and v - d is an even integer below
// 2^54, so representable, and a multiple of 10.
function digits(x: f64): string {
  if (x == 0) return "0";
  const neg = x < 0;
  let v = neg ? -x : x;
  let s = "";
  while (v >= 1) {
    const d = <i32>(v % 10);
    s = HEX_DIGITS.charAt(d) + s;
    // eslint-disable-next-line no-restricted-syntax -- f64 / f64: exact, v - d is a multiple of 10
    v = (v - d) / 10;
  }
  return neg ? "-" + s : s;
}

const HEX_DIGITS: string = "0123456789abcdef";

function hexOf(b: Uint8Array, n: i32): string {
  const parts = new Array<string>(0);
  for (let i = 0; i < n; i++) {
    const c = <i32>b[i];
    parts.push(HEX_DIGITS.charAt(c >> 4) + HEX_DIGITS.charAt(c & 15));
  }
  return parts.join("");
}
