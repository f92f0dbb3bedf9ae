// The OpenTelemetry GenAI view of a final record, shared by the Node and edge hosts: the
// operation and provider the API path names, the histogram points (gen_ai.client.token.usage,
// gen_ai.client.operation.duration, gen_ai.server.time_to_first_token,
// gen_ai.server.time_per_output_token) with their attributes, and the span's name and attributes.
// Plain data, so a host can hand it to @opentelemetry/api (telemetry.ts) or to its own Prometheus
// histograms (the edge host) without either depending on the other.
import type { AistatsRecord } from "./records.js";

/** Attribute values as OpenTelemetry takes them. */
export type GenAiAttributes = Record<string, string | number>;

/** The GenAI histograms and their recommended bucket boundaries (semantic conventions, metrics). */
export const GEN_AI_HISTOGRAMS = {
  "gen_ai.client.token.usage": {
    unit: "{token}",
    description: "Number of input and output tokens used",
    buckets: [1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864],
  },
  "gen_ai.client.operation.duration": {
    unit: "s",
    description: "GenAI operation duration",
    buckets: [0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92],
  },
  "gen_ai.server.time_to_first_token": {
    unit: "s",
    description: "Time to generate the first token",
    buckets: [0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0],
  },
  "gen_ai.server.time_per_output_token": {
    unit: "s",
    description: "Time per output token after the first",
    buckets: [0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.75, 1.0, 2.5],
  },
} as const;

export type GenAiHistogramName = keyof typeof GEN_AI_HISTOGRAMS;

export interface GenAiPoint {
  readonly histogram: GenAiHistogramName;
  readonly value: number;
  readonly attributes: GenAiAttributes;
}

export interface GenAiView {
  readonly operation: string;
  readonly provider: string;
  /** `error.type`: the abort reason, or the status for a status ≥ 400; undefined for a success. */
  readonly errorType: string | undefined;
  readonly points: readonly GenAiPoint[];
  /** `<operation> <request model>` (the operation alone without one). */
  readonly spanName: string;
  readonly spanAttributes: GenAiAttributes;
  /** llm_service_duration in ms (0 when unknown): how long before the end the span starts. */
  readonly durationMs: number;
}

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

/**
 * The GenAI view of one final record. `semconv` is the recorder's `otel_semconv` ("latest" or
 * "1.36": the provider attribute's name, and whether the newest usage names are set).
 */
export function genAiView(record: AistatsRecord, path: string, status: number, semconv: string): GenAiView {
  const latest = semconv !== "1.36";
  const log = record.log;
  const { operation, provider } = operationOf(path);
  const requestModel = str(record.span["gen_ai.request.model"]);
  const responseModel = str(log.model);
  const errorType = record.aborted ? (record.abortReason ?? "aborted") : status >= 400 ? String(status) : undefined;
  const attrs: GenAiAttributes = { "gen_ai.operation.name": operation, [latest ? "gen_ai.provider.name" : "gen_ai.system"]: provider };
  if (requestModel !== undefined) attrs["gen_ai.request.model"] = requestModel;
  if (responseModel !== undefined) attrs["gen_ai.response.model"] = responseModel;
  if (errorType !== undefined) attrs["error.type"] = errorType;

  const input = num(log.input_token);
  const output = num(log.output_token);
  const serviceMs = num(log.llm_service_duration);
  const ttftMs = num(log.llm_first_token_duration);
  const points: GenAiPoint[] = [];
  const point = (histogram: GenAiHistogramName, value: number, attributes: GenAiAttributes = attrs): void => void points.push({ histogram, value, attributes });
  if (input !== undefined) point("gen_ai.client.token.usage", input, { ...attrs, "gen_ai.token.type": "input" });
  if (output !== undefined) point("gen_ai.client.token.usage", output, { ...attrs, "gen_ai.token.type": "output" });
  if (serviceMs !== undefined) point("gen_ai.client.operation.duration", serviceMs / 1000);
  if (ttftMs !== undefined) point("gen_ai.server.time_to_first_token", ttftMs / 1000);
  if (serviceMs !== undefined && ttftMs !== undefined && output !== undefined && output > 1) {
    point("gen_ai.server.time_per_output_token", (serviceMs - ttftMs) / 1000 / (output - 1));
  }

  const spanAttributes: GenAiAttributes = { ...attrs };
  for (const [k, v] of Object.entries(record.span)) spanAttributes[k] = v;
  if (input !== undefined) spanAttributes["gen_ai.usage.input_tokens"] = input;
  if (output !== undefined) spanAttributes["gen_ai.usage.output_tokens"] = output;
  const id = str(log.chat_id);
  if (id !== undefined) spanAttributes["gen_ai.response.id"] = id;
  if (latest) {
    // Names of the latest experimental conventions only (not in 1.36).
    const cached = num(log.cached_tokens);
    if (cached !== undefined) spanAttributes["gen_ai.usage.cache_read.input_tokens"] = cached;
    const reasoning = num(log.reasoning_tokens);
    if (reasoning !== undefined) spanAttributes["gen_ai.usage.reasoning.output_tokens"] = reasoning;
  }
  return {
    operation,
    provider,
    errorType,
    points,
    spanName: requestModel === undefined ? operation : `${operation} ${requestModel}`,
    spanAttributes,
    durationMs: serviceMs ?? 0,
  };
}
