// The ai_log merge of a Proxy-Wasm host. Higress plugins share one `ai_log` filter state: its Go
// wrapper (WriteUserAttributeToLogWithKey) reads the value already set on the stream, undoes
// MarshalStr (the JSON text string-escaped without quotes), json.Unmarshal's it into a map,
// overlays its own attributes, json.Marshal's the map (keys sorted as UTF-8 bytes) and escapes it
// again. ai-cache (`cache_status`), ai-security-guard (`safecheck_status`) and others write there
// before and after ai-statistics. LogMerger does the same in bounded memory:
//
// - the existing value (the bytes as stored) is unescaped in place as Go decodes a JSON string
//   (escapes, surrogate pairs, a lone surrogate escape becomes U+FFFD; a raw `"`, a raw control
//   character or a bad escape is an error), then validated as strict JSON (RFC 8259, nesting at
//   most LOG_MERGE_MAX_DEPTH, numbers within float64 as Go's Unmarshal requires);
// - it must be an object of at most LOG_MERGE_MAX_MEMBERS members; a key repeated in it keeps its
//   last value (a Go map keeps the last assignment);
// - the merge keeps every member of the existing object, aistats' own keys win, and all keys are
//   sorted by their decoded UTF-8 bytes, as Go's json.Marshal sorts a map's keys;
// - foreign values are copied compact (no whitespace outside strings): they were written by Go's
//   json.Marshal, so their text is already what re-marshalling would give, up to the spelling of
//   escapes and numbers; aistats' own members are copied as the engine wrote them;
// - the result is escaped as MarshalStr escapes: `"` and `\` and every byte below 0x20 (`\n`,
//   `\r`, `\t`, `\b`, `\f`, others `\u00XX`), so no raw control character reaches the filter
//   state, and invalid UTF-8 becomes U+FFFD.
//
// An existing value that is not such an object (or that the host could not hand over because it
// is longer than the limit, see logMergeLimit) is replaced by aistats' own record, and the caller
// counts it. Higress's wrapper warns and writes nothing in that case, losing its own record.
//
// Memory: the existing value is received into `existing` (LOG_MERGE_MARGIN_BYTES at first; it
// grows only to the limit the caller accepted), the member tables and the nesting stack are
// allocated once, and the escaped result goes to `output`, which grows to the longest result and
// stays. Nothing is allocated per merge.
import { copyBytes, loadByte, storeByte } from "../glue/target";
import { jsonNumberValue } from "../config/json-number";

/** How much longer than what aistats itself last wrote on the stream an existing value may be. */
export const LOG_MERGE_MARGIN_BYTES: i32 = 16384;
/** Top-level members an existing ai_log (and aistats' own) may have. */
export const LOG_MERGE_MAX_MEMBERS: i32 = 512;
/** Deepest nesting of objects and arrays accepted in an existing value. */
export const LOG_MERGE_MAX_DEPTH: i32 = 128;

/** Nothing to merge (no existing value): aistats' own record alone. */
export const MERGE_OWN: i32 = 0;
/** The existing members were kept, aistats' own keys won. */
export const MERGE_MERGED: i32 = 1;
/** The existing value was over the limit: replaced by aistats' own record (count it). */
export const MERGE_TOO_LARGE: i32 = 2;
/** The existing value was not an ai_log object: replaced by aistats' own record (count it). */
export const MERGE_UNPARSABLE: i32 = 3;

/**
 * The longest existing value a write accepts, given the length of the value aistats itself wrote
 * last on the stream (0 before its first write): what other plugins add may be up to
 * LOG_MERGE_MARGIN_BYTES, while aistats' own earlier record (which a later write reads back) does
 * not count against it.
 */
export function logMergeLimit(previousWrite: i32): i32 {
  return (previousWrite > 0 ? previousWrite : 0) + LOG_MERGE_MARGIN_BYTES;
}

const HEX: string = "0123456789abcdef";
// Member table: key start, key end (the literal with its quotes), value start, value end.
const FIELDS: i32 = 4;
const IN_OBJECT: u8 = 1;
const IN_ARRAY: u8 = 2;

