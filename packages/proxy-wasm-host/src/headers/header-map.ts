// An HTTP header (or trailer) map with the behaviour of Envoy's HeaderMapImpl that a plugin can
// observe: keys lowercased (LowerCaseString), insertion order kept, pseudo-headers kept in front
// of regular ones, several entries per key, byteSize() = sum of key and value lengths.
import type { BytePair } from "./pairs-codec";

export type HeaderInput =
  | Readonly<Record<string, string>>
  | ReadonlyArray<readonly [string, string]>
  | HeaderMap;

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export function toBytes(s: string | Uint8Array): Uint8Array {
  return typeof s === "string" ? encoder.encode(s) : s;
}

export function bytesToString(b: Uint8Array): string {
  return decoder.decode(b);
}

/** ASCII-only lowercasing, as absl::AsciiStrToLower does; other bytes are kept. */
export function lowerCaseBytes(b: Uint8Array): Uint8Array {
  let out: Uint8Array | null = null;
  for (let i = 0; i < b.length; i++) {
    const c = b[i] as number;
    if (c >= 0x41 && c <= 0x5a) {
      out ??= b.slice();
      out[i] = c + 0x20;
    }
  }
  return out ?? b;
}

function keyOf(b: Uint8Array): string {
  // latin1 keeps one char per byte, so byte-equal keys compare equal as strings.
  let s = "";
  for (let i = 0; i < b.length; i++) s += String.fromCharCode(b[i] as number);
  return s;
}

interface Entry {
  readonly key: Uint8Array;
  readonly keyString: string;
  value: Uint8Array;
}

export class HeaderMap {
  private entries: Entry[] = [];

  static from(input: HeaderInput | undefined): HeaderMap {
    if (input instanceof HeaderMap) return input.clone();
    const map = new HeaderMap();
    if (input === undefined) return map;
    const list: ReadonlyArray<readonly [string, string]> = Array.isArray(input)
      ? (input as ReadonlyArray<readonly [string, string]>)
      : Object.entries(input as Record<string, string>);
    for (const [k, v] of list) map.add(k, v);
    return map;
  }

  clone(): HeaderMap {
    const copy = new HeaderMap();
    copy.entries = this.entries.map((e) => ({ ...e }));
    return copy;
  }

  /** Number of entries (what Envoy passes as num_headers). */
  get size(): number {
    return this.entries.length;
  }

  /** Envoy's HeaderMap::byteSize(): what proxy_get_header_map_size reports. */
  byteSize(): number {
    let n = 0;
    for (const e of this.entries) n += e.key.length + e.value.length;
    return n;
  }

  /** First value for the key (Envoy returns only the first of a repeated header). */
  getBytes(key: string | Uint8Array): Uint8Array | undefined {
    const k = keyOf(lowerCaseBytes(toBytes(key)));
    return this.entries.find((e) => e.keyString === k)?.value;
  }

  get(key: string | Uint8Array): string | undefined {
    const v = this.getBytes(key);
    return v === undefined ? undefined : bytesToString(v);
  }

  getAll(key: string): string[] {
    const k = keyOf(lowerCaseBytes(toBytes(key)));
    return this.entries.filter((e) => e.keyString === k).map((e) => bytesToString(e.value));
  }

  /** addCopy: appends, pseudo-headers after the last pseudo-header. */
  add(key: string | Uint8Array, value: string | Uint8Array): void {
    const k = lowerCaseBytes(toBytes(key));
    const entry: Entry = { key: k, keyString: keyOf(k), value: toBytes(value).slice() };
    if (k[0] === 0x3a) {
      let at = 0;
      while (at < this.entries.length && this.entries[at]?.key[0] === 0x3a) at++;
      this.entries.splice(at, 0, entry);
    } else {
      this.entries.push(entry);
    }
  }

  /** setCopy with replace-all semantics (envoy.reloadable_features.http_set_copy_replace_all_headers). */
  replace(key: string | Uint8Array, value: string | Uint8Array): void {
    this.remove(key);
    this.add(key, value);
  }

  remove(key: string | Uint8Array): void {
    const k = keyOf(lowerCaseBytes(toBytes(key)));
    this.entries = this.entries.filter((e) => e.keyString !== k);
  }

  clear(): void {
    this.entries = [];
  }

  bytePairs(): BytePair[] {
    return this.entries.map((e) => [e.key, e.value] as const);
  }

  /** The entries as [key, value] strings (UTF-8 decoded), in order. */
  pairs(): [string, string][] {
    return this.entries.map((e) => [bytesToString(e.key), bytesToString(e.value)]);
  }

  /** A plain object; repeated keys keep their first value. */
  toObject(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [k, v] of this.pairs()) if (!(k in out)) out[k] = v;
    return out;
  }
}
