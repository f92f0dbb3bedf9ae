// One record as one compact JSON line, `{"ai_log":{…},"<separate field>":"…",…}` — the shape the
// Node host logs and what Workers Logs / Logpush collect from console.log. Built from the record's
// texts, not from JSON.stringify of its objects, so a count beyond 2^53 keeps its digits.
import type { AistatsRecord } from "@aistats/host";

export function recordLine(record: AistatsRecord): string {
  let line = `{"ai_log":${record.logText}`;
  for (const [key, escaped] of Object.entries(record.logFieldsEscaped)) {
    // A separate field named ai_log would be a second "ai_log" key: the log itself wins.
    if (key !== "ai_log") line += `,${JSON.stringify(key)}:"${escaped}"`;
  }
  return `${line}}`;
}
