import { ConfigProblems, describeValue, fieldPath, indexPath } from "./config-problems";
import { ConfigResult } from "./config-result";
import { DEFAULT_ARENA_BYTES, MAX_ARENA_BYTES, MIN_ARENA_BYTES } from "./config-limits";
import {
  ConfigRule,
  MATCH_BY_DOMAIN,
  MATCH_BY_ROUTE,
  MATCH_BY_ROUTE_AND_SERVICE,
  MATCH_BY_ROUTE_PREFIX,
  MATCH_BY_SERVICE,
} from "./config-rule";
import { readInteger, readStringList } from "./field-reader";
import { JSON_VALUE_MAX_DEPTH, JV_NO_VALUE, JsonValueParser } from "./json-value-parser";
import { JV_ARRAY, JV_NULL, JV_OBJECT, JsonValue, jsonKindName } from "./json-value";
import { readPluginConfig } from "./read-plugin-config";

// Loads an ai-statistics plugin configuration from its JSON bytes, as the Higress plugin wrapper
// and parseConfig together would (higress-group/wasm-go pkg/wrapper OnPluginStart, pkg/matcher
// ParseRuleConfig; ai-statistics main.go parseConfig):
//
// - no bytes at all: every default (Higress: an empty configuration enables the plugin globally);
// - bytes that are not one JSON value (including only whitespace): rejected, as gjson.Valid does;
// - `null` reads as {}; any other non-object top level is rejected (Higress would silently take
//   all defaults for `[]` or `42`: almost certainly a mistake);
// - `_plugin_id_` is dropped; `_rules_` holds per-route/domain/service configurations; the
//   top-level configuration exists unless the top level holds nothing but `_rules_` (and
//   arena_bytes, which is per VM). Unlike Higress, a top-level configuration that fails is an error
//   even when rules parse (Higress drops it silently): nothing is half-applied.

export function parsePluginConfig(bytes: Uint8Array): ConfigResult {
  const result = new ConfigResult();
  const problems = new ConfigProblems();
  let root = new JsonValue(JV_OBJECT, 0);
  if (bytes.length > 0) {
    const parser = new JsonValueParser(JSON_VALUE_MAX_DEPTH);
    const parsed = parser.parse(bytes);
    if (parsed == null) {
      let message = "invalid JSON " + parser.errorText();
      if (parser.status == JV_NO_VALUE) message += " (an empty configuration has no bytes at all, or is {})";
      return failed(result, message, problems);
    }
    if (parsed.kind != JV_NULL) root = parsed;
  }
  if (root.kind != JV_OBJECT) {
    return failed(result, "expected a JSON object at the top level, got " + (root.kind == JV_ARRAY ? "an array" : "a " + jsonKindName(root.kind)), problems);
  }

  const arena = root.member("arena_bytes");
  let arenaBytes = DEFAULT_ARENA_BYTES;
  if (arena != null && arena.kind != JV_NULL) arenaBytes = readInteger(arena, "arena_bytes", problems, MIN_ARENA_BYTES, MAX_ARENA_BYTES, false);
  result.arenaBytes = arenaBytes;

  const rules = root.member("_rules_");
  let ownKeys = 0;
  for (let i = 0; i < root.keys.length; i++) {
    const k = root.keys[i];
    if (k != "_rules_" && k != "_plugin_id_" && k != "arena_bytes") ownKeys++;
  }
  const hasTopLevel = rules == null || ownKeys > 0;
  if (hasTopLevel && !problems.failed) result.config = readPluginConfig(root, "", true, arenaBytes, problems);
  if (rules != null && !problems.failed) readRules(rules, hasTopLevel, arenaBytes, result, problems);

  if (problems.failed) return failed(result, problems.error, problems);
  result.ok = true;
  result.warnings = problems.warnings;
  return result;
}

function failed(result: ConfigResult, message: string, problems: ConfigProblems): ConfigResult {
  result.ok = false;
  result.error = message;
  result.config = null;
  result.rules = new Array<ConfigRule>(0);
  result.warnings = problems.warnings;
  return result;
}

function readRules(v: JsonValue, hasTopLevel: bool, arenaBytes: i32, result: ConfigResult, problems: ConfigProblems): void {
  const path = "_rules_";
  if (v.kind != JV_ARRAY && v.kind != JV_NULL) {
    problems.fail(path, "expected an array of rule objects, got " + describeValue(v));
    return;
  }
  if (v.kind == JV_NULL || v.items.length == 0) {
    // Higress: "parse config failed, no valid rules" when there is no top-level configuration.
    if (!hasTopLevel) problems.fail(path, "no rules and no top-level configuration: the plugin would apply nowhere");
    return;
  }
  for (let i = 0; i < v.items.length; i++) {
    const item = v.items[i];
    const p = indexPath(path, i);
    if (item.kind != JV_OBJECT) {
      problems.fail(p, "expected a rule object, got " + describeValue(item));
      return;
    }
    const routes = matchList(item, "_match_route_", p, true, problems);
    const domains = matchList(item, "_match_domain_", p, false, problems);
    const services = matchList(item, "_match_service_", p, true, problems);
    const prefixes = matchList(item, "_match_route_prefix_", p, true, problems);
    if (problems.failed) return;
    if (routes.length + domains.length + services.length + prefixes.length == 0) {
      problems.fail(p, "a rule needs one of _match_route_, _match_domain_, _match_service_, _match_route_prefix_");
      return;
    }
    const config = readPluginConfig(item, p, false, arenaBytes, problems);
    if (config == null) return;
    const rule = new ConfigRule(config);
    rule.routes = routes;
    rule.domains = domains;
    rule.services = services;
    rule.routePrefixes = prefixes;
    // The wrapper's precedence when a rule names several kinds of match.
    if (routes.length > 0) rule.category = services.length > 0 ? MATCH_BY_ROUTE_AND_SERVICE : MATCH_BY_ROUTE;
    else if (domains.length > 0) rule.category = MATCH_BY_DOMAIN;
    else if (services.length > 0) rule.category = MATCH_BY_SERVICE;
    else rule.category = MATCH_BY_ROUTE_PREFIX;
    result.rules.push(rule);
  }
}

// A `_match_*_` list (gjson Array(): a lone string is a one-element list); the wrapper drops empty
// route, service and prefix names but keeps empty domains.
function matchList(rule: JsonValue, name: string, path: string, dropEmpty: bool, problems: ConfigProblems): Array<string> {
  const v = rule.member(name);
  const out = new Array<string>(0);
  if (v == null) return out;
  const items = readStringList(v, fieldPath(path, name), problems, true);
  for (let i = 0; i < items.length; i++) if (!dropEmpty || items[i].length > 0) out.push(items[i]);
  return out;
}