export class LogMerger {
  /** Where the host puts the existing value, as stored (escaped). See reserve(). */
  existing: Uint8Array = new Uint8Array(LOG_MERGE_MARGIN_BYTES);
  /** The value to store, escaped: output[0, outputLength). */
  output: Uint8Array = new Uint8Array(4096);
  outputLength: i32 = 0;

  private readonly theirs: Int32Array = new Int32Array(LOG_MERGE_MAX_MEMBERS * FIELDS);
  private readonly ours: Int32Array = new Int32Array(LOG_MERGE_MAX_MEMBERS * FIELDS);
  private theirCount: i32 = 0;
  private ourCount: i32 = 0;
  private readonly theirOrder: Int32Array = new Int32Array(LOG_MERGE_MAX_MEMBERS);
  private readonly ourOrder: Int32Array = new Int32Array(LOG_MERGE_MAX_MEMBERS);
  private readonly sortScratch: Int32Array = new Int32Array(LOG_MERGE_MAX_MEMBERS);
  private readonly stack: Uint8Array = new Uint8Array(LOG_MERGE_MAX_DEPTH + 1);
  private readonly left: KeyCursor = new KeyCursor();
  private readonly right: KeyCursor = new KeyCursor();

  /**
   * Makes `existing` hold at least n bytes, for an existing value within the limit the caller
   * accepts (logMergeLimit). Returns false, changing nothing, when n is not positive.
   */
  reserve(n: i32): bool {
    if (n <= 0) return false;
    if (n > this.existing.length) {
      let cap = this.existing.length;
      while (cap < n) cap = cap << 1;
      this.existing = new Uint8Array(cap);
    }
    return true;
  }

  /** Writes aistats' own record own[0, ownLength) alone, escaped. Returns MERGE_OWN. */
  writeOwn(own: Uint8Array, ownLength: i32): i32 {
    this.outputLength = 0;
    this.escapeRange(own, 0, ownLength < own.length ? ownLength : own.length);
    return MERGE_OWN;
  }

  /** An existing value over the limit: aistats' own record alone. Returns MERGE_TOO_LARGE. */
  replaceTooLarge(own: Uint8Array, ownLength: i32): i32 {
    this.writeOwn(own, ownLength);
    return MERGE_TOO_LARGE;
  }

  /**
   * Merges the existing value existing[0, existingLength) (as stored: escaped) with aistats' own
   * record own[0, ownLength) (JSON text). The result is in output[0, outputLength) whatever the
   * status: MERGE_OWN (empty existing value), MERGE_MERGED, or MERGE_UNPARSABLE (replaced).
   * `existing` is overwritten.
   */
  merge(existingLength: i32, own: Uint8Array, ownLength: i32): i32 {
    const ownEnd = ownLength < own.length ? ownLength : own.length;
    const n = existingLength < this.existing.length ? existingLength : this.existing.length;
    if (n <= 0) return this.writeOwn(own, ownEnd);
    const m = unescapeInPlace(this.existing, n);
    this.theirCount = m < 0 ? -1 : this.members(this.existing, m, this.theirs);
    this.ourCount = this.members(own, ownEnd, this.ours);
    if (this.theirCount < 0 || this.ourCount < 0) {
      this.writeOwn(own, ownEnd);
      return MERGE_UNPARSABLE;
    }
    this.sortMembers(this.existing, this.theirs, this.theirCount, this.theirOrder);
    this.sortMembers(own, this.ours, this.ourCount, this.ourOrder);
    this.writeMerged(own);
    return MERGE_MERGED;
  }

