// The embedded mock upstream: a node:http server answering OpenAI Chat Completions and Responses,
// Anthropic Messages and Gemini generateContent / streamGenerateContent, in JSON and SSE, with
// usage, tool calls and reasoning, deterministic from the request, and realistic inter-token delays
// (20–40 ms by default; `delayMs: 0` or MOCK_DELAY_MS=0 sends everything at once).
import { once } from "node:events";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { Rng, hashBytes } from "./answer.js";
import { anthropicMessages, gemini, type MockReply, openaiChat, openaiResponses } from "./providers.js";

export interface MockOptions {
  /** Delay between events in ms: a number, a [min, max] range, default [20, 40]; 0 = none. */
  delayMs?: number | readonly [number, number];
  /** Largest request body read, default 32 MiB. */
  maxBodyBytes?: number;
}

export interface MockUpstream {
  server: Server;
  /** `http://127.0.0.1:<port>` once listening. */
  url: string;
  close(): Promise<void>;
}

/** MOCK_DELAY_MS: "0", "25" or "20-40". */
export function delayFromEnv(value: string | undefined): MockOptions["delayMs"] | undefined {
  if (value === undefined || value.trim() === "") return undefined;
  const m = /^\s*(\d+)\s*(?:-\s*(\d+)\s*)?$/.exec(value);
  if (!m) throw new Error(`MOCK_DELAY_MS: "${value}" is not a number of milliseconds or a range like 20-40`);
  return m[2] === undefined ? Number(m[1]) : [Number(m[1]), Number(m[2])];
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
  res.end(text);
}

async function readBody(req: IncomingMessage, limit: number): Promise<Buffer | null> {
  const chunks: Buffer[] = [];
  let n = 0;
  for await (const c of req as AsyncIterable<Buffer>) {
    n += c.length;
    if (n > limit) return null;
    chunks.push(c);
  }
  return Buffer.concat(chunks);
}

export function route(method: string, url: URL, req: Record<string, unknown>, body: Uint8Array): MockReply | null {
  if (method !== "POST") return null;
  const p = url.pathname;
  if (p === "/v1/chat/completions" || p === "/chat/completions") return openaiChat(req, body, p);
  if (p === "/v1/responses" || p === "/responses") return openaiResponses(req, body, p);
  if (p === "/v1/messages") return anthropicMessages(req, body, p);
  const g = /^\/v1(?:beta|alpha)?\/models\/([^/:]+):(generateContent|streamGenerateContent)$/.exec(p);
  if (g) return gemini(req, body, p, decodeURIComponent(g[1]!), g[2] === "streamGenerateContent", url.searchParams.get("alt"));
  return null;
}

export function createMockHandler(options: MockOptions = {}) {
  const delay = options.delayMs ?? [20, 40];
  const [dMin, dMax] = typeof delay === "number" ? [delay, delay] : delay;
  const limit = options.maxBodyBytes ?? 32 * 1024 * 1024;
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? "/", "http://mock.invalid");
    const body = await readBody(req, limit);
    if (body === null) return sendJson(res, 413, { error: { message: "request body too large", type: "invalid_request_error" } });
    let parsed: Record<string, unknown> = {};
    if (body.length > 0) {
      try {
        const v: unknown = JSON.parse(body.toString("utf8"));
        if (v && typeof v === "object" && !Array.isArray(v)) parsed = v as Record<string, unknown>;
        else throw new Error("not an object");
      } catch {
        return sendJson(res, 400, { error: { message: "We could not parse the JSON body of your request.", type: "invalid_request_error" } });
      }
    }
    const reply = route(req.method ?? "GET", url, parsed, body);
    if (reply === null)
      return sendJson(res, 404, { error: { message: `Unknown request URL: ${req.method} ${url.pathname}`, type: "invalid_request_error", code: "unknown_url" } });
    if (reply.kind === "json") return sendJson(res, reply.status, reply.body);
    const rng = new Rng(hashBytes(body) ^ 0x5bd1e995);
    res.writeHead(200, {
      "content-type": reply.kind === "sse" ? "text/event-stream; charset=utf-8" : "application/json; charset=UTF-8",
      "cache-control": "no-cache",
      "x-request-id": "req_" + rng.id(24),
    });
    res.flushHeaders();
    const parts = reply.kind === "sse" ? reply.events : reply.parts;
    for (let i = 0; i < parts.length; i++) {
      if (res.destroyed) return;
      if (i > 0 && dMax > 0) await sleep(dMin + Math.floor(rng.next() * (dMax - dMin + 1)));
      if (res.destroyed) return;
      if (!res.write(parts[i])) {
        await Promise.race([once(res, "drain"), once(res, "close")]);
      }
    }
    res.end();
  };
}

export async function startMockUpstream(options: MockOptions & { port?: number; host?: string } = {}): Promise<MockUpstream> {
  const handler = createMockHandler(options);
  const server = createServer((req, res) => {
    handler(req, res).catch(() => res.destroy());
  });
  server.listen(options.port ?? 0, options.host ?? "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  return {
    server,
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
