// The long-stream variant of `pnpm bench load`: `streams` concurrent slow OpenAI streams (the mock's
// inter-token delays) through the gateway for `seconds`, each connection starting its next stream as
// soon as one ends. Every stream's bytes are hashed as they arrive and compared with what the mock
// sends for the same request (the mock is deterministic in the body; its delays change no byte).
import { createHash } from "node:crypto";
import { Agent, request } from "node:http";
import { percentile, requestBodies } from "./drive.js";

export interface LongStreamResult {
  streams: number;
  seconds: number;
  /** Streams that ended with every byte as the mock sends it. */
  completed: number;
  /** Streams whose bytes differed (hash) or that failed (status, reset). */
  mismatched: number;
  failed: number;
  /** Bytes the clients received. */
  bytes: number;
  p50_ttfb_ms: number;
  p99_ttfb_ms: number;
}

function post(agent: Agent, url: URL, body: string): Promise<{ status: number; hash: string; bytes: number; ttfb: number }> {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const req = request(
      { agent, host: url.hostname, port: url.port, path: "/v1/chat/completions", method: "POST", headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body) } },
      (res) => {
        const h = createHash("sha256");
        let bytes = 0;
        let ttfb = -1;
        res.on("data", (c: Buffer) => {
          if (ttfb < 0) ttfb = performance.now() - start;
          bytes += c.length;
          h.update(c);
        });
        res.on("end", () => resolve({ status: res.statusCode ?? 0, hash: h.digest("hex"), bytes, ttfb }));
        res.on("error", reject);
        res.on("aborted", () => reject(new Error("aborted")));
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

/** The sha256 of the mock's answer to each body, asked of `mockUrl` directly. */
export async function expectedHashes(mockUrl: string, bodies: string[]): Promise<Map<string, string>> {
  const agent = new Agent({ keepAlive: true, maxSockets: 4 });
  const out = new Map<string, string>();
  for (const body of bodies) {
    const r = await post(agent, new URL(mockUrl), body);
    if (r.status !== 200) throw new Error(`the mock answered ${r.status}`);
    out.set(body, r.hash);
  }
  agent.destroy();
  return out;
}

export async function longStreams(gatewayUrl: string, mockUrl: string, streams: number, seconds: number): Promise<LongStreamResult> {
  const bodies = requestBodies("stream", 64);
  const expected = await expectedHashes(mockUrl, bodies);
  const agent = new Agent({ keepAlive: true, maxSockets: streams });
  const url = new URL(gatewayUrl);
  const until = performance.now() + seconds * 1000;
  let completed = 0;
  let mismatched = 0;
  let failed = 0;
  let bytes = 0;
  const ttfb: number[] = [];
  let next = 0;
  async function connection(): Promise<void> {
    while (performance.now() < until) {
      const body = bodies[next++ % bodies.length]!;
      try {
        const r = await post(agent, url, body);
        bytes += r.bytes;
        ttfb.push(r.ttfb);
        if (r.status !== 200) failed++;
        else if (r.hash !== expected.get(body)) mismatched++;
        else completed++;
      } catch {
        failed++;
      }
    }
  }
  const began = performance.now();
  await Promise.all(Array.from({ length: streams }, connection));
  const elapsed = (performance.now() - began) / 1000;
  agent.destroy();
  const sorted = Float64Array.from(ttfb).sort();
  const at = (p: number) => Math.round(percentile(sorted, p) * 1000) / 1000;
  return { streams, seconds: Math.round(elapsed * 10) / 10, completed, mismatched, failed, bytes, p50_ttfb_ms: at(50), p99_ttfb_ms: at(99) };
}
