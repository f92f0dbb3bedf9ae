import http, { type IncomingMessage, type Server, type ServerResponse } from "node:http";
import express from "express";
import { Registry } from "prom-client";
import { afterEach, describe, expect, it } from "vitest";
import { createAiStatistics, type AistatsRecord } from "./index.js";
import { CHAT_REQUEST, JSON_RESPONSE, SSE_CHUNKS, close, listen, proxyTo, sleep, upstream } from "./testing/servers.js";

const servers: Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await close(s);
});

async function waitFor(cond: () => boolean, ms = 3000): Promise<void> {
  const until = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > until) throw new Error("timed out");
    await sleep(5);
  }
}

function factory(extra: Parameters<typeof createAiStatistics>[1] = {}) {
  const records: AistatsRecord[] = [];
  const registry = new Registry();
  const stats = createAiStatistics({}, { registry, logger: false, onRecord: (r) => records.push(r), ...extra });
  return { stats, records, registry };
}

async function serve(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<string> {
  const s = http.createServer(handler);
  servers.push(s);
  return listen(s);
}

describe("Express 5", () => {
  it("app.use(middleware): a proxied SSE stream and res.json/res.send answers are recorded, bytes unchanged", async () => {
    const up = await upstream(async (_req, _body, res) => {
      res.writeHead(200, { "content-type": "text/event-stream" });
      for (const c of SSE_CHUNKS) {
        res.write(c);
        await sleep(2);
      }
      res.end();
    });
    servers.push(up.server);
    const { stats, records } = factory({ route: () => "chat", cluster: () => "openai" });
    const app = express();
    app.use(stats.middleware);
    app.post("/v1/chat/completions", (req, res) => proxyTo(up.url, req, res, "for-await"));
    app.post("/v1/json", express.json(), (req, res) => {
      expect(req.body).toEqual(JSON.parse(CHAT_REQUEST));
      res.type("application/json").send(JSON_RESPONSE); // a string: res.end(string, "utf8")
    });
    const s = http.createServer(app);
    servers.push(s);
    const url = await listen(s);

    const r1 = await fetch(`${url}/v1/chat/completions`, { method: "POST", body: CHAT_REQUEST, headers: { "content-type": "application/json" } });
    expect(Buffer.from(await r1.arrayBuffer()).toString()).toBe(SSE_CHUNKS.join(""));
    expect(up.bodies[0]!.toString()).toBe(CHAT_REQUEST);
    await waitFor(() => records.some((r) => r.final));
    expect(records.find((r) => r.final)!.log).toMatchObject({ model: "gpt-4o-2024-08-06", input_token: 9, output_token: 4, response_type: "stream" });

    records.length = 0;
    const r2 = await fetch(`${url}/v1/json`, { method: "POST", body: CHAT_REQUEST, headers: { "content-type": "application/json" } });
    expect(await r2.text()).toBe(JSON_RESPONSE);
    await waitFor(() => records.length > 0);
    // express.json() read the body (through emit('data')), so the request model and chat_round are seen too.
    expect(records[0]!.log).toMatchObject({ model: "gpt-4o-mini", input_token: 9, output_token: 2, chat_round: 1, response_type: "normal" });
    expect(stats.recorder.stats()).toMatchObject({ activeExchanges: 0, arenaUsedBytes: 0 });
  });
});

describe("lifecycle", () => {
  it("client abort mid-stream: one final record with what was seen, arena back, later events change nothing", async () => {
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    const up = await upstream(async (_req, _body, res) => {
      res.writeHead(200, { "content-type": "text/event-stream" });
      res.write(SSE_CHUNKS[0]);
      res.write(SSE_CHUNKS[1]);
      await released;
      res.write(SSE_CHUNKS[2]);
      res.end();
    });
    servers.push(up.server);
    const { stats, records } = factory();
    let seen: { req: IncomingMessage; res: ServerResponse } | null = null;
    const url = await serve((req, res) => {
      seen = { req, res };
      stats.middleware(req, res, () => proxyTo(up.url, req, res));
    });
    const ac = new AbortController();
    const r = await fetch(`${url}/v1/chat/completions`, { method: "POST", body: CHAT_REQUEST, signal: ac.signal });
    const reader = r.body!.getReader();
    let got = "";
    while (got.length < SSE_CHUNKS[0]!.length + SSE_CHUNKS[1]!.length) got += Buffer.from((await reader.read()).value!).toString();
    expect(got).toBe(SSE_CHUNKS[0]! + SSE_CHUNKS[1]!);
    ac.abort();
    await waitFor(() => records.some((x) => x.final));
    release();
    await sleep(50);
    const finals = records.filter((x) => x.final);
    expect(finals).toHaveLength(1);
    expect(finals[0]!.aborted).toBe(true);
    expect(finals[0]!.abortReason).toBe("client closed");
    expect(finals[0]!.log).toMatchObject({ model: "gpt-4o-2024-08-06", response_type: "stream", chat_round: 1 });
    expect(finals[0]!.log.llm_first_token_duration).toBeGreaterThanOrEqual(0);
    const after = stats.recorder.stats();
    expect(after).toMatchObject({ activeExchanges: 0, arenaUsedBytes: 0, openHandles: 0, hostErrors: 0 });
    // Late events on the same request and response reach nothing.
    const { req, res } = seen!;
    req.emit("data", Buffer.from("late"));
    req.emit("end");
    res.write("late");
    res.end("late");
    res.emit("close");
    await sleep(10);
    expect(records.filter((x) => x.final)).toHaveLength(1);
    expect(stats.recorder.stats()).toEqual(after);
  });

  it("upstream reset mid-stream (the proxy destroys the response with the error): one final record aborted with that error, arena back", async () => {
    const up = await upstream(async (_req, _body, res) => {
      res.writeHead(200, { "content-type": "text/event-stream" });
      res.write(SSE_CHUNKS[0]);
      res.write(SSE_CHUNKS[1]);
      await sleep(30);
      res.destroy();
    });
    servers.push(up.server);
    const { stats, records } = factory();
    const url = await serve((req, res) => stats.middleware(req, res, () => proxyTo(up.url, req, res)));
    const r = await fetch(`${url}/v1/chat/completions`, { method: "POST", body: CHAT_REQUEST });
    await expect(r.text()).rejects.toThrow();
    await waitFor(() => records.some((x) => x.final));
    await sleep(20);
    expect(records.filter((x) => x.final)).toHaveLength(1);
    expect(records.at(-1)!).toMatchObject({ aborted: true });
    expect(records.at(-1)!.abortReason).not.toBe("client closed");
    expect(records.at(-1)!.abortReason).toMatch(/aborted|reset|hang up/i);
    expect(records.at(-1)!.log).toMatchObject({ model: "gpt-4o-2024-08-06", response_type: "stream" });
    expect(stats.recorder.stats()).toMatchObject({ activeExchanges: 0, arenaUsedBytes: 0, openHandles: 0 });
  });

  it("idle timeout: a stream that stalls ends as aborted ('idle') once, the connection is left alone", async () => {
    const up = await upstream(async (_req, _body, res) => {
      res.writeHead(200, { "content-type": "text/event-stream" });
      res.write(SSE_CHUNKS[0]);
      await sleep(400);
      res.end(SSE_CHUNKS[1]);
    });
    servers.push(up.server);
    const { stats, records } = factory({ idleTimeoutMs: 100 });
    const url = await serve((req, res) => stats.middleware(req, res, () => proxyTo(up.url, req, res)));
    const started = Date.now();
    const r = await fetch(`${url}/v1/chat/completions`, { method: "POST", body: CHAT_REQUEST });
    await waitFor(() => records.some((x) => x.final));
    expect(Date.now() - started).toBeLessThan(390);
    expect(records.filter((x) => x.final)).toHaveLength(1);
    expect(records.at(-1)!.abortReason).toBe("idle");
    expect(stats.recorder.stats()).toMatchObject({ activeExchanges: 0, arenaUsedBytes: 0 });
    // The client still gets everything, after the timeout.
    expect(await r.text()).toBe(SSE_CHUNKS[0]! + SSE_CHUNKS[1]!);
    expect(records.filter((x) => x.final)).toHaveLength(1);
  });

  it("a slow client: write() still returns false and 'drain' still fires; every byte arrives", async () => {
    const { stats, records } = factory();
    const piece = Buffer.alloc(64 * 1024, 0x61);
    const results: boolean[] = [];
    let drains = 0;
    const url = await serve((req, res) => {
      stats.middleware(req, res, () => {
        req.resume();
        res.writeHead(200, { "content-type": "application/octet-stream" });
        let n = 0;
        const pump = (): void => {
          while (n < 64) {
            n++;
            const ok = res.write(piece);
            results.push(ok);
            if (!ok) {
              res.once("drain", () => {
                drains++;
                pump();
              });
              return;
            }
          }
          res.end();
        };
        pump();
      });
    });
    const body = await new Promise<Buffer>((resolve, reject) => {
      const u = new URL(url);
      http
        .get({ host: u.hostname, port: u.port, path: "/bin" }, (res) => {
          res.pause();
          setTimeout(() => {
            const parts: Buffer[] = [];
            res.on("data", (c: Buffer) => parts.push(c));
            res.on("end", () => resolve(Buffer.concat(parts)));
            res.resume();
          }, 200);
        })
        .on("error", reject);
    });
    expect(body.length).toBe(64 * piece.length);
    expect(body.every((b) => b === 0x61)).toBe(true);
    expect(results.filter((x) => !x).length).toBeGreaterThan(0);
    expect(drains).toBe(results.filter((x) => !x).length);
    await waitFor(() => records.some((x) => x.final));
    expect(stats.recorder.stats()).toMatchObject({ activeExchanges: 0, arenaUsedBytes: 0 });
  });

  it("string chunks with an encoding: the client gets the bytes written, the recorder the same bytes", async () => {
    const { stats, records } = factory();
    const hex = Buffer.from(JSON_RESPONSE).toString("hex");
    const half = hex.length / 2 - ((hex.length / 2) % 2);
    const url = await serve((req, res) => {
      stats.middleware(req, res, () => {
        req.resume();
        res.setHeader("content-type", "application/json");
        const ok = res.write(hex.slice(0, half), "hex");
        expect(typeof ok).toBe("boolean");
        res.end(hex.slice(half), "hex", () => undefined);
      });
    });
    const r = await fetch(`${url}/v1/chat/completions`, { method: "POST", body: "{}" });
    expect(await r.text()).toBe(JSON_RESPONSE);
    await waitFor(() => records.length > 0);
    expect(records[0]!.log).toMatchObject({ model: "gpt-4o-mini", input_token: 9, output_token: 2 });
  });

  it("a recording failure never reaches the request (a throwing onRecord, a throwing route)", async () => {
    const { stats } = factory({
      onRecord: () => {
        throw new Error("sink down");
      },
      route: () => {
        throw new Error("no route");
      },
      warn: { warn: () => {} },
    });
    const url = await serve((req, res) =>
      stats.middleware(req, res, () => {
        req.resume();
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON_RESPONSE);
      }),
    );
    const r = await fetch(`${url}/v1/chat/completions`, { method: "POST", body: "{}" });
    expect(await r.text()).toBe(JSON_RESPONSE);
    await waitFor(() => stats.recorder.stats().hostErrors === 1);
    expect(stats.recorder.stats()).toMatchObject({ activeExchanges: 0, arenaUsedBytes: 0 });
    expect(await stats.metrics()).toContain('aistats_dropped_total{reason="host_error"} 1');
  });
});

