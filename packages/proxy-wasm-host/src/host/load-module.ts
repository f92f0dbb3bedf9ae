// Loading checks in the order Envoy (proxy-wasm-cpp-host WasmBase::load/initialize, V8::link,
// getFunctions) makes them, with its messages, so a module this host refuses is one Envoy refuses
// and for the same stated reason.
import type { AbiVersion } from "../abi/abi-constants";
import {
  CALLBACK_SIGNATURES,
  formatSignature,
  hostImportTable,
  sameSignature,
  type FuncSignature,
} from "../abi/signatures";
import { CorruptModuleError, readModuleInfo, type WasmModuleInfo } from "../wasm/wasm-module-info";

/** Thrown by ProxyWasmHost.load; `errors` are the lines Envoy would log, most specific first. */
export class ProxyWasmLoadError extends Error {
  constructor(readonly errors: readonly string[]) {
    super(errors[0] ?? "Failed to load Wasm code");
    this.name = "ProxyWasmLoadError";
  }
}

export interface LoadedModule {
  readonly module: WebAssembly.Module;
  readonly info: WasmModuleInfo;
  readonly abi: AbiVersion;
  readonly importTable: ReadonlyMap<string, FuncSignature>;
  /** "malloc" or "proxy_on_memory_allocate". */
  readonly mallocExport: string;
}

const ABI_EXPORTS: Record<string, AbiVersion> = {
  proxy_abi_version_0_1_0: "0.1.0",
  proxy_abi_version_0_2_0: "0.2.0",
  proxy_abi_version_0_2_1: "0.2.1",
  proxy_abi_version_0_2_100: "0.2.100",
};

function detectAbi(info: WasmModuleInfo, higress: boolean): AbiVersion | undefined {
  for (const e of info.exports) {
    if (e.kind !== "function") continue;
    const abi = ABI_EXPORTS[e.name];
    // 0_2_100 is Higress's Go SDK marker; only Higress's host accepts it.
    if (abi !== undefined && (abi !== "0.2.100" || higress)) return abi;
  }
  return undefined;
}

export async function loadModule(bytes: Uint8Array, higress: boolean): Promise<LoadedModule> {
  const loadFailed = (message: string): ProxyWasmLoadError =>
    new ProxyWasmLoadError([message, "Failed to load Wasm code"]);
  const initFailed = (messages: string[]): ProxyWasmLoadError =>
    new ProxyWasmLoadError([...messages, "Failed to initialize Wasm code"]);

  let info: WasmModuleInfo;
  try {
    info = readModuleInfo(bytes);
  } catch (e) {
    if (e instanceof CorruptModuleError) throw loadFailed("Failed to parse corrupted Wasm module");
    throw e;
  }
  const abi = detectAbi(info, higress);
  if (abi === undefined) throw loadFailed("Missing or unknown Proxy-Wasm ABI version");
  if (abi === "0.1.0") {
    // Deliberate: this host implements the 0.2.x callback shapes only.
    throw loadFailed("Proxy-Wasm ABI 0.1.0 is not supported by this host (use 0.2.1)");
  }

  let module: WebAssembly.Module;
  try {
    module = await WebAssembly.compile(bytes as Uint8Array<ArrayBuffer>);
  } catch {
    throw loadFailed("Failed to load Wasm bytecode");
  }

  // Link: every function import must be one the host registers, with the same type.
  const importTable = hostImportTable(abi === "0.2.100" ? "0.2.1" : abi);
  for (const imp of info.imports) {
    const qualified = `${imp.module}.${imp.name}`;
    if (imp.kind === "memory" || imp.kind === "table") continue;
    const hostSig = imp.kind === "function" ? importTable.get(qualified) : undefined;
    if (hostSig === undefined) {
      throw initFailed([`Failed to load Wasm module due to a missing import: ${qualified}`]);
    }
    if (imp.signature === undefined || !sameSignature(imp.signature, hostSig)) {
      const want = imp.signature === undefined ? "(unsupported type)" : formatSignature(imp.signature);
      throw initFailed([
        `Failed to load Wasm module due to an import type mismatch: ${qualified}, want: ${want}, but host exports: ${formatSignature(hostSig)}`,
      ]);
    }
  }

  // getFunctions: the callbacks the host looks up must have the ABI's types, and malloc must exist.
  const errors: string[] = [];
  const exported = new Map(info.exports.filter((e) => e.kind === "function").map((e) => [e.name, e]));
  const mallocExport = exported.has("malloc")
    ? "malloc"
    : exported.has("proxy_on_memory_allocate")
      ? "proxy_on_memory_allocate"
      : undefined;
  if (mallocExport === undefined) errors.push("Wasm module is missing malloc function.");
  for (const [name, want] of Object.entries(CALLBACK_SIGNATURES)) {
    const e = exported.get(name);
    if (e === undefined) continue;
    if (e.signature === undefined || !sameSignature(e.signature, want)) {
      const got = e.signature === undefined ? "(unsupported type)" : formatSignature(e.signature);
      errors.push(`Bad function signature for: ${name}, want: ${formatSignature(want)}, but the module exports: ${got}`);
    }
  }
  if (errors.length > 0 || mallocExport === undefined) throw initFailed(errors);

  return { module, info, abi, importTable, mallocExport };
}
