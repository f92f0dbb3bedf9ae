// OpenTelemetry export over OTLP/HTTP (JSON), wired here in the app, not in the library: when one
// of the standard OTEL_EXPORTER_OTLP_ENDPOINT / _METRICS_ENDPOINT / _TRACES_ENDPOINT variables is
// set, a MeterProvider (periodic export, OTEL_METRIC_EXPORT_INTERVAL, default 60 s) and a
// TracerProvider (batched spans) are registered globally, and @aistats/node's GenAI histograms and
// spans (through @opentelemetry/api) go to the collector. The exporters read the other standard
// variables themselves (headers, timeouts). Many gateway instances aggregate there, never here.
import { metrics, trace } from "@opentelemetry/api";
import { OTLPMetricExporter } from "@opentelemetry/exporter-metrics-otlp-http";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { MeterProvider, PeriodicExportingMetricReader } from "@opentelemetry/sdk-metrics";
import { BasicTracerProvider, BatchSpanProcessor } from "@opentelemetry/sdk-trace-base";

export interface Otel {
  /** Flushes what is pending and stops the providers. */
  shutdown(): Promise<void>;
}

export function startOtel(env: NodeJS.ProcessEnv = process.env): Otel | null {
  const any = env.OTEL_EXPORTER_OTLP_ENDPOINT || env.OTEL_EXPORTER_OTLP_METRICS_ENDPOINT || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT;
  if (!any || env.OTEL_SDK_DISABLED === "true") return null;
  const resource = resourceFromAttributes({ "service.name": env.OTEL_SERVICE_NAME || "aistats-gateway" });
  const interval = Number(env.OTEL_METRIC_EXPORT_INTERVAL) > 0 ? Number(env.OTEL_METRIC_EXPORT_INTERVAL) : 60_000;
  const meterProvider = new MeterProvider({
    resource,
    readers: [new PeriodicExportingMetricReader({ exporter: new OTLPMetricExporter(), exportIntervalMillis: interval, exportTimeoutMillis: Math.min(30_000, interval) })],
  });
  const tracerProvider = new BasicTracerProvider({ resource, spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter(), { scheduledDelayMillis: Math.min(5_000, interval) })] });
  metrics.setGlobalMeterProvider(meterProvider);
  trace.setGlobalTracerProvider(tracerProvider);
  return {
    async shutdown() {
      await Promise.allSettled([meterProvider.shutdown(), tracerProvider.shutdown()]);
    },
  };
}
