// Builds small Proxy-Wasm guest modules from WAT for the host's own tests. Every guest gets the
// same frame: an exported memory, a bump-allocating malloc that grows memory when it must, the
// ABI marker, every env hostcall imported with its real type, and a record area where callbacks
// append i32 values (`call $rec`) for the test to read back with `records(host)`.
import wabtInit from "wabt";
import type { ProxyWasmHost } from "../host/proxy-wasm-host";

/** Where hostcalls in test guests write their out-values. */
export const OUT_PTR = 16;
export const OUT_SIZE = 20;
export const OUT_U64 = 24;
export const OUT_U32 = 32;
const RECORDS = 1024;
const DATA_START = 8192;

type Wabt = Awaited<ReturnType<typeof wabtInit>>;
let wabt: Promise<Wabt> | undefined;

export async function watToWasm(text: string): Promise<Uint8Array> {
  wabt ??= wabtInit();
  const w = await wabt;
  const module = w.parseWat("guest.wat", text, { mutable_globals: true, sign_extension: true, bulk_memory: true });
  try {
    return module.toBinary({}).buffer;
  } finally {
    module.destroy();
  }
}

/** The env imports of ABI 0.2.1, by WAT signature. */
export const HOSTCALL_IMPORTS = `
  (import "env" "proxy_log" (func $proxy_log (param i32 i32 i32) (result i32)))
  (import "env" "proxy_get_log_level" (func $proxy_get_log_level (param i32) (result i32)))
  (import "env" "proxy_get_status" (func $proxy_get_status (param i32 i32 i32) (result i32)))
  (import "env" "proxy_set_property" (func $proxy_set_property (param i32 i32 i32 i32) (result i32)))
  (import "env" "proxy_get_property" (func $proxy_get_property (param i32 i32 i32 i32) (result i32)))
  (import "env" "proxy_continue_stream" (func $proxy_continue_stream (param i32) (result i32)))
  (import "env" "proxy_close_stream" (func $proxy_close_stream (param i32) (result i32)))
  (import "env" "proxy_send_local_response" (func $proxy_send_local_response (param i32 i32 i32 i32 i32 i32 i32 i32) (result i32)))
  (import "env" "proxy_get_shared_data" (func $proxy_get_shared_data (param i32 i32 i32 i32 i32) (result i32)))
  (import "env" "proxy_set_shared_data" (func $proxy_set_shared_data (param i32 i32 i32 i32 i32) (result i32)))
  (import "env" "proxy_register_shared_queue" (func $proxy_register_shared_queue (param i32 i32 i32) (result i32)))
  (import "env" "proxy_enqueue_shared_queue" (func $proxy_enqueue_shared_queue (param i32 i32 i32) (result i32)))
  (import "env" "proxy_dequeue_shared_queue" (func $proxy_dequeue_shared_queue (param i32 i32 i32) (result i32)))
  (import "env" "proxy_get_header_map_value" (func $proxy_get_header_map_value (param i32 i32 i32 i32 i32) (result i32)))
  (import "env" "proxy_add_header_map_value" (func $proxy_add_header_map_value (param i32 i32 i32 i32 i32) (result i32)))
  (import "env" "proxy_replace_header_map_value" (func $proxy_replace_header_map_value (param i32 i32 i32 i32 i32) (result i32)))
  (import "env" "proxy_remove_header_map_value" (func $proxy_remove_header_map_value (param i32 i32 i32) (result i32)))
  (import "env" "proxy_get_header_map_pairs" (func $proxy_get_header_map_pairs (param i32 i32 i32) (result i32)))
  (import "env" "proxy_set_header_map_pairs" (func $proxy_set_header_map_pairs (param i32 i32 i32) (result i32)))
  (import "env" "proxy_get_header_map_size" (func $proxy_get_header_map_size (param i32 i32) (result i32)))
  (import "env" "proxy_get_buffer_bytes" (func $proxy_get_buffer_bytes (param i32 i32 i32 i32 i32) (result i32)))
  (import "env" "proxy_get_buffer_status" (func $proxy_get_buffer_status (param i32 i32 i32) (result i32)))
  (import "env" "proxy_set_buffer_bytes" (func $proxy_set_buffer_bytes (param i32 i32 i32 i32 i32) (result i32)))
  (import "env" "proxy_http_call" (func $proxy_http_call (param i32 i32 i32 i32 i32 i32 i32 i32 i32 i32) (result i32)))
  (import "env" "proxy_set_tick_period_milliseconds" (func $proxy_set_tick_period_milliseconds (param i32) (result i32)))
  (import "env" "proxy_get_current_time_nanoseconds" (func $proxy_get_current_time_nanoseconds (param i32) (result i32)))
  (import "env" "proxy_define_metric" (func $proxy_define_metric (param i32 i32 i32 i32) (result i32)))
  (import "env" "proxy_increment_metric" (func $proxy_increment_metric (param i32 i64) (result i32)))
  (import "env" "proxy_record_metric" (func $proxy_record_metric (param i32 i64) (result i32)))
  (import "env" "proxy_get_metric" (func $proxy_get_metric (param i32 i32) (result i32)))
  (import "env" "proxy_set_effective_context" (func $proxy_set_effective_context (param i32) (result i32)))
  (import "env" "proxy_done" (func $proxy_done (result i32)))
  (import "env" "proxy_call_foreign_function" (func $proxy_call_foreign_function (param i32 i32 i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "clock_time_get" (func $clock_time_get (param i32 i64 i32) (result i32)))
  (import "wasi_snapshot_preview1" "random_get" (func $random_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "environ_sizes_get" (func $environ_sizes_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "environ_get" (func $environ_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
`;

