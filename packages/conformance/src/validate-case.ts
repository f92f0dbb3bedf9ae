// Validates one parsed case file against PRODUCT §6. Every problem names the field by its path
// (`response.chunks[2].at_ms`) so a malformed case is fixed in one look. Unknown top-level fields
// are ignored (case sets written by others may carry their own annotations); unknown fields
// anywhere else are errors, because a misspelt expectation (`log_absnet`) would silently check
// nothing.
import type { CaseFile, ChunkSpec, Expectation, Json, RequestSpec, ResponseSpec } from "./case-format.js";

export interface CaseProblem {
  /** Dotted path of the offending field, e.g. `expect.metrics`; empty for the whole file. */
  readonly field: string;
  readonly message: string;
}

type JsonObject = { [key: string]: Json };

const REQUEST_KEYS = ["headers", "body", "chunks", "at_ms"];
const RESPONSE_KEYS = ["headers", "at_ms", "chunks", "body", "end_at_ms", "abort_after_chunks"];
const EXPECT_KEYS = [
  "config_error",
  "skipped",
  "log",
  "log_absent",
  "log_present",
  "log_fields",
  "span",
  "metrics",
  "metrics_absent",
];
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "string") return `the string ${JSON.stringify(value.length > 40 ? value.slice(0, 40) + "…" : value)}`;
  return `${typeof value} ${JSON.stringify(value)}`;
}

class Checker {
  readonly problems: CaseProblem[] = [];

  fail(field: string, message: string): void {
    this.problems.push({ field, message });
  }

  object(value: unknown, field: string): value is JsonObject {
    if (isObject(value)) return true;
    this.fail(field, `must be an object, got ${describe(value)}`);
    return false;
  }

  onlyKeys(value: JsonObject, allowed: readonly string[], field: string): void {
    for (const key of Object.keys(value)) {
      if (!allowed.includes(key)) this.fail(`${field}.${key}`, `unknown field (allowed: ${allowed.join(", ")})`);
    }
  }

  string(value: unknown, field: string, nonEmpty = false): value is string {
    if (typeof value !== "string") {
      this.fail(field, `must be a string, got ${describe(value)}`);
      return false;
    }
    if (nonEmpty && value.length === 0) {
      this.fail(field, "must not be empty");
      return false;
    }
    return true;
  }

  time(value: unknown, field: string): value is number {
    if (typeof value !== "number" || !Number.isFinite(value) || value < 0) {
      this.fail(field, `must be a non-negative number of milliseconds, got ${describe(value)}`);
      return false;
    }
    return true;
  }

  stringMap(value: unknown, field: string): value is Record<string, string> {
    if (!this.object(value, field)) return false;
    let ok = true;
    for (const [key, v] of Object.entries(value)) ok = this.string(v, `${field}.${key}`) && ok;
    return ok;
  }

  stringList(value: unknown, field: string): value is string[] {
    if (!Array.isArray(value)) {
      this.fail(field, `must be an array of strings, got ${describe(value)}`);
      return false;
    }
    let ok = true;
    value.forEach((v, i) => {
      ok = this.string(v, `${field}[${i}]`, true) && ok;
    });
    return ok;
  }
}

function checkChunks(c: Checker, value: unknown, field: string): value is ChunkSpec[] {
  if (!Array.isArray(value)) {
    c.fail(field, `must be an array of chunks, got ${describe(value)}`);
    return false;
  }
  const before = c.problems.length;
  value.forEach((chunk: unknown, i) => {
    const at = `${field}[${i}]`;
    if (typeof chunk === "string") return;
    if (!isObject(chunk)) {
      c.fail(at, `must be a string, {"text", "at_ms"} or {"base64", "at_ms"}, got ${describe(chunk)}`);
      return;
    }
    c.onlyKeys(chunk, ["text", "base64", "at_ms"], at);
    const hasText = "text" in chunk;
    const hasBase64 = "base64" in chunk;
    if (hasText === hasBase64) c.fail(at, 'needs exactly one of "text" and "base64"');
    if (hasText) c.string(chunk.text, `${at}.text`);
    if (hasBase64 && c.string(chunk.base64, `${at}.base64`)) {
      const b64 = chunk.base64 as string;
      if (b64.length % 4 !== 0 || !BASE64.test(b64)) c.fail(`${at}.base64`, "is not valid base64");
    }
    if ("at_ms" in chunk) c.time(chunk.at_ms, `${at}.at_ms`);
  });
  return c.problems.length === before;
}

function checkBodyOrChunks(c: Checker, side: JsonObject, field: string): void {
  if ("body" in side && "chunks" in side) c.fail(`${field}.body`, 'give either "body" or "chunks", not both');
  if ("chunks" in side) checkChunks(c, side.chunks, `${field}.chunks`);
}

function checkRequest(c: Checker, value: unknown): void {
  if (!c.object(value, "request")) return;
  c.onlyKeys(value, REQUEST_KEYS, "request");
  if (!("headers" in value)) c.fail("request.headers", "is required");
  else c.stringMap(value.headers, "request.headers");
  checkBodyOrChunks(c, value, "request");
  if ("at_ms" in value) c.time(value.at_ms, "request.at_ms");
}

