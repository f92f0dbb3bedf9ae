// The edge player: replays one CaseScript through @aistats/edge's `stats.wrap(handler)` with
// nothing but the Fetch API and Web Streams, so the same module runs in Node (the `edge` adapter)
// and, bundled, inside workerd, Deno and Bun (src/edge/harness-*.ts). No Node built-ins here.
//
// Three parties, all in-process: the client builds a Request whose body is a ReadableStream the
// player enqueues the case's request chunks into, and calls the wrapped handler; the handler
// plays the upstream — it reads the (tapped) request body chunk by chunk and answers, at the
// case's response-headers step, with a Response whose body is a ReadableStream the player
// enqueues the response chunks into; the client reads the wrapped Response's body. The case's
// clock reaches the recorder through the `now` option: the player sets it to a step's time,
// takes the step, and waits until the far side has received it before the next step (as the
// node adapter does over loopback HTTP). An aborted case cancels the client's reader.
import { AistatsConfigError, createAiStatistics, type AiStatistics, type AistatsRecord } from "@aistats/edge";
import { passThroughResult, type ExchangeResult } from "../adapter.js";
import type { CaseScript, HeaderList } from "../case-format.js";
import { exchangeSteps } from "../exchange-steps.js";

const utf8 = new TextEncoder();
/** Left out of the Fetch headers, as the node adapter leaves them out of node:http's. */
const HOP = new Set(["connection", "keep-alive", "transfer-encoding", "content-length", "host", "te", "upgrade", "proxy-connection"]);
/** The authority used when a case names none (the Request needs an absolute URL). */
const DEFAULT_AUTHORITY = "localhost";

/** A case that the Fetch API cannot express; the message names the reason. */
export class NotExpressibleError extends Error {
  constructor(message: string) {
    super(`not expressible through the Fetch API: ${message}`);
    this.name = "NotExpressibleError";
  }
}

const pseudo = (list: HeaderList, name: string): string | undefined => list.find(([n]) => n.toLowerCase() === name)?.[1];

function fetchHeaders(list: HeaderList): Headers {
  const headers = new Headers();
  for (const [name, value] of list) {
    const n = name.toLowerCase();
    if (n.startsWith(":") || HOP.has(n)) continue;
    try {
      headers.append(n, value);
    } catch (error) {
      throw new NotExpressibleError(`header ${JSON.stringify(name)}: ${JSON.stringify(value)} (${(error as Error).message})`);
    }
    if (headers.get(n)?.endsWith(value.trim()) !== true) throw new NotExpressibleError(`header ${JSON.stringify(name)} value ${JSON.stringify(value)} is not kept as written`);
  }
  return headers;
}

/** Bytes received, cut into the chunks that were sent (each was awaited before the next was sent). */
function cut(received: readonly Uint8Array[], sent: readonly number[]): Uint8Array[] {
  const total = received.reduce((a, b) => a + b.length, 0);
  const all = new Uint8Array(total);
  let at = 0;
  for (const c of received) {
    all.set(c, at);
    at += c.length;
  }
  const out: Uint8Array[] = [];
  at = 0;
  for (const n of sent) {
    out.push(all.subarray(at, Math.min(total, at + n)));
    at += n;
  }
  if (at < total) out.push(all.subarray(at));
  return out;
}

const sum = (chunks: readonly Uint8Array[]): number => chunks.reduce((a, b) => a + b.length, 0);

/** A stream the player feeds by hand. */
function pushStream(): { stream: ReadableStream<Uint8Array>; controller: ReadableStreamDefaultController<Uint8Array> } {
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  const stream = new ReadableStream<Uint8Array>({ start: (c) => void (controller = c) });
  return { stream, controller };
}

