// One HTTP exchange driven through the plugin the way Envoy's HTTP filter manager drives its Wasm
// filter (envoy source/extensions/common/wasm/context.cc decodeHeaders…onDestroy and
// source/common/http/filter_manager.cc): what each callback is passed, what stays readable after
// it returns, how Continue / StopIteration* move bytes on, and what finally reaches the upstream
// and the client.
import {
  FilterDataStatus,
  FilterHeadersStatus,
  FilterTrailersStatus,
  MapType,
} from "../abi/abi-constants";
import { HeaderMap, toBytes, type HeaderInput } from "../headers/header-map";
import {
  int64Node,
  mapNode,
  stringNode,
  toPropertyNode,
  type PropertyInput,
  type PropertyNode,
} from "../properties/property-value";
import type { ContextState } from "./context-state";
import { ForwardedTraffic } from "./forwarded-traffic";
import type { ProxyWasmHost } from "./proxy-wasm-host";
import { convertDataStatus, convertHeadersStatus, convertTrailersStatus } from "./status-conversion";

export type Phase = "request" | "response";

export interface HttpStreamOptions {
  /** Properties for this stream only, over the host's (e.g. a different route_name). */
  readonly properties?: Readonly<Record<string, PropertyInput>>;
  /**
   * Filter state the stream already holds when this filter first runs, keyed by its full name:
   * what filters earlier in the chain stored (another Wasm plugin's proxy_set_property("ai_log",
   * v) is `"wasm.ai_log": v`). See HttpStream.setFilterState for writes during the stream.
   */
  readonly filterState?: Readonly<Record<string, string | Uint8Array>>;
}

/** The outcome of handing the filter one headers/body/trailers event. */
export interface CallbackResult<S extends number> {
  /** Whether the plugin's callback ran (false: no such export, failed VM, stream stopped, …). */
  readonly called: boolean;
  /** The raw value the callback returned, or null if it did not run. */
  readonly returned: number | null;
  /** The status Envoy acts on, after proxy-wasm-cpp-host's conversion. */
  readonly status: S;
}

export interface DataCallbackResult extends CallbackResult<FilterDataStatus> {
  /** body_size passed to the callback (what get_buffer_bytes could read), or null. */
  readonly bodySize: number | null;
}

export interface LocalResponse {
  readonly statusCode: number;
  readonly details: string;
  readonly body: Uint8Array;
  readonly headers: readonly [string, string][];
  readonly grpcStatus: number;
  /** Which callback sent it. */
  readonly callback: string;
}

const EMPTY = new Uint8Array(0);
const concat = (a: Uint8Array, b: Uint8Array): Uint8Array => {
  if (a.length === 0) return b;
  if (b.length === 0) return a;
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
};

/** Properties only a stream has (Envoy resolves them from the stream's StreamInfo). */
const STREAM_SCOPED = new Set([
  "request",
  "response",
  "connection",
  "upstream",
  "source",
  "destination",
  "route_name",
  "route_metadata",
  "cluster_name",
  "cluster_metadata",
  "upstream_host_metadata",
  "connection_id",
  "filter_state",
  "xds",
]);

/** A mutable body buffer as a hostcall sees it (Envoy's Buffer wrapping a Buffer::Instance). */
export interface BodyBuffer {
  readonly bytes: Uint8Array;
  /** Buffer::copyFrom; returns a WasmResult. */
  set(start: number, length: number, data: Uint8Array): number;
}

class Direction {
  headers: HeaderMap | null = null;
  headersAccessible = false;
  headersEndStream = false;
  trailers: HeaderMap | null = null;
  trailersAccessible = false;
  /** The chunk the running body callback was given (Envoy's request_body_buffer_). */
  current: Uint8Array | null = null;
  /** Data the filter manager holds for this filter (StopIterationAndBuffer/Watermark). */
  buffered: Uint8Array = EMPTY;
  /** The plugin asked to buffer (Envoy's buffering_request_body_). */
  bufferingBody = false;
  /** Where iteration is stopped for this filter. */
  stopped: "none" | "headers" | "data" | "trailers" = "none";
  /** Events that arrived while headers were stopped (StopAllIteration*): not yet seen by the plugin. */
  pending: Uint8Array = EMPTY;
  pendingData = false;
  pendingTrailers: HeaderMap | null = null;
  /** The end of stream has arrived from the peer. */
  endSeen = false;
  /** ContinueAndEndStream ended this direction early: later body and trailers are dropped. */
  endedByFilter = false;
  /** Bytes the plugin made the filter manager drop (StopIterationNoBuffer). */
  droppedBytes = 0;
  readonly forwarded = new ForwardedTraffic();

