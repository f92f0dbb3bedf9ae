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
import { byteLength as sum, exchangeResult } from "../host-result.js";

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
    expressible(`header ${JSON.stringify(name)}: ${JSON.stringify(value)}`, () => headers.append(n, value));
    if (headers.get(n)?.endsWith(value.trim()) !== true) throw new NotExpressibleError(`header ${JSON.stringify(name)} value ${JSON.stringify(value)} is not kept as written`);
  }
  return headers;
}

/** Builds a Fetch object, or says which part of the case the Fetch API refused. */
function expressible<T>(what: string, make: () => T): T {
  try {
    return make();
  } catch (error) {
    throw new NotExpressibleError(`${what} (${(error as Error).message})`);
  }
}

/** Enqueues a step's bytes (remembering the size sent) and closes the stream at its end. */
function feed(controller: ReadableStreamDefaultController<Uint8Array>, step: { bytes: Uint8Array; endOfStream: boolean }, sent: number[], closeNow: boolean): void {
  if (step.bytes.length > 0) {
    sent.push(step.bytes.length);
    controller.enqueue(step.bytes.slice());
  }
  if (closeNow && step.endOfStream) controller.close();
}

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
  /** Reads `body` to its end in the background, keeping a copy of each chunk; `ended` at the end. */
  drain(body: ReadableStream<Uint8Array> | null, into: Uint8Array[], ended: () => void, started?: (reader: ReadableStreamDefaultReader<Uint8Array>) => void): void {
    const reader = body?.getReader() ?? null;
    if (reader !== null) started?.(reader);
    void (async () => {
      for (;;) {
        const next = await reader?.read();
        if (next === undefined || next.done) break;
        into.push(next.value.slice());
        this.wake();
      }
    })().then(
      () => void (ended(), this.wake()),
      (error: unknown) => this.fail(error),
    );
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
    r.drain(request.body, r.upstreamBytes, () => (r.upstreamEnded = true));
    return new Promise<Response>((resolve) => (answer = resolve));
  });

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
          const request = expressible(`request ${method} http://${authority}${path}`, () => new Request(`http://${authority}${path}`, init));
          clientResponse = upstream(request);
          clientResponse.then(
            (response) => r.drain(response.body, r.clientBytes, () => (r.clientDone = true), (reader) => (r.clientReader = reader)),
            (error: unknown) => r.fail(error),
          );
          await r.until("the request at the upstream", () => r.handlerCalled && (!step.endOfStream || r.upstreamEnded));
          break;
        }
        case "request-body": {
          const total = sum(r.upstreamBytes) + step.bytes.length;
          feed(requestBody!.controller, step, sentUp, true);
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
          const response = expressible(`response status ${status}`, () => new Response(upstreamBody?.stream ?? null, { status, headers }));
          answer!(response);
          const wrapped = await clientResponse!;
          if (wrapped.status !== status) throw new Error(`the client got status ${wrapped.status}, the upstream sent ${status}`);
          break;
        }
        case "response-body": {
          const total = sum(r.clientBytes) + step.bytes.length;
          feed(upstreamBody!.controller, step, sentDown, false);
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
    return exchangeResult("@aistats/edge", stats.recorder.stats(), r.records, { received: r.clientBytes, sent: sentDown }, { received: r.upstreamBytes, sent: sentUp });
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
