// OpenTelemetry "when present", without importing @opentelemetry/api (a bundle for Workers must
// not need it): every copy of the 1.x API keeps the providers an SDK registers on one global,
// `globalThis[Symbol.for("opentelemetry.js.api.1")]` (`{ version, trace, metrics, … }`), so that
// two copies of the package in one app share them. Reading that global at record time finds the
// app's MeterProvider and TracerProvider whenever an SDK has registered them — also after this
// package was created — and nothing when none has.
import { GenAiTelemetry, type OpenTelemetryApi } from "@aistats/host";

const GLOBAL_KEY = Symbol.for("opentelemetry.js.api.1");

type Provider = { getMeter?: unknown; getTracer?: unknown };
interface OtelGlobal {
  readonly version?: unknown;
  readonly metrics?: Provider;
  readonly trace?: Provider;
  readonly context?: { active?: unknown };
}

function registered(): OtelGlobal | null {
  const g = (globalThis as { [GLOBAL_KEY]?: OtelGlobal })[GLOBAL_KEY];
  return g === undefined || g === null || typeof g.version !== "string" || !g.version.startsWith("1.") ? null : g;
}

/**
 * The OpenTelemetry context active now, from the context manager registered with the API (or the
 * module given): the parent of the exchange's span. undefined without one.
 */
export function activeContext(api?: unknown): unknown {
  const manager = (api as { context?: { active?: unknown } } | undefined)?.context ?? registered()?.context;
  return typeof manager?.active === "function" ? (manager.active as () => unknown).call(manager) : undefined;
}

const noMeter = { createHistogram: () => ({ record() {} }) };
const noTracer = { startSpan: () => ({ setStatus() {}, end() {} }) };

/** The GenAI telemetry through whatever providers are registered globally now (null: none). */
export class GlobalTelemetry {
  #meterProvider: unknown = null;
  #tracerProvider: unknown = null;
  #telemetry: GenAiTelemetry | null = null;

  constructor(
    private readonly scope: string,
    private readonly semconv: string,
  ) {}

  current(): GenAiTelemetry | null {
    const g = registered();
    if (g === null) return null;
    const meter = typeof g.metrics?.getMeter === "function" ? g.metrics : null;
    const tracer = typeof g.trace?.getTracer === "function" ? g.trace : null;
    if (meter === null && tracer === null) return null;
    if (meter !== this.#meterProvider || tracer !== this.#tracerProvider || this.#telemetry === null) {
      this.#meterProvider = meter;
      this.#tracerProvider = tracer;
      const api = {
        metrics: meter ?? { getMeter: () => noMeter },
        trace: tracer ?? { getTracer: () => noTracer },
      } as unknown as OpenTelemetryApi;
      this.#telemetry = new GenAiTelemetry(api, this.scope, this.semconv);
    }
    return this.#telemetry;
  }
}
