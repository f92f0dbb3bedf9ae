import { JsonPathSet } from "../json/json-path-set";
import { AttributeConfig } from "./attribute-config";
import {
  RULE_NONE,
  SOURCE_FIXED_VALUE,
  SOURCE_NONE,
  SOURCE_REQUEST_BODY,
  SOURCE_REQUEST_HEADER,
  SOURCE_RESPONSE_BODY,
  SOURCE_RESPONSE_HEADER,
  SOURCE_RESPONSE_STREAMING_BODY,
  isBodySource,
  isHeaderSource,
} from "./attribute-sources";
import {
  builtinAssemblesToolCalls,
  builtinFallbackPaths,
  builtinFiresFor,
  builtinFromUsage,
  builtinStreamRule,
} from "./builtin-attributes";
import { ConfigProblems, fieldPath, indexPath } from "./config-problems";
import { asciiLower } from "./field-reader";

// The configuration compiled for the engine: for each value source, which attributes fire there
// and, for body sources, the gjson paths they need, compiled once into one JsonPathSet per source
// so a body is scanned once for all of them. A source no attribute uses has an empty plan, and a
// body no attribute needs (watchesBody false) need not be scanned for attributes at all; whether it
// must be scanned for usage, model or chat_round is the engine's decision (disable_openai_usage,
// path and content type), not the plan's.
//
// The engine may add its own paths (usage, model, …) to these sets: ids handed out here stay valid.

/** One path an attribute tries, in a body source's path set. */
export class PlannedPath {
  /** Id in the source's JsonPathSet. */
  readonly id: i32;
  readonly text: string;
  /** response_streaming_body: how values across events combine (RULE_*); RULE_NONE elsewhere. */
  readonly rule: i32;
  /** A built-in fallback (tried after the attribute's own path). */
  readonly builtin: bool;

  constructor(id: i32, text: string, rule: i32, builtin: bool) {
    this.id = id;
    this.text = text;
    this.rule = rule;
    this.builtin = builtin;
  }
}

/** An attribute as it fires for one source (a built-in without value_source fires for several). */
export class PlannedAttribute {
  readonly attribute: AttributeConfig;
  readonly source: i32;
  /** Header sources: the header name, lower-cased (HTTP/2 and Envoy's header maps are). */
  headerName: string = "";
  /**
   * Body sources: the paths to evaluate, in order. Each is evaluated over the whole body (over
   * every event of a stream, combined by its rule); the first non-empty result wins, then
   * default_value (Higress: configured path, built-in fallbacks, default_value).
   */
  readonly paths: Array<PlannedPath> = new Array<PlannedPath>(0);
  /** Token built-ins: the value comes from the extracted usage (details, cached/reasoning tokens). */
  fromUsage: bool = false;
  /** tool_calls on a stream: assembled from deltas / content blocks by index (no path). */
  assemblesToolCalls: bool = false;

  constructor(attribute: AttributeConfig, source: i32) {
    this.attribute = attribute;
    this.source = source;
  }
}

/** Everything that fires for one value source. */
export class SourcePlan {
  readonly source: i32;
  /** In configuration order. */
  readonly attributes: Array<PlannedAttribute> = new Array<PlannedAttribute>(0);
  /** Body sources: every path the attributes need (deduplicated). Empty for other sources. */
  readonly paths: JsonPathSet = new JsonPathSet();

  constructor(source: i32) {
    this.source = source;
  }

  /** Some attribute fires for this source. */
  get used(): bool {
    return this.attributes.length > 0;
  }

  /** Some attribute needs this body's bytes: it has a path, or assembles tool calls. */
  get watchesBody(): bool {
    for (let i = 0; i < this.attributes.length; i++) {
      const a = this.attributes[i];
      if (a.paths.length > 0 || a.assemblesToolCalls) return true;
    }
    return false;
  }
}

export class ExtractionPlan {
  readonly fixedValue: SourcePlan = new SourcePlan(SOURCE_FIXED_VALUE);
  readonly requestHeader: SourcePlan = new SourcePlan(SOURCE_REQUEST_HEADER);
  readonly requestBody: SourcePlan = new SourcePlan(SOURCE_REQUEST_BODY);
  readonly responseHeader: SourcePlan = new SourcePlan(SOURCE_RESPONSE_HEADER);
  readonly responseBody: SourcePlan = new SourcePlan(SOURCE_RESPONSE_BODY);
  readonly streamingBody: SourcePlan = new SourcePlan(SOURCE_RESPONSE_STREAMING_BODY);