  constructor(readonly phase: Phase) {}
}

export class HttpStream {
  private readonly request = new Direction("request");
  private readonly response = new Direction("response");
  private readonly properties: Map<string, PropertyNode>;
  /** Filter state set through proxy_set_property, keyed "wasm.<path>". */
  readonly filterState = new Map<string, Uint8Array>();
  /** Span tags set through Higress's "trace_span_tag." properties. */
  readonly spanTags = new Map<string, string>();
  readonly localResponses: LocalResponse[] = [];
  /** Times Envoy would clear the route cache after a request-header change. */
  routeCacheClears = 0;
  /** Higress "clear_route_cache" = "off". */
  routeCacheClearingDisabled = false;
  decoderBufferLimit: number;
  encoderBufferLimit: number;
  private logPhase = false;
  private finishedFlag = false;
  private abortedFlag = false;
  private failureReplySent = false;
  private startNanos: bigint | null = null;
  private completeNanos: bigint | null = null;
  private bytesReceived = 0;
  private bytesSent = 0;
  private responseCode: number | null = null;
  private responseCodeDetails: string | null = null;

  /** @internal */
  constructor(
    private readonly host: ProxyWasmHost,
    /** The stream's context, or null when the failed VM means Envoy adds no filter (fail-open). */
    readonly context: ContextState | null,
    private readonly failClosedAtStart: boolean,
    hostProperties: ReadonlyMap<string, PropertyNode>,
    options: HttpStreamOptions,
  ) {
    this.properties = new Map(hostProperties);
    for (const [k, v] of Object.entries(options.properties ?? {})) this.properties.set(k, toPropertyNode(v));
    for (const [k, v] of Object.entries(options.filterState ?? {})) this.setFilterState(k, v);
    this.decoderBufferLimit = host.options.bufferLimitBytes;
    this.encoderBufferLimit = host.options.bufferLimitBytes;
  }

  /** The context id Envoy gave this stream, or null if the plugin is not in its filter chain. */
  get contextId(): number | null {
    return this.context?.id ?? null;
  }

  /** The request as the upstream receives it. */
  get upstream(): ForwardedTraffic {
    return this.request.forwarded;
  }

  /** The response as the client receives it. */
  get downstream(): ForwardedTraffic {
    return this.response.forwarded;
  }

  get finished(): boolean {
    return this.finishedFlag;
  }

  get aborted(): boolean {
    return this.abortedFlag;
  }

  /** Body bytes dropped because the plugin returned StopIterationNoBuffer. */
  droppedBytes(phase: Phase): number {
    return this.dir(phase).droppedBytes;
  }

  /** Whether a direction is waiting for the plugin to continue it. */
  stoppedAt(phase: Phase): "none" | "headers" | "data" | "trailers" {
    return this.dir(phase).stopped;
  }

  /**
   * Another filter on this stream stores filter state `key` (full name), between this filter's
   * callbacks: a Wasm plugin in another VM calling proxy_set_property("ai_log", v) stores
   * `"wasm.ai_log"` (a mutable CelState of bytes, as Envoy's Context::setProperty creates it), so
   * this plugin's proxy_get_property("ai_log") — or "filter_state\0wasm.ai_log" — reads exactly
   * those bytes, and its own proxy_set_property("ai_log", …) replaces them. (Envoy encoder filters
   * run in reverse order, so a filter before this one in the chain writes during the response
   * after this one's callback for the same data.)
   */
  setFilterState(key: string, value: string | Uint8Array): void {
    this.filterState.set(key, toBytes(value).slice());
  }

  /** Filter state as text, or undefined. */
  filterStateText(key: string): string | undefined {
    const v = this.filterState.get(key);
    return v === undefined ? undefined : new TextDecoder().decode(v);
  }

  /**
   * What an access log's `%FILTER_STATE(<key>:PLAIN)%` prints for this stream: the stored bytes
   * as text, or "-" when the key was never set (e.g. accessLogFilterState("wasm.ai_log")).
   */
  accessLogFilterState(key: string): string {
    return this.filterStateText(key) ?? "-";
  }

  // ---- request path ---------------------------------------------------------------------------

