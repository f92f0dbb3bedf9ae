// Checks one adapter result against its case's expectations (PRODUCT §6), the traffic rule
// (PRODUCT §4) and the well-formedness of the records the host wrote (PRODUCT §3), collecting
// every mismatch with a readable expected-vs-actual line.
import type { ExchangeResult } from "./adapter.js";
import { deliveredResponseChunks, type CaseScript } from "./case-format.js";
import { checkRecords } from "./check-records.js";
import { checkTraffic } from "./check-traffic.js";
import { deepSubset, type Mismatch } from "./deep-subset.js";
import { childPath, showValue } from "./format-value.js";

export type { Mismatch } from "./deep-subset.js";

export interface Verdict {
  readonly passed: boolean;
  readonly mismatches: readonly Mismatch[];
}

function present(record: Record<string, unknown> | null, key: string): boolean {
  return record !== null && record[key] !== undefined && record[key] !== null;
}

function metricsNote(metrics: Record<string, number>): string {
  const names = Object.keys(metrics).sort();
  if (names.length === 0) return " (no metrics were recorded)";
  const shown = names.slice(0, 8).map((n) => `${n}=${metrics[n]}`);
  return ` (recorded: ${shown.join(", ")}${names.length > 8 ? `, … ${names.length - 8} more` : ""})`;
}

function checkMetrics(script: CaseScript, result: ExchangeResult, out: Mismatch[]): void {
  const expected = script.expect.metrics ?? {};
  for (const [name, value] of Object.entries(expected)) {
    const actual = result.metrics[name];
    const path = childPath("metrics", name);
    if (actual === undefined) out.push({ path, message: `expected ${value}, got <missing>${metricsNote(result.metrics)}` });
    else if (actual !== value) out.push({ path, message: `expected ${value}, got ${showValue(actual)}` });
  }
  for (const name of script.expect.metrics_absent ?? []) {
    const actual = result.metrics[name];
    if (actual !== undefined && actual !== 0) {
      out.push({ path: childPath("metrics", name), message: `expected absent, got ${showValue(actual)}` });
    }
  }
}

function checkConfig(script: CaseScript, result: ExchangeResult, out: Mismatch[]): boolean {
  const wanted = script.expect.config_error;
  if (wanted === undefined) {
    if (result.configError !== undefined) {
      out.push({ path: "config", message: `expected the configuration to be accepted, got error ${showValue(result.configError)}` });
      return false;
    }
    return true;
  }
  if (result.configError === undefined) {
    out.push({ path: "config_error", message: `expected an error containing ${showValue(wanted)}, got the configuration accepted` });
  } else if (!result.configError.includes(wanted)) {
    out.push({ path: "config_error", message: `expected an error containing ${showValue(wanted)}, got ${showValue(result.configError)}` });
  }
  return false; // a config_error case checks nothing else
}

/** Every way `result` fails `script`; passed when there are none. */
export function matchCase(script: CaseScript, result: ExchangeResult): Verdict {
  const out: Mismatch[] = [];
  if (!checkConfig(script, result, out)) return { passed: out.length === 0, mismatches: out };
  const expect = script.expect;

  const wantSkipped = expect.skipped === true;
  if (result.skipped !== wantSkipped) {
    out.push({
      path: "skipped",
      message: wantSkipped
        ? "expected the exchange to be skipped, but it was processed"
        : "expected the exchange to be processed, but the host skipped it",
    });
  }
  if (wantSkipped) {
    if (result.log !== null) out.push({ path: "log", message: `expected no ai_log (skipped), got ${showValue(result.log)}` });
    const counted = Object.entries(result.metrics).filter(([, v]) => v !== 0);
    if (counted.length > 0) {
      out.push({ path: "metrics", message: `expected no metrics (skipped), got${metricsNote(Object.fromEntries(counted))}` });
    }
  }

  if (expect.log !== undefined) {
    if (result.log === null) out.push({ path: "log", message: `expected an ai_log with ${showValue(expect.log)}, got none` });
    else deepSubset(expect.log, result.log, "log", out);
  }
  for (const key of expect.log_absent ?? []) {
    if (present(result.log, key)) {
      out.push({ path: childPath("log", key), message: `expected absent, got ${showValue(result.log![key])}` });
    }
  }
  for (const key of expect.log_present ?? []) {
    if (!present(result.log, key)) {
      const got = result.log === null ? "no ai_log" : showValue(result.log[key]);
      out.push({ path: childPath("log", key), message: `expected present (any value but null), got ${got}` });
    }
  }
  if (expect.log_fields !== undefined) deepSubset(expect.log_fields, result.logFields, "log_fields", out);
  if (expect.span !== undefined) deepSubset(expect.span, result.span, "span", out);
  checkMetrics(script, result, out);
  if (result.records !== undefined) checkRecords(result.records, out);

  checkTraffic(
    "client",
    deliveredResponseChunks(script).map((c) => c.bytes),
    result.clientChunks,
    out,
  );
  checkTraffic(
    "upstream",
    script.request.chunks.map((c) => c.bytes),
    result.upstreamChunks,
    out,
  );
  return { passed: out.length === 0, mismatches: out };
}