  /** The plan of a SOURCE_* (null for SOURCE_NONE / SOURCE_UNKNOWN). */
  forSource(source: i32): SourcePlan | null {
    if (source == SOURCE_FIXED_VALUE) return this.fixedValue;
    if (source == SOURCE_REQUEST_HEADER) return this.requestHeader;
    if (source == SOURCE_REQUEST_BODY) return this.requestBody;
    if (source == SOURCE_RESPONSE_HEADER) return this.responseHeader;
    if (source == SOURCE_RESPONSE_BODY) return this.responseBody;
    if (source == SOURCE_RESPONSE_STREAMING_BODY) return this.streamingBody;
    return null;
  }

  /** Some attribute needs a request, response or streamed body. */
  get watchesAnyBody(): bool {
    return this.requestBody.watchesBody || this.responseBody.watchesBody || this.streamingBody.watchesBody;
  }
}

/**
 * Compiles `attributes` into a plan. A configured path outside the supported gjson subset is an
 * error naming `<attributesPath>[i].value`; returns null then.
 */
export function buildExtractionPlan(attributes: Array<AttributeConfig>, attributesPath: string, problems: ConfigProblems): ExtractionPlan | null {
  const plan = new ExtractionPlan();
  for (let i = 0; i < attributes.length; i++) {
    const a = attributes[i];
    const valuePath = fieldPath(indexPath(attributesPath, a.index), "value");
    if (a.source == SOURCE_NONE) {
      // A built-in without value_source fires for each of its default sources.
      for (let s = SOURCE_FIXED_VALUE; s <= SOURCE_RESPONSE_STREAMING_BODY; s++) {
        if (builtinFiresFor(a.builtin, s) && !addToPlan(plan, a, s, valuePath, problems)) return null;
      }
    } else if (!addToPlan(plan, a, a.source, valuePath, problems)) {
      return null;
    }
  }
  return plan;
}

// Adds `a` to the plan of `source` (unknown sources are never planned); false on a path error.
function addToPlan(plan: ExtractionPlan, a: AttributeConfig, source: i32, valuePath: string, problems: ConfigProblems): bool {
  const sp = plan.forSource(source);
  if (sp == null) return true;
  const pa = new PlannedAttribute(a, source);
  const streaming = source == SOURCE_RESPONSE_STREAMING_BODY;
  if (isHeaderSource(source)) pa.headerName = asciiLower(a.value);
  if (isBodySource(source)) {
    if (a.value.length > 0) {
      const id = addPath(sp.paths, a.value);
      if (id < 0) {
        problems.fail(valuePath, sp.paths.error);
        return false;
      }
      pa.paths.push(new PlannedPath(id, a.value, streaming ? a.rule : RULE_NONE, false));
    }
    if (builtinFiresFor(a.builtin, source)) {
      const fallbacks = builtinFallbackPaths(a.builtin, source);
      for (let k = 0; k < fallbacks.length; k++) {
        const text = fallbacks[k];
        const id = addPath(sp.paths, text);
        if (id < 0) {
          problems.fail(valuePath, "built-in path rejected by the path compiler: " + sp.paths.error);
          return false;
        }
        const rule = streaming ? builtinStreamRule(a.builtin, a.rule) : RULE_NONE;
        // The same path with the same rule would only give the same result again.
        if (!hasPath(pa, id, rule)) pa.paths.push(new PlannedPath(id, text, rule, true));
      }
      pa.fromUsage = builtinFromUsage(a.builtin);
      pa.assemblesToolCalls = builtinAssemblesToolCalls(a.builtin, source);
    }
  }
  sp.attributes.push(pa);
  return true;
}

function hasPath(pa: PlannedAttribute, id: i32, rule: i32): bool {
  for (let i = 0; i < pa.paths.length; i++) if (pa.paths[i].id == id && pa.paths[i].rule == rule) return true;
  return false;
}

// The id of `text` in `set`, compiling it unless it is there already; -1 with set.error on failure.
function addPath(set: JsonPathSet, text: string): i32 {
  for (let i = 0; i < set.paths.length; i++) if (set.paths[i].text == text) return i;
  return set.add(text);
}