  requestHeaders(headers: HeaderInput, endOfStream = false): CallbackResult<FilterHeadersStatus> {
    if (this.finishedFlag) return skipped(FilterHeadersStatus.Continue);
    const dir = this.request;
    dir.headers = HeaderMap.from(headers);
    dir.headersEndStream = endOfStream;
    dir.endSeen = endOfStream;
    this.startNanos = this.host.clock.nowNanos();
    if (this.failClosedAtStart) {
      this.sendFailureReply();
      return skipped(FilterHeadersStatus.StopAllIterationAndWatermark);
    }
    if (this.context === null) {
      this.forwardHeaders(dir);
      return skipped(FilterHeadersStatus.Continue);
    }
    this.host.createContext(this.context);
    return this.deliverHeaders(dir);
  }

  requestBody(chunk: Uint8Array | string, endOfStream = false): DataCallbackResult {
    const data = toBytes(chunk);
    if (!this.finishedFlag) this.bytesReceived += data.length;
    return this.receiveData(this.request, data, endOfStream);
  }

  requestTrailers(trailers: HeaderInput): CallbackResult<FilterTrailersStatus> {
    return this.receiveTrailers(this.request, trailers);
  }

  // ---- response path --------------------------------------------------------------------------

  responseHeaders(headers: HeaderInput, endOfStream = false): CallbackResult<FilterHeadersStatus> {
    if (this.finishedFlag) return skipped(FilterHeadersStatus.Continue);
    const map = HeaderMap.from(headers);
    // The router records the upstream's status in StreamInfo before the encoder filters run.
    const status = Number(map.get(":status"));
    this.responseCode = Number.isInteger(status) ? status : null;
    this.responseCodeDetails = "via_upstream";
    return this.encodeHeaders(map, endOfStream);
  }

  responseBody(chunk: Uint8Array | string, endOfStream = false): DataCallbackResult {
    return this.receiveData(this.response, toBytes(chunk), endOfStream);
  }

  responseTrailers(trailers: HeaderInput): CallbackResult<FilterTrailersStatus> {
    return this.receiveTrailers(this.response, trailers);
  }

  // ---- end of stream --------------------------------------------------------------------------

  /**
   * Ends the exchange as Envoy does when the stream is destroyed: the access-log phase
   * (proxy_on_log), then proxy_on_done and proxy_on_delete. Idempotent.
   */
  complete(): void {
    if (this.finishedFlag) return;
    this.finishedFlag = true;
    this.completeNanos = this.host.clock.nowNanos();
    const ctx = this.context;
    if (ctx === null) return;
    // Envoy's Context::log creates the in-VM context if the stream never reached decodeHeaders.
    if (!ctx.createdInVm) this.host.createContext(ctx);
    this.logPhase = true;
    this.host.invoke(ctx, "proxy_on_log", ctx.id);
    this.logPhase = false;
    if (ctx.createdInVm) {
      // onDestroy ignores proxy_on_done's result.
      this.host.invoke(ctx, "proxy_on_done", ctx.id);
      this.host.invoke(ctx, "proxy_on_delete", ctx.id);
    }
    this.host.removeContext(ctx);
    this.host.runDeferred();
  }

  /** The client went away: both directions are reset, then the stream is torn down like complete(). */
  abort(): void {
    if (this.finishedFlag) return;
    this.abortedFlag = true;
    this.responseCodeDetails ??= "downstream_remote_disconnect";
    this.request.forwarded.reset = !this.request.forwarded.endStream;
    this.response.forwarded.reset = !this.response.forwarded.endStream;
    this.complete();
  }

  // ---- internals: event delivery --------------------------------------------------------------

  private dir(phase: Phase): Direction {
    return phase === "request" ? this.request : this.response;
  }

  private names(dir: Direction): { headers: string; body: string; trailers: string } {
    return dir.phase === "request"
      ? { headers: "proxy_on_request_headers", body: "proxy_on_request_body", trailers: "proxy_on_request_trailers" }
      : { headers: "proxy_on_response_headers", body: "proxy_on_response_body", trailers: "proxy_on_response_trailers" };
  }

  /** CHECK_FAIL_HTTP: with a failed VM, fail-open passes traffic on; fail-closed replies 503 once. */
  private vmFailed(): boolean {
    if (!this.host.failed) return false;
    if (!this.host.options.failOpen) this.sendFailureReply();
    return true;
  }

