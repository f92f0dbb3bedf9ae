import { Arena } from "../arena/arena";
import { ArenaLease } from "../arena/arena-lease";
import { parsePluginConfig } from "../config/parse-plugin-config";
import { Engine } from "../engine/engine";
import { Exchange } from "../engine/exchange";
import { sha256Hex } from "../engine/sha256";
import { ValueBuffer } from "../engine/value-buffer";
import { valueString } from "../engine/log-builder";
import { utf8ToString } from "../glue/text";
import { JsonCanonicalizer } from "../record/json-canonical";
import { JsonWriter, numberText } from "../record/json-writer";

// Portable engine scenarios for the dual-build tests (src/engine/*.test.ts): what the conformance
// cases do not reach — the bounded head/tail of an endless value, the records' sequence over a
// stream, arena return and exchange reuse, drop counting, and the Go-style JSON text.

/**
 * Appends `piece` `times` times to a value limited to `limit` bytes in an arena of `arenaBytes`;
 * prints the value as logged, its stored/lost counts and the arena's use (during and after).
 */
export function engineValueTrace(piece: Uint8Array, times: i32, limit: i32, arenaBytes: i32): string {
  const arena = new Arena(arenaBytes);
  const lease = new ArenaLease(arena);
  const v = new ValueBuffer(lease, limit);
  v.start(1);
  for (let i = 0; i < times; i++) v.append(piece, 0, piece.length);
  const text = valueString(v);
  const line = "total " + v.total.toString() + " whole " + (v.whole ? "yes" : "no") + " lost " + v.lost.toString() +
    " used " + arena.usedBytes.toString() + " peak " + arena.peakUsedBytes.toString();
  const copy = new ValueBuffer(lease, limit);
  copy.copyFrom(v);
  const same = valueString(copy) == text;
  v.release();
  copy.release();
  return text + "\n" + line + "\ncopy " + (same ? "same" : "differs") + " after " + arena.usedBytes.toString();
}

/**
 * The JSON string literal for `bytes`, then `bytes` as a JSON value in canonical form (or
 * "invalid" when it is not one JSON value), one per line.
 */
export function engineJsonTextTrace(bytes: Uint8Array): string {
  const w = new JsonWriter();
  w.text("\"");
  w.escapedBytes(bytes, 0, bytes.length);
  w.text("\"\n");
  const canonical = new JsonCanonicalizer();
  if (canonical.isValidJson(bytes, 0, bytes.length)) canonical.write(w, bytes, 0, bytes.length);
  else w.text("invalid");
  return w.finish();
}

/** SHA-256 of `bytes` as hex. */
export function engineSha256Trace(bytes: Uint8Array): string {
  return sha256Hex(bytes, 0, bytes.length);
}

/**
 * Runs `runs` exchanges, one after the other, on one engine: a POST to `path` with `requestBody`,
 * a 200 response of `contentType` whose body is `body` cut at `splits` (ascending offsets), ended
 * normally or (abortAfter ≥ 0) aborted after that many pieces. Prints, per piece, the record
 * sequence when it changed (with final and counter count), then the last log, counters and span,
 * the drop counters and the arena's use after each exchange.
 */
export function engineStreamTrace(
  config: Uint8Array,
  path: string,
  requestBody: Uint8Array,
  contentType: string,
  body: Uint8Array,
  splits: Int32Array,
  abortAfter: i32,
  runs: i32,
): string {
  const result = parsePluginConfig(config);
  if (!result.ok) return "config error: " + result.error;
  const engine = new Engine(result);
  const lines = new Array<string>(0);
  for (let run = 0; run < runs; run++) {
    const ex = engine.begin("r1", "example.com", "c1");
    ex.addRequestHeader(":method", "POST");
    ex.addRequestHeader(":path", path);
    ex.addRequestHeader("X-Mse-Consumer", "u1");
    if (!ex.requestHeaders(1000)) {
      lines.push("skipped " + (ex.records.skipped ? "yes" : "no"));
      engine.end(ex);
      continue;
    }
    ex.requestBody(requestBody, 0, requestBody.length, 1000);
    ex.requestEnd(1000);
    ex.addResponseHeader(":status", "200");
    ex.addResponseHeader("content-type", contentType);
    ex.responseHeaders(1100);
    let seen = 0;
    let prev = 0;
    let clock: f64 = 1100;
    let pieces = 0;
    let aborted = false;
    for (let k = 0; k <= splits.length; k++) {
      const cut = k < splits.length ? splits[k] : body.length;
      if (cut < prev || cut > body.length) continue;
      if (abortAfter >= 0 && pieces == abortAfter) {
        aborted = true;
        break;
      }
      clock += 10;
      ex.responseBody(body, prev, cut, clock);
      pieces++;
      prev = cut;
      seen = note(lines, ex, seen, "piece " + pieces.toString());
    }
    if (aborted) ex.abort(clock + 5);
    else ex.responseEnd(clock + 5);
    note(lines, ex, seen, aborted ? "abort" : "end");
    const r = ex.records;
    lines.push("log " + r.log);
    for (let i = 0; i < r.counterNames.length; i++) lines.push("counter " + r.counterNames[i] + " " + numberText(r.counterValues[i]));
    for (let i = 0; i < r.spanKeys.length; i++) lines.push("span " + r.spanKeys[i] + "=" + r.spanValues[i]);
    for (let i = 0; i < r.logFieldKeys.length; i++) lines.push("field " + r.logFieldKeys[i] + "=" + r.logFieldValues[i]);
    const peak = engine.arena.peakUsedBytes;
    engine.end(ex);
    let drops = "drops";
    for (let i = 0; i < engine.drops.reasons; i++) drops += " " + engine.drops.reasonName(i) + "=" + (<i32>engine.drops.counts[i]).toString();
    lines.push(drops);
    lines.push("arena after " + engine.arena.usedBytes.toString() + " peak " + peak.toString());
  }
  return lines.join("\n");
}

// Notes a new record (sequence changed); returns the sequence seen.
function note(lines: Array<string>, ex: Exchange, seen: i32, at: string): i32 {
  const r = ex.records;
  if (r.sequence == seen) return seen;
  lines.push(at + ": record " + r.sequence.toString() + (r.final ? " final" : " early") + " counters " + r.counterNames.length.toString());
  return r.sequence;
}

/**
 * One SSE exchange on two engines, with text logs and with UTF-8 logs (textLogs off): prints both
 * logs, one per line, the second decoded from records.logBytes.
 */
export function engineByteLogTrace(config: Uint8Array, requestBody: Uint8Array, body: Uint8Array): string {
  const result = parsePluginConfig(config);
  if (!result.ok) return "config error: " + result.error;
  const lines = new Array<string>(0);
  for (let pass = 0; pass < 2; pass++) {
    const engine = new Engine(result);
    engine.textLogs = pass == 0;
    const ex = engine.begin("r1", "example.com", "c1");
    ex.addRequestHeader(":method", "POST");
    ex.addRequestHeader(":path", "/v1/chat/completions");
    ex.requestHeaders(1000);
    ex.requestBody(requestBody, 0, requestBody.length, 1000);
    ex.requestEnd(1000);
    ex.addResponseHeader(":status", "200");
    ex.addResponseHeader("content-type", "text/event-stream");
    ex.responseHeaders(1100);
    ex.responseBody(body, 0, body.length, 1200);
    ex.responseEnd(1300);
    const r = ex.records;
    lines.push(pass == 0 ? r.log : "[" + r.log + "] " + utf8ToString(r.logBytes, 0, r.logLength));
    engine.end(ex);
  }
  return lines.join("\n");
}