/** One case in flight: what each party has seen, and a wake-up for whoever waits on it. */
class Run {
  clock = 0;
  readonly records: AistatsRecord[] = [];
  readonly upstreamBytes: Uint8Array[] = [];
  upstreamEnded = false;
  handlerCalled = false;
  readonly clientBytes: Uint8Array[] = [];
  clientDone = false;
  clientReader: ReadableStreamDefaultReader<Uint8Array> | null = null;
  failure: Error | null = null;
  #waiters: Array<() => void> = [];
  wake(): void {
    for (const w of this.#waiters.splice(0)) w();
  }
  fail(error: unknown): void {
    this.failure ??= error instanceof Error ? error : new Error(String(error));
    this.wake();
  }
  /** Waits for `cond`, woken by every event and polled every few ms (no wall clock: workerd's stands still). */
  async until(what: string, cond: () => boolean): Promise<void> {
    for (let i = 0; !cond(); i++) {
      if (this.failure !== null) throw this.failure;
      if (i > 2_000) throw new Error(`timed out waiting for ${what}`);
      await new Promise<void>((resolve) => {
        this.#waiters.push(resolve);
        setTimeout(resolve, 5);
      });
    }
  }
}

/** Replays one case through @aistats/edge; the result has the node adapter's shape. */
export async function playCase(script: CaseScript): Promise<ExchangeResult> {
  const r = new Run();
  let stats: AiStatistics;
  try {
    stats = createAiStatistics(script.configJson, {
      now: () => r.clock,
      logger: false,
      metrics: false,
      onWarning: () => {},
      route: () => script.properties.route_name ?? "",
      cluster: () => script.properties.cluster_name ?? "",
      onRecord: (record) => void (r.records.push(record), r.wake()),
    });
  } catch (error) {
    if (!(error instanceof AistatsConfigError)) throw error;
    return { ...passThroughResult(script), configError: error.message };
  }
  const sentUp: number[] = [];
  const sentDown: number[] = [];
  let requestBody: ReturnType<typeof pushStream> | null = null;
  let upstreamBody: ReturnType<typeof pushStream> | null = null;
  let answer: ((response: Response) => void) | null = null;
  let clientResponse: Promise<Response> | null = null;

  // The upstream: reads the request it is given, answers when the player says so.
  const upstream = stats.wrap(async (request: Request): Promise<Response> => {
    r.handlerCalled = true;
    r.wake();
    const reading = (async () => {
      if (request.body === null) return;
      const reader = request.body.getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        r.upstreamBytes.push(value.slice());
        r.wake();
      }
    })().then(
      () => void ((r.upstreamEnded = true), r.wake()),
      (error: unknown) => r.fail(error),
    );
    void reading;
    return new Promise<Response>((resolve) => (answer = resolve));
  });