  // The members of the JSON object b[0, end) into `table`; their number, or -1 when b is not
  // exactly one valid JSON object (surrounded by whitespace at most) of at most MAX_MEMBERS.
  private members(b: Uint8Array, end: i32, table: Int32Array): i32 {
    let i = skipSpace(b, 0, end);
    if (i >= end || loadByte(b, i) != 0x7b) return -1;
    i = skipSpace(b, i + 1, end);
    let count = 0;
    if (i < end && loadByte(b, i) == 0x7d) return skipSpace(b, i + 1, end) == end ? 0 : -1;
    while (true) {
      if (i >= end || loadByte(b, i) != 0x22) return -1;
      const keyStart = i;
      i = stringEnd(b, i, end);
      if (i < 0) return -1;
      const keyEnd = i;
      i = skipSpace(b, i, end);
      if (i >= end || loadByte(b, i) != 0x3a) return -1;
      i = skipSpace(b, i + 1, end);
      const valueStart = i;
      i = this.valueEnd(b, i, end);
      if (i < 0) return -1;
      if (count == LOG_MERGE_MAX_MEMBERS) return -1;
      const at = count * FIELDS;
      table[at] = keyStart;
      table[at + 1] = keyEnd;
      table[at + 2] = valueStart;
      table[at + 3] = i;
      count++;
      i = skipSpace(b, i, end);
      if (i >= end) return -1;
      const c = loadByte(b, i);
      if (c == 0x7d) break;
      if (c != 0x2c) return -1;
      i = skipSpace(b, i + 1, end);
    }
    return skipSpace(b, i + 1, end) == end ? count : -1;
  }

  // The end of the one JSON value starting at b[i] (no leading whitespace), or -1 when it is not
  // valid (or nests deeper than MAX_DEPTH, or holds a number beyond float64).
  private valueEnd(b: Uint8Array, start: i32, end: i32): i32 {
    const stack = this.stack;
    let depth = 0;
    let i = start;
    while (true) {
      // A value at i.
      if (i >= end) return -1;
      const c = loadByte(b, i);
      let opened = false;
      if (c == 0x7b || c == 0x5b) {
        if (depth == LOG_MERGE_MAX_DEPTH) return -1;
        depth++;
        stack[depth] = c == 0x7b ? IN_OBJECT : IN_ARRAY;
        i = skipSpace(b, i + 1, end);
        if (i < end && loadByte(b, i) == (c == 0x7b ? 0x7d : 0x5d)) {
          i++;
          depth--;
        } else {
          opened = true;
          if (c == 0x7b) {
            i = memberValueStart(b, i, end);
            if (i < 0) return -1;
          }
        }
      } else if (c == 0x22) {
        i = stringEnd(b, i, end);
      } else if (c == 0x74) {
        i = literalEnd(b, i, end, "true");
      } else if (c == 0x66) {
        i = literalEnd(b, i, end, "false");
      } else if (c == 0x6e) {
        i = literalEnd(b, i, end, "null");
      } else if (c == 0x2d || (c >= 0x30 && c <= 0x39)) {
        i = numberEnd(b, i, end);
      } else {
        return -1;
      }
      if (i < 0) return -1;
      if (opened) continue;
      // After a value: close containers, or go on to the next element.
      let next = false;
      while (!next) {
        if (depth == 0) return i;
        i = skipSpace(b, i, end);
        if (i >= end) return -1;
        const d = loadByte(b, i);
        const inside = stack[depth];
        if (d == 0x2c) {
          i = skipSpace(b, i + 1, end);
          if (inside == IN_OBJECT) {
            i = memberValueStart(b, i, end);
            if (i < 0) return -1;
          }
          next = true;
        } else if ((d == 0x7d && inside == IN_OBJECT) || (d == 0x5d && inside == IN_ARRAY)) {
          i++;
          depth--;
        } else {
          return -1;
        }
      }
    }
  }

  // Sorts a member table's entry numbers into `order` by decoded key bytes; equal keys keep
  // their order (bottom-up merge sort, so a repeated key's last occurrence stays last).
  private sortMembers(b: Uint8Array, table: Int32Array, count: i32, order: Int32Array): void {
    for (let i = 0; i < count; i++) order[i] = i;
    let src = order;
    let dst = this.sortScratch;
    for (let width = 1; width < count; width = width << 1) {
      for (let lo = 0; lo < count; lo += width << 1) {
        const mid = lo + width < count ? lo + width : count;
        const hi = lo + (width << 1) < count ? lo + (width << 1) : count;
        let a = lo;
        let c = mid;
        let o = lo;
        while (a < mid && c < hi) {
          if (this.compareKeys(b, table, src[c], b, table, src[a]) < 0) dst[o++] = src[c++];
          else dst[o++] = src[a++];
        }
        while (a < mid) dst[o++] = src[a++];
        while (c < hi) dst[o++] = src[c++];
      }
      const t = src;
      src = dst;
      dst = t;
    }
    if (src != order) for (let i = 0; i < count; i++) order[i] = src[i];
  }