/** Signatures of the callbacks, so tests write only bodies. */
export const CALLBACK_PARAMS: Record<string, string> = {
  proxy_on_context_create: "(param $ctx i32) (param $parent i32)",
  proxy_on_vm_start: "(param $ctx i32) (param $size i32) (result i32)",
  proxy_on_configure: "(param $ctx i32) (param $size i32) (result i32)",
  proxy_on_tick: "(param $ctx i32)",
  proxy_on_request_headers: "(param $ctx i32) (param $n i32) (param $eos i32) (result i32)",
  proxy_on_request_body: "(param $ctx i32) (param $size i32) (param $eos i32) (result i32)",
  proxy_on_request_trailers: "(param $ctx i32) (param $n i32) (result i32)",
  proxy_on_response_headers: "(param $ctx i32) (param $n i32) (param $eos i32) (result i32)",
  proxy_on_response_body: "(param $ctx i32) (param $size i32) (param $eos i32) (result i32)",
  proxy_on_response_trailers: "(param $ctx i32) (param $n i32) (result i32)",
  proxy_on_log: "(param $ctx i32)",
  proxy_on_done: "(param $ctx i32) (result i32)",
  proxy_on_delete: "(param $ctx i32)",
  proxy_on_http_call_response: "(param $ctx i32) (param $token i32) (param $nh i32) (param $body i32) (param $nt i32)",
  _initialize: "",
  _start: "",
  main: "(param i32 i32) (result i32)",
};

export class GuestBuilder {
  private readonly data: { offset: number; bytes: Uint8Array }[] = [];
  private next = DATA_START;
  private readonly funcs: string[] = [];
  private readonly interned = new Map<string, string>();

  /** `mallocRefusesAbove`: malloc answers 0 (no memory) for a larger request, as a plugin may. */
  constructor(private readonly options: { abi?: string; initialPages?: number; maxPages?: number; mallocRefusesAbove?: number } = {}) {}

  /** Places bytes in a data segment; returns "(i32.const ptr) (i32.const len)". */
  bytes(b: Uint8Array): string {
    const offset = this.next;
    this.data.push({ offset, bytes: b });
    this.next += (b.length + 7) & ~7;
    return `(i32.const ${offset}) (i32.const ${b.length})`;
  }

