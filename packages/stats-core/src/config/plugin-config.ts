import { AttributeConfig } from "./attribute-config";
import { DEFAULT_ARENA_BYTES, CONFIG_DEFAULT_MAX_EVENT_BYTES } from "./config-limits";
import { ExtractionPlan } from "./extraction-plan";
import { ModelPrice } from "./model-price";
import { DEFAULT_OTEL_SEMCONV } from "./otel-semconv";
import { DEFAULT_VALUE_LENGTH_LIMIT, PRESET_NONE } from "./presets";

// One fully validated ai-statistics configuration (the top-level one, or one of Higress's
// `_rules_`), ready for the engine: defaults applied, presets expanded, paths compiled into `plan`.
// Built only by parsePluginConfig (parse-plugin-config.ts); never half-built.

/** Session headers tried after session_id_header (Higress defaultSessionHeaders, in order). */
export const DEFAULT_SESSION_HEADERS = "x-openclaw-session-key x-clawdbot-session-key x-moltbot-session-key x-agent-session";

export class PluginConfig {
  /** The attributes in force: the preset's when a preset is on, else the configured ones (null entries dropped). */
  attributes: Array<AttributeConfig> = new Array<AttributeConfig>(0);
  /** PRESET_*: which of use_default_attributes / use_default_response_attributes is in force. */
  preset: i32 = PRESET_NONE;
  /** disable_openai_usage: no usage fields (model, tokens, details) and no counters. */
  disableOpenaiUsage: bool = false;
  /** value_length_limit: longer values keep limit/2 characters at each end around " [truncated] ". */
  valueLengthLimit: i32 = DEFAULT_VALUE_LENGTH_LIMIT;
  /** enable_path_suffixes in force ("*" resolved): empty means every path. */
  enablePathSuffixes: Array<string> = new Array<string>(0);
  /** enable_content_types ("*" resolved): empty means every content type. */
  enableContentTypes: Array<string> = new Array<string>(0);
  /** session_id_header as configured ("" when none). */
  sessionIdHeader: string = "";
  /** Headers to try for session_id, in order, lower-cased: session_id_header first, then the defaults. */
  sessionHeaders: Array<string> = new Array<string>(0);
  /** max_event_bytes: cap on one SSE event's data. */
  maxEventBytes: i32 = CONFIG_DEFAULT_MAX_EVENT_BYTES;
  /** arena_bytes: the fixed arena's size (a per-VM setting: only the top level's counts). */
  arenaBytes: i32 = DEFAULT_ARENA_BYTES;
  /** pricing: per-model prices (USD per million tokens), in configuration order. */
  pricing: Array<ModelPrice> = new Array<ModelPrice>(0);
  /** redact: attribute keys whose values are replaced by a length and a SHA-256 prefix. */
  redact: Array<string> = new Array<string>(0);
  /** otel_semconv: SEMCONV_* for the Node/edge OpenTelemetry output. */
  otelSemconv: i32 = DEFAULT_OTEL_SEMCONV;
  /** The attributes compiled per value source. */
  plan: ExtractionPlan = new ExtractionPlan();

  /**
   * Whether a request for `path` (":path", query string included) is processed: it ends, before
   * any "?", with one of enablePathSuffixes (Higress isPathEnabled).
   */
  isPathEnabled(path: string): bool {
    const suffixes = this.enablePathSuffixes;
    if (suffixes.length == 0) return true;
    const q = path.indexOf("?");
    const bare = q >= 0 ? path.substring(0, q) : path;
    for (let i = 0; i < suffixes.length; i++) {
      const s = suffixes[i];
      if (s.length <= bare.length && bare.substring(bare.length - s.length) == s) return true;
    }
    return false;
  }

  /** Whether a response with this content-type is processed: it contains one of enableContentTypes (Higress isContentTypeEnabled). */
  isContentTypeEnabled(contentType: string): bool {
    const types = this.enableContentTypes;
    if (types.length == 0) return true;
    for (let i = 0; i < types.length; i++) if (contentType.indexOf(types[i]) >= 0) return true;
    return false;
  }

  /** The price of `model`, or null when it has none. */
  priceOf(model: string): ModelPrice | null {
    for (let i = 0; i < this.pricing.length; i++) if (this.pricing[i].model == model) return this.pricing[i];
    return null;
  }

  /** Whether values logged under `key` are redacted. */
  isRedacted(key: string): bool {
    for (let i = 0; i < this.redact.length; i++) if (this.redact[i] == key) return true;
    return false;
  }
}
