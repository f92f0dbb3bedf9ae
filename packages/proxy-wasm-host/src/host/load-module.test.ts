import { describe, expect, it } from "vitest";
import { watToWasm } from "../testing/guest-builder";
import { ProxyWasmHost } from "./proxy-wasm-host";
import { ProxyWasmLoadError } from "./load-module";

const MALLOC = `(func (export "malloc") (param i32) (result i32) (i32.const 1024))`;
const ABI = `(func (export "proxy_abi_version_0_2_1"))`;

async function loadError(wat: string, options: { higress?: boolean } = {}): Promise<ProxyWasmLoadError> {
  const bytes = await watToWasm(wat);
  const err = await ProxyWasmHost.load(bytes, options).then(
    () => null,
    (e: unknown) => e,
  );
  if (!(err instanceof ProxyWasmLoadError)) throw new Error(`expected a load error, got ${String(err)}`);
  return err;
}

describe("loading a module as Envoy does", () => {
  it("refuses a module importing a function the host does not provide, with Envoy's message", async () => {
    // What AssemblyScript's default build does: it imports env.abort.
    const err = await loadError(`(module
      (import "env" "abort" (func (param i32 i32 i32 i32)))
      (memory (export "memory") 1) ${ABI} ${MALLOC})`);
    expect(err.message).toBe("Failed to load Wasm module due to a missing import: env.abort");
    expect(err.errors).toEqual([
      "Failed to load Wasm module due to a missing import: env.abort",
      "Failed to initialize Wasm code",
    ]);
  });

  it("refuses an import whose type differs from the host's", async () => {
    const err = await loadError(`(module
      (import "env" "proxy_log" (func (param i32 i32) (result i32)))
      (memory (export "memory") 1) ${ABI} ${MALLOC})`);
    expect(err.message).toBe(
      "Failed to load Wasm module due to an import type mismatch: env.proxy_log, want: i32 i32 -> i32, but host exports: i32 i32 i32 -> i32",
    );
  });

  it("refuses i32 where the ABI has i64 (proxy_increment_metric's delta)", async () => {
    const err = await loadError(`(module
      (import "env" "proxy_increment_metric" (func (param i32 i32) (result i32)))
      (memory (export "memory") 1) ${ABI} ${MALLOC})`);
    expect(err.message).toContain("want: i32 i32 -> i32, but host exports: i32 i64 -> i32");
  });

  it("refuses imported globals (Envoy links functions, memory and tables only)", async () => {
    const err = await loadError(`(module (import "env" "g" (global i32)) (memory (export "memory") 1) ${ABI} ${MALLOC})`);
    expect(err.message).toBe("Failed to load Wasm module due to a missing import: env.g");
  });

  it("requires malloc or proxy_on_memory_allocate", async () => {
    const err = await loadError(`(module (memory (export "memory") 1) ${ABI})`);
    expect(err.errors).toEqual(["Wasm module is missing malloc function.", "Failed to initialize Wasm code"]);
    const host = await ProxyWasmHost.load(
      await watToWasm(`(module (memory (export "memory") 1) ${ABI}
        (func (export "proxy_on_memory_allocate") (param i32) (result i32) (i32.const 64)))`),
    );
    expect(host.abiVersion).toBe("0.2.1");
  });

  it("refuses a callback exported with the wrong type", async () => {
    const err = await loadError(`(module (memory (export "memory") 1) ${ABI} ${MALLOC}
      (func (export "proxy_on_request_headers") (param i32 i32) (result i32) (i32.const 0)))`);
    expect(err.message).toBe(
      "Bad function signature for: proxy_on_request_headers, want: i32 i32 i32 -> i32, but the module exports: i32 i32 -> i32",
    );
  });

  it("detects the ABI version from the marker export, and refuses a module without one", async () => {
    expect((await loadError(`(module (memory (export "memory") 1) ${MALLOC})`)).errors).toEqual([
      "Missing or unknown Proxy-Wasm ABI version",
      "Failed to load Wasm code",
    ]);
    const v020 = await ProxyWasmHost.load(
      await watToWasm(`(module (memory (export "memory") 1) ${MALLOC} (func (export "proxy_abi_version_0_2_0")))`),
    );
    expect(v020.abiVersion).toBe("0.2.0");
    // proxy_get_log_level exists only from 0.2.1 on.
    const err = await loadError(`(module (import "env" "proxy_get_log_level" (func (param i32) (result i32)))
      (memory (export "memory") 1) ${MALLOC} (func (export "proxy_abi_version_0_2_0")))`);
    expect(err.message).toBe("Failed to load Wasm module due to a missing import: env.proxy_get_log_level");
  });

  it("accepts Higress's 0_2_100 marker only in Higress mode", async () => {
    const wat = `(module (memory (export "memory") 1) ${MALLOC} (func (export "proxy_abi_version_0_2_100")))`;
    expect((await ProxyWasmHost.load(await watToWasm(wat))).abiVersion).toBe("0.2.100");
    expect((await loadError(wat, { higress: false })).message).toBe("Missing or unknown Proxy-Wasm ABI version");
  });

  it("reports a corrupt binary", async () => {
    const err = await ProxyWasmHost.load(Uint8Array.of(0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 7, 9)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProxyWasmLoadError);
    expect((err as ProxyWasmLoadError).message).toBe("Failed to parse corrupted Wasm module");
  });

  it("links the WASI subset in both module names and an imported memory", async () => {
    const host = await ProxyWasmHost.load(
      await watToWasm(`(module
        (import "wasi_unstable" "fd_write" (func (param i32 i32 i32 i32) (result i32)))
        (import "wasi_snapshot_preview1" "proc_exit" (func (param i32)))
        (import "wasi_snapshot_preview1" "clock_time_get" (func (param i32 i64 i32) (result i32)))
        (import "env" "memory" (memory 3))
        ${ABI} ${MALLOC})`),
    );
    expect(host.memoryBytes).toBe(3 * 65536);
  });

  it("traps a hostcall made from a wasm start section (there is no context yet)", async () => {
    const err = await loadError(`(module
      (import "env" "proxy_log" (func $log (param i32 i32 i32) (result i32)))
      (memory (export "memory") 1) ${ABI} ${MALLOC}
      (func $init (drop (call $log (i32.const 2) (i32.const 0) (i32.const 0))))
      (start $init))`);
    expect(err.errors).toEqual([
      "Failed to create new Wasm instance: Uncaught HostTrap: restricted_callback",
      "Failed to initialize Wasm code",
    ]);
  });
});
