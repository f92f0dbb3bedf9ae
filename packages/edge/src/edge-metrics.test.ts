import { ROOT_CONTEXT, context, metrics, trace, type Context, type ContextManager } from "@opentelemetry/api";
import * as otel from "@opentelemetry/api";
import { MeterProvider, MetricReader, type HistogramMetricData } from "@opentelemetry/sdk-metrics";
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base";
import { describe, expect, it } from "vitest";
import { createAiStatistics, type EdgeOptions } from "./index.js";
import { CounterFamily, HistogramFamily, PrometheusText } from "./prometheus-text.js";

const usage = (model: string, prompt = 9, completion = 4) => ({ id: "r1", model, choices: [], usage: { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion } });

function statsWith(options: EdgeOptions = {}) {
  const clock = { now: 0 };
  const stats = createAiStatistics({}, { logger: false, now: () => clock.now, ...options });
  const run = async (model: string, consumer = "none", answerMs = 700) => {
    clock.now = 1_000;
    const response = await stats.wrap(async (req) => {
      await req.text();
      clock.now += answerMs;
      return Response.json(usage(model));
    })(new Request("https://x/v1/chat/completions", { method: "POST", headers: { "x-mse-consumer": consumer }, body: JSON.stringify({ model }) }));
    await response.text();
  };
  return { stats, run };
}

const samples = (text: string, name: string) => text.split("\n").filter((l) => l.startsWith(`${name}{`) || l.startsWith(`${name} `));

describe("Prometheus text", () => {
  it("the Higress counters as Higress exports them, and aistats_dropped_total by reason", async () => {
    const { stats, run } = statsWith();
    await run("gpt-4o", "team-a");
    await run("gpt-4o", "team-a");
    const text = stats.metrics();
    expect(stats.metricsContentType).toBe("text/plain; version=0.0.4; charset=utf-8");
    expect(text).toContain("# TYPE route_upstream_model_consumer_metric_input_token counter\n");
    expect(samples(text, "route_upstream_model_consumer_metric_input_token")).toEqual(['route_upstream_model_consumer_metric_input_token{ai_route="-",ai_cluster="-",ai_model="gpt-4o",ai_consumer="team-a"} 18']);
    expect(samples(text, "route_upstream_model_consumer_metric_llm_service_duration")).toEqual(['route_upstream_model_consumer_metric_llm_service_duration{ai_route="-",ai_cluster="-",ai_model="gpt-4o",ai_consumer="team-a"} 1400']);
    expect(samples(text, "aistats_dropped_total")).toContain('aistats_dropped_total{reason="host_error"} 0');
    expect(text.endsWith("\n")).toBe(true);
  });

  it("the GenAI histograms with the recommended buckets, seconds as _seconds", async () => {
    const { stats, run } = statsWith();
    await run("gpt-4o", "none", 700);
    const text = stats.metrics();
    expect(text).toContain("# TYPE gen_ai_client_operation_duration_seconds histogram");
    const duration = samples(text, "gen_ai_client_operation_duration_seconds_bucket");
    expect(duration.find((l) => l.includes('le="0.64"'))).toMatch(/ 0$/);
    expect(duration.find((l) => l.includes('le="1.28"'))).toMatch(/ 1$/);
    expect(duration.find((l) => l.includes('le="+Inf"'))).toContain('gen_ai_operation_name="chat",gen_ai_provider_name="openai",gen_ai_request_model="gpt-4o",gen_ai_response_model="gpt-4o"');
    expect(samples(text, "gen_ai_client_operation_duration_seconds_sum")[0]).toMatch(/ 0\.7$/);
    const tokens = samples(text, "gen_ai_client_token_usage_count");
    expect(tokens.map((l) => /gen_ai_token_type="(\w+)"/.exec(l)![1]).sort()).toEqual(["input", "output"]);
  });

  it("label caps: values cut to maxLabelLength, label sets beyond maxSeries go to `other`, counted as metric_series", async () => {
    const { stats, run } = statsWith({ maxSeries: 2, maxLabelLength: 8 });
    await run("model-number-one");
    await run("model-number-two");
    await run("model-number-three");
    const lines = samples(stats.metrics(), "route_upstream_model_consumer_metric_input_token");
    expect(lines).toEqual([
      'route_upstream_model_consumer_metric_input_token{ai_route="-",ai_cluster="-",ai_model="model-nu",ai_consumer="none"} 27',
    ]);
    // the three models cut to the same 8 characters are one series: nothing overflowed yet
    const { stats: s2, run: run2 } = statsWith({ maxSeries: 1 });
    await run2("a");
    await run2("b");
    const text = s2.metrics();
    expect(samples(text, "route_upstream_model_consumer_metric_input_token")).toEqual([
      'route_upstream_model_consumer_metric_input_token{ai_route="-",ai_cluster="-",ai_model="a",ai_consumer="none"} 9',
      'route_upstream_model_consumer_metric_input_token{ai_route="other",ai_cluster="other",ai_model="other",ai_consumer="other"} 9',
    ]);
    expect(Number(/aistats_dropped_total\{reason="metric_series"\} (\d+)/.exec(text)![1])).toBeGreaterThanOrEqual(7);
  });

  it("metrics: false keeps none", async () => {
    const { stats, run } = statsWith({ metrics: false });
    await run("gpt-4o");
    expect(stats.metrics()).toBe("");
  });

  it("escapes label values and help text as the format requires", () => {
    const reg = new PrometheusText();
    const c = reg.add(new CounterFamily("c_total", "a\\b\nc"));
    c.inc({ l: 'q"b\\n\n' }, 1.5);
    const h = reg.add(new HistogramFamily("h", "h", [1, 2]));
    h.observe({}, 1.5);
    expect(reg.text()).toBe(
      ["# HELP c_total a\\\\b\\nc", "# TYPE c_total counter", 'c_total{l="q\\"b\\\\n\\n"} 1.5', "# HELP h h", "# TYPE h histogram", 'h_bucket{le="1"} 0', 'h_bucket{le="2"} 1', 'h_bucket{le="+Inf"} 1', "h_sum 1.5", "h_count 1", ""].join("\n"),
    );
  });
});

