import { AttributeConfig } from "./attribute-config";
import { parseAttribute } from "./attribute-parser";
import { ConfigProblems, describeValue, fieldPath, indexPath, quoteText } from "./config-problems";
import { CONFIG_DEFAULT_MAX_EVENT_BYTES, MAX_MAX_EVENT_BYTES, MIN_MAX_EVENT_BYTES } from "./config-limits";
import { buildExtractionPlan } from "./extraction-plan";
import { I32_MAX, asciiLower, readInteger, readLenientBool, readLenientString, readStringList } from "./field-reader";
import { JV_ARRAY, JV_NULL, JV_OBJECT, JV_STRING, JsonValue } from "./json-value";
import { parsePricing } from "./model-price";
import { parseSemconv } from "./otel-semconv";
import { DEFAULT_SESSION_HEADERS, PluginConfig } from "./plugin-config";
import {
  PRESET_DEFAULT_ATTRIBUTES,
  PRESET_DEFAULT_RESPONSE_ATTRIBUTES,
  PRESET_NONE,
  presetAttributes,
  presetName,
  presetPathSuffixes,
  presetValueLengthLimit,
} from "./presets";

// Reads one ai-statistics configuration object (the top level, or one `_rules_` entry) into a
// PluginConfig, following Higress's parseConfig field by field (see field-reader.ts for the two
// typing dialects). Top-level fields are looked up as gjson does, so a repeated field counts once,
// the first time (later ones are warned about). Errors come in document order, except that the
// preset switches are read first because they decide whether `attributes` is read at all.

const KNOWN_FIELDS = "attributes disable_openai_usage value_length_limit enable_path_suffixes enable_content_types session_id_header use_default_attributes use_default_response_attributes arena_bytes max_event_bytes pricing redact otel_semconv";

/**
 * The configuration in `obj` (a JSON object), or null with problems.error set. `path` prefixes
 * messages ("" at the top level, `_rules_[1]` in a rule); `arenaBytes` is the VM's, read by the caller.
 */
export function readPluginConfig(obj: JsonValue, path: string, topLevel: bool, arenaBytes: i32, problems: ConfigProblems): PluginConfig | null {
  const c = new PluginConfig();
  c.arenaBytes = arenaBytes;
  // The presets first: they decide whether `attributes` counts (Higress: full > lightweight > custom).
  const full = readFlag(obj, "use_default_attributes", path, problems);
  const light = readFlag(obj, "use_default_response_attributes", path, problems);
  if (problems.failed) return null;
  if (full && light) {
    problems.warn(fieldPath(path, "use_default_response_attributes"), "ignored: use_default_attributes takes precedence (as in Higress)");
  }
  c.preset = full ? PRESET_DEFAULT_ATTRIBUTES : light ? PRESET_DEFAULT_RESPONSE_ATTRIBUTES : PRESET_NONE;

  let configured = new Array<AttributeConfig>(0);
  let valueLengthLimit = -1;
  let pathSuffixesSet = false;
  let pathSuffixes = new Array<string>(0);
  const known = KNOWN_FIELDS.split(" ");
  for (let m = 0; m < obj.keys.length; m++) {
    const name = obj.keys[m];
    const v = obj.values[m];
    const p = fieldPath(path, name);
    if (isWrapperKey(name)) continue; // Higress's own (_rules_, _match_route_, _plugin_id_, …)
    if (known.indexOf(name) < 0) {
      warnUnknown(name, p, known, problems);
      continue;
    }
    if (firstIndex(obj, name) != m) {
      problems.warn(p, "repeated field: only the first one counts (as in Higress)");
      continue;
    }
    if (name == "attributes") {
      if (c.preset != PRESET_NONE) problems.warn(p, "ignored: " + presetName(c.preset) + " replaces the attributes (as in Higress)");
      else configured = readAttributes(v, p, problems);
    } else if (name == "disable_openai_usage") {
      c.disableOpenaiUsage = readLenientBool(v, p, problems);
    } else if (name == "value_length_limit") {
      valueLengthLimit = readInteger(v, p, problems, 0, I32_MAX, true);
      if (valueLengthLimit == 0 && !problems.failed) problems.warn(p, "0 replaces every non-empty value by \" [truncated] \"");
    } else if (name == "enable_path_suffixes") {
      pathSuffixesSet = true;
      pathSuffixes = readAllOrList(v, p, problems, "path");
    } else if (name == "enable_content_types") {
      c.enableContentTypes = readAllOrList(v, p, problems, "content type");
    } else if (name == "session_id_header") {
      c.sessionIdHeader = readLenientString(v, p, problems);
    } else if (name == "arena_bytes") {
      if (!topLevel) problems.warn(p, "ignored inside a rule: the arena is allocated once per VM (set arena_bytes at the top level)");
    } else if (name == "max_event_bytes") {
      c.maxEventBytes = v.kind == JV_NULL ? CONFIG_DEFAULT_MAX_EVENT_BYTES : readInteger(v, p, problems, MIN_MAX_EVENT_BYTES, MAX_MAX_EVENT_BYTES, false);
      if (!problems.failed && c.maxEventBytes > arenaBytes) {
        problems.warn(p, "larger than arena_bytes (" + arenaBytes.toString() + "): an event that long can never be kept whole");
      }
    } else if (name == "pricing") {
      c.pricing = parsePricing(v, p, problems);
    } else if (name == "redact") {
      c.redact = readRedact(v, p, problems);
    } else if (name == "otel_semconv") {
      c.otelSemconv = parseSemconv(v, p, problems);
    }
    if (problems.failed) return null;
  }

  c.attributes = c.preset != PRESET_NONE ? presetAttributes(c.preset) : configured;
  c.valueLengthLimit = valueLengthLimit >= 0 ? valueLengthLimit : presetValueLengthLimit(c.preset);
  c.enablePathSuffixes = c.preset != PRESET_NONE && !pathSuffixesSet ? presetPathSuffixes() : pathSuffixes;
  c.sessionHeaders = sessionHeaders(c.sessionIdHeader);
  markRedacted(c, path, problems);
  const plan = buildExtractionPlan(c.attributes, fieldPath(path, "attributes"), problems);
  if (plan == null) return null;
  c.plan = plan;
  return c;
}

