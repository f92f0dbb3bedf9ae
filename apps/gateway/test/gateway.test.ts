import { spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, writeFileSync } from "node:fs";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import { connect, type AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GatewayConfigError, loadConfigFile, parseConfig } from "../src/config.js";
import { type Gateway, startGateway } from "../src/gateway.js";

const CLI = fileURLToPath(new URL("../dist/cli.js", import.meta.url));

const chatStream = {
  model: "gpt-4o",
  stream: true,
  stream_options: { include_usage: true },
  messages: [{ role: "user", content: "Hello through the gateway" }],
};

function post(base: string, path: string, body: unknown, headers: Record<string, string> = {}) {
  return fetch(base + path, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) });
}

async function errorOf(r: Response): Promise<{ type: string; message: string; code: number }> {
  return ((await r.json()) as { error: { type: string; message: string; code: number } }).error;
}

/** Sends raw bytes on a new connection and returns everything the server answered. */
async function raw(port: number, text: string): Promise<string> {
  const s = connect(port, "127.0.0.1");
  await once(s, "connect");
  s.write(text);
  const chunks: Buffer[] = [];
  s.on("data", (c: Buffer) => chunks.push(c));
  await Promise.race([once(s, "close"), new Promise((r) => setTimeout(r, 3000))]);
  s.destroy();
  return Buffer.concat(chunks).toString("latin1");
}

