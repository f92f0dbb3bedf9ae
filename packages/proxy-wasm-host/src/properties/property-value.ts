// Property values with Envoy's encodings (context.cc serializeValue): strings and bytes raw;
// int64, uint64, double, timestamp (unix ns) and duration (ns) as 8 little-endian bytes; bool as
// one byte; maps and lists as serialized pairs (a list item is the key, its value empty). Values
// stay a tree until read, so a path can walk into a map ("node\0metadata\0…") as in Envoy.
import { serializePairs, type BytePair } from "../headers/pairs-codec";
import { toBytes } from "../headers/header-map";

export type PropertyNode =
  | { readonly kind: "leaf"; readonly bytes: Uint8Array }
  | {
      readonly kind: "map";
      readonly entries: ReadonlyMap<string, PropertyNode>;
      /**
       * A map that can be walked into but not read whole, like Envoy's CEL wrappers over stream
       * data (e.g. `filter_state`): their ListKeys() is unimplemented, so serializing them is
       * SERIALIZATION_FAILURE.
       */
      readonly opaque?: boolean;
    }
  | { readonly kind: "list"; readonly items: readonly PropertyNode[] };

/** A value whose wasm encoding is fixed explicitly; see the `property` helpers. */
export class TypedProperty {
  constructor(readonly node: PropertyNode) {}
}

/**
 * What a caller may give as a property: strings (raw UTF-8), Uint8Array (raw bytes), integers
 * (int64), other numbers (double), bigint (int64), booleans, arrays (lists), plain objects
 * (maps), or a TypedProperty from `property.*` for uint64, timestamps and durations.
 */
export type PropertyInput =
  | string
  | number
  | bigint
  | boolean
  | Uint8Array
  | TypedProperty
  | readonly PropertyInput[]
  | { readonly [key: string]: PropertyInput };

function leaf(bytes: Uint8Array): PropertyNode {
  return { kind: "leaf", bytes };
}

function eightBytes(write: (view: DataView) => void): Uint8Array {
  const out = new Uint8Array(8);
  write(new DataView(out.buffer));
  return out;
}

/** Explicitly typed property values. */
export const property = {
  string: (s: string) => new TypedProperty(leaf(toBytes(s))),
  bytes: (b: Uint8Array) => new TypedProperty(leaf(b.slice())),
  int64: (n: number | bigint) =>
    new TypedProperty(leaf(eightBytes((v) => v.setBigInt64(0, BigInt(n), true)))),
  uint64: (n: number | bigint) =>
    new TypedProperty(leaf(eightBytes((v) => v.setBigUint64(0, BigInt(n), true)))),
  double: (x: number) => new TypedProperty(leaf(eightBytes((v) => v.setFloat64(0, x, true)))),
  bool: (b: boolean) => new TypedProperty(leaf(Uint8Array.of(b ? 1 : 0))),
  /** A timestamp as unix nanoseconds (Envoy's CEL timestamp encoding). */
  timestampNanos: (ns: bigint) => property.int64(ns),
  /** A duration in nanoseconds (Envoy's CEL duration encoding). */
  durationNanos: (ns: bigint) => property.int64(ns),
};

export function toPropertyNode(value: PropertyInput): PropertyNode {
  if (value instanceof TypedProperty) return value.node;
  if (typeof value === "string") return leaf(toBytes(value));
  if (value instanceof Uint8Array) return leaf(value.slice());
  if (typeof value === "boolean") return property.bool(value).node;
  if (typeof value === "bigint") return property.int64(value).node;
  if (typeof value === "number") {
    return (Number.isInteger(value) ? property.int64(value) : property.double(value)).node;
  }
  if (Array.isArray(value)) return { kind: "list", items: value.map((v: PropertyInput) => toPropertyNode(v)) };
  const entries = new Map<string, PropertyNode>();
  for (const [k, v] of Object.entries(value as { readonly [key: string]: PropertyInput })) {
    entries.set(k, toPropertyNode(v));
  }
  return { kind: "map", entries };
}

/** The bytes get_property returns for a node. */
export function serializeNode(node: PropertyNode): Uint8Array {
  if (node.kind === "leaf") return node.bytes;
  if (node.kind === "map") {
    const pairs: BytePair[] = [];
    for (const [k, v] of node.entries) pairs.push([toBytes(k), serializeNode(v)]);
    return serializePairs(pairs);
  }
  return serializePairs(node.items.map((item) => [serializeNode(item), new Uint8Array(0)] as const));
}

export function mapNode(record: Readonly<Record<string, PropertyNode | undefined>>): PropertyNode {
  const entries = new Map<string, PropertyNode>();
  for (const [k, v] of Object.entries(record)) if (v !== undefined) entries.set(k, v);
  return { kind: "map", entries };
}

export const stringNode = (s: string): PropertyNode => leaf(toBytes(s));
export const int64Node = (n: number | bigint): PropertyNode => property.int64(n).node;
