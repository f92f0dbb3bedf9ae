// The gateway: a node:http server that proxies OpenAI-, Anthropic- and Gemini-style requests to the
// configured upstreams only (undici keep-alive pools, streaming both ways with back-pressure, bytes
// unchanged) and records each exchange through @aistats/host.
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { ExchangeHandle } from "@aistats/host";
import { Pool, errors as undiciErrors } from "undici";
import { DEFAULT_LIMITS, type GatewayConfig, type Limits, type RouteConfig, UPSTREAM_DEFAULTS, type UpstreamConfig, parseConfig } from "./config.js";
import { type MockOptions, type MockUpstream, startMockUpstream } from "./mock/server.js";
import { Statistics, type StatisticsOptions } from "./statistics.js";

export interface GatewayOptions {
  /** The validated configuration; omitted or without upstreams: the embedded mock upstream. */
  config?: GatewayConfig;
  port?: number;
  host?: string;
  /** Options of the embedded mock upstream (delays). */
  mock?: MockOptions;
  statistics?: StatisticsOptions;
}

export interface Gateway {
  server: Server;
  url: string;
  port: number;
  /** The embedded mock upstream when no upstream is configured. */
  mock: MockUpstream | null;
  statistics: Statistics;
  config: GatewayConfig;
  /** Stops accepting, lets open streams finish up to limits.shutdownTimeoutMs, then closes everything. */
  close(): Promise<void>;
}

const HOP_BY_HOP = new Set([
  "connection",
  "keep-alive",
  "proxy-connection",
  "transfer-encoding",
  "te",
  "trailer",
  "upgrade",
  "proxy-authorization",
  "proxy-authenticate",
  "host",
  "expect",
  "http2-settings",
]);
/**
 * Not passed on: with it, a provider may compress the response, and a compressed body cannot be
 * recorded. Without it the upstream answers in identity encoding, which the client gets unchanged.
 */
const NOT_FORWARDED = new Set(["accept-encoding"]);
/** Client credentials: never sent on unless the upstream says so (forward_client_credentials). */
const CREDENTIALS = new Set(["authorization", "x-api-key", "x-goog-api-key", "api-key", "cookie"]);
/** Forwarding headers: a client's say about where it came from is not passed on as if it were ours. */
const FORWARDING = new Set(["forwarded", "x-forwarded-for", "x-forwarded-host", "x-forwarded-proto", "x-forwarded-port", "x-real-ip"]);

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

const STATUS_TEXT: Record<number, string> = { 400: "Bad Request", 408: "Request Timeout", 413: "Content Too Large", 431: "Request Header Fields Too Large" };

export function errorBody(status: number, type: string, message: string): string {
  return JSON.stringify({ error: { type, message, code: status } });
}

function sendError(res: ServerResponse, status: number, type: string, message: string, extra: Record<string, string> = {}): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body = errorBody(status, type, message);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(body), ...extra });
  res.end(body);
}

function connectionTokens(headers: IncomingHttpHeaders | Record<string, string | string[] | undefined>): Set<string> {
  const c = headers["connection"];
  const out = new Set<string>();
  for (const v of Array.isArray(c) ? c : c ? [c] : []) for (const t of v.split(",")) if (t.trim()) out.add(t.trim().toLowerCase());
  return out;
}

/** The request headers that go upstream: no hop-by-hop, forwarding or (unless configured) credential headers. */
export function upstreamHeaders(req: IncomingMessage, upstream: UpstreamConfig): Record<string, string | string[]> {
  const listed = connectionTokens(req.headers);
  const out: Record<string, string | string[]> = {};
  const raw = req.rawHeaders;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!.toLowerCase();
    const value = raw[i + 1]!;
    if (HOP_BY_HOP.has(name) || listed.has(name) || FORWARDING.has(name) || NOT_FORWARDED.has(name)) continue;
    if (CREDENTIALS.has(name) && (!upstream.forwardClientCredentials || upstream.apiKey !== null)) continue;
    const prev = out[name];
    out[name] = prev === undefined ? value : Array.isArray(prev) ? [...prev, value] : [prev, value];
  }
  if (upstream.apiKey !== null) out[upstream.authHeader] = upstream.authHeader === "authorization" ? `Bearer ${upstream.apiKey}` : upstream.apiKey;
  return out;
}

function responseHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string | string[]> {
  const listed = connectionTokens(headers);
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || HOP_BY_HOP.has(name) || listed.has(name)) continue;
    out[name] = value;
  }
  return out;
}

function modelMatches(patterns: string[], model: string): boolean {
  return patterns.some((p) => (p.endsWith("*") ? model.startsWith(p.slice(0, -1)) : p === model));
}

/** The Gemini model in the path (`/models/{model}:…`), else null. */
function pathModel(pathname: string): string | null {
  const m = /\/models\/([^/:]+):/.exec(pathname);
  return m ? decodeURIComponent(m[1]!) : null;
}

interface Target {
  route: RouteConfig;
  upstream: UpstreamConfig;
  pool: Pool;
}

export async function startGateway(options: GatewayOptions = {}): Promise<Gateway> {
  let config = options.config ?? parseConfig({});
  let mock: MockUpstream | null = null;
  if (config.upstreams.length === 0) {
    mock = await startMockUpstream({ ...options.mock });
    config = {
      ...config,
      upstreams: [
        { name: "mock", url: new URL(mock.url), apiKey: null, apiKeyEnv: null, authHeader: "authorization", forwardClientCredentials: false, ...UPSTREAM_DEFAULTS },
      ],
      routes: [{ name: "default", pathPrefix: null, models: null, upstream: "mock" }],
    };
  }
  let statistics: Statistics;
  try {
    statistics = new Statistics(config.statistics, options.statistics);
  } catch (e) {
    await mock?.close();
    throw e;
  }
  const limits: Limits = config.limits ?? DEFAULT_LIMITS;
  const pools = new Map<string, Pool>();
  for (const u of config.upstreams) {
    pools.set(
      u.name,
      new Pool(u.url.origin, {
        connections: u.connections,
        connect: { timeout: u.connectTimeoutMs },
        headersTimeout: u.headersTimeoutMs,
        bodyTimeout: u.bodyTimeoutMs,
        keepAliveTimeout: 30_000,
      }),
    );
  }
  const upstreamByName = new Map(config.upstreams.map((u) => [u.name, u]));
  const needsModel = config.routes.some((r) => r.models !== null);

  function match(pathname: string, model: string | null): Target | null {
    for (const route of config.routes) {
      if (route.pathPrefix !== null && !pathname.startsWith(route.pathPrefix)) continue;
      if (route.models !== null && (model === null || !modelMatches(route.models, model))) continue;
      const upstream = upstreamByName.get(route.upstream)!;
      return { route, upstream, pool: pools.get(upstream.name)! };
    }
    return null;
  }

  let inflight = 0;
  let closing = false;
  let drained: (() => void) | null = null;

  async function readLimited(req: IncomingMessage): Promise<Buffer> {
    const chunks: Buffer[] = [];
    let n = 0;
    for await (const c of req as AsyncIterable<Buffer>) {
      n += c.length;
      if (n > limits.maxBodyBytes) throw new HttpError(413, "request_too_large", `the request body is larger than ${limits.maxBodyBytes} bytes (limits.max_body_bytes)`);
      chunks.push(c);
    }
    return Buffer.concat(chunks);
  }

  async function proxy(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const declared = req.headers["content-length"] === undefined ? null : Number(req.headers["content-length"]);
    if (declared !== null && declared > limits.maxBodyBytes)
      throw new HttpError(413, "request_too_large", `the request body is larger than ${limits.maxBodyBytes} bytes (limits.max_body_bytes)`);
    const hasBody = declared !== null ? declared > 0 : req.headers["transfer-encoding"] !== undefined;
    // Routing by model needs the model before choosing the upstream: read the (limited) body first
    // when a route names models and the path does not carry the model.
    let buffered: Buffer | null = null;
    let model = pathModel(url.pathname);
    if (needsModel && model === null && hasBody) {
      buffered = await readLimited(req);
      try {
        const m = (JSON.parse(buffered.toString("utf8")) as { model?: unknown }).model;
        if (typeof m === "string") model = m;
      } catch {
        // not JSON: no model
      }
    }
    const target = match(url.pathname, model);
    if (target === null) throw new HttpError(404, "no_route", `no route for ${req.method} ${url.pathname}${model ? ` (model ${model})` : ""}`);
    const { upstream, pool, route } = target;

    // null when statistics are off: the bytes then flow with nothing fed anywhere.
    const handle: ExchangeHandle | null = statistics.start({
      method: req.method ?? "GET",
      path: url.pathname + url.search,
      authority: req.headers.host ?? "",
      headers: req.headers,
      route: route.name,
      cluster: upstream.name,
    });
    const abort = new AbortController();
    let finished = false;
    res.once("close", () => {
      // "close" follows "finish" on the next tick, before the pipeline's promise resolves: a
      // response that was written to the end is not a client that went away.
      if (!finished && !res.writableFinished) {
        abort.abort(new Error("client closed the connection"));
        handle?.abort("client_closed");
      }
    });

    const basePath = upstream.url.pathname.replace(/\/$/, "");
    let body: Readable | Buffer | null = null;
    if (buffered !== null) {
      handle?.requestChunk(buffered);
      handle?.requestEnd();
      body = buffered;
    } else if (hasBody) {
      let n = 0;
      body = Readable.from(
        (async function* () {
        for await (const c of req as AsyncIterable<Buffer>) {
          n += c.length;
          if (n > limits.maxBodyBytes) throw new HttpError(413, "request_too_large", `the request body is larger than ${limits.maxBodyBytes} bytes (limits.max_body_bytes)`);
          handle?.requestChunk(c);
          yield c;
        }
        handle?.requestEnd();
      })(),
        { objectMode: false },
      );
    } else handle?.requestEnd();

    let up;
    try {
      up = await pool.request({
        method: (req.method ?? "GET") as "GET",
        path: basePath + url.pathname + url.search,
        headers: upstreamHeaders(req, upstream),
        body,
        signal: abort.signal,
      });
    } catch (e) {
      finished = true;
      handle?.abort(e instanceof Error ? e : String(e));
      throw upstreamError(e, upstream);
    }
    const headers = responseHeaders(up.headers);
    handle?.responseStart(up.statusCode, headers);
    res.writeHead(up.statusCode, headers);
    if (up.headers["content-type"]?.toString().startsWith("text/event-stream")) res.flushHeaders();
    try {
      if (handle === null) await pipeline(up.body, res);
      else
        await pipeline(
          up.body,
          async function* (src: AsyncIterable<Buffer>) {
            // The chunk goes to the client first; it is fed once the pipeline has written it and
            // asks for the next (or stops), so the statistics never hold a chunk back.
            for await (const c of src) {
              try {
                yield c;
              } finally {
                handle.responseChunk(c);
              }
            }
          },
          res,
        );
      finished = true;
      handle?.responseEnd();
    } catch (e) {
      finished = true;
      handle?.abort(e instanceof Error ? e : String(e));
      res.destroy();
    }
  }

  function upstreamError(e: unknown, upstream: UpstreamConfig): unknown {
    if (e instanceof HttpError) return e;
    const cause = (e as { cause?: unknown }).cause;
    if (cause instanceof HttpError) return cause;
    if (e instanceof undiciErrors.HeadersTimeoutError) return new HttpError(504, "upstream_timeout", `upstream ${upstream.name} sent no response headers within ${upstream.headersTimeoutMs} ms`);
    if (e instanceof undiciErrors.ConnectTimeoutError) return new HttpError(504, "upstream_timeout", `could not connect to upstream ${upstream.name} within ${upstream.connectTimeoutMs} ms`);
    if (e instanceof undiciErrors.RequestAbortedError) return new HttpError(499, "client_closed", "the client closed the connection");
    const code = (e as { code?: string }).code ?? (cause as { code?: string } | undefined)?.code;
    return new HttpError(502, "upstream_error", `upstream ${upstream.name} failed: ${code ?? (e as Error).message ?? String(e)}`);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = req.url ?? "/";
    // Origin-form only: an absolute URI or an authority form never picks the destination.
    if (!raw.startsWith("/") || raw.startsWith("//")) {
      sendError(res, 400, "invalid_request_target", "the request target must be a path (origin-form); this gateway is not an open proxy", { connection: "close" });
      return;
    }
    const url = new URL(raw, "http://gateway.invalid");
    if (req.method === "GET" || req.method === "HEAD") {
      if (url.pathname === "/healthz") return sendJson(res, 200, { status: "ok" });
      if (url.pathname === "/readyz") return sendJson(res, closing ? 503 : 200, { status: closing ? "shutting down" : "ready" });
      if (url.pathname === "/metrics") {
        const text = await statistics.registry.metrics();
        res.writeHead(200, { "content-type": statistics.registry.contentType, "content-length": Buffer.byteLength(text) });
        res.end(text);
        return;
      }
    }
    if (closing) return sendError(res, 503, "shutting_down", "the gateway is shutting down", { connection: "close" });
    if (inflight >= limits.maxConcurrentStreams)
      return sendError(res, 503, "too_many_streams", `more than ${limits.maxConcurrentStreams} requests in flight (limits.max_concurrent_streams)`, { "retry-after": "1" });
    inflight++;
    try {
      await proxy(req, res, url);
    } catch (e) {
      const err = e instanceof HttpError ? e : new HttpError(502, "gateway_error", (e as Error).message ?? String(e));
      if (err.status === 499) {
        res.destroy();
        return;
      }
      // An unread request body: close the connection after answering rather than read it all.
      sendError(res, err.status, err.type, err.message, req.complete ? {} : { connection: "close" });
      if (!req.complete) req.resume();
    } finally {
      inflight--;
      if (inflight === 0 && drained) drained();
    }
  }

  function sendJson(res: ServerResponse, status: number, body: unknown): void {
    const text = JSON.stringify(body);
    res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
    res.end(text);
  }

  const server = createServer(
    {
      maxHeaderSize: limits.maxHeaderSize,
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: limits.requestTimeoutMs,
      keepAliveTimeout: 5_000,
      // How often Node checks headersTimeout / requestTimeout (its default, 30 s, would let a slow
      // client hold a connection up to 30 s past either limit).
      connectionsCheckingInterval: Math.max(100, Math.min(1_000, Math.floor(limits.headersTimeoutMs / 2))),
    },
    (req, res) => {
      handle(req, res).catch((e) => sendError(res, 500, "internal_error", (e as Error).message));
    },
  );
  // CONNECT (authority-form) never opens a tunnel: this is not an open proxy.
  server.on("connect", (_req: IncomingMessage, socket: Socket) => {
    const body = errorBody(400, "invalid_request_target", "CONNECT is not supported: this gateway is not an open proxy");
    socket.end(`HTTP/1.1 400 Bad Request\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`);
  });
  server.on("clientError", (err: NodeJS.ErrnoException, socket: Socket) => {
    if (!socket.writable || (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage?.headersSent) {
      socket.destroy();
      return;
    }
    let status = 400;
    let type = "bad_request";
    let message = "malformed HTTP request";
    if (err.code === "HPE_HEADER_OVERFLOW") {
      status = 431;
      type = "headers_too_large";
      message = `the request headers are larger than ${limits.maxHeaderSize} bytes (limits.max_header_size)`;
    } else if (err.code === "ERR_HTTP_REQUEST_TIMEOUT") {
      status = 408;
      type = "request_timeout";
      message = `the request did not arrive within the time allowed (limits.headers_timeout_ms ${limits.headersTimeoutMs} ms / limits.request_timeout_ms ${limits.requestTimeoutMs} ms)`;
    }
    const body = errorBody(status, type, message);
    socket.end(
      `HTTP/1.1 ${status} ${STATUS_TEXT[status] ?? "Error"}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
    );
  });

  const port = options.port ?? config.listen.port ?? 8080;
  const host = options.host ?? config.listen.host ?? "127.0.0.1";
  try {
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, host, () => {
        server.off("error", reject);
        resolve();
      });
    });
  } catch (e) {
    await Promise.all([...pools.values()].map((p) => p.close()));
    await mock?.close();
    throw e;
  }
  const addr = server.address() as AddressInfo;
  const shownHost = addr.family === "IPv6" ? `[${addr.address}]` : addr.address;

  let closed: Promise<void> | null = null;
  return {
    server,
    port: addr.port,
    url: `http://${shownHost === "0.0.0.0" || shownHost === "[::]" ? "127.0.0.1" : shownHost}:${addr.port}`,
    mock,
    statistics,
    config,
    close() {
      closed ??= (async () => {
        closing = true;
        const stopped = new Promise<void>((r) => server.close(() => r()));
        server.closeIdleConnections();
        if (inflight > 0) {
          const idle = new Promise<void>((r) => (drained = r));
          await Promise.race([idle, new Promise((r) => setTimeout(r, limits.shutdownTimeoutMs).unref())]);
        }
        server.closeAllConnections();
        await stopped;
        await Promise.all([...pools.values()].map((p) => p.destroy()));
        statistics.close();
        await mock?.close();
      })();
      return closed;
    },
  };
}
