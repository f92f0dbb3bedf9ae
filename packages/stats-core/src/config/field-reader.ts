import { ConfigProblems, describeValue } from "./config-problems";
import { JV_ARRAY, JV_BOOL, JV_NULL, JV_NUMBER, JV_STRING, JsonValue } from "./json-value";
import { jsonNumberValue } from "./json-number";

// Typed reads of configuration fields, in the two dialects Higress itself uses:
//
// - Top-level fields are read by Higress with gjson (`configJson.Get("x").Bool()`, `.Int()`,
//   `.String()`, `.Array()`), which coerces: "true" is true, "4000" is 4000, a lone string is a
//   one-element list, null is the zero value. Where the coercion has one obvious meaning aistats
//   accepts it too (same meaning as Higress) and warns; where gjson would turn nonsense into a zero
//   ("yes" → false) aistats rejects the field instead of guessing (PRODUCT §2: bad configuration is
//   rejected when loaded).
// - Attribute fields are unmarshalled by Higress with Go's encoding/json into a struct: the JSON type
//   must match exactly (a number for a string field is an error), and null leaves the field as it
//   was. These are the "strict" readers.
//
// Every reader records an error in `problems` and returns the fallback when the value is unusable;
// callers stop as soon as `problems.failed`.

/** gjson Bool() semantics, minus silent nonsense (see above). null reads as false. */
export function readLenientBool(v: JsonValue, path: string, problems: ConfigProblems): bool {
  if (v.kind == JV_BOOL) return v.boolValue;
  if (v.kind == JV_NULL) return false;
  if (v.kind == JV_STRING) {
    const word = asciiLower(v.text);
    if (word == "true" || word == "t" || word == "1" || word == "false" || word == "f" || word == "0") {
      const truth = word == "true" || word == "t" || word == "1";
      problems.warn(path, "the string " + describeValue(v) + " is read as " + (truth ? "true" : "false") +
        " (as Higress does); write a JSON boolean");
      return truth;
    }
  } else if (v.kind == JV_NUMBER && (v.number == 0 || v.number == 1)) {
    problems.warn(path, "the number " + v.text + " is read as " + (v.number == 1 ? "true" : "false") +
      " (as Higress does); write a JSON boolean");
    return v.number == 1;
  }
  problems.fail(path, "expected a boolean, got " + describeValue(v));
  return false;
}

/** encoding/json into a bool: only true/false; null keeps `current`. */
export function readStrictBool(v: JsonValue, path: string, problems: ConfigProblems, current: bool): bool {
  if (v.kind == JV_BOOL) return v.boolValue;
  if (v.kind == JV_NULL) return current;
  problems.fail(path, "expected a boolean, got " + describeValue(v));
  return current;
}

/** encoding/json into a string: only strings; null keeps `current`. */
export function readStrictString(v: JsonValue, path: string, problems: ConfigProblems, current: string): string {
  if (v.kind == JV_STRING) return v.text;
  if (v.kind == JV_NULL) return current;
  problems.fail(path, "expected a string, got " + describeValue(v));
  return current;
}

/** gjson String() for a field meant to be a string: a string, or null as "". */
export function readLenientString(v: JsonValue, path: string, problems: ConfigProblems): string {
  if (v.kind == JV_STRING) return v.text;
  if (v.kind == JV_NULL) return "";
  problems.fail(path, "expected a string, got " + describeValue(v));
  return "";
}

/**
 * An integer in [min, max]. With `lenient` (gjson Int()), a string holding a JSON integer is read
 * as that integer, with a warning. The caller handles null.
 */
export function readInteger(v: JsonValue, path: string, problems: ConfigProblems, min: i32, max: i32, lenient: bool): i32 {
  let x: f64 = 0;
  let ok = false;
  if (v.kind == JV_NUMBER) {
    x = v.number;
    ok = true;
  } else if (lenient && v.kind == JV_STRING && isJsonInteger(v.text)) {
    const bytes = asciiBytes(v.text);
    x = jsonNumberValue(bytes, 0, bytes.length);
    ok = true;
    problems.warn(path, "the string " + describeValue(v) + " is read as the number " + v.text +
      " (as Higress does); write a JSON number");
  }
  if (ok && isInteger(x)) {
    if (x >= <f64>min && x <= <f64>max) return <i32>x;
    // Name only the bound that was crossed: "expected an integer ≥ 1024, got 10".
    const bound = x < <f64>min ? "an integer ≥ " + min.toString() : "an integer ≤ " + max.toString();
    problems.fail(path, "expected " + bound + ", got " + describeValue(v));
    return min;
  }
  problems.fail(path, "expected " + integerRange(min, max) + ", got " + describeValue(v));
  return min;
}

/**
 * A list of strings. A lone string is a one-element list (gjson Array() does that; warned when
 * `lenient`, an error otherwise); null is an empty list.
 */
export function readStringList(v: JsonValue, path: string, problems: ConfigProblems, lenient: bool): Array<string> {
  const out = new Array<string>(0);
  if (v.kind == JV_NULL) return out;
  if (v.kind == JV_STRING && lenient) {
    problems.warn(path, "a single string is read as a one-element list (as Higress does); write [" +
      describeValue(v) + "]");
    out.push(v.text);
    return out;
  }
  if (v.kind != JV_ARRAY) {
    problems.fail(path, "expected an array of strings, got " + describeValue(v));
    return out;
  }
  for (let i = 0; i < v.items.length; i++) {
    const item = v.items[i];
    if (item.kind != JV_STRING) {
      problems.fail(path + "[" + i.toString() + "]", "expected a string, got " + describeValue(item));
      return out;
    }
    out.push(item.text);
  }
  return out;
}

/** A finite number ≥ 0. */
export function readNonNegativeNumber(v: JsonValue, path: string, problems: ConfigProblems): f64 {
  if (v.kind == JV_NUMBER && v.number - v.number == 0 && v.number >= 0) return v.number;
  problems.fail(path, "expected a number ≥ 0, got " + describeValue(v));
  return 0;
}

/** "an integer ≥ 1024", "an integer from 0 to 10", … */
export function integerRange(min: i32, max: i32): string {
  if (max == I32_MAX) return "an integer ≥ " + min.toString();
  return "an integer from " + min.toString() + " to " + max.toString();
}

export const I32_MAX: i32 = 2147483647;

/** Finite and without a fractional part. */
export function isInteger(x: f64): bool {
  return x - x == 0 && Math.floor(x) == x;
}

/** ASCII letters lowered; everything else kept. */
export function asciiLower(s: string): string {
  let out = "";
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    out += String.fromCharCode(c >= 0x41 && c <= 0x5a ? c + 0x20 : c);
  }
  return out;
}

// `-`? digits, no leading zero: what gjson's Int() reads exactly from a string.
function isJsonInteger(s: string): bool {
  let i = 0;
  if (s.length > 0 && s.charCodeAt(0) == 0x2d) i = 1;
  if (i >= s.length || s.length - i > 15) return false;
  if (s.charCodeAt(i) == 0x30 && s.length - i > 1) return false;
  for (let k = i; k < s.length; k++) {
    const c = s.charCodeAt(k);
    if (c < 0x30 || c > 0x39) return false;
  }
  return true;
}

function asciiBytes(s: string): Uint8Array {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = <u8>(s.charCodeAt(i) & 0x7f);
  return out;
}
