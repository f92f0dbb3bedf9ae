// Re-emits a captured JSON value (an object or array the matcher copied as raw text, however the
// provider formatted it) in one canonical form, the one Go's json.Marshal gives a value that
// gjson read and Higress logged: compact (no whitespace outside strings), every object's members
// sorted by key (Go sorts map keys as UTF-8 bytes) with a repeated key keeping its last value (a
// Go map keeps the last assignment), strings decoded and re-escaped by the JsonWriter (control
// characters and `<>&` as escapes, invalid UTF-8 and lone surrogate escapes as U+FFFD). Numbers
// keep the provider's digits: they are valid JSON already and read back as the same float64.
//
// The value must first pass `isValidJson` (strict RFC 8259): a value cut short or malformed is
// logged as a string by the caller instead, so a record is JSON whatever the input.
//
// Memory is bounded whatever the value: sorting needs an index of an object's members (key and
// value offsets, and the decoded key bytes to compare), kept in scratch arrays that grow only up
// to MAX_MEMBERS entries and MAX_KEY_BYTES key bytes in use at once (about 150 KB in all); an
// object that would exceed them, or sits deeper than SORT_DEPTH, keeps its members in the order sent (still compact and
// valid). Time is linear per nesting level of sorted objects (each one scans its members once to
// index them and once to write them), so SORT_DEPTH also bounds the work hostile nesting can cause.
import { JsonWriter } from "./json-writer";

const MAX_MEMBERS: i32 = 4096;
const MAX_KEY_BYTES: i32 = 65536;
const SORT_DEPTH: i32 = 16;
const MAX_DEPTH: i32 = 256;
// Index entry: value start, decoded key offset, decoded key length.
const ENTRY: i32 = 3;

export class JsonCanonicalizer {
  private entries: Int32Array = new Int32Array(16 * ENTRY);
  private used: i32 = 0;
  private keys: Uint8Array = new Uint8Array(256);
  private keysUsed: i32 = 0;
  // Entry numbers in key order, parallel to the entries, and the merge sort's scratch.
  private order: Int32Array = new Int32Array(16);
  private merge: Int32Array = new Int32Array(16);
  private readonly stack: Uint8Array = new Uint8Array(MAX_DEPTH + 1);
  // Where toBytes writes (it grows to the longest value converted and stays).
  private readonly out: JsonWriter = new JsonWriter();

  /**
   * True when b[start, end) is exactly one JSON value (optionally surrounded by whitespace), as
   * JSON.parse and Go's json.Valid accept it, nested at most 256 deep.
   */
  isValidJson(b: Uint8Array, start: i32, end: i32): bool {
    const stack = this.stack;
    let depth = 0;
    let i = skipSpace(b, start, end);
    // Expecting: 0 a value, 1 a key or `}` (just after `{`), 2 a key (after `,` in an object),
    // 3 a value or `]` (just after `[`).
    let want = 0;
    while (i < end) {
      const c = <i32>b[i];
      if (want == 1 || want == 2) {
        if (c == 0x7d && want == 1) {
          // An empty object closed.
          i++;
          depth--;
        } else {
          if (c != 0x22) return false;
          i = stringEnd(b, i, end);
          if (i < 0) return false;
          i = skipSpace(b, i, end);
          if (i >= end || b[i] != 0x3a) return false;
          i = skipSpace(b, i + 1, end);
          want = 0;
          continue;
        }
      } else if (c == 0x5d && want == 3) {
        // An empty array closed.
        i++;
        depth--;
      } else if (c == 0x7b || c == 0x5b) {
        if (depth == MAX_DEPTH) return false;
        stack[depth++] = <u8>c;
        i = skipSpace(b, i + 1, end);
        want = c == 0x7b ? 1 : 3;
        continue;
      } else if (c == 0x22) {
        i = stringEnd(b, i, end);
        if (i < 0) return false;
      } else {
        i = scalarEnd(b, i, end);
        if (i < 0) return false;
      }
      // A value (or an empty container) ended at i: what may follow it.
      i = skipSpace(b, i, end);
      while (true) {
        if (depth == 0) return i == end;
        if (i >= end) return false;
        const open = <i32>stack[depth - 1];
        const d = <i32>b[i];
        if (d == 0x2c) {
          i = skipSpace(b, i + 1, end);
          want = open == 0x7b ? 2 : 0;
          break;
        }
        if ((open == 0x7b && d != 0x7d) || (open == 0x5b && d != 0x5d)) return false;
        depth--;
        i = skipSpace(b, i + 1, end);
      }
    }
    return false;
  }