  const readClient = async (response: Response): Promise<void> => {
    if (response.body === null) {
      r.clientDone = true;
      r.wake();
      return;
    }
    const reader = (r.clientReader = response.body.getReader());
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      r.clientBytes.push(value.slice());
      r.wake();
    }
    r.clientDone = true;
    r.wake();
  };

  try {
    for (const step of exchangeSteps(script)) {
      r.clock = step.atMs;
      switch (step.kind) {
        case "request-headers": {
          const headers = fetchHeaders(step.headers);
          const authority = pseudo(step.headers, ":authority") ?? pseudo(step.headers, "host") ?? DEFAULT_AUTHORITY;
          const method = pseudo(step.headers, ":method") ?? "GET";
          const path = pseudo(step.headers, ":path") ?? "/";
          if (!step.endOfStream && (method === "GET" || method === "HEAD")) throw new NotExpressibleError(`a ${method} request with a body`);
          requestBody = step.endOfStream ? null : pushStream();
          const init: RequestInit & { duplex?: "half" } = { method, headers };
          if (requestBody !== null) {
            init.body = requestBody.stream;
            init.duplex = "half";
          }
          let request: Request;
          try {
            request = new Request(`http://${authority}${path}`, init);
          } catch (error) {
            throw new NotExpressibleError(`request ${method} http://${authority}${path} (${(error as Error).message})`);
          }
          clientResponse = upstream(request);
          clientResponse.then(
            (response) => readClient(response).catch((error: unknown) => r.fail(error)),
            (error: unknown) => r.fail(error),
          );
          await r.until("the request at the upstream", () => r.handlerCalled && (!step.endOfStream || r.upstreamEnded));
          break;
        }
        case "request-body": {
          const total = sum(r.upstreamBytes) + step.bytes.length;
          if (step.bytes.length > 0) {
            sentUp.push(step.bytes.length);
            requestBody!.controller.enqueue(step.bytes.slice());
          }
          if (step.endOfStream) requestBody!.controller.close();
          await r.until("the request bytes upstream", () => sum(r.upstreamBytes) >= total && (!step.endOfStream || r.upstreamEnded));
          break;
        }
        case "response-headers": {
          await r.until("the end of the request upstream", () => r.upstreamEnded && answer !== null);
          const status = Number(pseudo(step.headers, ":status") ?? "200");
          const headers = fetchHeaders(step.headers);
          const nullBody = status === 101 || status === 204 || status === 205 || status === 304;
          if (nullBody && !step.endOfStream) throw new NotExpressibleError(`status ${status} with a response body`);
          upstreamBody = step.endOfStream ? null : pushStream();
          let response: Response;
          try {
            response = new Response(upstreamBody?.stream ?? null, { status, headers });
          } catch (error) {
            throw new NotExpressibleError(`response status ${status} (${(error as Error).message})`);
          }
          answer!(response);
          const wrapped = await clientResponse!;
          if (wrapped.status !== status) throw new Error(`the client got status ${wrapped.status}, the upstream sent ${status}`);
          break;
        }
        case "response-body": {
          const total = sum(r.clientBytes) + step.bytes.length;
          if (step.bytes.length > 0) {
            sentDown.push(step.bytes.length);
            upstreamBody!.controller.enqueue(step.bytes.slice());
          }
          await r.until("the response bytes at the client", () => sum(r.clientBytes) >= total);
          if (step.endOfStream) upstreamBody!.controller.close();
          break;
        }
        case "end":
          if (step.aborted) {
            await r.clientReader!.cancel(new Error("the client went away"));
          } else {
            await r.until("the end of the response at the client", () => r.clientDone);
          }
          await r.until("the end of the exchange", () => stats.recorder.stats().activeExchanges === 0);
      }
    }
    if (r.failure !== null) throw r.failure;
    const st = stats.recorder.stats();
    if (st.activeExchanges !== 0 || st.arenaUsedBytes !== 0) throw new Error(`exchanges left open: ${JSON.stringify(st)}`);
    if (st.hostErrors !== 0) throw new Error("@aistats/edge failed open on this exchange");
    const last = r.records.at(-1);
    const metrics: Record<string, number> = {};
    for (const rec of r.records) for (const c of rec.counters) metrics[c.name] = (metrics[c.name] ?? 0) + c.value;
    return {
      skipped: st.skippedExchanges === 1,
      log: last === undefined ? null : (last.log as Record<string, unknown>),
      logFields: { ...(last?.logFields ?? {}) },
      span: { ...(last?.span ?? {}) },
      metrics,
      clientChunks: cut(r.clientBytes, sentDown),
      upstreamChunks: cut(r.upstreamBytes, sentUp),
      records: {
        logForm: "json",
        logs: r.records.map((rec) => utf8.encode(rec.logText)),
        logFields: r.records.flatMap((rec) => Object.entries(rec.logFieldsEscaped).map(([k, v]): [string, Uint8Array] => [k, utf8.encode(v)])),
      },
    };
  } finally {
    await r.clientReader?.cancel().catch(() => {});
    try {
      upstreamBody?.controller.error(new Error("case over"));
    } catch {
      // already closed
    }
    stats.close();
  }
}
