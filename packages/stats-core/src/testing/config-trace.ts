import { AttributeConfig } from "../config/attribute-config";
import { ruleName, sourceName } from "../config/attribute-sources";
import { builtinKey } from "../config/builtin-attributes";
import { quoteText } from "../config/config-problems";
import { ConfigResult } from "../config/config-result";
import { ConfigRule } from "../config/config-rule";
import { ExtractionPlan, PlannedAttribute, SourcePlan } from "../config/extraction-plan";
import { parsePluginConfig } from "../config/parse-plugin-config";
import { PluginConfig } from "../config/plugin-config";
import { semconvName } from "../config/otel-semconv";
import { presetName } from "../config/presets";
import { decimalText } from "./config-number-text";

// Loads `json` with parsePluginConfig and prints the outcome canonically: either
//   error <message>
// or
//   ok arena_bytes <n>
//   config            (the top-level configuration, when there is one)
//     <field> <value>…
//     attributes[i] …
//     plan <source> …
//   rule[i] <match kind> …   (Higress _rules_, each followed by its configuration)
// then one `warning <text>` line per warning.
export function configTrace(json: Uint8Array): string {
  const result = parsePluginConfig(json);
  const out = new Array<string>(0);
  if (!result.ok) {
    out.push("error " + result.error);
  } else {
    out.push("ok arena_bytes " + result.arenaBytes.toString());
    const top = result.config;
    if (top != null) {
      out.push("config");
      dumpConfig(top, out);
    }
    for (let i = 0; i < result.rules.length; i++) dumpRule(result.rules[i], i, out);
  }
  for (let i = 0; i < result.warnings.length; i++) out.push("warning " + result.warnings[i]);
  return out.join("\n");
}

// Loads `json` and says which configuration applies to a request: "config", "rule[i]" or "none".
export function configSelectTrace(json: Uint8Array, routeName: string, host: string, clusterName: string): string {
  const result = parsePluginConfig(json);
  if (!result.ok) return "error " + result.error;
  return selectedName(result, result.select(routeName, host, clusterName));
}

function selectedName(result: ConfigResult, selected: PluginConfig | null): string {
  if (selected == null) return "none";
  for (let i = 0; i < result.rules.length; i++) if (result.rules[i].config == selected) return "rule[" + i.toString() + "]";
  return "config";
}

function dumpRule(rule: ConfigRule, index: i32, out: Array<string>): void {
  out.push("rule[" + index.toString() + "] category " + rule.category.toString() + " routes " + list(rule.routes) +
    " domains " + list(rule.domains) + " services " + list(rule.services) + " prefixes " + list(rule.routePrefixes));
  dumpConfig(rule.config, out);
}

function dumpConfig(c: PluginConfig, out: Array<string>): void {
  out.push("  preset " + presetName(c.preset));
  out.push("  disable_openai_usage " + (c.disableOpenaiUsage ? "true" : "false"));
  out.push("  value_length_limit " + c.valueLengthLimit.toString());
  out.push("  enable_path_suffixes " + allOrList(c.enablePathSuffixes));
  out.push("  enable_content_types " + allOrList(c.enableContentTypes));
  out.push("  session_id_header " + quoteText(c.sessionIdHeader, 200) + " tries " + list(c.sessionHeaders));
  out.push("  max_event_bytes " + c.maxEventBytes.toString() + " arena_bytes " + c.arenaBytes.toString());
  out.push("  otel_semconv " + semconvName(c.otelSemconv));
  for (let i = 0; i < c.pricing.length; i++) {
    const p = c.pricing[i];
    out.push("  price " + quoteText(p.model, 200) + " input " + decimalText(p.input) + " output " + decimalText(p.output));
  }
  if (c.redact.length > 0) out.push("  redact " + list(c.redact));
  for (let i = 0; i < c.attributes.length; i++) out.push("  " + attributeLine(c.attributes[i]));
  dumpPlan(c.plan, out);
}

function attributeLine(a: AttributeConfig): string {
  let s = "attributes[" + a.index.toString() + "] key " + quoteText(a.key, 200) + " source " + orDash(sourceName(a.source));
  if (a.valueSource.length > 0 && sourceName(a.source) != a.valueSource) s += " (" + quoteText(a.valueSource, 200) + ")";
  s += " value " + quoteText(a.value, 200) + " default " + quoteText(a.defaultValue, 200) + " rule " + orDash(ruleName(a.rule));
  if (a.applyToLog) s += a.asSeparateLogField ? " log(separate)" : " log";
  else if (a.asSeparateLogField) s += " separate";
  if (a.applyToSpan) s += " span " + quoteText(a.spanKey, 200);
  else if (a.traceSpanKey.length > 0) s += " span_key " + quoteText(a.traceSpanKey, 200);
  if (a.builtin != 0) s += " builtin " + builtinKey(a.builtin);
  if (a.feedsUsage) s += " usage";
  if (a.redacted) s += " redacted";
  return s;
}

function dumpPlan(plan: ExtractionPlan, out: Array<string>): void {
  dumpSource(plan.fixedValue, out);
  dumpSource(plan.requestHeader, out);
  dumpSource(plan.requestBody, out);
  dumpSource(plan.responseHeader, out);
  dumpSource(plan.responseBody, out);
  dumpSource(plan.streamingBody, out);
  out.push("  plan watches " + (plan.watchesAnyBody ? "some body" : "no body"));
}

function dumpSource(sp: SourcePlan, out: Array<string>): void {
  if (!sp.used) return;
  let head = "  plan " + sourceName(sp.source) + (sp.watchesBody ? " watch" : "");
  if (sp.paths.size > 0) {
    const texts = new Array<string>(0);
    for (let i = 0; i < sp.paths.size; i++) texts.push(sp.paths.paths[i].text);
    head += " paths " + list(texts);
  }
  out.push(head);
  for (let i = 0; i < sp.attributes.length; i++) out.push("    " + plannedLine(sp.attributes[i]));
}

function plannedLine(pa: PlannedAttribute): string {
  let s = "attributes[" + pa.attribute.index.toString() + "] " + quoteText(pa.attribute.key, 200);
  if (pa.headerName.length > 0) s += " header " + quoteText(pa.headerName, 200);
  for (let i = 0; i < pa.paths.length; i++) {
    const p = pa.paths[i];
    s += " " + (p.builtin ? "fallback" : "path") + " #" + p.id.toString();
    if (ruleName(p.rule).length > 0) s += "/" + ruleName(p.rule);
  }
  if (pa.fromUsage) s += " from-usage";
  if (pa.assemblesToolCalls) s += " assemble-tool-calls";
  return s;
}

function list(items: Array<string>): string {
  const quoted = new Array<string>(0);
  for (let i = 0; i < items.length; i++) quoted.push(quoteText(items[i], 200));
  return "[" + quoted.join(", ") + "]";
}

function allOrList(items: Array<string>): string {
  return items.length == 0 ? "*" : list(items);
}

function orDash(s: string): string {
  return s.length > 0 ? s : "-";
}
