// How values and paths appear in a failing case's diff: JSON for values (long strings shortened
// around the point where they differ), gjson-like paths with brackets for keys that contain dots.

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;
const MAX_SHOWN = 160;

/** `log` + `tool_calls` → `log.tool_calls`; `span` + `gen_ai.model_name` → `span["gen_ai.model_name"]`. */
export function childPath(parent: string, key: string | number): string {
  if (typeof key === "number") return `${parent}[${key}]`;
  return IDENTIFIER.test(key) ? `${parent}.${key}` : `${parent}[${JSON.stringify(key)}]`;
}

/** A value's kind for type mismatches: "string", "number", "object", "array", "null"… */
export function kindOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  return typeof value;
}

function shorten(text: string, around = 0): string {
  if (text.length <= MAX_SHOWN) return text;
  const start = Math.max(0, Math.min(around - MAX_SHOWN / 4, text.length - MAX_SHOWN));
  const head = start > 0 ? "…" : "";
  const tail = start + MAX_SHOWN < text.length ? "…" : "";
  return `${head}${text.slice(start, start + MAX_SHOWN)}${tail}`;
}

/** A value rendered for a diff line; `around` centres long strings near the first difference. */
export function showValue(value: unknown, around = 0): string {
  if (value === undefined) return "<missing>";
  if (typeof value === "string") {
    const json = JSON.stringify(value);
    return value.length > MAX_SHOWN ? `${shorten(json, around + 1)} (${value.length} chars)` : json;
  }
  let json: string;
  try {
    json = JSON.stringify(value) ?? String(value);
  } catch {
    json = String(value);
  }
  return shorten(json);
}

/** Index of the first differing UTF-16 unit of two strings (the shorter length if one is a prefix). */
export function firstDifference(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a.charCodeAt(i) !== b.charCodeAt(i)) return i;
  return n;
}

function hasControlBytes(bytes: Uint8Array): boolean {
  for (const b of bytes) if (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d) return true;
  return false;
}

/** Bytes shown as text when they are printable UTF-8, else as hex. */
export function showBytes(bytes: Uint8Array, around = 0): string {
  const text = Buffer.from(bytes).toString("utf8");
  if (!text.includes("\ufffd") && !hasControlBytes(bytes)) return shorten(JSON.stringify(text), around + 1);
  const from = Math.max(0, around - 16);
  const hex = Buffer.from(bytes.subarray(from, from + 48)).toString("hex").replace(/(..)/g, "$1 ").trim();
  return `${from > 0 ? "… " : ""}<${hex}>${from + 48 < bytes.length ? " …" : ""}`;
}