/** An upstream that records what reached it and echoes the request headers. */
async function echoServer(): Promise<{ server: Server; url: string; port: number; seen: { url: string; headers: IncomingHttpHeaders; body: string }[] }> {
  const seen: { url: string; headers: IncomingHttpHeaders; body: string }[] = [];
  const server = createServer(async (req, res) => {
    let body = "";
    for await (const c of req) body += c;
    seen.push({ url: req.url ?? "", headers: req.headers, body });
    res.writeHead(200, { "content-type": "application/json", connection: "keep-alive", "x-upstream": "echo" });
    res.end(JSON.stringify({ id: "x", model: "echo-model", usage: { prompt_tokens: 1, completion_tokens: 2, total_tokens: 3 } }));
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const port = (server.address() as AddressInfo).port;
  return { server, url: `http://127.0.0.1:${port}`, port, seen };
}

describe("gateway with no config: the embedded mock upstream", () => {
  let gw: Gateway;
  const lines: string[] = [];
  beforeAll(async () => {
    gw = await startGateway({ port: 0, mock: { delayMs: 0 }, statistics: { log: (line) => lines.push(line) } });
  });
  afterAll(() => gw.close());

  it("a streaming chat request returns the mock's bytes unchanged and logs model, tokens and llm_first_token_duration; /metrics shows the counters", async () => {
    lines.length = 0;
    const direct = await (await post(gw.mock!.url, "/v1/chat/completions", chatStream)).arrayBuffer();
    const r = await post(gw.url, "/v1/chat/completions", chatStream);
    expect(r.status).toBe(200);
    expect(r.headers.get("content-type")).toMatch(/^text\/event-stream/);
    const via = await r.arrayBuffer();
    expect(Buffer.from(via).equals(Buffer.from(direct))).toBe(true);
    const usage = JSON.parse(
      Buffer.from(via)
        .toString()
        .split("\n\n")
        .filter((e) => e.includes('"usage":{'))[0]!
        .slice(6),
    ).usage;
    await new Promise((r) => setTimeout(r, 20));
    const logs = lines.map((l) => JSON.parse(l).ai_log);
    expect(logs.length).toBeGreaterThanOrEqual(1);
    const final = logs.at(-1);
    expect(final).toMatchObject({
      model: "gpt-4o",
      input_token: usage.prompt_tokens,
      output_token: usage.completion_tokens,
      total_token: usage.total_tokens,
      response_type: "stream",
    });
    expect(typeof final.llm_first_token_duration).toBe("number");
    expect(typeof final.llm_service_duration).toBe("number");
    const m = await fetch(gw.url + "/metrics");
    expect(m.headers.get("content-type")).toBe("text/plain; version=0.0.4; charset=utf-8");
    const text = await m.text();
    expect(text).toContain(
      `route_upstream_model_consumer_metric_input_token{ai_route="default",ai_cluster="mock",ai_model="gpt-4o",ai_consumer="none"} ${usage.prompt_tokens}`,
    );
    expect(text).toMatch(/route_upstream_model_consumer_metric_llm_stream_duration_count\{[^}]*\} 1/);
  });

  it("a JSON request: the body unchanged, one record", async () => {
    lines.length = 0;
    const body = { model: "claude-sonnet-4-5", max_tokens: 50, messages: [{ role: "user", content: "hi" }] };
    const direct = await (await post(gw.mock!.url, "/v1/messages", body)).text();
    const r = await post(gw.url, "/v1/messages", body, { "x-mse-consumer": "alice" });
    expect(r.status).toBe(200);
    const text = await r.text();
    expect(text).toBe(direct);
    const j = JSON.parse(text);
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!).ai_log).toMatchObject({ model: "claude-sonnet-4-5", input_token: j.usage.input_token ?? j.usage.input_tokens + j.usage.cache_read_input_tokens, output_token: j.usage.output_tokens, response_type: "normal" });
    expect(await (await fetch(gw.url + "/metrics")).text()).toContain('ai_model="claude-sonnet-4-5",ai_consumer="alice"');
  });

  it("Gemini streamed generateContent: the model from the path", async () => {
    lines.length = 0;
    const r = await post(gw.url, "/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse", { contents: [{ role: "user", parts: [{ text: "a poem" }] }] });
    const events = (await r.text()).split("\r\n\r\n").filter(Boolean);
    const last = JSON.parse(events.at(-1)!.slice(6));
    await new Promise((r) => setTimeout(r, 20));
    expect(JSON.parse(lines.at(-1)!).ai_log).toMatchObject({ model: "gemini-2.5-flash", output_token: last.usageMetadata.candidatesTokenCount });
  });

  it("/healthz and /readyz", async () => {
    expect((await fetch(gw.url + "/healthz")).status).toBe(200);
    expect(await (await fetch(gw.url + "/readyz")).json()).toEqual({ status: "ready" });
  });

  it("a request body over the limit is a 413 JSON error", async () => {
    const small = await startGateway({ port: 0, mock: { delayMs: 0 }, config: parseConfig({ limits: { max_body_bytes: 1000 } }), statistics: { log: () => {} } });
    try {
      const big = { model: "gpt-4o", messages: [{ role: "user", content: "x".repeat(5000) }] };
      const r = await post(small.url, "/v1/chat/completions", big);
      expect(r.status).toBe(413);
      expect((await errorOf(r)).type).toBe("request_too_large");
      // chunked, no content-length: cut off while streaming
      const answer = await raw(
        small.port,
        "POST /v1/chat/completions HTTP/1.1\r\nhost: x\r\nconnection: close\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n" +
          "400\r\n" + "y".repeat(1024) + "\r\n400\r\n" + "y".repeat(1024) + "\r\n0\r\n\r\n",
      );
      expect(answer).toMatch(/^HTTP\/1\.1 413 /);
      expect(answer).toContain('"request_too_large"');
    } finally {
      await small.close();
    }
  });

  it("headers over maxHeaderSize are a 431 JSON error", async () => {
    const answer = await raw(gw.port, `GET /healthz HTTP/1.1\r\nhost: x\r\nx-big: ${"a".repeat(20_000)}\r\n\r\n`);
    expect(answer).toMatch(/^HTTP\/1\.1 431 /);
    expect(JSON.parse(answer.slice(answer.indexOf("\r\n\r\n") + 4)).error.type).toBe("headers_too_large");
  });
});

