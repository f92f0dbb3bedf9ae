// PRODUCT §6 deep-subset matching: every expected key must be present and equal; objects may
// have more keys; arrays must have the same length and match element by element; numbers are
// compared as numbers and never equal a string that looks like one (values stay typed).
import { childPath, firstDifference, kindOf, showValue } from "./format-value.js";

export interface Mismatch {
  /** Where the values differ, e.g. `log.tool_calls[0].function.name`. */
  readonly path: string;
  /** Human-readable expected vs actual, e.g. `expected "a", got "b"`. */
  readonly message: string;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Appends one mismatch per differing leaf of `expected` within `actual`. */
export function deepSubset(expected: unknown, actual: unknown, path: string, out: Mismatch[]): void {
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) {
      out.push({ path, message: `expected an array of ${expected.length}, got ${kindOf(actual)} ${showValue(actual)}` });
      return;
    }
    if (actual.length !== expected.length) {
      out.push({
        path,
        message: `expected an array of ${expected.length}, got an array of ${actual.length}: ${showValue(actual)}`,
      });
      return;
    }
    expected.forEach((item, i) => deepSubset(item, actual[i], childPath(path, i), out));
    return;
  }
  if (isPlainObject(expected)) {
    if (!isPlainObject(actual)) {
      out.push({ path, message: `expected an object, got ${kindOf(actual)} ${showValue(actual)}` });
      return;
    }
    for (const [key, value] of Object.entries(expected)) {
      const child = childPath(path, key);
      if (!(key in actual) || actual[key] === undefined) {
        out.push({ path: child, message: `expected ${showValue(value)}, got <missing>` });
      } else {
        deepSubset(value, actual[key], child, out);
      }
    }
    return;
  }
  if (expected === actual) return;
  if (typeof expected === "number" && typeof actual === "number" && Number.isNaN(expected) && Number.isNaN(actual)) return;
  if (typeof expected === "string" && typeof actual === "string") {
    const at = firstDifference(expected, actual);
    const where = expected.length > 40 || actual.length > 40 ? ` (first difference at character ${at})` : "";
    out.push({ path, message: `expected ${showValue(expected, at)}, got ${showValue(actual, at)}${where}` });
    return;
  }
  const types = kindOf(expected) === kindOf(actual) ? "" : ` (${kindOf(expected)} vs ${kindOf(actual)})`;
  out.push({ path, message: `expected ${showValue(expected)}, got ${showValue(actual)}${types}` });
}
