import type { Server } from "node:http";
import http from "node:http";
import { ROOT_CONTEXT, context, metrics, trace, type Context, type ContextManager } from "@opentelemetry/api";
import { MeterProvider, MetricReader, type HistogramMetricData } from "@opentelemetry/sdk-metrics";
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAiStatistics, type AistatsRecord } from "./index.js";
import { CHAT_REQUEST, SSE_CHUNKS, close, listen, sleep } from "./testing/servers.js";

class TestReader extends MetricReader {
  protected async onShutdown(): Promise<void> {}
  protected async onForceFlush(): Promise<void> {}
}

const reader = new TestReader();
const spans = new InMemorySpanExporter();
let server: Server;
let url: string;
const records: AistatsRecord[] = [];
let clock = 1_000_000;

beforeAll(async () => {
  metrics.setGlobalMeterProvider(new MeterProvider({ readers: [reader] }));
  trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spans)] }));
  const stats = createAiStatistics({}, { registry: false, logger: false, now: () => clock, onRecord: (r) => records.push(r) });
  server = http.createServer((req, res) =>
    stats.middleware(req, res, async () => {
      for await (const _ of req) void _;
      res.writeHead(200, { "content-type": "text/event-stream" });
      clock += 120; // first token at 120 ms
      res.write(SSE_CHUNKS[0]);
      for (const c of SSE_CHUNKS.slice(1)) {
        clock += 100;
        res.write(c);
        await sleep(1);
      }
      clock += 80;
      res.end(); // 120 + 5 × 100 + 80 = 700 ms
    }),
  );
  url = await listen(server);
});
afterAll(async () => close(server));

