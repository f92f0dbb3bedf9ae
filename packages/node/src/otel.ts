// OpenTelemetry through @opentelemetry/api (a no-op when no SDK is registered): @aistats/host's
// GenAI histograms and one span per exchange, from each final record.
import * as api from "@opentelemetry/api";
import { GenAiTelemetry } from "@aistats/host";

export function nodeTelemetry(semconv: string): GenAiTelemetry {
  return new GenAiTelemetry(api, "@aistats/node", semconv);
}

/** The context active now (the request's, when an instrumented server runs the middleware): the span's parent. */
export function activeContext(): unknown {
  return api.context.active();
}