describe("exchanges that end normally", () => {
  it("are ended by responseEnd, not as a client that went away: the final record is not aborted (streamed and JSON)", async () => {
    const records: { final: boolean; aborted: boolean; abortReason: string | null }[] = [];
    const gw = await startGateway({
      port: 0,
      mock: { delayMs: 0 },
      statistics: { log: (_line, record) => records.push(record as unknown as { final: boolean; aborted: boolean; abortReason: string | null }) },
    });
    try {
      for (let i = 0; i < 5; i++) {
        expect((await (await post(gw.url, "/v1/chat/completions", chatStream)).text()).endsWith("data: [DONE]\n\n")).toBe(true);
        await (await post(gw.url, "/v1/chat/completions", { model: "gpt-4o", messages: [{ role: "user", content: `hi ${i}` }] })).json();
      }
      await new Promise((r) => setTimeout(r, 50));
      const finals = records.filter((r) => r.final);
      expect(finals).toHaveLength(10);
      expect(finals.filter((r) => r.aborted).map((r) => r.abortReason)).toEqual([]);
    } finally {
      await gw.close();
    }
  });
});

describe("statistics off (enabled: false, --statistics off)", () => {
  it("proxies the same bytes, streamed and JSON, and records nothing: no log line, no counter", async () => {
    const lines: string[] = [];
    const gw = await startGateway({ port: 0, mock: { delayMs: 0 }, statistics: { enabled: false, log: (line) => lines.push(line) } });
    try {
      expect(gw.statistics.enabled).toBe(false);
      expect(gw.statistics.stats).toBeNull();
      const direct = Buffer.from(await (await post(gw.mock!.url, "/v1/chat/completions", chatStream)).arrayBuffer());
      const r = await post(gw.url, "/v1/chat/completions", chatStream);
      expect(r.status).toBe(200);
      expect(r.headers.get("content-type")).toMatch(/^text\/event-stream/);
      expect(Buffer.from(await r.arrayBuffer()).equals(direct)).toBe(true);
      const json = { model: "gpt-4o", messages: [{ role: "user", content: "hi" }] };
      const directJson = await (await post(gw.mock!.url, "/v1/chat/completions", json)).text();
      expect(await (await post(gw.url, "/v1/chat/completions", json)).text()).toBe(directJson);
      expect(lines).toEqual([]);
      const metrics = await fetch(gw.url + "/metrics");
      expect(metrics.status).toBe(200);
      expect(await metrics.text()).not.toContain("route_upstream_model_consumer_metric");
    } finally {
      await gw.close();
    }
  });

  it("the CLI: --statistics off writes no record; AISTATS_STATISTICS=off likewise; another value is one message, exit 1", async () => {
    for (const [args, env] of [
      [["--statistics", "off"], {}],
      [[], { AISTATS_STATISTICS: "off" }],
    ] as const) {
      const { child, url, stdout, stderr } = await startCli(["--port", "0", ...args], { MOCK_DELAY_MS: "0", ...env });
      expect(stderr()).toContain("(statistics off)");
      const text = await (await post(url, "/v1/chat/completions", chatStream)).text();
      expect(text.endsWith("data: [DONE]\n\n")).toBe(true);
      child.kill("SIGTERM");
      const [code] = await once(child, "close");
      expect(code).toBe(0);
      expect(stdout()).toBe("");
    }
    const bad = await run(["--statistics", "maybe", "--port", "0"]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toBe('aistats-gateway: --statistics: "maybe" is not on or off\n');
  });
});

describe("gateway with configured upstreams", () => {
  let echo: Awaited<ReturnType<typeof echoServer>>;
  let evil: Awaited<ReturnType<typeof echoServer>>;
  let gw: Gateway;
  beforeAll(async () => {
    echo = await echoServer();
    evil = await echoServer();
    gw = await startGateway({
      port: 0,
      statistics: { log: () => {} },
      config: parseConfig(
        {
          upstreams: [
            { name: "openai", url: echo.url + "/base", api_key_env: "TEST_KEY" },
            { name: "anthropic", url: echo.url, api_key_env: "TEST_KEY", auth_header: "x-api-key" },
            { name: "open", url: echo.url, forward_client_credentials: true },
          ],
          routes: [
            { name: "claude", model: "claude-*", upstream: "anthropic" },
            { name: "chat", path_prefix: "/v1/", upstream: "openai" },
            { name: "passthrough", path_prefix: "/open/", upstream: "open" },
          ],
          limits: { max_concurrent_streams: 2 },
        },
        { TEST_KEY: "sk-gateway" },
      ),
    });
  });
  afterAll(async () => {
    await gw.close();
    echo.server.close();
    evil.server.close();
  });

  it("no route → 404 JSON error", async () => {
    const r = await post(gw.url, "/nowhere", { model: "gpt-4o" });
    expect(r.status).toBe(404);
    expect((await errorOf(r))).toMatchObject({ type: "no_route", code: 404 });
  });

  it("forwards method, path (under the base path), query and safe headers; replaces the client's credentials with the upstream's key", async () => {
    echo.seen.length = 0;
    const r = await post(gw.url, "/v1/chat/completions?x=1&y=2", { model: "gpt-4o" }, {
      authorization: "Bearer sk-client",
      "x-goog-api-key": "client",
      cookie: "a=b",
      "x-custom": "kept",
      "accept-encoding": "gzip, br",
      "x-forwarded-host": "evil.example",
    });
    expect(r.status).toBe(200);
    expect(r.headers.get("x-upstream")).toBe("echo");
    expect(r.headers.get("connection")).not.toBe("x"); // hop-by-hop answered by the gateway itself
    const s = echo.seen[0]!;
    expect(s.url).toBe("/base/v1/chat/completions?x=1&y=2");
    expect(s.headers.authorization).toBe("Bearer sk-gateway");
    expect(s.headers["x-goog-api-key"]).toBeUndefined();
    expect(s.headers.cookie).toBeUndefined();
    expect(s.headers["x-custom"]).toBe("kept");
    expect(s.headers["x-forwarded-host"]).toBeUndefined();
    expect(s.headers["accept-encoding"]).toBeUndefined(); // so that the answer comes uncompressed and can be recorded
    expect(s.body).toBe('{"model":"gpt-4o"}');
  });

  it("routes by requested model; the key goes in x-api-key for that upstream", async () => {
    echo.seen.length = 0;
    await (await post(gw.url, "/v1/messages", { model: "claude-sonnet-4-5", max_tokens: 5 }, { "x-api-key": "client-key" })).text();
    expect(echo.seen[0]!.url).toBe("/v1/messages");
    expect(echo.seen[0]!.headers["x-api-key"]).toBe("sk-gateway");
    expect(echo.seen[0]!.headers.authorization).toBeUndefined();
  });

  it("client credentials reach an upstream only when it is configured to take them", async () => {
    echo.seen.length = 0;
    await (await post(gw.url, "/open/x", {}, { authorization: "Bearer mine" })).text();
    expect(echo.seen[0]!.headers.authorization).toBe("Bearer mine");
  });

  it("an absolute request URI cannot reach another host (400, nothing reaches it)", async () => {
    evil.seen.length = 0;
    const answer = await raw(gw.port, `GET ${evil.url}/v1/models HTTP/1.1\r\nhost: 127.0.0.1:${evil.port}\r\n\r\n`);
    expect(answer).toMatch(/^HTTP\/1\.1 400 /);
    expect(answer).toContain("invalid_request_target");
    const connectForm = await raw(gw.port, `CONNECT 127.0.0.1:${evil.port} HTTP/1.1\r\nhost: 127.0.0.1:${evil.port}\r\n\r\n`);
    expect(connectForm).toMatch(/^HTTP\/1\.1 400 /);
    expect(evil.seen).toHaveLength(0);
  });

  it("a Host or forwarding header naming another host goes to the configured upstream, never there", async () => {
    evil.seen.length = 0;
    echo.seen.length = 0;
    const answer = await raw(
      gw.port,
      `POST /v1/chat/completions HTTP/1.1\r\nhost: 127.0.0.1:${evil.port}\r\nx-forwarded-host: 127.0.0.1:${evil.port}\r\nforwarded: host=127.0.0.1:${evil.port}\r\ncontent-length: 2\r\nconnection: close, x-drop-me\r\nx-drop-me: 1\r\nkeep-alive: timeout=5\r\n\r\n{}`,
    );
    expect(answer).toMatch(/^HTTP\/1\.1 200 /);
    expect(evil.seen).toHaveLength(0);
    expect(echo.seen).toHaveLength(1);
    expect(echo.seen[0]!.headers.host).toBe(`127.0.0.1:${echo.port}`);
    expect(echo.seen[0]!.headers["x-drop-me"]).toBeUndefined(); // named in Connection: hop-by-hop
    expect(echo.seen[0]!.headers["keep-alive"]).toBeUndefined();
    expect(echo.seen[0]!.headers.forwarded).toBeUndefined();
  });

  it("more requests in flight than max_concurrent_streams → 503", async () => {
    const slow = await startGateway({
      port: 0,
      statistics: { log: () => {} },
      mock: { delayMs: 30 },
      config: parseConfig({ limits: { max_concurrent_streams: 1 } }),
    });
    try {
      const first = await post(slow.url, "/v1/chat/completions", chatStream);
      const second = await post(slow.url, "/v1/chat/completions", chatStream);
      expect(second.status).toBe(503);
      expect((await errorOf(second)).type).toBe("too_many_streams");
      await first.text();
    } finally {
      await slow.close();
    }
  });

  it("an upstream that is down → 502 JSON error", async () => {
    const dead = await echoServer();
    dead.server.close();
    await once(dead.server, "close");
    const g = await startGateway({
      port: 0,
      statistics: { log: () => {} },
      config: parseConfig({ upstreams: [{ name: "dead", url: dead.url }], routes: [{ upstream: "dead" }] }),
    });
    try {
      const r = await post(g.url, "/v1/chat/completions", { model: "m" });
      expect(r.status).toBe(502);
      expect((await errorOf(r)).message).toMatch(/upstream dead failed: ECONNREFUSED/);
    } finally {
      await g.close();
    }
  });
});

describe("streaming both ways with back-pressure", () => {
  async function withUpstream(handler: Parameters<typeof createServer>[1] & object) {
    const up = createServer(handler);
    up.listen(0, "127.0.0.1");
    await once(up, "listening");
    const port = (up.address() as AddressInfo).port;
    const lines: string[] = [];
    const g = await startGateway({
      port: 0,
      statistics: { log: (l) => lines.push(l) },
      config: parseConfig({ upstreams: [{ name: "up", url: `http://127.0.0.1:${port}` }], routes: [{ name: "r", upstream: "up" }] }),
    });
    return {
      g,
      lines,
      async close() {
        await g.close();
        up.closeAllConnections();
        up.close();
      },
    };
  }

  it("a client that does not read holds the upstream back (nothing piles up in the gateway)", async () => {
    let written = 0;
    let blocked = false;
    const t = await withUpstream(async (_req, res) => {
      res.writeHead(200, { "content-type": "text/event-stream" });
      const chunk = Buffer.alloc(64 * 1024, "a");
      while (written < 256 * 1024 * 1024 && !res.destroyed) {
        written += chunk.length;
        if (!res.write(chunk)) {
          blocked = true;
          // One wait for whichever comes first, both listeners removed after it (a race of two
          // once() calls would leave the loser's listeners behind on every pass).
          await new Promise<void>((resolve) => {
            const done = (): void => {
              res.off("drain", done);
              res.off("close", done);
              resolve();
            };
            res.once("drain", done);
            res.once("close", done);
          });
        }
      }
      res.end();
    });
    try {
      const sock = connect(t.g.port, "127.0.0.1");
      await once(sock, "connect");
      sock.write("POST /v1/chat/completions HTTP/1.1\r\nhost: x\r\ncontent-length: 2\r\n\r\n{}");
      sock.pause();
      // wait until the buffers on the way are full (no progress for 300 ms), at most 5 s
      let last = -1;
      for (let i = 0; i < 50 && written !== last; i++) {
        last = written;
        await new Promise((r) => setTimeout(r, 300));
      }
      const held = written;
      await new Promise((r) => setTimeout(r, 400));
      expect(blocked).toBe(true);
      expect(written).toBe(held); // no progress while the client does not read
      expect(written).toBeLessThan(32 * 1024 * 1024);
      sock.destroy();
    } finally {
      await t.close();
    }
  });

  it("the request body reaches the upstream while the client is still sending it", async () => {
    let firstAt = 0;
    let body = "";
    const t = await withUpstream(async (req, res) => {
      for await (const c of req) {
        if (!firstAt) firstAt = Date.now();
        body += c;
      }
      res.writeHead(200, { "content-type": "application/json" });
      res.end("{}");
    });
    try {
      const sock = connect(t.g.port, "127.0.0.1");
      await once(sock, "connect");
      const answer: Buffer[] = [];
      sock.on("data", (c: Buffer) => answer.push(c));
      sock.write('POST /v1/chat/completions HTTP/1.1\r\nhost: x\r\ntransfer-encoding: chunked\r\n\r\n6\r\n{"a":1\r\n');
      await new Promise((r) => setTimeout(r, 300));
      const sentRestAt = Date.now();
      expect(firstAt).toBeGreaterThan(0);
      expect(firstAt).toBeLessThan(sentRestAt);
      sock.write("1\r\n}\r\n0\r\n\r\n");
      await new Promise((r) => setTimeout(r, 200));
      expect(body).toBe('{"a":1}');
      expect(Buffer.concat(answer).toString()).toMatch(/^HTTP\/1\.1 200 /);
      sock.destroy();
    } finally {
      await t.close();
    }
  });

  it("a client that goes away mid-stream closes the upstream request; its final record is written once and its handle ends", async () => {
    let upstreamClosed = false;
    const t = await withUpstream((_req, res) => {
      res.writeHead(200, { "content-type": "text/event-stream" });
      res.write('data: {"id":"c1","object":"chat.completion.chunk","model":"gpt-4o","choices":[{"index":0,"delta":{"content":"Hi"}}]}\n\n');
      res.on("close", () => (upstreamClosed = true));
    });
    try {
      const r = await post(t.g.url, "/v1/chat/completions", { model: "gpt-4o", stream: true });
      const reader = r.body!.getReader();
      await reader.read();
      await reader.cancel();
      await new Promise((r) => setTimeout(r, 300));
      expect(upstreamClosed).toBe(true);
      const finals = t.lines.map((l) => JSON.parse(l).ai_log).filter((l) => "llm_service_duration" in l);
      expect(finals).toHaveLength(1);
      expect(finals[0]).toMatchObject({ model: "gpt-4o", response_type: "stream" });
      expect(t.g.statistics.stats!.recorder.stats().openHandles).toBe(0);
    } finally {
      await t.close();
    }
  });
});

describe("timeouts", () => {
  it("request headers that do not arrive within headers_timeout_ms → 408 JSON error", async () => {
    const g = await startGateway({ port: 0, mock: { delayMs: 0 }, statistics: { log: () => {} }, config: parseConfig({ limits: { headers_timeout_ms: 300 } }) });
    try {
      const t0 = Date.now();
      const answer = await raw(g.port, "POST /v1/chat/completions HTTP/1.1\r\nhost: x\r\n");
      expect(answer).toMatch(/^HTTP\/1\.1 408 /);
      expect(JSON.parse(answer.slice(answer.indexOf("\r\n\r\n") + 4)).error.type).toBe("request_timeout");
      expect(Date.now() - t0).toBeLessThan(2500);
    } finally {
      await g.close();
    }
  });

  it("an upstream that sends no headers within headers_timeout_ms → 504 JSON error, and the exchange is recorded as aborted", async () => {
    const stall = createServer(() => {});
    stall.listen(0, "127.0.0.1");
    await once(stall, "listening");
    const port = (stall.address() as AddressInfo).port;
    const lines: string[] = [];
    const g = await startGateway({
      port: 0,
      statistics: { log: (l) => lines.push(l) },
      config: parseConfig({ upstreams: [{ name: "slow", url: `http://127.0.0.1:${port}`, headers_timeout_ms: 200 }], routes: [{ upstream: "slow" }] }),
    });
    try {
      const r = await post(g.url, "/v1/chat/completions", { model: "gpt-4o" });
      expect(r.status).toBe(504);
      expect(await errorOf(r)).toMatchObject({ type: "upstream_timeout", code: 504 });
      expect(g.statistics.stats!.recorder.stats().openHandles).toBe(0);
    } finally {
      await g.close();
      stall.closeAllConnections();
      stall.close();
    }
  });
});

describe("configuration errors name the field", () => {
  it("statistics: the Higress configuration's own field path", async () => {
    await expect(startGateway({ port: 0, config: parseConfig({ statistics: { attributes: [{ key: "a", value_source: "fixed_value", value: "v", rule: "middle" }] } }) })).rejects.toThrow(
      /^statistics\.attributes\[0\]\.rule: /,
    );
  });
  it("gateway fields", () => {
    expect(() => parseConfig({ upstreams: [{ name: "a", url: "ftp://x" }], routes: [{ upstream: "a" }] })).toThrow("upstreams[0].url: must be http:// or https://");
    expect(() => parseConfig({ upstreams: [{ name: "a", url: "http://x" }], routes: [{ upstream: "b" }] })).toThrow('routes[0].upstream: "b" is not one of the upstreams (a)');
    expect(() => parseConfig({ upstreams: [{ name: "a", url: "http://x", api_key_env: "NOPE_UNSET" }], routes: [{ upstream: "a" }] }, {})).toThrow(
      "upstreams[0].api_key_env: the environment variable NOPE_UNSET is not set",
    );
    expect(() => parseConfig({ limits: { max_body_bytes: -1 } })).toThrow("limits.max_body_bytes: must be an integer");
    expect(() => parseConfig({ routs: [] })).toThrow(GatewayConfigError);
    expect(() => parseConfig({ limits: { headers_timeout_ms: 5000, request_timeout_ms: 1000 } })).toThrow("limits.request_timeout_ms: must be 0 (none) or at least");
  });
  it("YAML syntax errors name the file and line", () => {
    const dir = mkdtempSync(join(tmpdir(), "gw-"));
    const f = join(dir, "bad.yaml");
    writeFileSync(f, "statistics:\n  attributes: [\n");
    expect(() => loadConfigFile(f)).toThrow(/bad\.yaml:\d+:\d+: YAML syntax error/);
  });
});

function run(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (c) => (stdout += c));
  child.stderr.on("data", (c) => (stderr += c));
  return new Promise((resolve) => child.on("close", (code) => resolve({ code, stdout, stderr })));
}

