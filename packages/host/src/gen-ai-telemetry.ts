// The GenAI view (gen-ai.ts) handed to OpenTelemetry: four histograms and one span per exchange.
// The host passes in the @opentelemetry/api module it has (this package does not depend on it):
// only the few members below are used, and without a registered SDK they are no-ops.
import { GEN_AI_HISTOGRAMS, genAiView, type GenAiAttributes, type GenAiHistogramName } from "./gen-ai.js";
import type { AistatsRecord } from "./records.js";

interface OtelHistogram {
  record(value: number, attributes?: GenAiAttributes): void;
}
interface OtelSpan {
  setStatus(status: { code: number; message?: string }): unknown;
  end(endTime?: number): void;
}

/** The members of `@opentelemetry/api` (1.x) used here: `import * as api from "@opentelemetry/api"` is one. */
export interface OpenTelemetryApi {
  readonly metrics: {
    getMeter(name: string): {
      createHistogram(name: string, options: { unit: string; description: string; advice: { explicitBucketBoundaries: number[] } }): OtelHistogram;
    };
  };
  readonly trace: {
    getTracer(name: string): {
      startSpan(name: string, options: { kind: number; startTime: number; attributes: GenAiAttributes }, context?: never): OtelSpan;
    };
  };
}

// Stable enum values of @opentelemetry/api 1.x (SpanKind.CLIENT, SpanStatusCode.ERROR).
const SPAN_KIND_CLIENT = 2;
const STATUS_ERROR = 2;

export class GenAiTelemetry {
  readonly #api: OpenTelemetryApi;
  readonly #scope: string;
  readonly #semconv: string;
  readonly #histograms = new Map<GenAiHistogramName, OtelHistogram>();

  /** `scope`: the instrumentation scope (the host package's name); `semconv`: recorder.settings.otelSemconv. */
  constructor(api: OpenTelemetryApi, scope: string, semconv: string) {
    this.#api = api;
    this.#scope = scope;
    this.#semconv = semconv;
    const meter = api.metrics.getMeter(scope);
    for (const [name, h] of Object.entries(GEN_AI_HISTOGRAMS) as Array<[GenAiHistogramName, (typeof GEN_AI_HISTOGRAMS)[GenAiHistogramName]]>) {
      this.#histograms.set(name, meter.createHistogram(name, { unit: h.unit, description: h.description, advice: { explicitBucketBoundaries: [...h.buckets] } }));
    }
  }

  /**
   * One final record: its histogram points, and its span (ending at `endMs`), a child of
   * `parent` — the OpenTelemetry context that was active when the exchange began (say the server
   * span of an instrumented HTTP server) — when one is given, else of the active context.
   */
  record(record: AistatsRecord, path: string, status: number, endMs: number, parent?: unknown): void {
    const view = genAiView(record, path, status, this.#semconv);
    for (const p of view.points) this.#histograms.get(p.histogram)?.record(p.value, p.attributes);
    const options = { kind: SPAN_KIND_CLIENT, startTime: endMs - view.durationMs, attributes: view.spanAttributes };
    const tracer = this.#api.trace.getTracer(this.#scope);
    const span = parent === undefined ? tracer.startSpan(view.spanName, options) : tracer.startSpan(view.spanName, options, parent as never);
    if (view.errorType !== undefined) span.setStatus({ code: STATUS_ERROR, message: view.errorType });
    span.end(endMs);
  }
}