/** Keys of the form `_name_` belong to Higress's plugin wrapper and are never warned about. */
export function isWrapperKey(name: string): bool {
  return name.length >= 3 && name.charCodeAt(0) == 0x5f && name.charCodeAt(name.length - 1) == 0x5f;
}

function readFlag(obj: JsonValue, name: string, path: string, problems: ConfigProblems): bool {
  const v = obj.member(name);
  return v != null ? readLenientBool(v, fieldPath(path, name), problems) : false;
}

function firstIndex(obj: JsonValue, name: string): i32 {
  for (let i = 0; i < obj.keys.length; i++) if (obj.keys[i] == name) return i;
  return -1;
}

function warnUnknown(name: string, path: string, known: Array<string>, problems: ConfigProblems): void {
  const lower = asciiLower(name);
  for (let i = 0; i < known.length; i++) {
    if (known[i] == lower) {
      problems.warn(path, "unknown field, ignored; did you mean " + known[i] + "? (field names are case-sensitive)");
      return;
    }
  }
  problems.warn(path, "unknown field, ignored");
}

// Higress: configJson.Get("attributes").Array(), then json.Unmarshal of each element.
function readAttributes(v: JsonValue, path: string, problems: ConfigProblems): Array<AttributeConfig> {
  const out = new Array<AttributeConfig>(0);
  if (v.kind == JV_NULL) return out;
  if (v.kind == JV_OBJECT) {
    // gjson's Array() of an object is that one object.
    problems.warn(path, "a single object is read as a one-element list (as Higress does); write [ … ]");
    const a = parseAttribute(v, indexPath(path, 0), 0, problems);
    if (a != null) out.push(a);
    return out;
  }
  if (v.kind != JV_ARRAY) {
    problems.fail(path, "expected an array of attribute objects, got " + describeValue(v));
    return out;
  }
  for (let i = 0; i < v.items.length; i++) {
    const a = parseAttribute(v.items[i], indexPath(path, i), i, problems);
    if (problems.failed) return out;
    if (a != null) out.push(a);
  }
  return out;
}

// enable_path_suffixes / enable_content_types: a list where "*" anywhere means "all" (Higress
// clears the list and stops there); the result's empty list means all.
function readAllOrList(v: JsonValue, path: string, problems: ConfigProblems, what: string): Array<string> {
  const items = readStringList(v, path, problems, true);
  const out = new Array<string>(0);
  for (let i = 0; i < items.length; i++) {
    if (items[i] == "*") return new Array<string>(0);
    if (items[i].length == 0) problems.warn(indexPath(path, i), "an empty string matches every " + what);
    out.push(items[i]);
  }
  return out;
}

function readRedact(v: JsonValue, path: string, problems: ConfigProblems): Array<string> {
  const out = new Array<string>(0);
  if (v.kind == JV_NULL) return out;
  if (v.kind != JV_ARRAY) {
    problems.fail(path, "expected an array of attribute keys, got " + describeValue(v));
    return out;
  }
  for (let i = 0; i < v.items.length; i++) {
    const item = v.items[i];
    if (item.kind != JV_STRING) {
      problems.fail(indexPath(path, i), "expected an attribute key (a string), got " + describeValue(item));
      return out;
    }
    if (out.indexOf(item.text) < 0) out.push(item.text);
  }
  return out;
}

function markRedacted(c: PluginConfig, path: string, problems: ConfigProblems): void {
  for (let r = 0; r < c.redact.length; r++) {
    const key = c.redact[r];
    let found = false;
    for (let i = 0; i < c.attributes.length; i++) {
      if (c.attributes[i].key == key) {
        c.attributes[i].redacted = true;
        found = true;
      }
    }
    if (!found) problems.warn(fieldPath(path, "redact"), quoteText(key, 60) + " is not the key of any attribute in force");
  }
}

function sessionHeaders(configured: string): Array<string> {
  const out = new Array<string>(0);
  if (configured.length > 0) out.push(asciiLower(configured));
  const defaults = DEFAULT_SESSION_HEADERS.split(" ");
  for (let i = 0; i < defaults.length; i++) if (out.indexOf(defaults[i]) < 0) out.push(defaults[i]);
  return out;
}