  private encodeHeaders(map: HeaderMap, endOfStream: boolean): CallbackResult<FilterHeadersStatus> {
    const dir = this.response;
    dir.headers = map;
    dir.headersEndStream = endOfStream;
    dir.endSeen = endOfStream;
    const ctx = this.context;
    if (ctx === null || !ctx.createdInVm || this.failureReplySent) {
      this.forwardHeaders(dir);
      return skipped(FilterHeadersStatus.Continue);
    }
    return this.deliverHeaders(dir);
  }

  private deliverHeaders(dir: Direction): CallbackResult<FilterHeadersStatus> {
    const ctx = this.context as ContextState;
    const map = dir.headers as HeaderMap;
    if (this.vmFailed()) return this.afterHeaders(dir, null, this.failedHeadersStatus());
    dir.headersAccessible = true;
    const r = this.host.invoke(ctx, this.names(dir).headers, ctx.id, map.size, dir.headersEndStream ? 1 : 0);
    let status: FilterHeadersStatus;
    if (this.vmFailed()) status = this.failedHeadersStatus();
    else status = r.called ? convertHeadersStatus(r.raw, r.stopNext) : FilterHeadersStatus.Continue;
    return this.afterHeaders(dir, r.called ? r.raw : null, status);
  }

  private failedHeadersStatus(): FilterHeadersStatus {
    return this.host.options.failOpen ? FilterHeadersStatus.Continue : FilterHeadersStatus.StopAllIterationAndWatermark;
  }

  private afterHeaders(dir: Direction, raw: number | null, status: FilterHeadersStatus): CallbackResult<FilterHeadersStatus> {
    if (status === FilterHeadersStatus.Continue) dir.headersAccessible = false;
    if (!this.finishedFlag && !this.failureReplySent) {
      if (status === FilterHeadersStatus.Continue) {
        this.forwardHeaders(dir);
      } else if (status === FilterHeadersStatus.ContinueAndEndStream) {
        dir.endedByFilter = true;
        this.forwardHeaders(dir, true);
      } else {
        dir.stopped = "headers";
      }
    }
    this.host.runDeferred();
    return { called: raw !== null, returned: raw, status };
  }

  private receiveData(dir: Direction, data: Uint8Array, endOfStream: boolean): DataCallbackResult {
    const skip = (status: FilterDataStatus): DataCallbackResult => ({ ...skipped(status), bodySize: null });
    if (this.finishedFlag || dir.endedByFilter) return skip(FilterDataStatus.Continue);
    dir.endSeen = endOfStream;
    const ctx = this.context;
    if (ctx === null || !ctx.createdInVm || (dir.phase === "response" && this.failureReplySent)) {
      this.forwardData(dir, data, endOfStream);
      return skip(FilterDataStatus.Continue);
    }
    if (dir.stopped === "headers") {
      // StopAllIteration*: the filter manager holds the data until the plugin continues.
      dir.pending = concat(dir.pending, data);
      dir.pendingData = true;
      return skip(FilterDataStatus.StopIterationAndBuffer);
    }
    return this.deliverData(dir, data, endOfStream);
  }

  private deliverData(dir: Direction, chunk: Uint8Array, endOfStream: boolean): DataCallbackResult {
    const ctx = this.context as ContextState;
    let data = chunk;
    if (this.vmFailed()) return this.afterData(dir, data, endOfStream, null, null, this.failedDataStatus());
    if (dir.bufferingBody && !this.host.options.legacyBodyBuffering) {
      // Envoy >= 1.32: the new chunk joins the buffered body before the callback runs.
      dir.buffered = concat(dir.buffered, data);
      data = EMPTY;
      if (this.overBufferLimit(dir)) {
        return { ...skipped(FilterDataStatus.StopIterationAndBuffer), bodySize: null };
      }
    }
    dir.current = data;
    const bodySize = dir.bufferingBody ? dir.buffered.length : data.length;
    const r = this.host.invoke(ctx, this.names(dir).body, ctx.id, bodySize, endOfStream ? 1 : 0);
    let status: FilterDataStatus;
    if (this.vmFailed()) status = this.failedDataStatus();
    else status = r.called ? convertDataStatus(r.raw, r.stopNext) : FilterDataStatus.Continue;
    // Set-buffer calls may have replaced the chunk the callback saw.
    return this.afterData(dir, dir.current ?? data, endOfStream, r.called ? r.raw : null, r.called ? bodySize : null, status);
  }