describe("OpenTelemetry", () => {
  it("GenAI histograms with the recommended buckets and required attributes, and one span per exchange", async () => {
    const r = await fetch(`${url}/v1/chat/completions`, { method: "POST", body: CHAT_REQUEST, headers: { "content-type": "application/json" } });
    expect(await r.text()).toBe(SSE_CHUNKS.join(""));
    for (let i = 0; i < 200 && !records.some((x) => x.final); i++) await sleep(5);
    expect(records.at(-1)!.log).toMatchObject({ llm_first_token_duration: 120, llm_service_duration: 700, input_token: 9, output_token: 4 });

    const { resourceMetrics } = await reader.collect();
    const all = resourceMetrics.scopeMetrics.flatMap((s) => s.metrics);
    const byName = (n: string) => all.find((m) => m.descriptor.name === n) as HistogramMetricData;
    const base = { "gen_ai.operation.name": "chat", "gen_ai.provider.name": "openai", "gen_ai.request.model": "gpt-4o", "gen_ai.response.model": "gpt-4o-2024-08-06" };
    const tokens = byName("gen_ai.client.token.usage");
    expect(tokens.dataPoints.map((p) => [p.attributes, p.value.sum]).sort()).toEqual(
      [
        [{ ...base, "gen_ai.token.type": "input" }, 9],
        [{ ...base, "gen_ai.token.type": "output" }, 4],
      ].sort(),
    );
    expect(tokens.dataPoints[0]!.value.buckets.boundaries).toEqual([1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864]);
    const duration = byName("gen_ai.client.operation.duration");
    expect(duration.descriptor.unit).toBe("s");
    expect(duration.dataPoints[0]!.attributes).toEqual(base);
    expect(duration.dataPoints[0]!.value.sum).toBeCloseTo(0.7);
    expect(duration.dataPoints[0]!.value.buckets.boundaries[0]).toBe(0.01);
    expect(byName("gen_ai.server.time_to_first_token").dataPoints[0]!.value.sum).toBeCloseTo(0.12);
    expect(byName("gen_ai.server.time_per_output_token").dataPoints[0]!.value.sum).toBeCloseTo((0.7 - 0.12) / 3);

    const finished = spans.getFinishedSpans();
    expect(finished).toHaveLength(1);
    const span = finished[0]!;
    expect(span.name).toBe("chat gpt-4o");
    expect(span.attributes).toMatchObject({
      ...base,
      "gen_ai.span.kind": "LLM",
      "gen_ai.model_name": "gpt-4o-2024-08-06",
      "gen_ai.usage.input_tokens": 9,
      "gen_ai.usage.output_tokens": 4,
      "gen_ai.response.id": "c1",
    });
    expect(span.duration[0] * 1000 + span.duration[1] / 1e6).toBeCloseTo(700);
  });

  it("otel_semconv 1.36: gen_ai.system; an aborted exchange (observeExchange) carries error.type and an ERROR span", async () => {
    spans.reset();
    const stats = createAiStatistics({ otel_semconv: "1.36" }, { registry: false, logger: false, now: () => clock });
    const h = stats.observeExchange({ method: "POST", path: "/v1/messages", headers: { "content-type": "application/json" } });
    h.requestChunk(new TextEncoder().encode(JSON.stringify({ model: "claude-x", messages: [{ role: "user", content: "hi" }] })));
    h.responseStart(200, { "content-type": "text/event-stream" });
    clock += 50;
    h.responseChunk(new TextEncoder().encode('event: message_start\ndata: {"type":"message_start","message":{"id":"m1","model":"claude-x-1","usage":{"input_tokens":7,"output_tokens":1}}}\n\n'));
    clock += 50;
    h.abort("upstream reset");
    const finished = spans.getFinishedSpans();
    expect(finished).toHaveLength(1);
    expect(finished[0]!.name).toBe("chat claude-x");
    expect(finished[0]!.attributes).toMatchObject({ "gen_ai.system": "anthropic", "gen_ai.operation.name": "chat", "error.type": "upstream reset", "gen_ai.request.model": "claude-x" });
    expect(finished[0]!.attributes["gen_ai.provider.name"]).toBeUndefined();
    expect(finished[0]!.status.code).toBe(2); // ERROR
    const { resourceMetrics } = await reader.collect();
    const duration = resourceMetrics.scopeMetrics.flatMap((s) => s.metrics).find((m) => m.descriptor.name === "gen_ai.client.operation.duration") as HistogramMetricData;
    expect(duration.dataPoints.map((p) => p.attributes)).toContainEqual({
      "gen_ai.operation.name": "chat",
      "gen_ai.system": "anthropic",
      "gen_ai.request.model": "claude-x",
      "gen_ai.response.model": "claude-x-1",
      "error.type": "upstream reset",
    });
  });

  it("the span is a child of the context that was active when the exchange began (an instrumented server's span)", () => {
    spans.reset();
    // A synchronous context manager is enough here: the exchange begins inside context.with().
    const stack: Context[] = [];
    const manager: ContextManager = {
      active: () => stack.at(-1) ?? ROOT_CONTEXT,
      with(ctx, fn, thisArg, ...args) {
        stack.push(ctx);
        try {
          return fn.call(thisArg, ...args);
        } finally {
          stack.pop();
        }
      },
      bind: (_ctx, target) => target,
      enable() {
        return this;
      },
      disable() {
        return this;
      },
    };
    context.setGlobalContextManager(manager);
    try {
      const server = trace.getTracer("test").startSpan("POST /v1/chat/completions");
      const stats = createAiStatistics({}, { registry: false, logger: false, now: () => clock });
      const h = context.with(trace.setSpan(context.active(), server), () => stats.observeExchange({ method: "POST", path: "/v1/chat/completions" }));
      h.responseStart(200, { "content-type": "application/json" });
      h.responseChunk(new TextEncoder().encode(JSON.stringify({ id: "c2", model: "gpt-4o", usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 } })));
      h.responseEnd(); // outside context.with: the parent is the one captured at the start
      server.end();
      const llm = spans.getFinishedSpans().find((s) => s.name.startsWith("chat"))!;
      expect(llm.parentSpanContext?.spanId).toBe(server.spanContext().spanId);
      expect(llm.spanContext().traceId).toBe(server.spanContext().traceId);
    } finally {
      context.disable();
    }
  });
});
