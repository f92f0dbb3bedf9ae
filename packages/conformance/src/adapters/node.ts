// The `node` adapter: every case over real loopback HTTP through @aistats/node's middleware (a
// declared workspace dependency). Three real parties: an upstream node:http server that answers
// with the case's response (status, headers, each chunk written on its own), a node:http proxy
// server whose handler runs `stats.middleware` and then proxies by hand (req.pipe upstream, each
// upstream chunk res.write'n to the client), and a node:http client that sends the case's request
// (each chunk written on its own). The case's clock reaches the recorder through the `now` option:
// the adapter sets it to a step's time, takes the step, and waits until the other side has received
// it (so the middleware has seen it) before the next step. The result comes from the records
// delivered to `onRecord` (and `skipped` from recorder.stats()); the chunks each side received,
// gathered per sent chunk, are the traffic the runner compares byte for byte.
import http, { type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { AistatsConfigError, createAiStatistics, type AiStatistics, type AistatsRecord } from "@aistats/node";
import { defineAdapter, passThroughResult, type ExchangeResult } from "../adapter.js";
import type { CaseScript, HeaderList } from "../case-format.js";
import { exchangeSteps } from "../exchange-steps.js";
import { exchangeResult } from "../host-result.js";

const HOP = new Set(["connection", "keep-alive", "transfer-encoding", "content-length", "host", "te", "upgrade", "proxy-connection"]);

/** Header pairs as node:http takes them (pseudo and hop-by-hop headers left out, repeats as arrays). */
function nodeHeaders(list: HeaderList): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [name, value] of list) {
    const n = name.toLowerCase();
    if (n.startsWith(":") || HOP.has(n)) continue;
    (out[n] ??= []).push(value);
  }
  return out;
}
const pseudo = (list: HeaderList, name: string): string | undefined => list.find(([n]) => n.toLowerCase() === name)?.[1];

