// A loopback stand-in for the OpenAI Chat Completions API: a node:http server on 127.0.0.1 that
// answers POST /v1/chat/completions as OpenAI does — an SSE stream (role, content pieces, finish,
// then the usage chunk of stream_options.include_usage, then [DONE]) when the request says
// "stream": true, else one chat.completion JSON (gzipped when the request accepts gzip) — and 404 with an OpenAI error to anything else.
// It keeps every request it got (method, path, headers, body) for the test to check.
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { gzipSync } from "node:zlib";

export const MODEL = "gpt-4o-mini-2024-07-18";
/** What the assistant says, in the pieces the stream sends it in. */
export const PIECES = ["Hello", " from", " the", " loopback", " upstream"];
export const CONTENT = PIECES.join("");
export const STREAM_USAGE = { prompt_tokens: 12, completion_tokens: 5, total_tokens: 17 };
export const JSON_USAGE = { prompt_tokens: 9, completion_tokens: 5, total_tokens: 14 };

export interface SeenRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface Upstream {
  url: string;
  requests: SeenRequest[];
  close(): Promise<void>;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export async function startUpstream(): Promise<Upstream> {
  const requests: SeenRequest[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      const seen: SeenRequest = { method: req.method ?? "", path: req.url ?? "", headers: req.headers, body };
      requests.push(seen);
      void answer(seen, res).catch(() => res.destroy());
    });
  });
  async function answer(seen: SeenRequest, res: ServerResponse): Promise<void> {
    if (seen.method !== "POST" || seen.path !== "/v1/chat/completions") {
      res.writeHead(404, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: { message: `no route ${seen.method} ${seen.path}`, type: "invalid_request_error", code: null } }));
      return;
    }
    let request: { stream?: boolean };
    try {
      request = JSON.parse(seen.body) as { stream?: boolean };
    } catch {
      res.writeHead(400, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: { message: "We could not parse the JSON body of your request.", type: "invalid_request_error", code: null } }));
      return;
    }
    const id = `chatcmpl-${requests.length}`;
    const created = 1_764_800_000;
    if (request.stream !== true) {
      const json = JSON.stringify({
          id,
          object: "chat.completion",
          created,
          model: MODEL,
          choices: [{ index: 0, message: { role: "assistant", content: CONTENT, refusal: null }, logprobs: null, finish_reason: "stop" }],
          usage: JSON_USAGE,
          service_tier: "default",
        });
      // As a provider behind a CDN does: gzip when the client accepts it (a fetch-based proxy must
      // then not hand its client the decoded body under the upstream's content-encoding).
      if (/\bgzip\b/.test(String(seen.headers["accept-encoding"] ?? ""))) {
        const gz = gzipSync(json);
        res.writeHead(200, { "content-type": "application/json", "content-encoding": "gzip", "content-length": gz.length });
        res.end(gz);
      } else {
        res.writeHead(200, { "content-type": "application/json" });
        res.end(json);
      }
      return;
    }
    res.writeHead(200, { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache" });
    const chunk = (delta: object, finish: string | null): object => ({
      id,
      object: "chat.completion.chunk",
      created,
      model: MODEL,
      service_tier: "default",
      choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
      usage: null,
    });
    const events = [
      chunk({ role: "assistant", content: "", refusal: null }, null),
      ...PIECES.map((p) => chunk({ content: p }, null)),
      chunk({}, "stop"),
      { id, object: "chat.completion.chunk", created, model: MODEL, service_tier: "default", choices: [], usage: STREAM_USAGE },
    ];
    for (const e of events) {
      res.write(`data: ${JSON.stringify(e)}\n\n`);
      await sleep(15);
    }
    res.end("data: [DONE]\n\n");
  }
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