  /**
   * Writes the valid JSON value b[start, end) in canonical form into this canonicalizer's own
   * buffer and returns its length: the text is `bytes[0, length)` until the next call.
   */
  toBytes(b: Uint8Array, start: i32, end: i32): i32 {
    this.write(this.out, b, start, end);
    return this.out.finishBytes();
  }

  get bytes(): Uint8Array {
    return this.out.buffer;
  }

  /** Writes the valid JSON value b[start, end) (see isValidJson) to `w` in canonical form. */
  write(w: JsonWriter, b: Uint8Array, start: i32, end: i32): void {
    this.used = 0;
    this.keysUsed = 0;
    this.value(w, b, skipSpace(b, start, end), end, 0);
  }

  // Writes the value at b[i]; returns the index after it.
  private value(w: JsonWriter, b: Uint8Array, i: i32, end: i32, depth: i32): i32 {
    const c = <i32>b[i];
    if (c == 0x22) return writeString(w, b, i, end);
    if (c == 0x5b) return this.array(w, b, i, end, depth);
    if (c == 0x7b) {
      if (depth < SORT_DEPTH) {
        const sortedEnd = this.sortedObject(w, b, i, end, depth);
        if (sortedEnd >= 0) return sortedEnd;
      }
      return this.objectAsSent(w, b, i, end, depth);
    }
    const e = scalarEnd(b, i, end);
    w.asciiBytes(b, i, e);
    return e;
  }

  private array(w: JsonWriter, b: Uint8Array, start: i32, end: i32, depth: i32): i32 {
    w.text("[");
    let i = skipSpace(b, start + 1, end);
    let first = true;
    while (b[i] != 0x5d) {
      if (!first) w.text(",");
      first = false;
      i = skipSpace(b, this.value(w, b, i, end, depth + 1), end);
      if (b[i] == 0x2c) i = skipSpace(b, i + 1, end);
    }
    w.text("]");
    return i + 1;
  }

  private objectAsSent(w: JsonWriter, b: Uint8Array, start: i32, end: i32, depth: i32): i32 {
    w.text("{");
    let i = skipSpace(b, start + 1, end);
    let first = true;
    while (b[i] != 0x7d) {
      if (!first) w.text(",");
      first = false;
      i = skipSpace(b, writeString(w, b, i, end), end); // the key; then `:`
      w.text(":");
      i = skipSpace(b, this.value(w, b, skipSpace(b, i + 1, end), end, depth + 1), end);
      if (b[i] == 0x2c) i = skipSpace(b, i + 1, end);
    }
    w.text("}");
    return i + 1;
  }

