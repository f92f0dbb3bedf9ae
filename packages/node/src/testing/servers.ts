// Real servers on loopback for the tests: an upstream that answers like an LLM API, and helpers.
import http, { type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

export async function close(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export interface Upstream {
  url: string;
  server: Server;
  /** Each request body the upstream received, as bytes. */
  bodies: Buffer[];
}

export type UpstreamHandler = (req: IncomingMessage, body: Buffer, res: ServerResponse) => void | Promise<void>;

export async function upstream(handler: UpstreamHandler): Promise<Upstream> {
  const bodies: Buffer[] = [];
  const server = http.createServer(async (req, res) => {
    const parts: Buffer[] = [];
    for await (const c of req) parts.push(c as Buffer);
    const body = Buffer.concat(parts);
    bodies.push(body);
    await handler(req, body, res);
  });
  const url = await listen(server);
  return { url, server, bodies };
}

const HOP = new Set(["connection", "keep-alive", "transfer-encoding", "content-length", "host"]);

/** Proxies req to `target` by hand with node:http: req.pipe upstream, the response written chunk by chunk. */
export function proxyTo(target: string, req: IncomingMessage, res: ServerResponse, reader: "pipe" | "for-await" = "pipe"): void {
  const u = new URL(target);
  const headers: http.OutgoingHttpHeaders = {};
  for (const [k, v] of Object.entries(req.headers)) if (!HOP.has(k)) headers[k] = v;
  const out = http.request({ host: u.hostname, port: u.port, method: req.method, path: req.url, headers }, (ur) => {
    const h: http.OutgoingHttpHeaders = {};
    for (const [k, v] of Object.entries(ur.headers)) if (!HOP.has(k)) h[k] = v;
    res.writeHead(ur.statusCode ?? 502, h);
    res.flushHeaders();
    ur.on("data", (c: Buffer) => {
      if (!res.write(c)) {
        ur.pause();
        res.once("drain", () => ur.resume());
      }
    });
    ur.on("end", () => res.end());
    ur.on("error", (e) => res.destroy(e)); // an upstream reset passed on, as a proxy does
  });
  out.on("error", () => res.destroy());
  res.on("close", () => out.destroy());
  if (reader === "pipe") req.pipe(out);
  else
    void (async () => {
      for await (const c of req) out.write(c);
      out.end();
    })();
}

export const CHAT_REQUEST = JSON.stringify({ model: "gpt-4o", stream: true, stream_options: { include_usage: true }, messages: [{ role: "user", content: "Say hi" }] });

/** OpenAI chat completion chunks with include_usage, as an upstream streams them. */
export const SSE_CHUNKS = [
  `data: {"id":"c1","object":"chat.completion.chunk","model":"gpt-4o-2024-08-06","choices":[{"index":0,"delta":{"role":"assistant","content":""}}]}\n\n`,
  `data: {"id":"c1","object":"chat.completion.chunk","model":"gpt-4o-2024-08-06","choices":[{"index":0,"delta":{"content":"Hi"}}]}\n\n`,
  `data: {"id":"c1","object":"chat.completion.chunk","model":"gpt-4o-2024-08-06","choices":[{"index":0,"delta":{"content":" there — ☃"}}]}\n\n`,
  `data: {"id":"c1","object":"chat.completion.chunk","model":"gpt-4o-2024-08-06","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}\n\n`,
  `data: {"id":"c1","object":"chat.completion.chunk","model":"gpt-4o-2024-08-06","choices":[],"usage":{"prompt_tokens":9,"completion_tokens":4,"total_tokens":13}}\n\n`,
  `data: [DONE]\n\n`,
];

export const JSON_RESPONSE = JSON.stringify({
  id: "c2",
  object: "chat.completion",
  model: "gpt-4o-mini",
  choices: [{ index: 0, message: { role: "assistant", content: "Hello" }, finish_reason: "stop" }],
  usage: { prompt_tokens: 9, completion_tokens: 2, total_tokens: 11 },
});
