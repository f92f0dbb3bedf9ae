import { ConfigRule } from "./config-rule";
import { DEFAULT_ARENA_BYTES } from "./config-limits";
import { PluginConfig } from "./plugin-config";

// What parsePluginConfig returns: either everything (the top-level configuration and/or Higress
// `_rules_`, all validated and compiled) or one error; warnings either way. Nothing half-applied:
// on error, `config` is null and `rules` is empty.
export class ConfigResult {
  ok: bool = false;
  /** The one error ("" when ok): the field path, then what was expected and what was found. */
  error: string = "";
  /** Accepted oddities, each starting with its field path. */
  warnings: Array<string> = new Array<string>(0);
  /**
   * The top-level configuration. Null on error, and when the top level holds nothing but `_rules_`
   * (then only matching requests are processed, as in Higress).
   */
  config: PluginConfig | null = null;
  /** Higress `_rules_`, in order: the first that matches a request applies instead of `config`. */
  rules: Array<ConfigRule> = new Array<ConfigRule>(0);
  /** arena_bytes: the fixed arena's size for the VM / process / isolate. */
  arenaBytes: i32 = DEFAULT_ARENA_BYTES;

  /**
   * The configuration for a request (Higress GetMatchConfig): the first matching rule's, else the
   * top-level one; null when neither applies (the request is not processed).
   */
  select(routeName: string, host: string, clusterName: string): PluginConfig | null {
    for (let i = 0; i < this.rules.length; i++) {
      const r = this.rules[i];
      if (r.matches(routeName, host, clusterName)) return r.config;
    }
    return this.config;
  }
}
