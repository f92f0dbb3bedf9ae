// Thin bindings to the Proxy-Wasm ABI 0.2.1 hostcalls the plugin uses, and nothing else: asc only
// emits imports that are referenced, and every import must be one Envoy provides with exactly this
// type (an unknown or mistyped import makes Envoy refuse the module). Values the host returns come
// through `malloc` (exported by index.ts) as a (pointer, size) pair written to OUT.

// @ts-ignore: decorator
@external("env", "proxy_log")
declare function proxy_log(level: i32, ptr: usize, size: usize): i32;
// @ts-ignore: decorator
@external("env", "proxy_get_current_time_nanoseconds")
declare function proxy_get_current_time_nanoseconds(out: usize): i32;
// @ts-ignore: decorator
@external("env", "proxy_get_buffer_bytes")
declare function proxy_get_buffer_bytes(type: i32, start: i32, maxSize: i32, outPtr: usize, outSize: usize): i32;
// @ts-ignore: decorator
@external("env", "proxy_get_header_map_pairs")
declare function proxy_get_header_map_pairs(type: i32, outPtr: usize, outSize: usize): i32;
// @ts-ignore: decorator
@external("env", "proxy_get_property")
declare function proxy_get_property(pathPtr: usize, pathSize: usize, outPtr: usize, outSize: usize): i32;
// @ts-ignore: decorator
@external("env", "proxy_set_property")
declare function proxy_set_property(pathPtr: usize, pathSize: usize, valuePtr: usize, valueSize: usize): i32;
// @ts-ignore: decorator
@external("env", "proxy_define_metric")
declare function proxy_define_metric(type: i32, namePtr: usize, nameSize: usize, outId: usize): i32;
// @ts-ignore: decorator
@external("env", "proxy_increment_metric")
declare function proxy_increment_metric(id: i32, delta: i64): i32;

export const STATUS_OK: i32 = 0;

export const LOG_DEBUG: i32 = 1;
export const LOG_INFO: i32 = 2;
export const LOG_WARN: i32 = 3;
export const LOG_ERROR: i32 = 4;
export const LOG_CRITICAL: i32 = 5;

export const BUFFER_REQUEST_BODY: i32 = 0;
export const BUFFER_RESPONSE_BODY: i32 = 1;
export const BUFFER_PLUGIN_CONFIGURATION: i32 = 7;

export const MAP_REQUEST_HEADERS: i32 = 0;
export const MAP_RESPONSE_HEADERS: i32 = 2;

const METRIC_COUNTER: i32 = 0;

// Out-parameters of hostcalls: a static data segment, so no allocation and no start function.
const OUT: usize = memory.data(16);

/** Pointer half of the last (pointer, size) answer. */
export function outPtr(): usize {
  return <usize>load<u32>(OUT);
}

/** Size half of the last (pointer, size) answer. */
export function outSize(): i32 {
  return <i32>load<u32>(OUT, 4);
}

export function logText(level: i32, text: string): void {
  const bytes = String.UTF8.encode(text);
  proxy_log(level, changetype<usize>(bytes), <usize>bytes.byteLength);
}

/**
 * Host time in whole milliseconds (Envoy's real-time clock; the test host's manual clock), as
 * Higress's time.Now().UnixMilli(). Divided as integers: epoch nanoseconds exceed f64's 53 bits.
 */
export function nowMs(): f64 {
  if (proxy_get_current_time_nanoseconds(OUT) != STATUS_OK) return 0;
  return <f64>(load<u64>(OUT) / 1_000_000);
}

/** Asks for up to `maxSize` bytes of a buffer; the answer is at outPtr()/outSize() on STATUS_OK. */
export function getBufferBytes(type: i32, maxSize: i32): i32 {
  store<u64>(OUT, 0);
  return proxy_get_buffer_bytes(type, 0, maxSize, OUT, OUT + 4);
}

/** The serialized header map (u32 count, count × (u32 key size, u32 value size), NUL-terminated bytes). */
export function getHeaderPairs(type: i32): i32 {
  store<u64>(OUT, 0);
  return proxy_get_header_map_pairs(type, OUT, OUT + 4);
}

/** A property as text ("" when missing). */
export function getPropertyText(path: string): string {
  const p = String.UTF8.encode(path);
  store<u64>(OUT, 0);
  if (proxy_get_property(changetype<usize>(p), <usize>p.byteLength, OUT, OUT + 4) != STATUS_OK) return "";
  const ptr = outPtr();
  const size = outSize();
  if (ptr == 0) return "";
  const text = String.UTF8.decodeUnsafe(ptr, <usize>size);
  heap.free(ptr);
  return text;
}

/**
 * proxy_get_property of the path at [pathPtr, pathPtr + pathLen); on STATUS_OK the value (copied
 * through malloc) is at outPtr()/outSize(), (0, 0) when empty.
 */
export function getPropertyAt(pathPtr: usize, pathLen: i32): i32 {
  store<u64>(OUT, 0);
  return proxy_get_property(pathPtr, <usize>pathLen, OUT, OUT + 4);
}

/** Sets a property (Envoy: filter state `wasm.<path>`; Higress: `trace_span_tag.<k>` is a span tag). */
export function setProperty(path: string, value: ArrayBuffer): void {
  const p = String.UTF8.encode(path);
  proxy_set_property(changetype<usize>(p), <usize>p.byteLength, changetype<usize>(value), <usize>value.byteLength);
}

/** proxy_set_property with the value's bytes at [ptr, ptr + len). */
export function setPropertyBytes(path: string, ptr: usize, len: i32): void {
  const p = String.UTF8.encode(path);
  proxy_set_property(changetype<usize>(p), <usize>p.byteLength, ptr, <usize>len);
}

/** Defines a counter; returns its id, or -1 when the host refused. */
export function defineCounter(name: string): i32 {
  const n = String.UTF8.encode(name);
  store<u32>(OUT, 0);
  if (proxy_define_metric(METRIC_COUNTER, changetype<usize>(n), <usize>n.byteLength, OUT) != STATUS_OK) return -1;
  return <i32>load<u32>(OUT);
}

export function incrementCounter(id: i32, delta: i64): void {
  proxy_increment_metric(id, delta);
}