  private failedDataStatus(): FilterDataStatus {
    return this.host.options.failOpen ? FilterDataStatus.Continue : FilterDataStatus.StopIterationNoBuffer;
  }

  private afterData(
    dir: Direction,
    current: Uint8Array,
    endOfStream: boolean,
    raw: number | null,
    bodySize: number | null,
    status: FilterDataStatus,
  ): DataCallbackResult {
    dir.bufferingBody = false;
    if (!this.finishedFlag && !(dir.phase === "response" && this.failureReplySent)) {
      if (status === FilterDataStatus.Continue) {
        dir.current = null;
        if (dir.stopped === "data") {
          const all = concat(dir.buffered, current);
          dir.buffered = EMPTY;
          dir.stopped = "none";
          this.forwardData(dir, all, endOfStream);
        } else {
          this.forwardData(dir, current, endOfStream);
        }
      } else {
        dir.current = new Uint8Array(0);
        dir.stopped = "data";
        if (status === FilterDataStatus.StopIterationNoBuffer) {
          dir.droppedBytes += current.length;
        } else {
          dir.buffered = concat(dir.buffered, current);
          if (status === FilterDataStatus.StopIterationAndBuffer) {
            dir.bufferingBody = true;
            this.overBufferLimit(dir);
          }
        }
      }
    }
    this.host.runDeferred();
    return { called: raw !== null, returned: raw, status, bodySize };
  }

  /** Buffering past the limit: 413 for a request, 500 (or a reset) for a response, as Envoy. */
  private overBufferLimit(dir: Direction): boolean {
    const limit = dir.phase === "request" ? this.decoderBufferLimit : this.encoderBufferLimit;
    if (dir.buffered.length <= limit) return false;
    if (dir.phase === "request") {
      this.sendLocalReply(
        { statusCode: 413, details: "request_payload_too_large", body: toBytes("Payload Too Large"), headers: [], grpcStatus: -1, callback: "" },
        true,
      );
    } else if (this.response.forwarded.headers === null) {
      this.sendLocalReply(
        { statusCode: 500, details: "response_payload_too_large", body: toBytes("Internal Server Error"), headers: [], grpcStatus: -1, callback: "" },
        false,
      );
    } else {
      this.resetStream("response_payload_too_large");
    }
    return true;
  }

  private receiveTrailers(dir: Direction, trailers: HeaderInput): CallbackResult<FilterTrailersStatus> {
    if (this.finishedFlag || dir.endedByFilter) return skipped(FilterTrailersStatus.Continue);
    const map = HeaderMap.from(trailers);
    dir.trailers = map;
    dir.endSeen = true;
    const ctx = this.context;
    if (ctx === null || !ctx.createdInVm || (dir.phase === "response" && this.failureReplySent)) {
      this.forwardTrailers(dir);
      return skipped(FilterTrailersStatus.Continue);
    }
    if (dir.stopped === "headers") {
      dir.pendingTrailers = map;
      return skipped(FilterTrailersStatus.StopIteration);
    }
    return this.deliverTrailers(dir);
  }

  private deliverTrailers(dir: Direction): CallbackResult<FilterTrailersStatus> {
    const ctx = this.context as ContextState;
    const map = dir.trailers as HeaderMap;
    let raw: number | null = null;
    let status: FilterTrailersStatus;
    if (this.vmFailed()) {
      status = this.host.options.failOpen ? FilterTrailersStatus.Continue : FilterTrailersStatus.StopIteration;
    } else {
      dir.trailersAccessible = true;
      const r = this.host.invoke(ctx, this.names(dir).trailers, ctx.id, map.size);
      raw = r.called ? r.raw : null;
      if (this.vmFailed()) {
        status = this.host.options.failOpen ? FilterTrailersStatus.Continue : FilterTrailersStatus.StopIteration;
      } else {
        status = r.called ? convertTrailersStatus(r.raw, r.stopNext) : FilterTrailersStatus.Continue;
      }
    }
    if (status === FilterTrailersStatus.Continue) dir.trailersAccessible = false;
    if (!this.finishedFlag && !(dir.phase === "response" && this.failureReplySent)) {
      if (status === FilterTrailersStatus.Continue) {
        if (dir.stopped === "data") {
          this.forwardData(dir, dir.buffered, false);
          dir.buffered = EMPTY;
        }
        dir.stopped = "none";
        this.forwardTrailers(dir);
      } else {
        dir.stopped = "trailers";
      }
    }
    this.host.runDeferred();
    return { called: raw !== null, returned: raw, status };
  }

