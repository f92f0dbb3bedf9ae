// aistats as a Proxy-Wasm ABI 0.2.1 HTTP filter (Envoy, Higress): the exports Envoy calls. One
// Engine (one fixed arena) per VM, created by proxy_on_configure; one Stream per HTTP context.
// Every callback returns Continue: the plugin only reads the bytes Envoy hands it and never asks
// Envoy to buffer or stop a stream.
import "./abort";
import { DropDeltas, Engine, parsePluginConfig } from "@aistats/stats-core";
import { AiLogWriter } from "./ai-log";
import { BodyScratch } from "./body-scratch";
import { Counters } from "./counters";
import { HeaderList, readHeaders } from "./headers";
import { reserveFor } from "./memory-reserve";
import {
  BUFFER_PLUGIN_CONFIGURATION,
  BUFFER_REQUEST_BODY,
  BUFFER_RESPONSE_BODY,
  LOG_ERROR,
  LOG_INFO,
  LOG_WARN,
  MAP_REQUEST_HEADERS,
  MAP_RESPONSE_HEADERS,
  STATUS_OK,
  getBufferBytes,
  getPropertyText,
  logText,
  nowMs,
  outPtr,
  outSize,
} from "./host";
import { Stream } from "./stream";

const ACTION_CONTINUE: i32 = 0;
/** arena_bytes the plugin accepts (stats-core allows 1 GiB for Node and edge hosts). */
const MAX_WASM_ARENA_BYTES: i32 = 512 * 1024 * 1024;

// Module state lives in globals (the roots of the minimal runtime's collector). Created lazily, so
// the module has no start function doing work before Envoy has a context.
let engine: Engine | null = null;
let streams: Map<i32, Stream> | null = null;
let counters: Counters | null = null;
let scratch: BodyScratch | null = null;
let aiLog: AiLogWriter | null = null;
let dropsSeen: DropDeltas | null = null;

function streamMap(): Map<i32, Stream> {
  let m = streams;
  if (m == null) {
    m = new Map<i32, Stream>();
    streams = m;
  }
  return m;
}

function counterSet(): Counters {
  let c = counters;
  if (c == null) {
    c = new Counters();
    counters = c;
  }
  return c;
}

function bodyScratch(): BodyScratch {
  let s = scratch;
  if (s == null) {
    s = new BodyScratch();
    scratch = s;
  }
  return s;
}

function aiLogWriter(): AiLogWriter {
  let w = aiLog;
  if (w == null) {
    w = new AiLogWriter();
    aiLog = w;
  }
  return w;
}

function streamOf(contextId: i32): Stream | null {
  const m = streamMap();
  return m.has(contextId) ? m.get(contextId) : null;
}

/** The marker Envoy looks for to pick the ABI; never called. */
export function proxy_abi_version_0_2_1(): void {}

/**
 * Memory for values the host hands over; while a body is read, the reusable scratch; while the
 * stream's ai_log is read, the merger's buffer (or 0, refusing a value over its limit).
 */
export function malloc(size: usize): usize {
  const w = aiLog;
  if (w != null && w.armed) return w.take(size);
  const s = scratch;
  if (s != null) {
    const p = s.take(size);
    if (p != 0) return p;
  }
  return heap.alloc(size);
}

export function proxy_on_context_create(contextId: i32, parentId: i32): void {
  if (parentId == 0) return; // the root (plugin) context: state is per VM, nothing to create
  streamMap().set(contextId, new Stream());
}

export function proxy_on_vm_start(_rootId: i32, _vmConfigurationSize: i32): i32 {
  return 1;
}

