// The `env.proxy_*` hostcalls, following proxy-wasm-cpp-host src/exports.cc for argument checks
// and memory handling and Envoy's Context for what each does. Every pointer and length comes from
// the plugin: a bad one yields INVALID_MEMORY_ACCESS, never a host exception.
import {
  BUFFER_TYPE_MAX,
  BufferType,
  LOG_LEVEL_NAMES,
  MAP_TYPE_MAX,
  MapType,
  STREAM_TYPE_MAX,
  StreamType,
  WasmResult,
} from "../abi/abi-constants";
import { HeaderMap, bytesToString } from "../headers/header-map";
import { parsePairs, serializePairs, type BytePair } from "../headers/pairs-codec";
import type { ContextState } from "./context-state";
import type { BodyBuffer } from "./http-stream";
import type { ProxyWasmHost } from "./proxy-wasm-host";

const EMPTY = new Uint8Array(0);
const u = (x: number): number => x >>> 0;

/** A buffer with no instance behind it: reads as empty, writes are BAD_ARGUMENT (BufferBase). */
const NO_INSTANCE: BodyBuffer = { bytes: EMPTY, set: () => WasmResult.BadArgument };
const constant = (bytes: Uint8Array): BodyBuffer => ({ bytes, set: () => WasmResult.BadArgument });

export type HostFunction = (...args: never[]) => number | void;

/** Envoy's Context::log into the host's log store. */
export function logFromGuest(host: ProxyWasmHost, level: number, message: Uint8Array, via: "proxy_log" | "fd_write"): void {
  const ctx = host.ctx();
  host.logs.push({
    level,
    levelName: LOG_LEVEL_NAMES[level] ?? "critical",
    message: bytesToString(message),
    contextId: ctx.id,
    callback: host.callbackName,
    via,
    emitted: level >= host.options.logLevel,
  });
}

function getBuffer(host: ProxyWasmHost, ctx: ContextState, type: number): BodyBuffer | null {
  switch (type) {
    case BufferType.HttpRequestBody:
      return ctx.stream?.bodyBuffer("request") ?? NO_INSTANCE;
    case BufferType.HttpResponseBody:
      return ctx.stream?.bodyBuffer("response") ?? NO_INSTANCE;
    case BufferType.DownstreamData:
    case BufferType.UpstreamData:
    case BufferType.GrpcReceiveBuffer:
    case BufferType.CallData:
      return NO_INSTANCE;
    case BufferType.HttpCallResponseBody:
      return host.httpCallResponse === null ? null : constant(host.httpCallResponse.body);
    case BufferType.VmConfiguration:
      return constant(host.options.vmConfig);
    case BufferType.PluginConfiguration:
      return ctx.pluginConfigVisible ? constant(host.options.pluginConfig) : null;
    default:
      return null;
  }
}

function constMapPairs(host: ProxyWasmHost, ctx: ContextState, type: number): BytePair[] {
  if (type === MapType.HttpCallResponseHeaders) return host.httpCallResponse?.headers ?? [];
  if (type === MapType.HttpCallResponseTrailers) return host.httpCallResponse?.trailers ?? [];
  return ctx.stream?.constMap(type)?.bytePairs() ?? [];
}

function constMapGet(host: ProxyWasmHost, ctx: ContextState, type: number, key: Uint8Array): { map: boolean; value?: Uint8Array } {
  if (type === MapType.HttpCallResponseHeaders || type === MapType.HttpCallResponseTrailers) {
    const r = host.httpCallResponse;
    if (r === null) return { map: false };
    const map = HeaderMap.from([]);
    for (const [k, v] of type === MapType.HttpCallResponseHeaders ? r.headers : r.trailers) map.add(k, v);
    const value = map.getBytes(key);
    return value === undefined ? { map: true } : { map: true, value };
  }
  const map = ctx.stream?.constMap(type) ?? null;
  if (map === null) return { map: false };
  const value = map.getBytes(key);
  return value === undefined ? { map: true } : { map: true, value };
}

