// PRODUCT §3 for every case: a record is well-formed whatever the input. Each ai_log the host wrote
// (early and final) is valid UTF-8 JSON, an object, written compact (no whitespace outside
// strings) in one canonical form (every object's keys in byte order, none repeated, as Go's
// json.Marshal writes a map), and never holds a byte below 0x20. Where the host stores it as
// Higress does (proxy-wasm filter state wasm.ai_log: the JSON string-escaped without quotes), the
// stored bytes must embed as `{"ai_log":"<bytes>"}` — Higress's documented access-log format —
// into a JSON document whose string is such a log. Separate log fields (wasm.<key>) must embed the
// same way. The checks read bytes, exactly as the host produced them.
import type { RecordTexts } from "./adapter.js";
import type { Mismatch } from "./deep-subset.js";
import { childPath, showValue } from "./format-value.js";

const strictUtf8 = new TextDecoder("utf-8", { fatal: true });
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const utf8 = new TextEncoder();

/** Index of the first byte below 0x20, or -1. */
function firstControlByte(bytes: Uint8Array): number {
  for (let i = 0; i < bytes.length; i++) if (bytes[i]! < 0x20) return i;
  return -1;
}

function around(text: string, at: number): string {
  const start = Math.max(0, at - 30);
  return `${start > 0 ? "…" : ""}${text.slice(start, at + 30)}${at + 30 < text.length ? "…" : ""}`;
}

function decode(bytes: Uint8Array, path: string, out: Mismatch[]): string | null {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    out.push({ path, message: `is not valid UTF-8: ${Buffer.from(bytes).toString("hex").slice(0, 120)}` });
    return null;
  }
}

function controlByteProblem(bytes: Uint8Array, path: string, out: Mismatch[]): boolean {
  const at = firstControlByte(bytes);
  if (at < 0) return false;
  const text = new TextDecoder().decode(bytes.subarray(0, at));
  out.push({
    path,
    message: `holds a raw control byte 0x${bytes[at]!.toString(16).padStart(2, "0")} at byte ${at}: ${JSON.stringify(around(text + String.fromCharCode(bytes[at]!), text.length))}`,
  });
  return true;
}

function compareUtf8(a: string, b: string): number {
  return Buffer.compare(Buffer.from(utf8.encode(a)), Buffer.from(utf8.encode(b)));
}

/**
 * Walks valid JSON text and reports the first place it is not compact and canonical: whitespace
 * outside a string, or an object whose keys are not in strictly increasing byte order. Returns
 * null when there is none. The text must already have parsed.
 */
export function canonicalProblem(text: string): string | null {
  let i = 0;
  const fail = (what: string): string => `${what} at character ${i}: ${JSON.stringify(around(text, i))}`;
  const isSpace = (c: string | undefined): boolean => c === " " || c === "\t" || c === "\n" || c === "\r";

  function readString(): string {
    const start = i;
    i++; // opening quote
    while (text[i] !== '"') i += text[i] === "\\" ? 2 : 1;
    i++;
    return JSON.parse(text.slice(start, i)) as string;
  }

  function value(): string | null {
    if (isSpace(text[i])) return fail("whitespace outside a string");
    const c = text[i];
    if (c === '"') {
      readString();
      return null;
    }
    if (c === "{") {
      i++;
      let previous: string | null = null;
      if (text[i] === "}") {
        i++;
        return null;
      }
      for (;;) {
        if (isSpace(text[i])) return fail("whitespace outside a string");
        const keyAt = i;
        const key = readString();
        if (previous !== null) {
          const order = compareUtf8(previous, key);
          if (order === 0) {
            i = keyAt;
            return fail(`key ${JSON.stringify(key)} repeated in one object`);
          }
          if (order > 0) {
            i = keyAt;
            return fail(`key ${JSON.stringify(key)} after ${JSON.stringify(previous)} (keys not sorted)`);
          }
        }
        previous = key;
        if (text[i] !== ":") return fail("whitespace outside a string");
        i++;
        const inner = value();
        if (inner !== null) return inner;
        if (text[i] === "}") {
          i++;
          return null;
        }
        if (text[i] !== ",") return fail("whitespace outside a string");
        i++;
      }
    }
    if (c === "[") {
      i++;
      if (text[i] === "]") {
        i++;
        return null;
      }
      for (;;) {
        const inner = value();
        if (inner !== null) return inner;
        if (text[i] === "]") {
          i++;
          return null;
        }
        if (text[i] !== ",") return fail("whitespace outside a string");
        i++;
      }
    }
    // A number or a literal: up to the next structural character.
    while (i < text.length && !",]}".includes(text[i]!) && !isSpace(text[i])) i++;
    return null;
  }

  const problem = value();
  if (problem !== null) return problem;
  if (i !== text.length) return fail("whitespace outside a string");
  return null;
}

/** Checks one ai_log JSON text (already valid UTF-8, no control byte). */
function checkLogJson(text: string, path: string, out: Mismatch[]): void {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    out.push({ path, message: `is not JSON (${(error as Error).message}): ${showValue(text)}` });
    return;
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    out.push({ path, message: `is JSON but not an object: ${showValue(text)}` });
    return;
  }
  const problem = canonicalProblem(text);
  if (problem !== null) out.push({ path, message: `is not written compact and canonical: ${problem}` });
}

/**
 * Stored bytes embedded between quotes in a JSON document (`{"<name>":"<bytes>"}`, as an access
 * log format does): the string they decode to, or null (reported) when the document is not JSON.
 */
function embedded(bytes: Uint8Array, name: string, path: string, out: Mismatch[]): string | null {
  if (controlByteProblem(bytes, path, out)) return null;
  const text = decode(bytes, path, out);
  if (text === null) return null;
  const document = `{"${name}":"${text}"}`;
  try {
    const value = (JSON.parse(document) as Record<string, unknown>)[name];
    if (typeof value === "string") return value;
    out.push({ path, message: `embedded as ${showValue(document)} does not give one string` });
  } catch (error) {
    out.push({ path, message: `embedded as {"${name}":"…"} is not JSON (${(error as Error).message}): ${showValue(text)}` });
  }
  return null;
}

/** Every way the records' texts are not well-formed (PRODUCT §3). */
export function checkRecords(records: RecordTexts, out: Mismatch[]): void {
  records.logs.forEach((bytes, k) => {
    const path = `records.ai_log[${k}]`;
    if (records.logForm === "escaped") {
      const text = embedded(bytes, "ai_log", path, out);
      if (text === null) return;
      if (LONE_SURROGATE.test(text)) {
        out.push({ path, message: `decodes to text with a lone surrogate: ${showValue(text)}` });
        return;
      }
      const inner = utf8.encode(text);
      if (controlByteProblem(inner, `${path} (decoded)`, out)) return;
      checkLogJson(text, `${path} (decoded)`, out);
      return;
    }
    if (controlByteProblem(bytes, path, out)) return;
    const text = decode(bytes, path, out);
    if (text !== null) checkLogJson(text, path, out);
  });
  for (const [key, bytes] of records.logFields) embedded(bytes, key, childPath("records.log_fields", key), out);
}