export function proxy_on_configure(_rootId: i32, size: i32): i32 {
  // A reconfigured VM drops its previous engine before reserving for the next (streams still open
  // keep theirs alive). Collected here, first: the minimal runtime does not scan the wasm stack,
  // so no managed local may be live.
  engine = null;
  dropsSeen = null;
  __collect();
  let config = new Uint8Array(0);
  if (size > 0 && getBufferBytes(BUFFER_PLUGIN_CONFIGURATION, size) == STATUS_OK) {
    const ptr = outPtr();
    const n = outSize();
    if (ptr != 0) {
      config = new Uint8Array(n);
      memory.copy(config.dataStart, ptr, <usize>n);
      heap.free(ptr);
    }
  }
  const result = parsePluginConfig(config);
  if (!result.ok) {
    logText(LOG_ERROR, "aistats: invalid configuration: " + result.error);
    return 0;
  }
  if (result.arenaBytes > MAX_WASM_ARENA_BYTES) {
    // The wasm allocator's largest block is 1 GiB; the arena and its tables must fit in one VM.
    logText(LOG_ERROR, "aistats: invalid configuration: arena_bytes: at most " + MAX_WASM_ARENA_BYTES.toString() + " in the Proxy-Wasm plugin");
    return 0;
  }
  for (let i = 0; i < result.warnings.length; i++) logText(LOG_WARN, "aistats: configuration: " + result.warnings[i]);
  reserveFor(result.arenaBytes);
  // The ai_log merger's buffers, once per VM (kept across reconfigurations: it holds no state).
  aiLogWriter();
  const e = new Engine(result);
  // Logs as UTF-8 (Stream.publish copies each out at once): no string per log.
  e.textLogs = false;
  engine = e;
  dropsSeen = new DropDeltas();
  logText(LOG_INFO, "aistats: configured, arena " + result.arenaBytes.toString() + " bytes");
  return 1;
}

/** Starts the exchange once (normally at request headers; late when a stream skipped them). */
function begin(s: Stream, request: HeaderList): void {
  const e = engine;
  if (e == null || s.ex != null) return;
  const ex = e.begin(getPropertyText("route_name"), request.get(":authority"), getPropertyText("cluster_name"));
  s.engine = e;
  s.ex = ex;
  for (let i = 0; i < request.names.length; i++) ex.addRequestHeader(request.names[i], request.values[i]);
  ex.requestHeaders(nowMs());
}

export function proxy_on_request_headers(contextId: i32, _numHeaders: i32, endOfStream: i32): i32 {
  const s = streamOf(contextId);
  if (s == null || engine == null) return ACTION_CONTINUE;
  begin(s, readHeaders(MAP_REQUEST_HEADERS));
  if (endOfStream != 0) endRequest(s);
  return ACTION_CONTINUE;
}

function endRequest(s: Stream): void {
  const ex = s.ex;
  if (ex == null || s.requestEnded) return;
  s.requestEnded = true;
  ex.requestEnd(nowMs());
}

/** Reads the chunk the callback announced (body_size bytes) into the scratch; returns its length. */
function readBody(type: i32, size: i32): i32 {
  if (size <= 0) return 0;
  const sc = bodyScratch();
  sc.ensure(size);
  sc.armed = true;
  const status = getBufferBytes(type, size);
  sc.armed = false;
  if (status != STATUS_OK) return 0;
  const ptr = outPtr();
  const n = outSize();
  if (ptr == 0 || n <= 0) return 0;
  if (ptr != sc.bytes.dataStart) {
    // The host allocated elsewhere (a larger answer than announced): copy and free.
    sc.ensure(n);
    memory.copy(sc.bytes.dataStart, ptr, <usize>n);
    heap.free(ptr);
  }
  return n;
}

export function proxy_on_request_body(contextId: i32, bodySize: i32, endOfStream: i32): i32 {
  const s = streamOf(contextId);
  if (s == null) return ACTION_CONTINUE;
  const ex = s.ex;
  if (ex == null || s.requestEnded) return ACTION_CONTINUE;
  const n = readBody(BUFFER_REQUEST_BODY, bodySize);
  const now = nowMs();
  if (n > 0) ex.requestBody(bodyScratch().bytes, 0, n, now);
  if (endOfStream != 0) endRequest(s);
  return ACTION_CONTINUE;
}