/** One case in flight: what each party has seen, and a wake-up for whoever waits on it. */
class Run {
  nowMs = 0;
  readonly records: AistatsRecord[] = [];
  readonly upstreamBytes: Buffer[] = [];
  upstreamEnded = false;
  upstreamRes: ServerResponse | null = null;
  readonly clientBytes: Buffer[] = [];
  clientResponse = false;
  proxyStarted = false;
  proxyClosed = false;
  #waiters: Array<() => void> = [];
  constructor(readonly stats: AiStatistics) {}
  wake(): void {
    for (const w of this.#waiters.splice(0)) w();
  }
  async until(what: string, cond: () => boolean): Promise<void> {
    const deadline = Date.now() + 10_000;
    while (!cond()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise<void>((resolve) => {
        this.#waiters.push(resolve);
        setTimeout(resolve, 50).unref();
      });
    }
  }
}

let run: Run | null = null;
const listen = async (server: http.Server): Promise<number> => {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return (server.address() as AddressInfo).port;
};

const upstream = http.createServer((req, res) => {
  const r = run!;
  req.on("data", (c: Buffer) => void (r.upstreamBytes.push(c), r.wake()));
  req.on("end", () => void ((r.upstreamEnded = true), (r.upstreamRes = res), r.wake()));
});
let upstreamPort = 0;
let proxyPort = 0;

const proxy = http.createServer((req: IncomingMessage, res: ServerResponse) => {
  const r = run!;
  r.stats.middleware(req, res, () => {
    r.proxyStarted = true;
    r.wake();
    const out = http.request({ host: "127.0.0.1", port: upstreamPort, method: req.method, path: req.url, headers: req.headers }, (up) => {
      const headers: Record<string, string | string[]> = {};
      for (const [k, v] of Object.entries(up.headers)) if (v !== undefined && !HOP.has(k)) headers[k] = v;
      res.writeHead(up.statusCode ?? 502, headers);
      res.flushHeaders();
      up.on("data", (c: Buffer) => res.write(c));
      up.on("end", () => res.end());
      up.on("error", () => res.destroy());
    });
    out.on("error", () => res.destroy());
    req.pipe(out);
  });
  res.once("close", () => void ((r.proxyClosed = true), r.wake())); // after the middleware's own 'close' listener
});

async function play(script: CaseScript): Promise<ExchangeResult> {
  let stats: AiStatistics;
  try {
    stats = createAiStatistics(script.configJson, {
      now: () => run!.nowMs,
      registry: false,
      logger: false,
      onWarning: () => {},
      route: () => script.properties.route_name ?? "",
      cluster: () => script.properties.cluster_name ?? "",
      onRecord: (record) => run!.records.push(record),
    });
  } catch (error) {
    if (!(error instanceof AistatsConfigError)) throw error;
    return { ...passThroughResult(script), configError: error.message };
  }
  const r = (run = new Run(stats));
  const sentUp: number[] = [];
  const sentDown: number[] = [];
  let client: http.ClientRequest | null = null;
  const statusOf = (h: HeaderList): number => Number(pseudo(h, ":status") ?? "200");
  try {
    for (const step of exchangeSteps(script)) {
      r.nowMs = step.atMs;
      switch (step.kind) {
        case "request-headers": {
          const headers = nodeHeaders(step.headers);
          const authority = pseudo(step.headers, ":authority") ?? pseudo(step.headers, "host");
          client = http.request({ host: "127.0.0.1", port: proxyPort, method: pseudo(step.headers, ":method") ?? "GET", path: pseudo(step.headers, ":path") ?? "/", headers: { ...headers, ...(authority === undefined ? {} : { host: authority }) } });
          client.on("response", (res) => {
            r.clientResponse = true;
            r.wake();
            res.on("data", (c: Buffer) => void (r.clientBytes.push(c), r.wake()));
          });
          client.on("error", () => {});
          client.flushHeaders();
          if (step.endOfStream) client.end();
          await r.until("the request at the proxy", () => r.proxyStarted && (r.upstreamRes !== null || !step.endOfStream));
          break;
        }
        case "request-body": {
          const total = sentUp.reduce((a, b) => a + b, 0) + step.bytes.length;
          if (step.bytes.length > 0) {
            sentUp.push(step.bytes.length);
            client!.write(step.bytes.slice());
          }
          if (step.endOfStream) client!.end();
          await r.until("the request bytes upstream", () => r.upstreamBytes.reduce((a, b) => a + b.length, 0) >= total && (!step.endOfStream || r.upstreamEnded));
          break;
        }
        case "response-headers": {
          await r.until("the end of the request upstream", () => r.upstreamRes !== null);
          const res = r.upstreamRes!;
          res.writeHead(statusOf(step.headers), nodeHeaders(step.headers));
          res.flushHeaders();
          await r.until("the response at the client", () => r.clientResponse);
          if (step.endOfStream) res.end();
          break;
        }
        case "response-body": {
          const res = r.upstreamRes!;
          const total = sentDown.reduce((a, b) => a + b, 0) + step.bytes.length;
          if (step.bytes.length > 0) {
            sentDown.push(step.bytes.length);
            res.write(step.bytes.slice());
          }
          await r.until("the response bytes at the client", () => r.clientBytes.reduce((a, b) => a + b.length, 0) >= total);
          if (step.endOfStream) res.end();
          break;
        }
        case "end":
          if (step.aborted) client!.destroy();
          await r.until("the end of the exchange at the proxy", () => r.proxyClosed);
      }
    }
    return exchangeResult("@aistats/node", stats.recorder.stats(), r.records, { received: r.clientBytes, sent: sentDown }, { received: r.upstreamBytes, sent: sentUp });
  } finally {
    client?.destroy();
    r.upstreamRes?.destroy();
    stats.close();
    run = null;
  }
}

export default defineAdapter(() => ({
  name: "node",
  async setup() {
    upstreamPort = await listen(upstream);
    proxyPort = await listen(proxy);
  },
  async teardown() {
    for (const s of [proxy, upstream]) {
      s.closeAllConnections();
      await new Promise<void>((resolve) => s.close(() => resolve()));
    }
  },
  run: play,
}));
