import http, { type Server } from "node:http";
import { Readable } from "node:stream";
import Fastify from "fastify";
import { Registry } from "prom-client";
import { afterEach, describe, expect, it } from "vitest";
import { createAiStatistics, type AistatsRecord } from "./index.js";
import { CHAT_REQUEST, JSON_RESPONSE, SSE_CHUNKS, close, sleep, upstream } from "./testing/servers.js";

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of closers.splice(0)) await c();
});

async function waitFor(cond: () => boolean, ms = 3000): Promise<void> {
  const until = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > until) throw new Error("timed out");
    await sleep(5);
  }
}

describe("Fastify 5 plugin", () => {
  it("records a handler that sends a buffer, a string, a stream, and one that writes reply.raw directly", async () => {
    const up = await upstream(async (_req, _body, res) => {
      res.writeHead(200, { "content-type": "text/event-stream" });
      for (const c of SSE_CHUNKS) {
        res.write(c);
        await sleep(2);
      }
      res.end();
    });
    closers.push(() => close(up.server as Server));
    const records: AistatsRecord[] = [];
    const stats = createAiStatistics({}, { registry: new Registry(), logger: false, route: () => "fastify", onRecord: (r) => records.push(r) });
    const app = Fastify();
    await app.register(stats.fastify);
    await app.register(async (child) => {
      // encapsulated child context: the plugin (registered on the parent) still applies
      child.post("/buffer", async (req, reply) => {
        expect(req.body).toEqual(JSON.parse(CHAT_REQUEST));
        return reply.type("application/json").send(Buffer.from(JSON_RESPONSE));
      });
    });
    app.post("/string", async (_req, reply) => reply.type("application/json").send(JSON_RESPONSE));
    app.post("/stream", async (_req, reply) => {
      const s = Readable.from(
        (async function* () {
          for (const c of SSE_CHUNKS) {
            yield Buffer.from(c);
            await sleep(2);
          }
        })(),
      );
      return reply.type("text/event-stream").send(s);
    });
    app.post("/raw", async (_req, reply) => {
      reply.hijack();
      const res = reply.raw;
      res.writeHead(200, { "content-type": "text/event-stream" });
      for (const c of SSE_CHUNKS) {
        res.write(c);
        await sleep(2);
      }
      res.end();
    });
    app.post("/proxy", { bodyLimit: 1 << 20 }, (req, reply) => {
      // the body was parsed already: forward it as read
      reply.hijack();
      const out = http.request(`${up.url}/v1/chat/completions`, { method: "POST", headers: { "content-type": "application/json" } }, (ur) => {
        reply.raw.writeHead(ur.statusCode ?? 502, { "content-type": String(ur.headers["content-type"]) });
        ur.pipe(reply.raw);
      });
      out.end(JSON.stringify(req.body));
    });
    const url = await app.listen({ port: 0, host: "127.0.0.1" });
    closers.push(() => app.close());

    const post = async (path: string): Promise<string> =>
      (await fetch(`${url}${path}`, { method: "POST", body: CHAT_REQUEST, headers: { "content-type": "application/json" } })).text();
    for (const [path, body, log] of [
      ["/buffer", JSON_RESPONSE, { model: "gpt-4o-mini", input_token: 9, output_token: 2, response_type: "normal", chat_round: 1 }],
      ["/string", JSON_RESPONSE, { model: "gpt-4o-mini", input_token: 9, output_token: 2, response_type: "normal" }],
      ["/stream", SSE_CHUNKS.join(""), { model: "gpt-4o-2024-08-06", input_token: 9, output_token: 4, response_type: "stream" }],
      ["/raw", SSE_CHUNKS.join(""), { model: "gpt-4o-2024-08-06", input_token: 9, output_token: 4, response_type: "stream", chat_round: 1 }],
      ["/proxy", SSE_CHUNKS.join(""), { model: "gpt-4o-2024-08-06", input_token: 9, output_token: 4, response_type: "stream", chat_round: 1 }],
    ] as const) {
      records.length = 0;
      expect(await post(path)).toBe(body);
      await waitFor(() => records.some((r) => r.final));
      expect(records.filter((r) => r.final)).toHaveLength(1);
      expect(records.at(-1)!.log, path).toMatchObject(log);
      expect(records.at(-1)!.counters.find((c) => c.metric === "input_token")).toMatchObject({ route: "fastify", value: 9 });
    }
    expect(up.bodies.at(-1)!.toString()).toBe(CHAT_REQUEST);
    expect(stats.recorder.stats()).toMatchObject({ activeExchanges: 0, arenaUsedBytes: 0, hostErrors: 0 });
  });
});
