import { ArenaLease } from "../arena/arena-lease";
import { jsonNumberValue } from "../config/json-number";
import { KIND_NULL, KIND_NUMBER, KIND_STRING } from "../json/json-kinds";
import { JsonMatchSink } from "../json/json-match-sink";
import { decodeAt, sequenceLength } from "../record/json-writer";
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

/** Decodes UTF-8 bytes b[start, end) to a string (invalid sequences become U+FFFD). */
export function utf8Text(b: Uint8Array, start: i32, end: i32): string {
  const units = new Array<string>(0);
  let chunk = "";
  let n = 0;
  let i = start;
  while (i < end) {
    const c = <i32>b[i];
    let cp = 0xfffd;
    let len = 1;
    if (c < 0x80) {
      cp = c;
    } else {
      const s = sequenceLength(b, i, end);
      if (s > 0) {
        len = s;
        cp = decodeAt(b, i, s);
      }
    }
    if (cp >= 0x10000) {
      const v = cp - 0x10000;
      chunk += String.fromCharCode(0xd800 + (v >> 10)) + String.fromCharCode(0xdc00 + (v & 0x3ff));
    } else {
      chunk += String.fromCharCode(cp);
    }
    n++;
    if (n == 64) {
      units.push(chunk);
      chunk = "";
      n = 0;
    }
    i += len;
  }
  units.push(chunk);
  return units.join("");
}
