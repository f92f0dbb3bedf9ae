import { ArenaLease } from "../arena/arena-lease";
import { jsonNumberValue } from "../config/json-number";
import { KIND_NULL, KIND_NUMBER, KIND_STRING } from "../json/json-kinds";
import { JsonMatchSink } from "../json/json-match-sink";
import { utf8ToString } from "../glue/text";
import { sequenceLength } from "../record/json-writer";
import { ValueBuffer } from "./value-buffer";

// The values one JSON document (a body, or one streamed event) yields for every path of a path
// set, as the matcher reports them: one ValueBuffer per path id, in the arena, bounded per path.
// Cleared (blocks kept) before each document, released when the exchange ends.
export class PathCaptures extends JsonMatchSink {
  readonly values: Array<ValueBuffer> = new Array<ValueBuffer>(0);

  /** `limits[i]` bounds path i's value (value_length_limit for attributes, small for engine fields). */
  constructor(lease: ArenaLease, limits: Int32Array) {
    super();
    for (let i = 0; i < limits.length; i++) this.values.push(new ValueBuffer(lease, limits[i]));
  }

  /** Forgets every value (before the next document). */
  clear(): void {
    for (let i = 0; i < this.values.length; i++) {
      const v = this.values[i];
      v.kind = 0;
      v.total = 0;
    }
  }

  release(): void {
    for (let i = 0; i < this.values.length; i++) this.values[i].release();
  }

  onValueStart(pathId: i32, kind: i32): void {
    if (pathId >= 0 && pathId < this.values.length) this.values[pathId].start(kind);
  }

  onValueBytes(pathId: i32, bytes: Uint8Array, start: i32, end: i32): void {
    if (pathId >= 0 && pathId < this.values.length) this.values[pathId].append(bytes, start, end);
  }

  onValueEnd(_pathId: i32): void {}

  /** Path `id` is in the document (gjson's Exists: any value, null included). */
  exists(id: i32): bool {
    return id >= 0 && this.values[id].kind != 0;
  }

  /** Path `id` has a value that is neither null nor an empty string. */
  has(id: i32): bool {
    const v = this.values[id];
    if (v.kind == 0 || v.kind == KIND_NULL) return false;
    return !(v.kind == KIND_STRING && v.total == 0);
  }

  /** Path `id` is a number (whole, as the matcher gave it). */
  isNumber(id: i32): bool {
    const v = this.values[id];
    return v.kind == KIND_NUMBER && v.whole && v.total > 0;
  }

  /** The number at path `id` (check isNumber first). */
  number(id: i32): f64 {
    const v = this.values[id];
    const p = v.pieces();
    if (p.count == 0) return 0;
    return jsonNumberValue(p.bytes, p.starts[0], p.ends[0]);
  }

  /** Path `id` is a string equal to the ASCII text `s` (no decoding, no allocation). */
  isAscii(id: i32, s: string): bool {
    const v = this.values[id];
    if (v.kind != KIND_STRING || v.total != s.length || !v.whole) return false;
    const p = v.pieces();
    if (p.count == 0) return s.length == 0;
    const b = p.bytes;
    const start = p.starts[0];
    for (let i = 0; i < s.length; i++) if (<i32>b[start + i] != s.charCodeAt(i)) return false;
    return true;
  }

  /** The string at path `id` as text ("" when it is not a string). Only for short engine fields. */
  text(id: i32): string {
    const v = this.values[id];
    if (v.kind != KIND_STRING) return "";
    return valueText(v);
  }
}

/** The value's bytes decoded as UTF-8 text (invalid sequences become U+FFFD). */
export function valueText(v: ValueBuffer): string {
  const p = v.pieces();
  const parts = new Array<string>(0);
  for (let k = 0; k < p.count; k++) {
    if (k == p.mark) parts.push(" [truncated] ");
    parts.push(utf8Text(p.bytes, p.starts[k], p.ends[k]));
  }
  if (p.mark == p.count) parts.push(" [truncated] ");
  return parts.join("");
}

/**
 * Decodes UTF-8 bytes b[start, end) to a string; each byte of an invalid sequence becomes U+FFFD,
 * as Go's range over a string does. Valid input (the usual case) is decoded in one call; only
 * invalid input is first copied with the replacements, so a value costs one or two allocations
 * whatever its length (the minimal wasm runtime collects only between callbacks).
 */
export function utf8Text(b: Uint8Array, start: i32, end: i32): string {
  let i = start;
  let extra = 0;
  let invalid = false;
  while (i < end) {
    if (<i32>b[i] < 0x80) {
      i++;
      continue;
    }
    const s = sequenceLength(b, i, end);
    if (s > 0) {
      i += s;
    } else {
      invalid = true;
      extra += 2; // one byte becomes the three of EF BF BD
      i++;
    }
  }
  if (!invalid) return utf8ToString(b, start, end);
  const fixed = new Uint8Array(end - start + extra);
  let o = 0;
  i = start;
  while (i < end) {
    const s = <i32>b[i] < 0x80 ? 1 : sequenceLength(b, i, end);
    if (s > 0) {
      for (let k = 0; k < s; k++) fixed[o + k] = b[i + k];
      o += s;
      i += s;
    } else {
      fixed[o] = 0xef;
      fixed[o + 1] = 0xbf;
      fixed[o + 2] = 0xbd;
      o += 3;
      i++;
    }
  }
  return utf8ToString(fixed, 0, o);
}