describe("metrics label caps", () => {
  it("each label value is cut to maxLabelLength; past maxSeries label sets go to one `other` series, counted", async () => {
    let n = 0;
    const longRoute = "r".repeat(300);
    const { stats, records } = factory({ maxSeries: 2, maxLabelLength: 256, route: () => longRoute });
    const url = await serve((req, res) =>
      stats.middleware(req, res, () => {
        req.resume();
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON_RESPONSE.replace("gpt-4o-mini", `m${n++}`));
      }),
    );
    for (let i = 0; i < 3; i++) await (await fetch(`${url}/v1/chat/completions`, { method: "POST", body: "{}" })).text();
    await waitFor(() => records.length === 3);
    const text = await stats.metrics();
    const r256 = "r".repeat(256);
    expect(text).toContain(`route_upstream_model_consumer_metric_input_token{ai_route="${r256}",ai_cluster="-",ai_model="m0",ai_consumer="none"} 9`);
    expect(text).toContain(`route_upstream_model_consumer_metric_input_token{ai_route="${r256}",ai_cluster="-",ai_model="m1",ai_consumer="none"} 9`);
    expect(text).not.toContain('ai_model="m2"');
    expect(text).toContain('route_upstream_model_consumer_metric_input_token{ai_route="other",ai_cluster="other",ai_model="other",ai_consumer="other"} 9');
    expect(text).not.toContain("r".repeat(257));
    const overflowed = records[2]!.counters.length;
    expect(overflowed).toBeGreaterThanOrEqual(3);
    expect(text).toContain(`aistats_dropped_total{reason="metric_series"} ${overflowed}`);
  });

  it("two factories on one registry share the counters; close() keeps the drop totals", async () => {
    const registry = new Registry();
    const a = createAiStatistics({}, { registry, logger: false });
    const b = createAiStatistics({}, { registry, logger: false });
    for (const s of [a, b]) {
      const h = s.observeExchange({ method: "POST", path: "/v1/chat/completions", headers: { "content-type": "application/json" } });
      h.responseStart(200, { "content-type": "application/json" });
      h.responseChunk(new TextEncoder().encode(JSON_RESPONSE));
      h.responseEnd();
    }
    expect(await registry.metrics()).toContain('route_upstream_model_consumer_metric_input_token{ai_route="-",ai_cluster="-",ai_model="gpt-4o-mini",ai_consumer="none"} 18');
    a.close();
    expect(await b.metrics()).toContain('aistats_dropped_total{reason="host_error"} 0');
  });
});
