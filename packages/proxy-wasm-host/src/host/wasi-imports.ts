// The WASI subset Envoy gives every plugin (proxy-wasm-cpp-host src/exports.cc, wasi_unstable_*):
// stdout/stderr become info/error log lines, the clocks read the host clock, args are empty,
// the environment is the configured one, and the file system does not exist.
import { LogLevel, WasiErrno } from "../abi/abi-constants";
import { toBytes } from "../headers/header-map";
import { logFromGuest, type HostFunction } from "./env-imports";
import type { ProxyWasmHost } from "./proxy-wasm-host";

const u = (x: number): number => x >>> 0;
/** proxy-wasm-cpp-host limits.h PROXY_WASM_HOST_WASI_RANDOM_GET_MAX_SIZE_BYTES. */
const RANDOM_GET_MAX = 64 * 1024;

export function createWasiImports(host: ProxyWasmHost): Record<string, HostFunction> {
  const envEntries = (): Uint8Array[] => Object.entries(host.options.env).map(([k, v]) => toBytes(`${k}=${v}\0`));

  return {
    fd_write: (fd: number, iovs: number, iovsLen: number, nwrittenPtr: number) => {
      const level = fd === 1 ? LogLevel.Info : fd === 2 ? LogLevel.Error : -1;
      if (level < 0) return WasiErrno.Badf;
      const parts: Uint8Array[] = [];
      let written = 0;
      for (let i = 0; i < u(iovsLen); i++) {
        const buf = host.mem.readU32(u(iovs) + i * 8);
        const len = host.mem.readU32(u(iovs) + i * 8 + 4);
        if (buf === null || len === null) return WasiErrno.Fault;
        if (len === 0) continue;
        const bytes = host.mem.read(buf, len);
        if (bytes === null) return WasiErrno.Fault;
        parts.push(bytes);
        written += len;
      }
      if (written > 0) {
        const all = new Uint8Array(written);
        let at = 0;
        for (const p of parts) {
          all.set(p, at);
          at += p.length;
        }
        // Envoy drops one trailing newline from the line it logs.
        logFromGuest(host, level, all[written - 1] === 0x0a ? all.subarray(0, written - 1) : all, "fd_write");
      }
      return host.mem.writeU32(u(nwrittenPtr), written) ? WasiErrno.Success : WasiErrno.Fault;
    },
    fd_read: () => WasiErrno.Nosys,
    fd_seek: () => {
      host.errors.push("wasi_unstable fd_seek");
      return WasiErrno.Success;
    },
    fd_close: () => {
      host.errors.push("wasi_unstable fd_close");
      return WasiErrno.Success;
    },
    fd_fdstat_get: (fd: number, statPtr: number) => {
      if (fd !== 1 && fd !== 2) return WasiErrno.Badf;
      const stat = new Uint8Array(24);
      stat[8] = 64; // fs_rights_base = FD_WRITE
      host.mem.write(u(statPtr), stat);
      return WasiErrno.Success;
    },
    environ_sizes_get: (countPtr: number, sizePtr: number) => {
      const entries = envEntries();
      if (!host.mem.writeU32(u(countPtr), entries.length)) return WasiErrno.Fault;
      const size = entries.reduce((n, e) => n + e.length, 0);
      return host.mem.writeU32(u(sizePtr), size) ? WasiErrno.Success : WasiErrno.Fault;
    },
    environ_get: (arrayPtr: number, bufPtr: number) => {
      let array = u(arrayPtr);
      let buf = u(bufPtr);
      for (const e of envEntries()) {
        if (!host.mem.writeU32(array, buf) || !host.mem.write(buf, e)) return WasiErrno.Fault;
        array += 4;
        buf += e.length;
      }
      return WasiErrno.Success;
    },
    args_sizes_get: (argcPtr: number, sizePtr: number) =>
      host.mem.writeU32(u(argcPtr), 0) && host.mem.writeU32(u(sizePtr), 0) ? WasiErrno.Success : WasiErrno.Fault,
    args_get: () => WasiErrno.Success,
    clock_time_get: (id: number, _precision: bigint, resultPtr: number) => {
      let t: bigint;
      if (id === 0) t = host.clock.nowNanos();
      else if (id === 1) t = host.clock.monotonicNanos();
      else return WasiErrno.Notsup;
      return host.mem.writeU64(u(resultPtr), t) ? WasiErrno.Success : WasiErrno.Fault;
    },
    random_get: (bufPtr: number, len: number) => {
      if (u(len) > RANDOM_GET_MAX) return WasiErrno.Inval;
      if (u(len) === 0) return WasiErrno.Success;
      const bytes = new Uint8Array(u(len));
      host.options.random(bytes);
      return host.mem.write(u(bufPtr), bytes) ? WasiErrno.Success : WasiErrno.Fault;
    },
    proc_exit: (code: number) => {
      // Envoy only logs this and returns; the guest normally traps right after.
      host.errors.push(`wasi_unstable proc_exit(${code})`);
    },
    path_open: () => WasiErrno.Noent,
    fd_prestat_get: () => WasiErrno.Badf,
    fd_prestat_dir_name: () => WasiErrno.Nosys,
  };
}