export function createEnvImports(host: ProxyWasmHost): Record<string, HostFunction> {
  const mem = (): ProxyWasmHost["mem"] => host.mem;
  const read = (ptr: number, len: number): Uint8Array | null => mem().read(u(ptr), u(len));

  const imports: Record<string, HostFunction> = {
    pthread_equal: (a: number, b: number) => (a === b ? 1 : 0),
    emscripten_notify_memory_growth: () => {},

    proxy_log: (level: number, ptr: number, size: number) => {
      if (u(level) > 5) return WasmResult.BadArgument;
      const message = read(ptr, size);
      if (message === null) return WasmResult.InvalidMemoryAccess;
      logFromGuest(host, u(level), message, "proxy_log");
      return WasmResult.Ok;
    },

    proxy_get_log_level: (ptr: number) =>
      mem().writeU32(u(ptr), host.options.logLevel) ? WasmResult.Ok : WasmResult.InvalidMemoryAccess,

    proxy_get_status: (codePtr: number, msgPtrPtr: number, msgSizePtr: number) => {
      if (!mem().writeU32(u(codePtr), 0)) return WasmResult.InvalidMemoryAccess;
      return host.copyOut(EMPTY, u(msgPtrPtr), u(msgSizePtr)) ? WasmResult.Ok : WasmResult.InvalidMemoryAccess;
    },

    proxy_set_property: (pathPtr: number, pathSize: number, valuePtr: number, valueSize: number) => {
      const path = read(pathPtr, pathSize);
      const value = read(valuePtr, valueSize);
      if (path === null || value === null) return WasmResult.InvalidMemoryAccess;
      const stream = host.ctx().stream;
      // No StreamInfo (the root context): Envoy returns NOT_FOUND.
      if (stream === null) return WasmResult.NotFound;
      return stream.setProperty(path, value);
    },

    proxy_get_property: (pathPtr: number, pathSize: number, valuePtrPtr: number, valueSizePtr: number) => {
      const path = read(pathPtr, pathSize);
      if (path === null) return WasmResult.InvalidMemoryAccess;
      const r = host.getProperty(host.ctx(), path);
      if (r.status !== WasmResult.Ok || r.value === undefined) return r.status;
      return host.copyOut(r.value, u(valuePtrPtr), u(valueSizePtr)) ? WasmResult.Ok : WasmResult.InvalidMemoryAccess;
    },

    proxy_continue_stream: (type: number) => {
      if (u(type) > STREAM_TYPE_MAX) return WasmResult.BadArgument;
      if (u(type) === StreamType.Upstream) return WasmResult.Unimplemented;
      const stream = host.ctx().stream;
      if (stream !== null && u(type) <= StreamType.Response) {
        stream.continueStream(u(type) === StreamType.Request ? "request" : "response");
      }
      return WasmResult.Ok;
    },

    proxy_close_stream: (type: number) => {
      if (u(type) > STREAM_TYPE_MAX) return WasmResult.BadArgument;
      const stream = host.ctx().stream;
      if (stream !== null && u(type) <= StreamType.Response) stream.closeStream();
      return WasmResult.Ok;
    },

    proxy_send_local_response: (
      statusCode: number,
      detailsPtr: number,
      detailsSize: number,
      bodyPtr: number,
      bodySize: number,
      headersPtr: number,
      headersSize: number,
      grpcStatus: number,
    ) => {
      const details = read(detailsPtr, detailsSize);
      const body = read(bodyPtr, bodySize);
      const headerBytes = read(headersPtr, headersSize);
      if (details === null || body === null || headerBytes === null) return WasmResult.InvalidMemoryAccess;
      const stream = host.ctx().stream;
      if (stream !== null) {
        stream.queueLocalResponse({
          statusCode: u(statusCode),
          // Envoy replaces whitespace in details with underscores.
          details: bytesToString(details).replace(/\s/g, "_"),
          body,
          headers: parsePairs(headerBytes).map(([k, v]) => [bytesToString(k), bytesToString(v)]),
          grpcStatus: grpcStatus | 0,
          callback: host.callbackName,
        });
      }
      host.stopNext = true;
      return WasmResult.Ok;
    },

    proxy_get_shared_data: (keyPtr: number, keySize: number, valuePtrPtr: number, valueSizePtr: number, casPtr: number) => {
      const key = read(keyPtr, keySize);
      if (key === null) return WasmResult.InvalidMemoryAccess;
      const entry = host.sharedData.get(bytesToString(key));
      if (entry === undefined) return WasmResult.NotFound;
      if (!host.copyOut(entry.value, u(valuePtrPtr), u(valueSizePtr))) return WasmResult.InvalidMemoryAccess;
      return mem().writeU32(u(casPtr), entry.cas) ? WasmResult.Ok : WasmResult.InvalidMemoryAccess;
    },

    proxy_set_shared_data: (keyPtr: number, keySize: number, valuePtr: number, valueSize: number, cas: number) => {
      const key = read(keyPtr, keySize);
      const value = read(valuePtr, valueSize);
      if (key === null || value === null) return WasmResult.InvalidMemoryAccess;
      const k = bytesToString(key);
      const entry = host.sharedData.get(k);
      if (u(cas) !== 0 && entry !== undefined && entry.cas !== u(cas)) return WasmResult.CasMismatch;
      host.sharedData.set(k, { value, cas: host.nextCas++ });
      return WasmResult.Ok;
    },

    proxy_register_shared_queue: (namePtr: number, nameSize: number, tokenPtr: number) => {
      const name = read(namePtr, nameSize);
      if (name === null) return WasmResult.InvalidMemoryAccess;
      const n = bytesToString(name);
      let token = [...host.queues].find(([, q]) => q.name === n)?.[0];
      if (token === undefined) {
        token = host.queues.size + 1;
        host.queues.set(token, { name: n, items: [] });
      }
      return mem().writeU32(u(tokenPtr), token) ? WasmResult.Ok : WasmResult.InvalidMemoryAccess;
    },

    proxy_resolve_shared_queue: (vmIdPtr: number, vmIdSize: number, namePtr: number, nameSize: number, tokenPtr: number) => {
      const vmId = read(vmIdPtr, vmIdSize);
      const name = read(namePtr, nameSize);
      if (vmId === null || name === null) return WasmResult.InvalidMemoryAccess;
      const n = bytesToString(name);
      const token = [...host.queues].find(([, q]) => q.name === n)?.[0];
      if (token === undefined) return WasmResult.NotFound;
      return mem().writeU32(u(tokenPtr), token) ? WasmResult.Ok : WasmResult.InvalidMemoryAccess;
    },

    proxy_enqueue_shared_queue: (token: number, dataPtr: number, dataSize: number) => {
      const data = read(dataPtr, dataSize);
      if (data === null) return WasmResult.InvalidMemoryAccess;
      const q = host.queues.get(u(token));
      if (q === undefined) return WasmResult.NotFound;
      q.items.push(data);
      return WasmResult.Ok;
    },

    proxy_dequeue_shared_queue: (token: number, dataPtrPtr: number, dataSizePtr: number) => {
      const q = host.queues.get(u(token));
      if (q === undefined) return WasmResult.NotFound;
      const item = q.items.shift();
      if (item === undefined) return WasmResult.Empty;
      return host.copyOut(item, u(dataPtrPtr), u(dataSizePtr)) ? WasmResult.Ok : WasmResult.InvalidMemoryAccess;
    },

    proxy_get_header_map_value: (type: number, keyPtr: number, keySize: number, valuePtrPtr: number, valueSizePtr: number) => {
      if (u(type) > MAP_TYPE_MAX) return WasmResult.BadArgument;
      const key = read(keyPtr, keySize);
      if (key === null) return WasmResult.InvalidMemoryAccess;
      const ctx = host.ctx();
      const r = constMapGet(host, ctx, u(type), key);
      if (!r.map) {
        // Maps may be gone in the access-log phase (NOT_FOUND); otherwise the map is not available now.
        return ctx.stream?.inLogPhase === true ? WasmResult.NotFound : WasmResult.BadArgument;
      }
      if (r.value === undefined) return WasmResult.NotFound;
      return host.copyOut(r.value, u(valuePtrPtr), u(valueSizePtr)) ? WasmResult.Ok : WasmResult.InvalidMemoryAccess;
    },

    proxy_add_header_map_value: (type: number, keyPtr: number, keySize: number, valuePtr: number, valueSize: number) => {
      if (u(type) > MAP_TYPE_MAX) return WasmResult.BadArgument;
      const key = read(keyPtr, keySize);
      const value = read(valuePtr, valueSize);
      if (key === null || value === null) return WasmResult.InvalidMemoryAccess;
      const stream = host.ctx().stream;
      const map = stream?.mutableMap(u(type)) ?? null;
      if (stream === null || stream === undefined || map === null) return WasmResult.BadArgument;
      map.add(key, value);
      stream.headersModified(u(type));
      return WasmResult.Ok;
    },

    proxy_replace_header_map_value: (type: number, keyPtr: number, keySize: number, valuePtr: number, valueSize: number) => {
      if (u(type) > MAP_TYPE_MAX) return WasmResult.BadArgument;
      const key = read(keyPtr, keySize);
      const value = read(valuePtr, valueSize);
      if (key === null || value === null) return WasmResult.InvalidMemoryAccess;
      const stream = host.ctx().stream;
      const map = stream?.mutableMap(u(type)) ?? null;
      if (stream === null || stream === undefined || map === null) return WasmResult.BadArgument;
      map.replace(key, value);
      stream.headersModified(u(type));
      return WasmResult.Ok;
    },

    proxy_remove_header_map_value: (type: number, keyPtr: number, keySize: number) => {
      if (u(type) > MAP_TYPE_MAX) return WasmResult.BadArgument;
      const key = read(keyPtr, keySize);
      if (key === null) return WasmResult.InvalidMemoryAccess;
      const stream = host.ctx().stream;
      const map = stream?.mutableMap(u(type)) ?? null;
      if (stream === null || stream === undefined || map === null) return WasmResult.BadArgument;
      map.remove(key);
      stream.headersModified(u(type));
      return WasmResult.Ok;
    },

    proxy_get_header_map_pairs: (type: number, ptrPtr: number, sizePtr: number) => {
      if (u(type) > MAP_TYPE_MAX) return WasmResult.BadArgument;
      const pairs = constMapPairs(host, host.ctx(), u(type));
      const bytes = pairs.length === 0 ? EMPTY : serializePairs(pairs);
      return host.copyOut(bytes, u(ptrPtr), u(sizePtr)) ? WasmResult.Ok : WasmResult.InvalidMemoryAccess;
    },

    proxy_set_header_map_pairs: (type: number, ptr: number, size: number) => {
      if (u(type) > MAP_TYPE_MAX) return WasmResult.BadArgument;
      const data = read(ptr, size);
      if (data === null) return WasmResult.InvalidMemoryAccess;
      const stream = host.ctx().stream;
      const map = stream?.mutableMap(u(type)) ?? null;
      if (stream === null || stream === undefined || map === null) return WasmResult.BadArgument;
      map.clear();
      for (const [k, v] of parsePairs(data)) map.add(k, v);
      stream.headersModified(u(type));
      return WasmResult.Ok;
    },

    proxy_get_header_map_size: (type: number, sizePtr: number) => {
      if (u(type) > MAP_TYPE_MAX) return WasmResult.BadArgument;
      const map = host.ctx().stream?.mutableMap(u(type)) ?? null;
      if (map === null) return WasmResult.BadArgument;
      return mem().writeU32(u(sizePtr), map.byteSize()) ? WasmResult.Ok : WasmResult.InvalidMemoryAccess;
    },

    proxy_get_buffer_bytes: (type: number, start: number, length: number, ptrPtr: number, sizePtr: number) => {
      if (u(type) > BUFFER_TYPE_MAX) return WasmResult.BadArgument;
      const buffer = getBuffer(host, host.ctx(), u(type));
      if (buffer === null) return WasmResult.NotFound;
      const size = buffer.bytes.length;
      const s = u(start);
      let n = u(length);
      // Start and length are 32-bit values held in 64-bit words, so start + length cannot overflow.
      if (s > size) n = 0;
      else if (s + n > size) n = size - s;
      if (n === 0) {
        return mem().writeU32(u(ptrPtr), 0) && mem().writeU32(u(sizePtr), 0) ? WasmResult.Ok : WasmResult.InvalidMemoryAccess;
      }
      return host.copyOut(buffer.bytes.subarray(s, s + n), u(ptrPtr), u(sizePtr))
        ? WasmResult.Ok
        : WasmResult.InvalidMemoryAccess;
    },

    proxy_get_buffer_status: (type: number, lengthPtr: number, flagsPtr: number) => {
      if (u(type) > BUFFER_TYPE_MAX) return WasmResult.BadArgument;
      const buffer = getBuffer(host, host.ctx(), u(type));
      if (buffer === null) return WasmResult.NotFound;
      if (!mem().writeU32(u(lengthPtr), buffer.bytes.length)) return WasmResult.InvalidMemoryAccess;
      return mem().writeU32(u(flagsPtr), 0) ? WasmResult.Ok : WasmResult.InvalidMemoryAccess;
    },

    proxy_set_buffer_bytes: (type: number, start: number, length: number, dataPtr: number, dataSize: number) => {
      if (u(type) > BUFFER_TYPE_MAX) return WasmResult.BadArgument;
      const buffer = getBuffer(host, host.ctx(), u(type));
      if (buffer === null) return WasmResult.NotFound;
      const data = read(dataPtr, dataSize);
      if (data === null) return WasmResult.InvalidMemoryAccess;
      return buffer.set(u(start), u(length), data);
    },

    proxy_http_call: (
      uriPtr: number,
      uriSize: number,
      headersPtr: number,
      headersSize: number,
      bodyPtr: number,
      bodySize: number,
      trailersPtr: number,
      trailersSize: number,
      timeoutMs: number,
      tokenPtr: number,
    ) => {
      const uri = read(uriPtr, uriSize);
      const body = read(bodyPtr, bodySize);
      const headerBytes = read(headersPtr, headersSize);
      const trailerBytes = read(trailersPtr, trailersSize);
      if (uri === null || body === null || headerBytes === null || trailerBytes === null) {
        return WasmResult.InvalidMemoryAccess;
      }
      if (!mem().writeU32(u(tokenPtr), 0)) return WasmResult.InvalidMemoryAccess;
      const cluster = bytesToString(uri);
      const clusters = host.options.clusters;
      if ((timeoutMs | 0) < 0 || (clusters !== undefined && !clusters.includes(cluster))) return WasmResult.BadArgument;
      const headers = parsePairs(headerBytes).map(([k, v]) => [bytesToString(k).toLowerCase(), bytesToString(v)] as [string, string]);
      const has = (k: string): boolean => headers.some(([hk]) => hk === k);
      if (!has(":path") || !has(":method") || !has(":authority")) return WasmResult.BadArgument;
      const token = host.nextHttpCallId();
      host.httpCalls.push({
        token,
        contextId: host.rootContext()?.id ?? 0,
        cluster,
        headers,
        body,
        trailers: parsePairs(trailerBytes).map(([k, v]) => [bytesToString(k), bytesToString(v)]),
        timeoutMs: u(timeoutMs),
      });
      mem().writeU32(u(tokenPtr), token);
      return WasmResult.Ok;
    },

    // gRPC callouts are not emulated.
    proxy_grpc_call: () => WasmResult.Unimplemented,
    proxy_grpc_stream: () => WasmResult.Unimplemented,
    proxy_grpc_send: () => WasmResult.Unimplemented,
    proxy_grpc_cancel: () => WasmResult.Unimplemented,
    proxy_grpc_close: () => WasmResult.Unimplemented,

    proxy_set_tick_period_milliseconds: (period: number) => {
      host.tickPeriod = u(period);
      return WasmResult.Ok;
    },

    proxy_get_current_time_nanoseconds: (ptr: number) =>
      mem().writeU64(u(ptr), host.clock.nowNanos()) ? WasmResult.Ok : WasmResult.InvalidMemoryAccess,

    proxy_define_metric: (type: number, namePtr: number, nameSize: number, idPtr: number) => {
      const name = read(namePtr, nameSize);
      if (name === null) return WasmResult.InvalidMemoryAccess;
      const r = host.metrics.define(u(type), bytesToString(name));
      if (r.status !== WasmResult.Ok || r.id === undefined) return r.status;
      return mem().writeU32(u(idPtr), r.id) ? WasmResult.Ok : WasmResult.InvalidMemoryAccess;
    },

    proxy_increment_metric: (id: number, delta: bigint) => host.metrics.increment(u(id), BigInt.asIntN(64, delta)),

    proxy_record_metric: (id: number, value: bigint) => host.metrics.record(u(id), BigInt.asUintN(64, value)),

    proxy_get_metric: (id: number, resultPtr: number) => {
      const r = host.metrics.get(u(id));
      if (r.status !== WasmResult.Ok || r.value === undefined) return r.status;
      return mem().writeU64(u(resultPtr), r.value) ? WasmResult.Ok : WasmResult.InvalidMemoryAccess;
    },

    proxy_set_effective_context: (id: number) => {
      if (host.context(u(id)) === undefined) return WasmResult.BadArgument;
      host.effectiveId = u(id);
      return WasmResult.Ok;
    },

    proxy_done: () => host.done(host.ctx()),

    proxy_call_foreign_function: (
      namePtr: number,
      nameSize: number,
      argsPtr: number,
      argsSize: number,
      resultsPtrPtr: number,
      resultsSizePtr: number,
    ) => {
      const name = read(namePtr, nameSize);
      if (name === null) return WasmResult.InvalidMemoryAccess;
      const args = read(argsPtr, argsSize);
      if (args === null) return WasmResult.InvalidMemoryAccess;
      const fn = host.foreignFunction(bytesToString(name));
      if (fn === undefined) return WasmResult.NotFound;
      const out = fn(args, host);
      const { status, result } = out instanceof Uint8Array ? { status: WasmResult.Ok as number, result: out } : out;
      let address = 0;
      const size = result?.length ?? 0;
      if (result !== undefined && size > 0 && u(resultsPtrPtr) !== 0) {
        address = host.alloc(size);
        if (address !== 0) mem().write(address, result);
      }
      if (u(resultsPtrPtr) !== 0 && !mem().writeU32(u(resultsPtrPtr), address)) return WasmResult.InvalidMemoryAccess;
      if (u(resultsSizePtr) !== 0 && !mem().writeU32(u(resultsSizePtr), size)) return WasmResult.InvalidMemoryAccess;
      return status;
    },
  };
  return imports;
}