  // Compares the decoded keys of entry x of table xt (text xb) and entry y of yt (text yb).
  private compareKeys(xb: Uint8Array, xt: Int32Array, x: i32, yb: Uint8Array, yt: Int32Array, y: i32): i32 {
    const l = this.left;
    const r = this.right;
    l.reset(xb, xt[x * FIELDS] + 1, xt[x * FIELDS + 1] - 1);
    r.reset(yb, yt[y * FIELDS] + 1, yt[y * FIELDS + 1] - 1);
    while (true) {
      const p = l.next();
      const q = r.next();
      if (p != q) return p - q;
      if (p < 0) return 0;
    }
  }

  // `{`, the union of both sorted member lists (ours on equal keys; of a repeated key, the last),
  // `}` — escaped into output.
  private writeMerged(own: Uint8Array): void {
    const b = this.existing;
    const theirs = this.theirs;
    const ours = this.ours;
    const to = this.theirOrder;
    const oo = this.ourOrder;
    this.outputLength = 0;
    this.put(0x7b);
    let t = 0;
    let o = 0;
    let first = true;
    while (t < this.theirCount || o < this.ourCount) {
      // The last of a run of equal keys.
      while (t + 1 < this.theirCount && this.compareKeys(b, theirs, to[t], b, theirs, to[t + 1]) == 0) t++;
      while (o + 1 < this.ourCount && this.compareKeys(own, ours, oo[o], own, ours, oo[o + 1]) == 0) o++;
      let cmp: i32;
      if (t >= this.theirCount) cmp = 1;
      else if (o >= this.ourCount) cmp = -1;
      else cmp = this.compareKeys(b, theirs, to[t], own, ours, oo[o]);
      if (!first) this.put(0x2c);
      first = false;
      if (cmp < 0) {
        const at = to[t] * FIELDS;
        this.escapeRange(b, theirs[at], theirs[at + 1]);
        this.put(0x3a);
        this.escapeCompact(b, theirs[at + 2], theirs[at + 3]);
        t++;
      } else {
        const at = oo[o] * FIELDS;
        this.escapeRange(own, ours[at], ours[at + 1]);
        this.put(0x3a);
        this.escapeRange(own, ours[at + 2], ours[at + 3]);
        o++;
        if (cmp == 0) t++;
      }
    }
    this.put(0x7d);
  }

  // Appends b[start, end) escaped as string contents (MarshalStr): `"` `\` and control bytes
  // escaped, valid UTF-8 copied, each byte of invalid UTF-8 as U+FFFD.
  private escapeRange(b: Uint8Array, start: i32, end: i32): void {
    let i = start;
    while (i < end) {
      const c = loadByte(b, i);
      if (c >= 0x20 && c < 0x80 && c != 0x22 && c != 0x5c) {
        // Runs of plain ASCII, the common case, one store each.
        this.ensure(1);
        storeByte(this.output, this.outputLength, c);
        this.outputLength++;
        i++;
      } else {
        i = this.escapeOne(b, i, end);
      }
    }
  }

  // Appends the JSON value b[start, end) escaped, without whitespace outside strings.
  private escapeCompact(b: Uint8Array, start: i32, end: i32): void {
    let i = start;
    let inString = false;
    while (i < end) {
      const c = loadByte(b, i);
      if (!inString) {
        if (c == 0x20 || c == 0x0a || c == 0x0d || c == 0x09) {
          i++;
          continue;
        }
        if (c == 0x22) inString = true;
        i = this.escapeOne(b, i, end);
        continue;
      }
      if (c == 0x5c) {
        // An escape inside a string (validated): its two first bytes, the rest follows as ASCII.
        i = this.escapeOne(b, i, end);
        i = this.escapeOne(b, i, end);
        continue;
      }
      if (c == 0x22) inString = false;
      i = this.escapeOne(b, i, end);
    }
  }

