// Checks of a host's own options (the Node and edge factories'), failing the way a rejected
// configuration fails: AistatsConfigError, its message starting with the option's path.
import { AistatsConfigError } from "./config.js";

/** An integer option ≥ `min` (`fallback` when undefined). */
export function intOption(value: unknown, field: string, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !Number.isInteger(value) || value < min) {
    throw new AistatsConfigError(`${field}: expected an integer ≥ ${min}, got ${JSON.stringify(value)}`);
  }
  return value;
}

/** A function option (undefined when not given). */
export function functionOption<T>(value: T | undefined, field: string): T | undefined {
  if (value !== undefined && typeof value !== "function") throw new AistatsConfigError(`${field}: expected a function, got ${typeof value}`);
  return value;
}

/** The options argument itself: an object. */
export function optionsObject(options: unknown): void {
  if (typeof options !== "object" || options === null) throw new AistatsConfigError(`options: expected an object, got ${options === null ? "null" : typeof options}`);
}