  // ---- internals: forwarding ------------------------------------------------------------------

  private forwardHeaders(dir: Direction, endStream = dir.headersEndStream): void {
    const out = dir.forwarded;
    if (out.headers !== null) return;
    out.headers = (dir.headers ?? new HeaderMap()).clone();
    if (endStream) out.endStream = true;
  }

  private forwardData(dir: Direction, data: Uint8Array, endStream: boolean): void {
    const out = dir.forwarded;
    if (out.endStream || out.reset) return;
    if (data.length > 0 || endStream) out.chunks.push(data.slice());
    if (dir.phase === "response") this.bytesSent += data.length;
    if (endStream) out.endStream = true;
  }

  private forwardTrailers(dir: Direction): void {
    const out = dir.forwarded;
    if (out.endStream || out.reset) return;
    out.trailers = (dir.trailers ?? new HeaderMap()).clone();
    out.endStream = true;
  }

  // ---- hostcall support (called by the host for this stream's context) ------------------------

  /** @internal Envoy's getMap: the mutable map, or null when it is not available now. */
  mutableMap(type: number): HeaderMap | null {
    switch (type) {
      case MapType.RequestHeaders:
        return this.request.headersAccessible ? this.request.headers : null;
      case MapType.RequestTrailers:
        return this.request.trailersAccessible ? this.request.trailers : null;
      case MapType.ResponseHeaders:
        return this.response.headersAccessible ? this.response.headers : null;
      case MapType.ResponseTrailers:
        return this.response.trailersAccessible ? this.response.trailers : null;
      default:
        return null;
    }
  }

  /** @internal Envoy's getConstMap: in the access-log phase the logged headers are readable. */
  constMap(type: number): HeaderMap | null {
    if (this.logPhase) {
      if (type === MapType.RequestHeaders) return this.request.headers;
      if (type === MapType.ResponseHeaders) return this.response.headers;
      if (type === MapType.ResponseTrailers) return this.response.trailers;
      return null;
    }
    return this.mutableMap(type);
  }

  /** @internal */
  get inLogPhase(): boolean {
    return this.logPhase;
  }

  /** @internal A request-header change (Envoy clears the route cache unless Higress disabled it). */
  headersModified(type: number): void {
    if (type === MapType.RequestHeaders && !this.routeCacheClearingDisabled) this.routeCacheClears++;
  }

  /** @internal The body buffer a hostcall reads/writes, or null for "no buffer instance". */
  bodyBuffer(phase: Phase): BodyBuffer | null {
    const dir = this.dir(phase);
    if (dir.bufferingBody) {
      return {
        bytes: dir.buffered,
        set: (start, length, data) => {
          const r = copyFrom(dir.buffered, start, length, data);
          if (r.bytes !== undefined) dir.buffered = r.bytes;
          return r.status;
        },
      };
    }
    if (dir.current === null) return null;
    return {
      bytes: dir.current,
      set: (start, length, data) => {
        const r = copyFrom(dir.current ?? EMPTY, start, length, data);
        if (r.bytes !== undefined) dir.current = r.bytes;
        return r.status;
      },
    };
  }

  /** @internal proxy_continue_stream (deferred part runs after the VM call, as in Envoy). */
  continueStream(phase: Phase): void {
    this.host.defer(() => this.resume(this.dir(phase)));
    // Envoy nulls the request-side pointers for both stream types (context.cc continueStream).
    this.request.headersAccessible = false;
    this.request.current = null;
    this.request.trailersAccessible = false;
  }

  /** @internal proxy_close_stream. */
  closeStream(): void {
    this.host.defer(() => this.resetStream("wasm_close_stream"));
  }

  /** @internal proxy_send_local_response: recorded now, sent after the VM call returns. */
  queueLocalResponse(reply: LocalResponse): void {
    this.localResponses.push(reply);
    this.host.defer(() => this.sendLocalReply(reply, true));
  }