export function proxy_on_request_trailers(contextId: i32, _numTrailers: i32): i32 {
  const s = streamOf(contextId);
  if (s != null) endRequest(s);
  return ACTION_CONTINUE;
}

export function proxy_on_response_headers(contextId: i32, _numHeaders: i32, endOfStream: i32): i32 {
  const s = streamOf(contextId);
  if (s == null || engine == null) return ACTION_CONTINUE;
  // A local reply can reach the response path without request headers having been seen.
  if (s.ex == null) begin(s, new HeaderList());
  const ex = s.ex;
  if (ex == null || s.responseStarted) return ACTION_CONTINUE;
  s.responseStarted = true;
  const h = readHeaders(MAP_RESPONSE_HEADERS);
  for (let i = 0; i < h.names.length; i++) ex.addResponseHeader(h.names[i], h.values[i]);
  ex.responseHeaders(nowMs());
  if (endOfStream != 0) endResponse(s);
  else s.publish(counterSet(), aiLogWriter());
  settle(s);
  return ACTION_CONTINUE;
}

/**
 * Called last in a callback: when a log was just written, collect. Building a log leaves garbage
 * in proportion to the values it holds (up to value_length_limit each), and the minimal runtime
 * only collects when asked; at the end of a callback every live object is reachable from the
 * globals, so collecting is safe. At most twice per stream (early and final log).
 */
function settle(s: Stream): void {
  if (!s.wroteLog) return;
  s.wroteLog = false;
  __collect();
}

function endResponse(s: Stream): void {
  const ex = s.ex;
  if (ex == null || s.responseEnded) return;
  s.responseEnded = true;
  ex.responseEnd(nowMs());
  s.publish(counterSet(), aiLogWriter());
}

export function proxy_on_response_body(contextId: i32, bodySize: i32, endOfStream: i32): i32 {
  const s = streamOf(contextId);
  if (s == null) return ACTION_CONTINUE;
  const ex = s.ex;
  if (ex == null || !s.responseStarted || s.responseEnded) return ACTION_CONTINUE;
  const n = readBody(BUFFER_RESPONSE_BODY, bodySize);
  if (n > 0) {
    ex.responseBody(bodyScratch().bytes, 0, n, nowMs());
    s.publish(counterSet(), aiLogWriter());
  }
  if (endOfStream != 0) endResponse(s);
  settle(s);
  return ACTION_CONTINUE;
}

export function proxy_on_response_trailers(contextId: i32, _numTrailers: i32): i32 {
  const s = streamOf(contextId);
  if (s != null) {
    endResponse(s);
    settle(s);
  }
  return ACTION_CONTINUE;
}

/** Access-log phase: a stream that never reached its end (client gone, reset) is recorded as aborted. */
export function proxy_on_log(contextId: i32): void {
  const s = streamOf(contextId);
  if (s == null) return;
  const ex = s.ex;
  if (ex == null) return;
  if (!ex.records.final) ex.abort(nowMs());
  s.publish(counterSet(), aiLogWriter());
  settle(s);
}

export function proxy_on_done(contextId: i32): i32 {
  // Envoy may skip proxy_on_log for a stream it tears down otherwise: record it here then.
  proxy_on_log(contextId);
  return 1;
}

export function proxy_on_delete(contextId: i32): void {
  const m = streamMap();
  if (!m.has(contextId)) return;
  const s = m.get(contextId);
  const e = s.engine;
  s.release();
  m.delete(contextId);
  if (e != null && e == engine) countDrops(e);
  // The minimal runtime collects only when asked; here no managed reference is on the wasm stack.
  __collect();
}

/** Drops the engine counted since the last stream, as counters `aistats_dropped_total.reason.<reason>`. */
function countDrops(e: Engine): void {
  const seen = dropsSeen;
  if (seen == null || !seen.take(e.drops)) return;
  const c = counterSet();
  for (let i = 0; i < e.drops.reasons; i++) {
    if (seen.deltas[i] > 0) c.add("aistats_dropped_total.reason." + e.drops.reasonName(i), seen.deltas[i]);
  }
}