function checkResponse(c: Checker, value: unknown): void {
  if (!c.object(value, "response")) return;
  c.onlyKeys(value, RESPONSE_KEYS, "response");
  if (!("headers" in value)) c.fail("response.headers", "is required");
  else c.stringMap(value.headers, "response.headers");
  checkBodyOrChunks(c, value, "response");
  if ("at_ms" in value) c.time(value.at_ms, "response.at_ms");
  if ("end_at_ms" in value) c.time(value.end_at_ms, "response.end_at_ms");
  if ("abort_after_chunks" in value) {
    const n = value.abort_after_chunks;
    const count = Array.isArray(value.chunks) ? value.chunks.length : "body" in value ? 1 : 0;
    if (typeof n !== "number" || !Number.isInteger(n) || n < 0) {
      c.fail("response.abort_after_chunks", `must be a non-negative integer, got ${describe(n)}`);
    } else if (n > count) {
      c.fail("response.abort_after_chunks", `is ${n} but the response has only ${count} chunk(s)`);
    }
  }
}

function checkExpect(c: Checker, value: unknown): void {
  if (!c.object(value, "expect")) return;
  c.onlyKeys(value, EXPECT_KEYS, "expect");
  if ("config_error" in value) {
    c.string(value.config_error, "expect.config_error", true);
    const others = Object.keys(value).filter((k) => k !== "config_error" && EXPECT_KEYS.includes(k));
    if (others.length > 0) {
      c.fail("expect.config_error", `cannot be combined with ${others.join(", ")}: a rejected configuration runs no exchange`);
    }
  }
  if ("skipped" in value && typeof value.skipped !== "boolean") {
    c.fail("expect.skipped", `must be true or false, got ${describe(value.skipped)}`);
  }
  if (value.skipped === true) {
    for (const key of ["log", "log_fields", "span", "metrics"]) {
      if (key in value) c.fail(`expect.${key}`, "contradicts expect.skipped: a skipped exchange records nothing");
    }
  }
  for (const key of ["log", "log_fields"]) if (key in value) c.object(value[key], `expect.${key}`);
  if ("span" in value) c.stringMap(value.span, "expect.span");
  if ("metrics" in value && c.object(value.metrics, "expect.metrics")) {
    for (const [name, n] of Object.entries(value.metrics)) {
      if (typeof n !== "number" || !Number.isFinite(n)) {
        c.fail(`expect.metrics.${name}`, `must be a number, got ${describe(n)}`);
      }
    }
  }
  for (const key of ["log_absent", "log_present", "metrics_absent"]) if (key in value) c.stringList(value[key], `expect.${key}`);
}

/** Times must never run backwards: request, its chunks, response headers, its chunks, the end. */
function checkTimeline(c: Checker, doc: JsonObject): void {
  let clock = 0;
  let clockField = "the start";
  const step = (value: unknown, field: string): void => {
    if (typeof value !== "number" || !Number.isFinite(value) || value < 0) return;
    if (value < clock) c.fail(field, `${value} is earlier than ${clockField} (${clock}): the clock never runs backwards`);
    else {
      clock = value;
      clockField = field;
    }
  };
  for (const side of ["request", "response"] as const) {
    const spec = doc[side];
    if (!isObject(spec)) continue;
    step(spec.at_ms, `${side}.at_ms`);
    if (Array.isArray(spec.chunks)) {
      spec.chunks.forEach((chunk, i) => {
        if (isObject(chunk)) step(chunk.at_ms, `${side}.chunks[${i}].at_ms`);
      });
    }
    if (side === "response") step(spec.end_at_ms, "response.end_at_ms");
  }
}

/** Validates a parsed case file; returns the typed case or the list of problems. */
export function validateCase(doc: unknown): { ok: true; value: CaseFile } | { ok: false; problems: CaseProblem[] } {
  const c = new Checker();
  if (!isObject(doc)) {
    c.fail("", `a case must be a JSON object, got ${describe(doc)}`);
    return { ok: false, problems: c.problems };
  }
  if (!("name" in doc)) c.fail("name", "is required");
  else c.string(doc.name, "name", true);
  if ("description" in doc) c.string(doc.description, "description");
  if (!("config" in doc)) c.fail("config", "is required");
  else c.object(doc.config, "config");
  if ("properties" in doc) c.stringMap(doc.properties, "properties");
  const expectsConfigError = isObject(doc.expect) && "config_error" in doc.expect;
  for (const side of ["request", "response"] as const) {
    if (side in doc) {
      if (side === "request") checkRequest(c, doc.request);
      else checkResponse(c, doc.response);
    } else if (!expectsConfigError) {
      c.fail(side, "is required (only a config_error case may leave out the exchange)");
    }
  }
  if (!("expect" in doc)) c.fail("expect", "is required");
  else checkExpect(c, doc.expect);
  checkTimeline(c, doc);
  if (c.problems.length > 0) return { ok: false, problems: c.problems };

  const value: CaseFile = {
    name: doc.name as string,
    config: doc.config as JsonObject,
    expect: doc.expect as Expectation,
  };
  if (typeof doc.description === "string") value.description = doc.description;
  if (isObject(doc.properties)) value.properties = doc.properties as Record<string, string>;
  if (isObject(doc.request)) value.request = doc.request as unknown as RequestSpec;
  if (isObject(doc.response)) value.response = doc.response as unknown as ResponseSpec;
  return { ok: true, value };
}