  /** @internal proxy_set_property on this stream. */
  setProperty(path: Uint8Array, value: Uint8Array): number {
    const name = latin1(path);
    if (this.host.options.higress) {
      if (name.startsWith("trace_span_tag.")) {
        // Higress's Envoy turns these into span tags; nothing is stored.
        this.spanTags.set(name.slice("trace_span_tag.".length), new TextDecoder().decode(value));
        return 0;
      }
      const text = new TextDecoder().decode(value);
      if (name === "clear_route_cache" && text === "off") this.routeCacheClearingDisabled = true;
      if (name === "set_decoder_buffer_limit" && /^\d+$/.test(text)) this.decoderBufferLimit = Number(text);
      if (name === "set_encoder_buffer_limit" && /^\d+$/.test(text)) this.encoderBufferLimit = Number(text);
    }
    this.filterState.set(`wasm.${name}`, value.slice());
    return 0;
  }

  /** @internal The value of a top-level property name for get_property, in this stream. */
  topLevelProperty(name: string): PropertyNode | undefined {
    if (name === "request") return this.requestNode();
    if (name === "response") return this.responseNode();
    if (name === "filter_state") return this.filterStateNode();
    const configured = this.properties.get(name);
    if (configured !== undefined) return configured;
    const state = this.filterState.get(`wasm.${name}`);
    return state === undefined ? undefined : { kind: "leaf", bytes: state };
  }

  // Envoy's FilterStateWrapper: every filter state object by full name (a CelState as its bytes),
  // walkable but not listable.
  private filterStateNode(): PropertyNode {
    const entries = new Map<string, PropertyNode>();
    for (const [k, v] of this.filterState) entries.set(k, { kind: "leaf", bytes: v });
    return { kind: "map", entries, opaque: true };
  }

  /** @internal Whether a property name exists only with a stream (root contexts get NOT_FOUND). */
  static isStreamScoped(name: string): boolean {
    return STREAM_SCOPED.has(name);
  }

  private visibleHeaders(dir: Direction): HeaderMap | null {
    return dir.headersAccessible || this.logPhase ? dir.headers : null;
  }

  private requestNode(): PropertyNode {
    const h = this.visibleHeaders(this.request);
    const get = (k: string): PropertyNode | undefined => {
      const v = h?.get(k);
      return v === undefined ? undefined : stringNode(v);
    };
    const path = h?.get(":path");
    const q = path?.indexOf("?") ?? -1;
    let size: PropertyNode | undefined = int64Node(this.bytesReceived);
    const contentLength = h?.get("content-length");
    if (contentLength !== undefined) size = /^\d+$/.test(contentLength) ? int64Node(BigInt(contentLength)) : undefined;
    return mapNode({
      headers: headersNode(h),
      path: get(":path"),
      url_path: path === undefined ? undefined : stringNode(q < 0 ? path : path.slice(0, q)),
      host: get(":authority"),
      scheme: get(":scheme"),
      method: get(":method"),
      referer: get("referer"),
      id: get("x-request-id"),
      useragent: get("user-agent"),
      query:
        path === undefined ? undefined : stringNode(q < 0 ? "" : (path.slice(q + 1).split("#")[0] ?? "")),
      time: this.startNanos === null ? undefined : int64Node(this.startNanos),
      size,
      total_size: int64Node(this.bytesReceived + (h?.byteSize() ?? 0)),
      duration:
        this.completeNanos === null || this.startNanos === null
          ? undefined
          : int64Node(this.completeNanos - this.startNanos),
      protocol: stringNode(this.host.options.protocol),
    });
  }

  private responseNode(): PropertyNode {
    const h = this.visibleHeaders(this.response);
    const t = this.logPhase || this.response.trailersAccessible ? this.response.trailers : null;
    return mapNode({
      code: this.responseCode === null ? undefined : int64Node(this.responseCode),
      code_details: this.responseCodeDetails === null ? undefined : stringNode(this.responseCodeDetails),
      flags: int64Node(0),
      size: int64Node(this.bytesSent),
      total_size: int64Node(this.bytesSent + (h?.byteSize() ?? 0) + (t?.byteSize() ?? 0)),
      headers: headersNode(h),
      trailers: headersNode(t),
    });
  }

  // ---- internals: continue, local replies, resets ---------------------------------------------