  /** A UTF-8 string constant as "(i32.const ptr) (i32.const len)". */
  str(s: string): string {
    let r = this.interned.get(s);
    if (r === undefined) {
      r = this.bytes(new TextEncoder().encode(s));
      this.interned.set(s, r);
    }
    return r;
  }

  /** The pointer alone of a string constant. */
  ptr(s: string): string {
    return this.str(s).split(") (")[0] + ")";
  }

  /** Adds an exported callback; `params` defaults to the ABI signature of that name. */
  on(name: string, body: string, params = CALLBACK_PARAMS[name]): this {
    if (params === undefined) throw new Error(`unknown callback ${name}: give its params`);
    this.funcs.push(`(func (export "${name}") ${params} ${body})`);
    return this;
  }

  /** Raw WAT inside the module. */
  raw(wat: string): this {
    this.funcs.push(wat);
    return this;
  }

  wat(): string {
    const esc = (b: Uint8Array): string => [...b].map((x) => `\\${x.toString(16).padStart(2, "0")}`).join("");
    const pages = this.options.initialPages ?? 2;
    const max = this.options.maxPages === undefined ? "" : ` ${this.options.maxPages}`;
    return `(module
  ${HOSTCALL_IMPORTS}
  (memory (export "memory") ${pages}${max})
  (global $heap (mut i32) (i32.const ${pages * 65536}))
  (global $ri (mut i32) (i32.const 0))
  (func (export "${this.options.abi ?? "proxy_abi_version_0_2_1"}"))
  (func $malloc (export "malloc") (param $n i32) (result i32)
    (local $p i32)${this.options.mallocRefusesAbove === undefined ? "" : `
    (if (i32.gt_u (local.get $n) (i32.const ${this.options.mallocRefusesAbove})) (then (return (i32.const 0))))`}
    (local.set $p (global.get $heap))
    (global.set $heap (i32.add (global.get $heap) (i32.and (i32.add (local.get $n) (i32.const 7)) (i32.const -8))))
    (block $ok
      (br_if $ok (i32.le_u (global.get $heap) (i32.mul (memory.size) (i32.const 65536))))
      (drop (memory.grow (i32.add (i32.div_u (i32.sub (global.get $heap) (i32.mul (memory.size) (i32.const 65536))) (i32.const 65536)) (i32.const 1)))))
    (local.get $p))
  (func $rec (param $v i32)
    (i32.store (i32.add (i32.const ${RECORDS}) (i32.shl (global.get $ri) (i32.const 2))) (local.get $v))
    (global.set $ri (i32.add (global.get $ri) (i32.const 1))))
  (func (export "rec_count") (result i32) (global.get $ri))
  ;; logs (info) the bytes a hostcall returned through OUT_PTR/OUT_SIZE
  (func $log_out
    (drop (call $proxy_log (i32.const 2) (i32.load (i32.const ${OUT_PTR})) (i32.load (i32.const ${OUT_SIZE})))))
  ${this.funcs.join("\n  ")}
  ${this.data.map((d) => `(data (i32.const ${d.offset}) "${esc(d.bytes)}")`).join("\n  ")}
)`;
  }

  build(): Promise<Uint8Array> {
    return watToWasm(this.wat());
  }
}

/** The i32 values the guest appended with `call $rec`, in order. */
export function records(host: ProxyWasmHost): number[] {
  const count = host.exportedFunction("rec_count")?.() as number;
  const bytes = host.readGuestMemory(RECORDS, count * 4);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return Array.from({ length: count }, (_, i) => view.getInt32(i * 4, true));
}

/** The bytes the last hostcall wrote through OUT_PTR/OUT_SIZE. */
export function outBytes(host: ProxyWasmHost): Uint8Array {
  const [ptr, size] = [host.readGuestMemory(OUT_PTR, 4), host.readGuestMemory(OUT_SIZE, 4)].map((b) =>
    new DataView(b.buffer, b.byteOffset, 4).getUint32(0, true),
  ) as [number, number];
  return host.readGuestMemory(ptr, size);
}
