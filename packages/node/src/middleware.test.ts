import http, { type Server } from "node:http";
import { Registry } from "prom-client";
import { afterEach, describe, expect, it } from "vitest";
import { AistatsConfigError, createAiStatistics, type AiStatistics, type AistatsRecord } from "./index.js";
import { CHAT_REQUEST, JSON_RESPONSE, SSE_CHUNKS, close, listen, proxyTo, sleep, upstream, type Upstream } from "./testing/servers.js";

const servers: Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await close(s);
});

async function setup(
  send: (res: http.ServerResponse) => Promise<void> | void,
  opts: { reader?: "pipe" | "for-await"; idleTimeoutMs?: number } = {},
): Promise<{ up: Upstream; url: string; stats: AiStatistics; records: AistatsRecord[]; registry: Registry; logged: object[] }> {
  const up = await upstream(async (_req, _body, res) => send(res));
  servers.push(up.server);
  const records: AistatsRecord[] = [];
  const logged: object[] = [];
  const registry = new Registry();
  const stats = createAiStatistics(
    {},
    {
      registry,
      route: () => "chat",
      cluster: () => "openai",
      logger: { info: (o) => logged.push(o) },
      onRecord: (r) => records.push(r),
      ...(opts.idleTimeoutMs === undefined ? {} : { idleTimeoutMs: opts.idleTimeoutMs }),
    },
  );
  const proxy = http.createServer((req, res) => stats.middleware(req, res, () => proxyTo(up.url, req, res, opts.reader)));
  servers.push(proxy);
  return { up, url: await listen(proxy), stats, records, registry, logged };
}

async function sendSse(res: http.ServerResponse, gapMs = 5): Promise<void> {
  res.writeHead(200, { "content-type": "text/event-stream" });
  for (const c of SSE_CHUNKS) {
    res.write(c);
    await sleep(gapMs);
  }
  res.end();
}

async function waitFor(cond: () => boolean, ms = 2000): Promise<void> {
  const until = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > until) throw new Error("timed out");
    await sleep(5);
  }
}

describe("middleware on node:http", () => {
  it.each(["pipe", "for-await"] as const)("SSE with include_usage (handler reads with %s): record, bytes both ways unchanged, metrics", async (reader) => {
    const t = await setup((res) => sendSse(res, 20), { reader });
    const r = await fetch(`${t.url}/v1/chat/completions`, { method: "POST", body: CHAT_REQUEST, headers: { "content-type": "application/json" } });
    const got = Buffer.from(await r.arrayBuffer());
    expect(got.equals(Buffer.from(SSE_CHUNKS.join("")))).toBe(true);
    expect(t.up.bodies[0]!.toString()).toBe(CHAT_REQUEST);
    await waitFor(() => t.records.some((x) => x.final));
    const final = t.records.at(-1)!;
    expect(final.final).toBe(true);
    expect(final.log).toMatchObject({ model: "gpt-4o-2024-08-06", input_token: 9, output_token: 4, total_token: 13, response_type: "stream", chat_round: 1 });
    expect(final.log.llm_first_token_duration).toBeGreaterThanOrEqual(0);
    expect(final.log.llm_service_duration as number).toBeGreaterThanOrEqual(final.log.llm_first_token_duration as number);
    expect(final.log.llm_service_duration as number).toBeGreaterThanOrEqual(80);
    expect(t.logged.at(-1)).toEqual({ ai_log: final.log });
    const text = await t.stats.metrics();
    expect(text).toContain('route_upstream_model_consumer_metric_input_token{ai_route="chat",ai_cluster="openai",ai_model="gpt-4o-2024-08-06",ai_consumer="none"} 9');
    expect(text).toContain('route_upstream_model_consumer_metric_llm_stream_duration_count{ai_route="chat",ai_cluster="openai",ai_model="gpt-4o-2024-08-06",ai_consumer="none"} 1');
    expect(text).toContain('aistats_dropped_total{reason="arena_full"} 0');
    expect(t.stats.recorder.stats()).toMatchObject({ activeExchanges: 0, arenaUsedBytes: 0, openHandles: 0 });
  });

  it("JSON response: one final record, metrics with x-mse-consumer", async () => {
    const t = await setup((res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON_RESPONSE);
    });
    const body = JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content: "x" }] });
    const r = await fetch(`${t.url}/v1/chat/completions`, { method: "POST", body, headers: { "content-type": "application/json", "x-mse-consumer": "u1" } });
    expect(await r.text()).toBe(JSON_RESPONSE);
    await waitFor(() => t.records.length > 0);
    expect(t.records).toHaveLength(1);
    expect(t.records[0]!.log).toMatchObject({ model: "gpt-4o-mini", input_token: 9, output_token: 2, total_token: 11, response_type: "normal" });
    expect(await t.stats.metrics()).toContain('route_upstream_model_consumer_metric_input_token{ai_route="chat",ai_cluster="openai",ai_model="gpt-4o-mini",ai_consumer="u1"} 9');
  });

  it("rejects a bad configuration and bad options with AistatsConfigError naming the field", () => {
    expect(() => createAiStatistics({ attributes: [{ key: "a", value_source: "fixed_value", value: "x", rule: "middle" }] }, { registry: false })).toThrow(
      /^attributes\[0\]\.rule/,
    );
    let err: unknown;
    try {
      createAiStatistics({}, { registry: false, maxSeries: 0 });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(AistatsConfigError);
    expect((err as AistatsConfigError).message).toMatch(/^options\.maxSeries: /);
    expect(() => createAiStatistics({}, { registry: false, logger: {} as never })).toThrow(/^options\.logger/);
  });
});