  // Indexes the object's members, sorts them by decoded key and writes them, each repeated key
  // once with its last value. Returns the index after the object, or -1 (nothing written) when
  // its index would not fit the scratch bounds. Entries base..base+n-1 stay in use while the
  // members are written (nested objects index after them).
  private sortedObject(w: JsonWriter, b: Uint8Array, start: i32, end: i32, depth: i32): i32 {
    const base = this.used;
    const keyBase = this.keysUsed;
    let i = skipSpace(b, start + 1, end);
    while (b[i] != 0x7d) {
      if (this.used == MAX_MEMBERS) return this.rollback(base, keyBase);
      const keyEnd = stringEnd(b, i, end);
      const vs = skipSpace(b, skipSpace(b, keyEnd, end) + 1, end);
      const ve = valueEnd(b, vs, end);
      const decodedAt = this.keysUsed;
      if (!this.decodeKey(b, i + 1, keyEnd - 1)) return this.rollback(base, keyBase);
      this.push(vs, decodedAt, this.keysUsed - decodedAt);
      i = skipSpace(b, ve, end);
      if (b[i] == 0x2c) i = skipSpace(b, i + 1, end);
    }
    const n = this.used - base;
    this.sortMembers(base, n);
    w.text("{");
    let written = 0;
    for (let k = base; k < base + n; k++) {
      const e = this.order[k];
      // A repeated key: only its last occurrence (the sort is stable: the last of the run) counts.
      if (k + 1 < base + n && this.compareKeys(e, this.order[k + 1]) == 0) continue;
      if (written > 0) w.text(",");
      written++;
      const at = e * ENTRY;
      const keyAt = this.entries[at + 1];
      w.text("\"");
      w.escapedBytes(this.keys, keyAt, keyAt + this.entries[at + 2]);
      w.text("\":");
      this.value(w, b, this.entries[at], end, depth + 1);
    }
    w.text("}");
    this.used = base;
    this.keysUsed = keyBase;
    return i + 1;
  }

  private rollback(base: i32, keyBase: i32): i32 {
    this.used = base;
    this.keysUsed = keyBase;
    return -1;
  }

  private push(valueStart: i32, keyAt: i32, keyLength: i32): void {
    const at = this.used * ENTRY;
    if (at + ENTRY > this.entries.length) {
      const grown = new Int32Array(this.entries.length * 2);
      grown.set(this.entries);
      this.entries = grown;
      const order = new Int32Array(this.order.length * 2);
      order.set(this.order);
      this.order = order;
      this.merge = new Int32Array(this.order.length);
    }
    const e = this.entries;
    e[at] = valueStart;
    e[at + 1] = keyAt;
    e[at + 2] = keyLength;
    this.order[this.used] = this.used;
    this.used++;
  }

  // Decodes the raw key text b[start, end) into the key scratch (as UTF-8; escapes resolved, lone
  // surrogates U+FFFD); false when the scratch bound would be passed.
  private decodeKey(b: Uint8Array, start: i32, end: i32): bool {
    // Decoding never makes a key longer than its raw text (an escape is at least as long as the
    // UTF-8 it stands for, U+FFFD for a lone surrogate included).
    const need = this.keysUsed + (end - start);
    if (need > MAX_KEY_BYTES) return false;
    if (need > this.keys.length) {
      let size = this.keys.length * 2;
      while (size < need) size = size * 2;
      const grown = new Uint8Array(size);
      grown.set(this.keys.subarray(0, this.keysUsed));
      this.keys = grown;
    }
    this.keysUsed = decodeStringInto(b, start, end, this.keys, this.keysUsed);
    return true;
  }

  // Sorts order[base, base + n) (entry numbers) by decoded key, stably: a bottom-up merge sort.
  private sortMembers(base: i32, n: i32): void {
    const order = this.order;
    const tmp = this.merge;
    let width = 1;
    while (width < n) {
      let lo = 0;
      while (lo < n) {
        const mid = lo + width < n ? lo + width : n;
        const hi = lo + 2 * width < n ? lo + 2 * width : n;
        let a = lo;
        let c = mid;
        let o = lo;
        while (a < mid && c < hi) {
          // Take from the right run only when strictly smaller: equal keys keep their order.
          if (this.compareKeys(order[base + c], order[base + a]) < 0) tmp[o++] = order[base + c++];
          else tmp[o++] = order[base + a++];
        }
        while (a < mid) tmp[o++] = order[base + a++];
        while (c < hi) tmp[o++] = order[base + c++];
        lo = hi;
      }
      for (let k = 0; k < n; k++) order[base + k] = tmp[k];
      width = width * 2;
    }
  }

  // Byte order of two entries' decoded keys.
  private compareKeys(x: i32, y: i32): i32 {
    const e = this.entries;
    const xa = x * ENTRY;
    const ya = y * ENTRY;
    const k = this.keys;
    const xs = e[xa + 1];
    const xl = e[xa + 2];
    const ys = e[ya + 1];
    const yl = e[ya + 2];
    const n = xl < yl ? xl : yl;
    for (let i = 0; i < n; i++) {
      const d = <i32>k[xs + i] - <i32>k[ys + i];
      if (d != 0) return d;
    }
    return xl - yl;
  }
}