  // Appends the character at b[i] escaped; returns the index after it.
  private escapeOne(b: Uint8Array, i: i32, end: i32): i32 {
    const c = loadByte(b, i);
    this.ensure(6);
    const out = this.output;
    let o = this.outputLength;
    if (c >= 0x80) {
      const n = sequenceLength(b, i, end);
      if (n == 0) {
        storeByte(out, o, 0xef);
        storeByte(out, o + 1, 0xbf);
        storeByte(out, o + 2, 0xbd);
        this.outputLength = o + 3;
        return i + 1;
      }
      for (let k = 0; k < n; k++) storeByte(out, o + k, loadByte(b, i + k));
      this.outputLength = o + n;
      return i + n;
    }
    if (c >= 0x20 && c != 0x22 && c != 0x5c) {
      storeByte(out, o, c);
      this.outputLength = o + 1;
      return i + 1;
    }
    storeByte(out, o++, 0x5c);
    if (c == 0x22 || c == 0x5c) storeByte(out, o++, c);
    else if (c == 0x0a) storeByte(out, o++, 0x6e);
    else if (c == 0x0d) storeByte(out, o++, 0x72);
    else if (c == 0x09) storeByte(out, o++, 0x74);
    else if (c == 0x08) storeByte(out, o++, 0x62);
    else if (c == 0x0c) storeByte(out, o++, 0x66);
    else {
      storeByte(out, o++, 0x75);
      storeByte(out, o++, 0x30);
      storeByte(out, o++, 0x30);
      storeByte(out, o++, HEX.charCodeAt(c >> 4));
      storeByte(out, o++, HEX.charCodeAt(c & 15));
    }
    this.outputLength = o;
    return i + 1;
  }

  private put(c: i32): void {
    this.ensure(1);
    storeByte(this.output, this.outputLength, c);
    this.outputLength++;
  }

  private ensure(n: i32): void {
    const need = this.outputLength + n;
    if (need <= this.output.length) return;
    let cap = this.output.length << 1;
    while (cap < need) cap = cap << 1;
    const next = new Uint8Array(cap);
    copyBytes(next, 0, this.output, 0, this.outputLength);
    this.output = next;
  }
}

/**
 * Decodes b[0, n) in place as the contents of a JSON string literal, as Go's decoder does
 * (\uXXXX to UTF-8, a surrogate pair to one character, a lone surrogate escape to U+FFFD; raw
 * bytes from 0x80 copied as they are). Returns the decoded length, or -1 when the text is not a
 * string's contents: a raw `"`, a byte below 0x20, an unknown or cut escape.
 */
export function unescapeInPlace(b: Uint8Array, n: i32): i32 {
  let i = 0;
  let o = 0;
  while (i < n) {
    const c = loadByte(b, i);
    if (c == 0x22 || c < 0x20) return -1;
    if (c != 0x5c) {
      storeByte(b, o++, c);
      i++;
      continue;
    }
    if (i + 1 >= n) return -1;
    const e = loadByte(b, i + 1);
    let u = -1;
    if (e == 0x22 || e == 0x5c || e == 0x2f) u = e;
    else if (e == 0x62) u = 0x08;
    else if (e == 0x66) u = 0x0c;
    else if (e == 0x6e) u = 0x0a;
    else if (e == 0x72) u = 0x0d;
    else if (e == 0x74) u = 0x09;
    if (u >= 0) {
      storeByte(b, o++, u);
      i += 2;
      continue;
    }
    if (e != 0x75) return -1;
    let cp = hex4(b, i + 2, n);
    if (cp < 0) return -1;
    i += 6;
    if (cp >= 0xd800 && cp <= 0xdfff) {
      const low = i + 1 < n && loadByte(b, i) == 0x5c && loadByte(b, i + 1) == 0x75 ? hex4(b, i + 2, n) : -1;
      if (cp <= 0xdbff && low >= 0xdc00 && low <= 0xdfff) {
        cp = 0x10000 + ((cp - 0xd800) << 10) + (low - 0xdc00);
        i += 6;
      } else {
        cp = 0xfffd;
      }
    }
    o = putCodePoint(b, o, cp);
  }
  return o;
}

// Decoded bytes of a JSON string literal's contents (validated), one at a time: what Go compares
// when it sorts map keys (escapes decoded, invalid UTF-8 and lone surrogates as U+FFFD).
class KeyCursor {
  private b: Uint8Array = new Uint8Array(0);
  private i: i32 = 0;
  private end: i32 = 0;
  private readonly pending: Uint8Array = new Uint8Array(4);
  private pendingAt: i32 = 0;
  private pendingEnd: i32 = 0;

