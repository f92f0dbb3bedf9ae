// Wasm function types of everything a Proxy-Wasm host links: the `env.proxy_*` hostcalls and the
// WASI subset it provides (imports), and the callbacks it looks up (exports). Envoy compares a
// module's import and export types with these exactly and refuses a module that differs, so the
// host checks them too (proxy-wasm-cpp-host src/v8/v8.cc link() / getModuleFunctionImpl()).
import type { AbiVersion } from "./abi-constants";

export type ValType = "i32" | "i64" | "f32" | "f64";

export interface FuncSignature {
  readonly params: readonly ValType[];
  readonly results: readonly ValType[];
}

const i32s = (n: number): ValType[] => Array.from({ length: n }, () => "i32" as const);
/** n i32 params returning i32 (a proxy_status_t or a WASI errno). */
const word = (n: number): FuncSignature => ({ params: i32s(n), results: ["i32"] });
const sig = (params: ValType[], results: ValType[]): FuncSignature => ({ params, results });

/** Hostcalls every ABI gets (proxy-wasm-cpp-host FOR_ALL_HOST_FUNCTIONS), without the `proxy_` prefix. */
const COMMON_PROXY_FUNCTIONS: Record<string, FuncSignature> = {
  log: word(3),
  get_status: word(3),
  set_property: word(4),
  get_property: word(4),
  send_local_response: word(8),
  get_shared_data: word(5),
  set_shared_data: word(5),
  register_shared_queue: word(3),
  resolve_shared_queue: word(5),
  dequeue_shared_queue: word(3),
  enqueue_shared_queue: word(3),
  get_header_map_value: word(5),
  add_header_map_value: word(5),
  replace_header_map_value: word(5),
  remove_header_map_value: word(3),
  get_header_map_pairs: word(3),
  set_header_map_pairs: word(3),
  get_header_map_size: word(2),
  get_buffer_status: word(3),
  get_buffer_bytes: word(5),
  set_buffer_bytes: word(5),
  http_call: word(10),
  grpc_call: word(12),
  grpc_stream: word(9),
  grpc_close: word(1),
  grpc_cancel: word(1),
  grpc_send: word(4),
  set_tick_period_milliseconds: word(1),
  get_current_time_nanoseconds: word(1),
  define_metric: word(4),
  increment_metric: sig(["i32", "i64"], ["i32"]),
  record_metric: sig(["i32", "i64"], ["i32"]),
  get_metric: word(2),
  set_effective_context: word(1),
  done: word(0),
  call_foreign_function: word(6),
};

/** Hostcalls registered only for some ABI versions (proxy-wasm-cpp-host registerCallbacks()). */
function abiSpecificProxyFunctions(abi: AbiVersion): Record<string, FuncSignature> {
  if (abi === "0.1.0") {
    return {
      get_configuration: word(2),
      continue_request: word(0),
      continue_response: word(0),
      clear_route_cache: word(0),
    };
  }
  if (abi === "0.2.0") return { continue_stream: word(1), close_stream: word(1) };
  return { continue_stream: word(1), close_stream: word(1), get_log_level: word(1) };
}

/** The WASI functions Envoy provides (FOR_ALL_WASI_FUNCTIONS), in both WASI module names. */
export const WASI_FUNCTIONS: Record<string, FuncSignature> = {
  fd_write: word(4),
  fd_read: word(4),
  fd_seek: sig(["i32", "i64", "i32", "i32"], ["i32"]),
  fd_close: word(1),
  fd_fdstat_get: word(2),
  environ_get: word(2),
  environ_sizes_get: word(2),
  args_get: word(2),
  args_sizes_get: word(2),
  clock_time_get: sig(["i32", "i64", "i32"], ["i32"]),
  random_get: word(2),
  proc_exit: sig(["i32"], []),
  path_open: sig(["i32", "i32", "i32", "i32", "i32", "i64", "i64", "i32", "i32"], ["i32"]),
  fd_prestat_get: word(2),
  fd_prestat_dir_name: word(3),
};

export const WASI_MODULES = ["wasi_snapshot_preview1", "wasi_unstable"] as const;

/**
 * Every import a module of the given ABI version may have, keyed "module.name". A module
 * importing anything else fails to load, as in Envoy.
 */
export function hostImportTable(abi: AbiVersion): Map<string, FuncSignature> {
  const table = new Map<string, FuncSignature>();
  // Registered unconditionally by proxy-wasm-cpp-host for emscripten-built modules.
  table.set("env.pthread_equal", word(2));
  table.set("env.emscripten_notify_memory_growth", sig(["i32"], []));
  for (const [name, s] of Object.entries(COMMON_PROXY_FUNCTIONS)) table.set(`env.proxy_${name}`, s);
  for (const [name, s] of Object.entries(abiSpecificProxyFunctions(abi))) table.set(`env.proxy_${name}`, s);
  for (const module of WASI_MODULES) {
    for (const [name, s] of Object.entries(WASI_FUNCTIONS)) table.set(`${module}.${name}`, s);
  }
  return table;
}

/**
 * Types of the exports the host looks up (proxy-wasm-cpp-host FOR_ALL_MODULE_FUNCTIONS plus the
 * start functions and malloc). An export with one of these names but another type makes Envoy
 * refuse the module ("Bad function signature for: …").
 */
export const CALLBACK_SIGNATURES: Readonly<Record<string, FuncSignature>> = {
  _initialize: sig([], []),
  _start: sig([], []),
  main: word(2),
  malloc: word(1),
  proxy_on_memory_allocate: word(1),
  proxy_on_context_create: sig(i32s(2), []),
  proxy_on_vm_start: word(2),
  proxy_on_configure: word(2),
  proxy_validate_configuration: word(2),
  proxy_on_tick: sig(i32s(1), []),
  proxy_on_request_headers: word(3),
  proxy_on_request_body: word(3),
  proxy_on_request_trailers: word(2),
  proxy_on_request_metadata: word(2),
  proxy_on_response_headers: word(3),
  proxy_on_response_body: word(3),
  proxy_on_response_trailers: word(2),
  proxy_on_response_metadata: word(2),
  proxy_on_done: word(1),
  proxy_on_log: sig(i32s(1), []),
  proxy_on_delete: sig(i32s(1), []),
  proxy_on_http_call_response: sig(i32s(5), []),
  proxy_on_grpc_receive_initial_metadata: sig(i32s(3), []),
  proxy_on_grpc_receive: sig(i32s(3), []),
  proxy_on_grpc_receive_trailing_metadata: sig(i32s(3), []),
  proxy_on_grpc_close: sig(i32s(3), []),
  proxy_on_queue_ready: sig(i32s(2), []),
  proxy_on_foreign_function: sig(i32s(3), []),
  proxy_on_new_connection: word(1),
  proxy_on_downstream_data: word(3),
  proxy_on_upstream_data: word(3),
  proxy_on_downstream_connection_close: sig(i32s(2), []),
  proxy_on_upstream_connection_close: sig(i32s(2), []),
};

/** "i32 i64 -> i32", the way V8's link errors print a function type ("void" when empty). */
export function formatSignature(s: FuncSignature): string {
  const list = (types: readonly ValType[]): string => (types.length === 0 ? "void" : types.join(" "));
  return `${list(s.params)} -> ${list(s.results)}`;
}

export function sameSignature(a: FuncSignature, b: FuncSignature): boolean {
  return (
    a.params.length === b.params.length &&
    a.results.length === b.results.length &&
    a.params.every((t, i) => t === b.params[i]) &&
    a.results.every((t, i) => t === b.results[i])
  );
}