  private resume(dir: Direction): void {
    if (this.finishedFlag) return;
    if (dir.stopped === "headers") {
      dir.stopped = "none";
      dir.headersAccessible = false;
      this.forwardHeaders(dir);
      // Data held under StopAllIteration is handed to this filter now (iterate_from_current_filter_).
      if (dir.pendingData) {
        const data = dir.pending;
        dir.pending = EMPTY;
        dir.pendingData = false;
        this.deliverData(dir, data, dir.endSeen && dir.pendingTrailers === null);
      }
      const trailers = dir.pendingTrailers;
      if (trailers !== null && dir.stopped === "none") {
        dir.pendingTrailers = null;
        this.deliverTrailers(dir);
      }
    } else if (dir.stopped === "data") {
      dir.stopped = "none";
      dir.bufferingBody = false;
      const data = dir.buffered;
      dir.buffered = EMPTY;
      this.forwardData(dir, data, dir.endSeen && dir.trailers === null);
    } else if (dir.stopped === "trailers") {
      dir.stopped = "none";
      if (dir.buffered.length > 0) this.forwardData(dir, dir.buffered, false);
      dir.buffered = EMPTY;
      this.forwardTrailers(dir);
    }
  }

  private sendFailureReply(): void {
    if (this.failureReplySent) return;
    this.failureReplySent = true;
    this.sendLocalReply(
      { statusCode: 503, details: "wasm_fail_stream", body: EMPTY, headers: [], grpcStatus: 14, callback: "" },
      false,
    );
  }

  /**
   * Envoy's sendLocalReply. Before any response headers exist it goes through the encoder filters,
   * this plugin included; if the upstream response has started but its headers have not been
   * sent, it replaces the response directly; once headers went out, the stream can only be reset.
   */
  private sendLocalReply(reply: LocalResponse, throughFilters: boolean): void {
    if (this.finishedFlag) return;
    const upstreamOut = this.request.forwarded;
    if (!upstreamOut.endStream) upstreamOut.reset = upstreamOut.headers !== null;
    this.request.endedByFilter = true;
    this.request.stopped = "none";
    if (this.response.forwarded.headers !== null) {
      this.resetStream(reply.details);
      return;
    }
    const headers = new HeaderMap();
    headers.add(":status", String(reply.statusCode));
    if (reply.body.length > 0) {
      headers.add("content-length", String(reply.body.length));
      headers.add("content-type", "text/plain");
    }
    for (const [k, v] of reply.headers) headers.add(k, v);
    this.responseCode = reply.statusCode;
    this.responseCodeDetails = reply.details;
    const viaFilters = throughFilters && this.response.headers === null;
    this.response.stopped = "none";
    this.response.bufferingBody = false;
    this.response.buffered = EMPTY;
    if (viaFilters) {
      this.encodeHeaders(headers, reply.body.length === 0);
      if (reply.body.length > 0 && !this.finishedFlag) this.receiveData(this.response, reply.body, true);
    } else {
      this.response.headers = headers;
      this.forwardHeaders(this.response, reply.body.length === 0);
      if (reply.body.length > 0) this.forwardData(this.response, reply.body, true);
    }
    // The stream ends here: Envoy destroys it once the reply is written.
    this.complete();
  }

  private resetStream(details: string): void {
    if (this.finishedFlag) return;
    this.responseCodeDetails ??= details;
    this.request.forwarded.reset = !this.request.forwarded.endStream;
    this.response.forwarded.reset = !this.response.forwarded.endStream;
    this.request.endedByFilter = true;
    this.response.endedByFilter = true;
    this.complete();
  }
}

function skipped<S extends number>(status: S): CallbackResult<S> {
  return { called: false, returned: null, status };
}

function latin1(b: Uint8Array): string {
  let s = "";
  for (let i = 0; i < b.length; i++) s += String.fromCharCode(b[i] as number);
  return s;
}

function headersNode(h: HeaderMap | null): PropertyNode {
  const entries = new Map<string, PropertyNode>();
  if (h !== null) {
    // Envoy's header map wrapper joins repeated headers with ",".
    for (const [k] of h.pairs()) if (!entries.has(k)) entries.set(k, stringNode(h.getAll(k).join(",")));
  }
  return { kind: "map", entries };
}

/** Envoy's Buffer::copyFrom on a body: prepend, replace all, append, or BAD_ARGUMENT. */
function copyFrom(
  current: Uint8Array,
  start: number,
  length: number,
  data: Uint8Array,
): { status: number; bytes?: Uint8Array } {
  const copy = data.slice();
  if (start === 0) {
    if (length === 0) return { status: 0, bytes: concat(copy, current) };
    if (length >= current.length) return { status: 0, bytes: copy };
    return { status: 2 };
  }
  if (start >= current.length) return { status: 0, bytes: concat(current, copy) };
  return { status: 2 };
}
