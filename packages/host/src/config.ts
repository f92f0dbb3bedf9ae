// Configuration loading: the Higress ai-statistics configuration (plus aistats' extensions) as
// text, bytes or an object, parsed by stats-core once. A rejected configuration throws
// AistatsConfigError before any engine exists; an accepted one is branded, and only a branded
// configuration can make an engine (engineFor), so `new Engine(rejected)` — an engine that skips
// every request in silence — cannot happen in this package.
import { Engine, parsePluginConfig, type ConfigResult } from "@aistats/stats-core";

/** What `createRecorder` accepts: JSON text, its UTF-8 bytes, or a plain object (JSON.stringify'd). */
export type ConfigInput = string | Uint8Array | { readonly [key: string]: unknown };

/**
 * The configuration was rejected (PRODUCT §2: what Higress rejects, a JSON type that does not fit,
 * a path outside the supported subset, an extension out of range). Nothing was applied.
 */
export class AistatsConfigError extends Error {
  /**
   * The offending field with its index, as the message starts (`attributes[2].rule`,
   * `_rules_[0].attributes[1].value`, `value_length_limit`); "" when the document as a whole is
   * wrong (not JSON, not an object).
   */
  readonly field: string;

  constructor(message: string) {
    super(message);
    this.name = "AistatsConfigError";
    this.field = fieldOf(message);
  }
}

/** The field path a core message starts with: the text before the first ": ", when it is one word. */
function fieldOf(message: string): string {
  const colon = message.indexOf(": ");
  if (colon <= 0) return "";
  const head = message.slice(0, colon);
  return /\s/.test(head) ? "" : head;
}

const loaded: unique symbol = Symbol("aistats.loadedConfig");

/** A configuration stats-core accepted (only loadConfig makes one). */
export interface LoadedConfig {
  readonly [loaded]: true;
  readonly result: ConfigResult;
  /** Accepted oddities, each starting with its field path (unknown fields, coerced values, …). */
  readonly warnings: readonly string[];
}

/** UTF-8 bytes of the configuration, as a Proxy-Wasm host would hand them to the plugin. */
function configBytes(config: ConfigInput | undefined): Uint8Array {
  if (config === undefined) return new Uint8Array(0); // every default, as Higress reads an empty configuration
  if (typeof config === "string") return new TextEncoder().encode(config);
  if (config instanceof Uint8Array) return config;
  if (typeof config !== "object" || config === null) {
    throw new AistatsConfigError(`expected the configuration as JSON text, bytes or an object, got ${config === null ? "null" : typeof config}`);
  }
  let text: string | undefined;
  try {
    text = JSON.stringify(config);
  } catch (error) {
    throw new AistatsConfigError(`the configuration object cannot be written as JSON (${(error as Error).message})`);
  }
  return new TextEncoder().encode(text ?? "");
}

/** Parses a configuration; throws AistatsConfigError when stats-core rejects it. */
export function loadConfig(config: ConfigInput | undefined): LoadedConfig {
  const result = parsePluginConfig(configBytes(config));
  if (!result.ok) throw new AistatsConfigError(result.error);
  return Object.freeze({ [loaded]: true as const, result, warnings: Object.freeze([...result.warnings]) });
}

/** The engine for an accepted configuration (one per recorder: it owns the fixed arena). */
export function engineFor(config: LoadedConfig): Engine {
  if (config[loaded] !== true || !config.result.ok) throw new AistatsConfigError(config.result.error || "configuration not loaded");
  const engine = new Engine(config.result);
  // The core never throws: a rejected result would give an engine that skips everything.
  if (engine.configError !== "") throw new AistatsConfigError(engine.configError);
  return engine;
}
