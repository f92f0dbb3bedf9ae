// Observing one node:http exchange without touching it: the request as its consumer reads it, the
// response where it is written. Every observation is wrapped so that a recording failure never
// reaches the request (the @aistats/host handle fails open itself; the code here adds nothing that
// can throw outside a try).
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from "node:http";
import type { ExchangeHandle } from "@aistats/host";

type Emit = (event: string | symbol, ...args: unknown[]) => boolean;
type Write = (chunk: unknown, encoding?: unknown, cb?: unknown) => boolean;
type End = (chunk?: unknown, encoding?: unknown, cb?: unknown) => ServerResponse;
type WriteHead = (...args: unknown[]) => ServerResponse;

/** The bytes of a chunk as written (a copy only for strings: the client still gets the string). */
function bytesOf(chunk: unknown, encoding: unknown): Uint8Array | null {
  if (chunk === undefined || chunk === null) return null;
  if (typeof chunk === "string") {
    const enc = typeof encoding === "string" && Buffer.isEncoding(encoding) ? encoding : "utf8";
    return Buffer.from(chunk, enc);
  }
  if (chunk instanceof Uint8Array) return chunk;
  if (ArrayBuffer.isView(chunk)) return new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  return null;
}

/** Headers passed to writeHead (an object, an array of [name, value] pairs, or a flat name/value array). */
function headersArg(arg: unknown, into: Record<string, string | string[] | number>): void {
  if (Array.isArray(arg)) {
    if (arg.length > 0 && Array.isArray(arg[0])) {
      for (const pair of arg as unknown[][]) if (pair.length >= 2) into[String(pair[0]).toLowerCase()] = pair[1] as string;
    } else {
      for (let i = 0; i + 1 < arg.length; i += 2) into[String(arg[i]).toLowerCase()] = arg[i + 1] as string;
    }
  } else if (typeof arg === "object" && arg !== null) {
    for (const [k, v] of Object.entries(arg)) if (v !== undefined) into[k.toLowerCase()] = v as string;
  }
}

export interface WatchOptions {
  /** No request or response bytes for this many ms → abort("idle"). 0 or undefined: no timeout. */
  readonly idleTimeoutMs?: number;
}

/**
 * Wires one handle to a request and its response. The exchange ends exactly once, from
 * `res.once('close')`: finished (every byte handed to the OS) → responseEnd, otherwise → abort with
 * the error the response was destroyed with (`res.errored`), else "client closed"; or from the
 * idle timer (abort("idle")). The handle ignores every later call.
 */
export function watch(handle: ExchangeHandle, req: IncomingMessage, res: ServerResponse, options: WatchOptions): void {
  if (handle.ended) return; // skipped (or failed): nothing to feed, nothing to wrap
  let started = false;
  let done = false;
  let timer: NodeJS.Timeout | null = null;
  const idleMs = options.idleTimeoutMs ?? 0;

  const finish = (how: "end" | "abort", reason?: unknown): void => {
    if (done) return;
    done = true;
    if (timer !== null) clearTimeout(timer);
    timer = null;
    if (how === "end") handle.responseEnd();
    else handle.abort(reason);
  };
  const touch = (): void => {
    if (idleMs <= 0 || done) return;
    if (timer !== null) timer.refresh();
    else {
      timer = setTimeout(() => finish("abort", "idle"), idleMs);
      timer.unref();
    }
  };
  touch();

  // Request: wrap this request's own `emit`. Every way of reading a Readable delivers each chunk
  // through emit('data') — flowing mode and pipe() (a 'data' listener), read() and the async
  // iterator (`read()` emits 'data' for the chunk it returns) — and the end through emit('end').
  // The wrapper adds no listener, so it never switches the stream to flowing mode, never reads
  // or buffers, and it calls the original emit with the same arguments and returns its result: the
  // consumer gets the same chunk object, at the same moment, with the same back-pressure. Bytes
  // nobody reads are not seen (they did not go upstream either).
  const emit = req.emit as Emit;
  req.emit = function (this: IncomingMessage, event: string | symbol, ...args: unknown[]): boolean {
    if (!done) {
      try {
        if (event === "data") {
          const bytes = bytesOf(args[0], req.readableEncoding);
          if (bytes !== null) {
            touch();
            handle.requestChunk(bytes);
          }
        } else if (event === "end") handle.requestEnd();
      } catch {
        // never the request's problem
      }
    }
    return emit.call(this, event, ...args);
  } as IncomingMessage["emit"];

  // Response headers: writeHead is what both an explicit call and the implicit headers of the
  // first write()/end() go through (_implicitHeader calls this.writeHead). The original runs first
  // (it may throw on a bad status: that is the caller's error, unrecorded); then the status and the
  // headers — those set with setHeader and those passed to writeHead — go to the handle, once,
  // before any body byte.
  const start = (passed: unknown): void => {
    if (started || done) return;
    started = true;
    try {
      const headers: Record<string, string | string[] | number> = {};
      headersArg(res.getHeaders() as OutgoingHttpHeaders, headers);
      headersArg(passed, headers);
      touch();
      handle.responseStart(res.statusCode, headers);
    } catch {
      // never the request's problem
    }
  };
  const writeHead = res.writeHead as unknown as WriteHead;
  res.writeHead = function (this: ServerResponse, ...args: unknown[]): ServerResponse {
    const out = writeHead.apply(this, args);
    start(typeof args[1] === "string" ? args[2] : args[1]);
    return out;
  } as ServerResponse["writeHead"];

  const seen = (chunk: unknown, encoding: unknown): void => {
    if (done) return;
    try {
      const bytes = bytesOf(chunk, encoding);
      if (bytes === null || bytes.length === 0) return;
      start(undefined); // normally done by writeHead already
      touch();
      handle.responseChunk(bytes);
    } catch {
      // never the request's problem
    }
  };

  // Response body: as compression does — same arguments to the original, its return value kept
  // (back-pressure: a false from write() still means "wait for 'drain'", which is the socket's own
  // event, untouched), flush()/drain untouched. The chunk is observed after the original took it,
  // so the headers (implicit ones included) have gone to the handle first; the chunk object the
  // client's bytes come from is only read.
  const write = res.write as unknown as Write;
  res.write = function (this: ServerResponse, chunk: unknown, encoding?: unknown, cb?: unknown): boolean {
    const ret = write.call(this, chunk, encoding, cb);
    seen(chunk, typeof encoding === "function" ? undefined : encoding);
    return ret;
  } as ServerResponse["write"];
  const end = res.end as unknown as End;
  res.end = function (this: ServerResponse, chunk?: unknown, encoding?: unknown, cb?: unknown): ServerResponse {
    const body = typeof chunk === "function" ? undefined : chunk;
    const out = end.call(this, chunk, encoding, cb);
    seen(body, typeof encoding === "function" ? undefined : encoding);
    return out;
  } as ServerResponse["end"];

  // Not finished: the response was destroyed — with the error the proxy gave (an upstream reset,
  // passed on as res.destroy(error)), or by the client going away (no error).
  res.once("close", () => {
    if (res.writableFinished) finish("end");
    else finish("abort", res.errored ?? "client closed");
  });
}