/** Starts the CLI and resolves once it printed where to curl. */
async function startCli(args: string[], env: Record<string, string>): Promise<{ child: ReturnType<typeof spawn>; url: string; stdout(): string; stderr(): string }> {
  const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout!.on("data", (c) => (stdout += c));
  const url = await new Promise<string>((resolve) => {
    child.stderr!.on("data", (c) => {
      stderr += c;
      const m = /listening on (http:\/\/\S+)/.exec(stderr);
      if (m && stderr.includes("curl -sN")) resolve(m[1]!);
    });
  });
  return { child, url, stdout: () => stdout, stderr: () => stderr };
}

describe("the CLI", () => {
  it("exports GenAI metrics and spans over OTLP/HTTP when OTEL_EXPORTER_OTLP_ENDPOINT is set", async () => {
    const got: { path: string; body: string }[] = [];
    const receiver = createServer(async (req, res) => {
      let body = "";
      for await (const c of req) body += c;
      got.push({ path: req.url ?? "", body });
      res.writeHead(200, { "content-type": "application/json" });
      res.end("{}");
    });
    receiver.listen(0, "127.0.0.1");
    await once(receiver, "listening");
    const rport = (receiver.address() as AddressInfo).port;
    const child = spawn(process.execPath, [CLI, "--port", "0"], {
      env: { ...process.env, MOCK_DELAY_MS: "0", OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${rport}`, OTEL_METRIC_EXPORT_INTERVAL: "300" },
      stdio: ["ignore", "ignore", "pipe"],
    });
    try {
      let stderr = "";
      const url = await new Promise<string>((resolve) => {
        child.stderr.on("data", (c) => {
          stderr += c;
          const m = /listening on (http:\/\/\S+)/.exec(stderr);
          if (m) resolve(m[1]!);
        });
      });
      await (await post(url, "/v1/chat/completions", chatStream)).text();
      const deadline = Date.now() + 10_000;
      const has = (path: string, text: string) => got.some((g) => g.path === path && g.body.includes(text));
      while (Date.now() < deadline && !(has("/v1/metrics", "gen_ai.client.token.usage") && has("/v1/traces", "gen_ai.usage.input_tokens"))) {
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(has("/v1/metrics", "gen_ai.client.token.usage")).toBe(true);
      expect(has("/v1/traces", "gen_ai.usage.input_tokens")).toBe(true);
    } finally {
      child.kill("SIGTERM");
      await once(child, "close");
      receiver.closeAllConnections();
      receiver.close();
    }
  });

  it("--help", async () => {
    const r = await run(["--help"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("--config <file>");
  });
  it("a bad config file: one message naming the field, exit 1", async () => {
    const dir = mkdtempSync(join(tmpdir(), "gw-"));
    const f = join(dir, "gw.yaml");
    writeFileSync(f, "statistics:\n  attributes:\n    - key: a\n      value_source: fixed_value\n      value: v\n      rule: middle\n");
    const r = await run(["--config", f, "--port", "0"]);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(/^aistats-gateway: bad configuration in .*gw\.yaml: statistics\.attributes\[0\]\.rule: "middle" is not one of first, replace, append/);
  });
  it("a busy port: one message, exit 1", async () => {
    const busy = createServer();
    busy.listen(0, "127.0.0.1");
    await once(busy, "listening");
    const port = (busy.address() as AddressInfo).port;
    try {
      const r = await run([], { PORT: String(port), MOCK_DELAY_MS: "0" });
      expect(r.code).toBe(1);
      expect(r.stderr).toBe(`aistats-gateway: cannot listen on 127.0.0.1:${port}: the port is already in use (choose another with --port or PORT)\n`);
    } finally {
      busy.close();
    }
  });
  it("starts, prints where to curl, and on SIGTERM lets an open stream finish", async () => {
    const { child, url, stdout, stderr } = await startCli(["--port", "0"], { MOCK_DELAY_MS: "30" });
    expect(stderr()).toContain(`curl -sN ${url}/v1/chat/completions`);
    const r = await post(url, "/v1/chat/completions", chatStream);
    child.kill("SIGTERM");
    const text = await r.text();
    expect(text.endsWith("data: [DONE]\n\n")).toBe(true);
    const [code] = await once(child, "close");
    expect(code).toBe(0);
    expect(stdout()).toContain('"model":"gpt-4o"');
  });
});
