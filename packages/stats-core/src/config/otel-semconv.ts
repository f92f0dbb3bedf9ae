import { ConfigProblems, describeValue, quoteText } from "./config-problems";
import { JV_NULL, JV_STRING, JsonValue } from "./json-value";

// The `otel_semconv` extension: which OpenTelemetry GenAI semantic-convention version the Node and
// edge hosts follow for span attributes and metrics. OpenTelemetry's GenAI transition plan names
// two: the conventions as of semconv v1.36.0 (what existing instrumentations keep emitting by
// default) and the latest experimental ones (opted into with OTEL_SEMCONV_STABILITY_OPT_IN=
// gen_ai_latest_experimental: gen_ai.provider.name, gen_ai.usage.cache_read.input_tokens,
// gen_ai.usage.reasoning.output_tokens, …). aistats has no older output to stay compatible with,
// and PRODUCT §3 lists the newer names, so "latest" is the default.

export const SEMCONV_LATEST: i32 = 1;
export const SEMCONV_V1_36: i32 = 2;

export const DEFAULT_OTEL_SEMCONV: i32 = SEMCONV_LATEST;

/** The canonical name: "latest" or "1.36". */
export function semconvName(semconv: i32): string {
  return semconv == SEMCONV_V1_36 ? "1.36" : "latest";
}

/** "latest" (alias "gen_ai_latest_experimental") or "1.36" (alias "1.36.0"); null → the default. */
export function parseSemconv(v: JsonValue, path: string, problems: ConfigProblems): i32 {
  if (v.kind == JV_NULL) return DEFAULT_OTEL_SEMCONV;
  if (v.kind != JV_STRING) {
    problems.fail(path, "expected a string, got " + describeValue(v));
    return DEFAULT_OTEL_SEMCONV;
  }
  const s = v.text;
  if (s == "latest" || s == "gen_ai_latest_experimental") return SEMCONV_LATEST;
  if (s == "1.36" || s == "1.36.0") return SEMCONV_V1_36;
  problems.fail(path, quoteText(s, 40) + " is not one of latest, 1.36");
  return DEFAULT_OTEL_SEMCONV;
}