/** Index after the whitespace (space, tab, LF, CR) at b[i..end). */
function skipSpace(b: Uint8Array, i: i32, end: i32): i32 {
  let j = i;
  while (j < end) {
    const c = <i32>b[j];
    if (c != 0x20 && c != 0x0a && c != 0x0d && c != 0x09) break;
    j++;
  }
  return j;
}

// Index after the string starting with the quote at b[i], validating it (no raw control
// characters, only JSON's escapes), or -1.
function stringEnd(b: Uint8Array, i: i32, end: i32): i32 {
  let j = i + 1;
  while (j < end) {
    const c = <i32>b[j];
    if (c == 0x22) return j + 1;
    if (c < 0x20) return -1;
    if (c == 0x5c) {
      if (j + 1 >= end) return -1;
      const e = <i32>b[j + 1];
      if (e == 0x75) {
        if (j + 6 > end) return -1;
        for (let k = j + 2; k < j + 6; k++) if (hexDigit(<i32>b[k]) < 0) return -1;
        j += 6;
        continue;
      }
      if (e != 0x22 && e != 0x5c && e != 0x2f && e != 0x62 && e != 0x66 && e != 0x6e && e != 0x72 && e != 0x74) return -1;
      j += 2;
      continue;
    }
    j++;
  }
  return -1;
}

// Index after the number or literal at b[i] (JSON's grammar exactly), or -1.
function scalarEnd(b: Uint8Array, i: i32, end: i32): i32 {
  const c = <i32>b[i];
  if (c == 0x74) return literalEnd(b, i, end, "true");
  if (c == 0x66) return literalEnd(b, i, end, "false");
  if (c == 0x6e) return literalEnd(b, i, end, "null");
  let j = i;
  if (c == 0x2d) j++;
  if (j >= end) return -1;
  if (b[j] == 0x30) j++;
  else if (isDigit(b, j, end)) while (isDigit(b, j, end)) j++;
  else return -1;
  if (j < end && b[j] == 0x2e) {
    j++;
    if (!isDigit(b, j, end)) return -1;
    while (isDigit(b, j, end)) j++;
  }
  if (j < end && (b[j] == 0x65 || b[j] == 0x45)) {
    j++;
    if (j < end && (b[j] == 0x2b || b[j] == 0x2d)) j++;
    if (!isDigit(b, j, end)) return -1;
    while (isDigit(b, j, end)) j++;
  }
  return j;
}

function literalEnd(b: Uint8Array, i: i32, end: i32, word: string): i32 {
  if (i + word.length > end) return -1;
  for (let k = 0; k < word.length; k++) if (<i32>b[i + k] != word.charCodeAt(k)) return -1;
  return i + word.length;
}

function isDigit(b: Uint8Array, j: i32, end: i32): bool {
  return j < end && b[j] >= 0x30 && b[j] <= 0x39;
}

function hexDigit(c: i32): i32 {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  return -1;
}

// Index after the (valid) value at b[i]: strings quote to quote, containers by counting brackets
// outside strings, scalars to their last character.
function valueEnd(b: Uint8Array, i: i32, end: i32): i32 {
  const c = <i32>b[i];
  if (c == 0x22) return stringEnd(b, i, end);
  if (c != 0x7b && c != 0x5b) return scalarEnd(b, i, end);
  let depth = 0;
  let j = i;
  while (j < end) {
    const d = <i32>b[j];
    if (d == 0x22) {
      j = stringEnd(b, j, end);
      continue;
    }
    if (d == 0x7b || d == 0x5b) depth++;
    else if (d == 0x7d || d == 0x5d) {
      depth--;
      if (depth == 0) return j + 1;
    }
    j++;
  }
  return end;
}

