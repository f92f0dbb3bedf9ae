// OpenTelemetry through @opentelemetry/api (a no-op when no SDK is installed): the GenAI client
// histograms with the semantic conventions' recommended bucket boundaries, and one span per
// exchange, from each final record.
import { metrics, SpanKind, SpanStatusCode, trace, type Attributes, type Histogram } from "@opentelemetry/api";
import type { AistatsRecord } from "@aistats/host";

const NAME = "@aistats/node";
// Recommended boundaries (GenAI semantic conventions, metrics).
const TOKEN_BUCKETS = [1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864];
const DURATION_BUCKETS = [0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92];
const TTFT_BUCKETS = [0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0];
const TPOT_BUCKETS = [0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.75, 1.0, 2.5];

/** What the API path says about the exchange: the GenAI operation and provider. */
export function operationOf(path: string): { operation: string; provider: string } {
  const p = path.split("?")[0] ?? "";
  if (/\/messages$/.test(p)) return { operation: "chat", provider: "anthropic" };
  if (/:(stream)?generateContent$/i.test(p)) return { operation: "generate_content", provider: "gcp.gemini" };
  if (/\/responses$/.test(p)) return { operation: "chat", provider: "openai" };
  if (/\/chat\/completions$/.test(p)) return { operation: "chat", provider: "openai" };
  if (/\/completions$/.test(p)) return { operation: "text_completion", provider: "openai" };
  if (/\/embeddings$/.test(p)) return { operation: "embeddings", provider: "openai" };
  return { operation: "chat", provider: "openai" };
}

const num = (v: unknown): number | undefined => (typeof v === "number" && Number.isFinite(v) ? v : undefined);
const str = (v: unknown): string | undefined => (typeof v === "string" && v !== "" ? v : undefined);

export class Otel {
  readonly #tokens: Histogram;
  readonly #duration: Histogram;
  readonly #ttft: Histogram;
  readonly #tpot: Histogram;
  readonly #systemKey: string;
  readonly #latest: boolean;

  constructor(semconv: string) {
    const meter = metrics.getMeter(NAME);
    this.#tokens = meter.createHistogram("gen_ai.client.token.usage", { unit: "{token}", description: "Number of input and output tokens used", advice: { explicitBucketBoundaries: TOKEN_BUCKETS } });
    this.#duration = meter.createHistogram("gen_ai.client.operation.duration", { unit: "s", description: "GenAI operation duration", advice: { explicitBucketBoundaries: DURATION_BUCKETS } });
    this.#ttft = meter.createHistogram("gen_ai.server.time_to_first_token", { unit: "s", description: "Time to generate the first token", advice: { explicitBucketBoundaries: TTFT_BUCKETS } });
    this.#tpot = meter.createHistogram("gen_ai.server.time_per_output_token", { unit: "s", description: "Time per output token after the first", advice: { explicitBucketBoundaries: TPOT_BUCKETS } });
    this.#latest = semconv !== "1.36";
    this.#systemKey = this.#latest ? "gen_ai.provider.name" : "gen_ai.system";
  }

  /** One final record: its histogram points and its span. */
  record(record: AistatsRecord, path: string, status: number, endMs: number): void {
    const log = record.log;
    const { operation, provider } = operationOf(path);
    const requestModel = str(record.span["gen_ai.request.model"]);
    const responseModel = str(log.model);
    const errorType = record.aborted ? (record.abortReason ?? "aborted") : status >= 400 ? String(status) : undefined;
    const attrs: Attributes = { "gen_ai.operation.name": operation, [this.#systemKey]: provider };
    if (requestModel !== undefined) attrs["gen_ai.request.model"] = requestModel;
    if (responseModel !== undefined) attrs["gen_ai.response.model"] = responseModel;
    if (errorType !== undefined) attrs["error.type"] = errorType;

    const input = num(log.input_token);
    const output = num(log.output_token);
    const serviceMs = num(log.llm_service_duration);
    const ttftMs = num(log.llm_first_token_duration);
    if (input !== undefined) this.#tokens.record(input, { ...attrs, "gen_ai.token.type": "input" });
    if (output !== undefined) this.#tokens.record(output, { ...attrs, "gen_ai.token.type": "output" });
    if (serviceMs !== undefined) this.#duration.record(serviceMs / 1000, attrs);
    if (ttftMs !== undefined) this.#ttft.record(ttftMs / 1000, attrs);
    if (serviceMs !== undefined && ttftMs !== undefined && output !== undefined && output > 1) {
      this.#tpot.record((serviceMs - ttftMs) / 1000 / (output - 1), attrs);
    }

    const spanAttrs: Attributes = { ...attrs };
    for (const [k, v] of Object.entries(record.span)) spanAttrs[k] = v;
    if (input !== undefined) spanAttrs["gen_ai.usage.input_tokens"] = input;
    if (output !== undefined) spanAttrs["gen_ai.usage.output_tokens"] = output;
    const id = str(log.chat_id);
    if (id !== undefined) spanAttrs["gen_ai.response.id"] = id;
    if (this.#latest) {
      // Names of the latest experimental conventions only (not in 1.36).
      const cached = num(log.cached_tokens);
      if (cached !== undefined) spanAttrs["gen_ai.usage.cache_read.input_tokens"] = cached;
      const reasoning = num(log.reasoning_tokens);
      if (reasoning !== undefined) spanAttrs["gen_ai.usage.reasoning.output_tokens"] = reasoning;
    }
    const span = trace.getTracer(NAME).startSpan(requestModel === undefined ? operation : `${operation} ${requestModel}`, {
      kind: SpanKind.CLIENT,
      startTime: endMs - (serviceMs ?? 0),
      attributes: spanAttrs,
    });
    if (errorType !== undefined) span.setStatus({ code: SpanStatusCode.ERROR, message: errorType });
    span.end(endMs);
  }
}