  reset(b: Uint8Array, start: i32, end: i32): void {
    this.b = b;
    this.i = start;
    this.end = end;
    this.pendingAt = 0;
    this.pendingEnd = 0;
  }

  /** The next decoded byte, or -1 at the end. */
  next(): i32 {
    if (this.pendingAt < this.pendingEnd) return <i32>this.pending[this.pendingAt++];
    const b = this.b;
    const i = this.i;
    if (i >= this.end) return -1;
    const c = loadByte(b, i);
    if (c < 0x80 && c != 0x5c) {
      this.i = i + 1;
      return c;
    }
    let cp: i32;
    if (c == 0x5c) {
      const e = loadByte(b, i + 1);
      if (e != 0x75) {
        this.i = i + 2;
        if (e == 0x62) return 0x08;
        if (e == 0x66) return 0x0c;
        if (e == 0x6e) return 0x0a;
        if (e == 0x72) return 0x0d;
        if (e == 0x74) return 0x09;
        return e;
      }
      cp = hex4(b, i + 2, this.end);
      this.i = i + 6;
      if (cp >= 0xd800 && cp <= 0xdfff) {
        const j = this.i;
        const low = j + 1 < this.end && loadByte(b, j) == 0x5c && loadByte(b, j + 1) == 0x75 ? hex4(b, j + 2, this.end) : -1;
        if (cp <= 0xdbff && low >= 0xdc00 && low <= 0xdfff) {
          cp = 0x10000 + ((cp - 0xd800) << 10) + (low - 0xdc00);
          this.i = j + 6;
        } else {
          cp = 0xfffd;
        }
      }
    } else {
      const n = sequenceLength(b, i, this.end);
      if (n == 0) {
        cp = 0xfffd;
        this.i = i + 1;
      } else {
        for (let k = 0; k < n; k++) this.pending[k] = <u8>loadByte(b, i + k);
        this.i = i + n;
        this.pendingAt = 1;
        this.pendingEnd = n;
        return <i32>this.pending[0];
      }
    }
    this.pendingEnd = putCodePoint(this.pending, 0, cp);
    this.pendingAt = 1;
    return <i32>this.pending[0];
  }
}

function skipSpace(b: Uint8Array, i: i32, end: i32): i32 {
  while (i < end) {
    const c = loadByte(b, i);
    if (c != 0x20 && c != 0x0a && c != 0x0d && c != 0x09) break;
    i++;
  }
  return i;
}

// After `{` or an object's `,` (whitespace skipped): a key, `:`, whitespace; returns where the
// member's value starts, or -1.
function memberValueStart(b: Uint8Array, i: i32, end: i32): i32 {
  if (i >= end || loadByte(b, i) != 0x22) return -1;
  i = stringEnd(b, i, end);
  if (i < 0) return -1;
  i = skipSpace(b, i, end);
  if (i >= end || loadByte(b, i) != 0x3a) return -1;
  return skipSpace(b, i + 1, end);
}

// The index after the string literal starting at b[i] (a `"`), or -1 when it is not valid JSON.
function stringEnd(b: Uint8Array, i: i32, end: i32): i32 {
  i++;
  while (i < end) {
    const c = loadByte(b, i);
    if (c == 0x22) return i + 1;
    if (c < 0x20) return -1;
    if (c == 0x5c) {
      if (i + 1 >= end) return -1;
      const e = loadByte(b, i + 1);
      if (e == 0x75) {
        if (hex4(b, i + 2, end) < 0) return -1;
        i += 6;
        continue;
      }
      if (e != 0x22 && e != 0x5c && e != 0x2f && e != 0x62 && e != 0x66 && e != 0x6e && e != 0x72 && e != 0x74) return -1;
      i += 2;
      continue;
    }
    i++;
  }
  return -1;
}

function literalEnd(b: Uint8Array, i: i32, end: i32, word: string): i32 {
  const n = word.length;
  if (i + n > end) return -1;
  for (let k = 0; k < n; k++) if (loadByte(b, i + k) != word.charCodeAt(k)) return -1;
  return i + n;
}