describe("OpenTelemetry (the @opentelemetry/api module passed in)", () => {
  class TestReader extends MetricReader {
    protected async onShutdown(): Promise<void> {}
    protected async onForceFlush(): Promise<void> {}
  }

  it("GenAI histograms and one span per exchange, through the module passed in or, by default, the SDK registered globally", async () => {
    const reader = new TestReader();
    const spans = new InMemorySpanExporter();
    metrics.setGlobalMeterProvider(new MeterProvider({ readers: [reader] }));
    trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spans)] }));
    const { run: quiet } = statsWith({ opentelemetry: false });
    await quiet("gpt-4o", "none", 700);
    const { run } = statsWith({ opentelemetry: otel });
    await run("gpt-4o", "none", 700);
    const { run: auto } = statsWith(); // found through @opentelemetry/api's global registration
    await auto("gpt-4o", "none", 700);
    const { resourceMetrics } = await reader.collect();
    const all = resourceMetrics.scopeMetrics.flatMap((s) => s.metrics);
    const tokens = all.find((m) => m.descriptor.name === "gen_ai.client.token.usage") as HistogramMetricData;
    expect(tokens.dataPoints.map((p) => p.value.sum ?? 0).sort((a, b) => a - b)).toEqual([8, 18]);
    const duration = all.find((m) => m.descriptor.name === "gen_ai.client.operation.duration") as HistogramMetricData;
    expect(duration.dataPoints[0]!.value.sum).toBeCloseTo(1.4);
    expect(spans.getFinishedSpans()).toHaveLength(2);
    const [span] = spans.getFinishedSpans();
    expect(span!.name).toBe("chat gpt-4o");
    expect(span!.attributes).toMatchObject({ "gen_ai.usage.input_tokens": 9, "gen_ai.usage.output_tokens": 4, "gen_ai.response.id": "r1", "gen_ai.provider.name": "openai" });
  });

  it("the span is a child of the context active when the exchange began", async () => {
    const spans = new InMemorySpanExporter();
    trace.disable(); // the previous test's provider
    trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spans)] }));
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
      const stats = createAiStatistics({}, { logger: false });
      const handler = stats.wrap(async () => Response.json(usage("gpt-4o")));
      const request = new Request("https://x/v1/chat/completions", { method: "POST", body: "{}" });
      const response = await context.with(trace.setSpan(context.active(), server), () => handler(request));
      await response.text(); // the exchange ends here, outside context.with
      server.end();
      const llm = spans.getFinishedSpans().find((s) => s.name.startsWith("chat"))!;
      expect(llm.parentSpanContext?.spanId).toBe(server.spanContext().spanId);
    } finally {
      context.disable();
    }
  });
});
