import { JV_ARRAY, JV_BOOL, JV_NULL, JV_NUMBER, JV_OBJECT, JV_STRING, JsonValue } from "./json-value";

// What loading a configuration found wrong: at most one error (the first, in document order: the
// configuration is then rejected as a whole) and any number of warnings (accepted, but probably not
// what was meant). Messages start with the field path, `attributes[2].rule: …`, so a user can find
// the place at once.

export class ConfigProblems {
  /** The first error, "" when none. */
  error: string = "";
  readonly warnings: Array<string> = new Array<string>(0);

  get failed(): bool {
    return this.error.length > 0;
  }

  /** Records an error unless one is already recorded (only the first is reported). */
  fail(path: string, message: string): void {
    if (this.error.length == 0) this.error = withPath(path, message);
  }

  warn(path: string, message: string): void {
    this.warnings.push(withPath(path, message));
  }
}

function withPath(path: string, message: string): string {
  return path.length > 0 ? path + ": " + message : message;
}

/** `parent.name` (just `name` at the top). */
export function fieldPath(parent: string, name: string): string {
  return parent.length > 0 ? parent + "." + name : name;
}

/** `parent[i]`. */
export function indexPath(parent: string, index: i32): string {
  return parent + "[" + index.toString() + "]";
}

/** `parent["key"]`, for map keys (model names may hold dots). */
export function keyPath(parent: string, key: string): string {
  return parent + "[" + quoteText(key, 80) + "]";
}

/** A value as a message shows it: `"yes"`, `10`, `true`, `null`, `an array`, `an object`. */
export function describeValue(v: JsonValue): string {
  if (v.kind == JV_STRING) return quoteText(v.text, 60);
  if (v.kind == JV_NUMBER) return v.text;
  if (v.kind == JV_BOOL) return v.boolValue ? "true" : "false";
  if (v.kind == JV_NULL) return "null";
  if (v.kind == JV_ARRAY) return v.items.length == 0 ? "an empty array" : "an array";
  if (v.kind == JV_OBJECT) return v.keys.length == 0 ? "an empty object" : "an object";
  return "a value";
}

/** `s` in double quotes with JSON escapes, cut to `max` characters (then ending in …). */
export function quoteText(s: string, max: i32): string {
  let out = "\"";
  const n = s.length < max ? s.length : max;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c == 0x22) out += "\\\"";
    else if (c == 0x5c) out += "\\\\";
    else if (c == 0x0a) out += "\\n";
    else if (c == 0x0d) out += "\\r";
    else if (c == 0x09) out += "\\t";
    else if (c < 0x20) out += "\\u00" + HEX.charAt(c >> 4) + HEX.charAt(c & 15);
    else out += String.fromCharCode(c);
  }
  if (n < s.length) out += "…";
  return out + "\"";
}

const HEX = "0123456789abcdef";
