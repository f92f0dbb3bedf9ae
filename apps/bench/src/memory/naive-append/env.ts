/* eslint-disable -- AssemblyScript source compiled by asc, not TypeScript run by Node. */
// @ts-nocheck -- AssemblyScript, checked by asc (its builtins are not TypeScript).
// The one Proxy-Wasm hostcall the naive plugin needs. The file is named `env` on purpose:
// AssemblyScript imports a top-level `declare function` from the module named after its file, so
// this becomes the `env.proxy_get_buffer_bytes` import with Envoy's exact type, no decorator needed.

export declare function proxy_get_buffer_bytes(type: i32, start: i32, maxSize: i32, outPtr: usize, outSize: usize): i32;