// The index after the JSON number starting at b[i], or -1 when it is not one, or when Go's
// Unmarshal would refuse it (beyond float64: 1e400).
function numberEnd(b: Uint8Array, start: i32, end: i32): i32 {
  let i = start;
  if (loadByte(b, i) == 0x2d) i++;
  if (i >= end) return -1;
  let c = loadByte(b, i);
  if (c == 0x30) i++;
  else if (c >= 0x31 && c <= 0x39) i = digitsEnd(b, i, end);
  else return -1;
  if (i < end && loadByte(b, i) == 0x2e) {
    const f = digitsEnd(b, i + 1, end);
    if (f == i + 1) return -1;
    i = f;
  }
  if (i < end) {
    c = loadByte(b, i);
    if (c == 0x65 || c == 0x45) {
      i++;
      if (i < end && (loadByte(b, i) == 0x2b || loadByte(b, i) == 0x2d)) i++;
      const e = digitsEnd(b, i, end);
      if (e == i) return -1;
      i = e;
    }
  }
  const x = jsonNumberValue(b, start, i);
  if (x != x || x - x != 0) return -1;
  return i;
}

function digitsEnd(b: Uint8Array, i: i32, end: i32): i32 {
  while (i < end) {
    const c = loadByte(b, i);
    if (c < 0x30 || c > 0x39) break;
    i++;
  }
  return i;
}

// The value of 4 hex digits at b[i], or -1.
function hex4(b: Uint8Array, i: i32, end: i32): i32 {
  if (i + 4 > end) return -1;
  let v = 0;
  for (let k = 0; k < 4; k++) {
    const c = loadByte(b, i + k);
    let d: i32;
    if (c >= 0x30 && c <= 0x39) d = c - 0x30;
    else if (c >= 0x61 && c <= 0x66) d = c - 0x57;
    else if (c >= 0x41 && c <= 0x46) d = c - 0x37;
    else return -1;
    v = (v << 4) | d;
  }
  return v;
}

// Writes code point cp as UTF-8 at b[o]; returns the index after it.
function putCodePoint(b: Uint8Array, o: i32, cp: i32): i32 {
  if (cp < 0x80) {
    storeByte(b, o, cp);
    return o + 1;
  }
  if (cp < 0x800) {
    storeByte(b, o, 0xc0 | (cp >> 6));
    storeByte(b, o + 1, 0x80 | (cp & 0x3f));
    return o + 2;
  }
  if (cp < 0x10000) {
    storeByte(b, o, 0xe0 | (cp >> 12));
    storeByte(b, o + 1, 0x80 | ((cp >> 6) & 0x3f));
    storeByte(b, o + 2, 0x80 | (cp & 0x3f));
    return o + 3;
  }
  storeByte(b, o, 0xf0 | (cp >> 18));
  storeByte(b, o + 1, 0x80 | ((cp >> 12) & 0x3f));
  storeByte(b, o + 2, 0x80 | ((cp >> 6) & 0x3f));
  storeByte(b, o + 3, 0x80 | (cp & 0x3f));
  return o + 4;
}

// Length (2–4) of the valid UTF-8 sequence starting with the byte b[i] ≥ 0x80, or 0 when it is
// invalid or cut by `end` (Go's utf8.DecodeRune: then one byte is one U+FFFD).
function sequenceLength(b: Uint8Array, i: i32, end: i32): i32 {
  const c = loadByte(b, i);
  let n: i32;
  let lo = 0x80;
  let hi = 0xbf;
  if (c >= 0xc2 && c <= 0xdf) n = 2;
  else if (c >= 0xe0 && c <= 0xef) {
    n = 3;
    if (c == 0xe0) lo = 0xa0;
    else if (c == 0xed) hi = 0x9f;
  } else if (c >= 0xf0 && c <= 0xf4) {
    n = 4;
    if (c == 0xf0) lo = 0x90;
    else if (c == 0xf4) hi = 0x8f;
  } else {
    return 0;
  }
  if (i + n > end) return 0;
  const second = loadByte(b, i + 1);
  if (second < lo || second > hi) return 0;
  for (let k = 2; k < n; k++) {
    const x = loadByte(b, i + k);
    if (x < 0x80 || x > 0xbf) return 0;
  }
  return n;
}