// Writes the (valid) string at b[i] as its canonical literal; returns the index after it. Runs
// without escapes are copied through the writer's escaping (which re-escapes what Go escapes);
// each escape is decoded to its code point and written again, a surrogate pair as one character
// and a lone surrogate as U+FFFD.
function writeString(w: JsonWriter, b: Uint8Array, i: i32, end: i32): i32 {
  w.text("\"");
  let j = i + 1;
  let run = j;
  while (j < end) {
    const c = <i32>b[j];
    if (c == 0x22) break;
    if (c != 0x5c) {
      j++;
      continue;
    }
    w.escapedBytes(b, run, j);
    const cp = escapeAt(b, j, end);
    w.escapedCodePoint(cp >> 4);
    j += cp & 15;
    run = j;
  }
  w.escapedBytes(b, run, j);
  w.text("\"");
  return j + 1;
}

/**
 * Decodes the raw contents of a valid JSON string, b[start, end), into out at `at` as UTF-8
 * (escapes resolved; a surrogate pair is one character, a lone surrogate U+FFFD; raw bytes copied
 * as they are). Returns the offset after what was written; out must have room for 3 bytes per input byte.
 */
export function decodeStringInto(b: Uint8Array, start: i32, end: i32, out: Uint8Array, at: i32): i32 {
  let o = at;
  let j = start;
  while (j < end) {
    const c = <i32>b[j];
    if (c != 0x5c) {
      out[o++] = <u8>c;
      j++;
      continue;
    }
    const cp = escapeAt(b, j, end);
    o = putCodePoint(out, o, cp >> 4);
    j += cp & 15;
  }
  return o;
}

// The escape at b[j] (a backslash) of a valid string: code point * 16 + bytes it spans (2, 6 or 12).
function escapeAt(b: Uint8Array, j: i32, end: i32): i32 {
  const e = <i32>b[j + 1];
  if (e != 0x75) {
    let c = e;
    if (e == 0x62) c = 0x08;
    else if (e == 0x66) c = 0x0c;
    else if (e == 0x6e) c = 0x0a;
    else if (e == 0x72) c = 0x0d;
    else if (e == 0x74) c = 0x09;
    return c * 16 + 2;
  }
  const u = hex4At(b, j + 2);
  if (u < 0xd800 || u > 0xdfff) return u * 16 + 6;
  // A surrogate takes the next \u escape with it, as gjson's unescape does: a high + low pair is
  // one character, anything else one U+FFFD for both; a surrogate alone is U+FFFD.
  if (j + 12 <= end && b[j + 6] == 0x5c && b[j + 7] == 0x75) {
    const lo = hex4At(b, j + 8);
    const pair = u <= 0xdbff && lo >= 0xdc00 && lo <= 0xdfff;
    return (pair ? 0x10000 + ((u - 0xd800) << 10) + (lo - 0xdc00) : 0xfffd) * 16 + 12;
  }
  return 0xfffd * 16 + 6;
}

function hex4At(b: Uint8Array, at: i32): i32 {
  let v = 0;
  for (let k = 0; k < 4; k++) v = v * 16 + hexDigit(<i32>b[at + k]);
  return v;
}

function putCodePoint(out: Uint8Array, at: i32, cp: i32): i32 {
  let o = at;
  if (cp < 0x80) {
    out[o++] = <u8>cp;
  } else if (cp < 0x800) {
    out[o++] = <u8>(0xc0 | (cp >> 6));
    out[o++] = <u8>(0x80 | (cp & 0x3f));
  } else if (cp < 0x10000) {
    out[o++] = <u8>(0xe0 | (cp >> 12));
    out[o++] = <u8>(0x80 | ((cp >> 6) & 0x3f));
    out[o++] = <u8>(0x80 | (cp & 0x3f));
  } else {
    out[o++] = <u8>(0xf0 | (cp >> 18));
    out[o++] = <u8>(0x80 | ((cp >> 12) & 0x3f));
    out[o++] = <u8>(0x80 | ((cp >> 6) & 0x3f));
    out[o++] = <u8>(0x80 | (cp & 0x3f));
  }
  return o;
}
