// proxy_get_property path resolution as Envoy's Context::getProperty does it: the path is
// NUL-separated segments; the first names a top-level value (computed request/response
// attributes, the host's configured properties, `filter_state`, then filter state "wasm.<name>"),
// and each following segment walks into a map by key or a list by index. Anything missing is
// NOT_FOUND; a map Envoy cannot list (its CEL wrappers) read whole is SERIALIZATION_FAILURE.
import { WasmResult } from "../abi/abi-constants";
import { serializeNode, type PropertyNode } from "./property-value";

export interface PropertySource {
  /** A top-level value, or undefined when it does not exist in this context. */
  topLevel(name: string): PropertyNode | undefined;
}

export type PropertyLookup =
  | { readonly status: typeof WasmResult.Ok; readonly value: Uint8Array }
  | { readonly status: WasmResult; readonly value?: undefined };

/** Splits a path on NUL bytes the way Envoy's loop does (a trailing NUL adds no segment). */
export function splitPath(path: Uint8Array): Uint8Array[] {
  const parts: Uint8Array[] = [];
  let start = 0;
  while (start < path.length) {
    let end = path.indexOf(0, start);
    if (end === -1) end = path.length;
    parts.push(path.subarray(start, end));
    start = end + 1;
  }
  return parts;
}

const decoder = new TextDecoder();

export function resolveProperty(path: Uint8Array, source: PropertySource): PropertyLookup {
  const parts = splitPath(path);
  const [first, ...rest] = parts;
  // An empty path leaves Envoy's CelValue unset (null), which it cannot serialize.
  if (first === undefined) return { status: WasmResult.SerializationFailure };
  let node = source.topLevel(decoder.decode(first));
  if (node === undefined) return { status: WasmResult.NotFound };
  for (const part of rest) {
    const key = decoder.decode(part);
    if (node.kind === "map") {
      const next: PropertyNode | undefined = node.entries.get(key);
      if (next === undefined) return { status: WasmResult.NotFound };
      node = next;
    } else if (node.kind === "list") {
      const index = /^-?\d+$/.test(key) ? Number(key) : -1;
      const next: PropertyNode | undefined = node.items[index];
      if (next === undefined) return { status: WasmResult.NotFound };
      node = next;
    } else {
      return { status: WasmResult.NotFound };
    }
  }
  if (node.kind === "map" && node.opaque === true) return { status: WasmResult.SerializationFailure };
  return { status: WasmResult.Ok, value: serializeNode(node) };
}
