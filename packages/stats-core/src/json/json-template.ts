import { commonPrefix, loadByte, loadI32, storeI32, stringStop } from "../glue/target";
import { hexValue } from "./json-utf8";

// A per-matcher event template: the last document the general path read whole in one chunk, with
// the places where a new document of the same shape may differ without changing what the matcher
// does there.
//
// Why that is sound: the matcher is deterministic — the same state and the same bytes give the same
// state and the same outputs. A template is only learned from a document in which every step that
// came into play was a plain member name or array index handing its value straight to the sink —
// no query, `#`, `#.`, `@reverse` or pipe was attached or given a value (a path set may have them,
// as long as this shape of document never reaches them) — and every selected value was a string or
// a number. There, what the matcher does depends on the document's structure and keys and never
// on the text of a string value or the digits of a number. So a document that equals the
// template byte for byte outside such values — each one still a string (or a number) at the same
// place, its text skipped exactly as the general path skips it — selects the same values in the
// same order; only their bytes differ, and those are decoded from the new document.
//
// Segments, in document order, each one value the template may let differ:
//   SLOT_STRING / SLOT_NUMBER  a selected value: its consumers (target ids) as the general path
//                              gave it them; the new text is validated as the general path would
//                              (escapes and control characters, the number grammar) and decoded.
//   HOLE_STRING / HOLE_NUMBER  an unselected value: a candidate until a new document differs inside
//                              it, then a hole — skipped quote to quote (an odd run of backslashes
//                              escapes the quote) or to the number's end, never compared.
// Everything else is compared (commonPrefix: 8 bytes a step in JS, 16 with SIMD in wasm). A
// difference anywhere else, a document cut by the chunk, or a value that is not valid sends the
// whole document down the general path, which then learns a new template.

export const SEG_SLOT_STRING: i32 = 1;
export const SEG_SLOT_NUMBER: i32 = 2;
export const SEG_HOLE_STRING: i32 = 3;
export const SEG_HOLE_NUMBER: i32 = 4;

/** Longest document a template holds (LLM stream events are a few hundred bytes). */
export const TEMPLATE_BYTES: i32 = 1024;
/** Most values a template tracks. */
export const TEMPLATE_SEGMENTS: i32 = 48;
/** Most consumers over all slots. */
export const TEMPLATE_CONSUMERS: i32 = 32;
/** Most holes learned while matching one document (each restarts the compare). */
const LEARN_PER_DOCUMENT: i32 = 16;

export class MatchTemplate {
  /** Holds a learned document. */
  valid: bool = false;
  readonly bytes: Uint8Array = new Uint8Array(TEMPLATE_BYTES);
  length: i32 = 0;
  /** Per segment: kind (SEG_*), where its text starts (after a string's quote), where it ends (a string's closing quote, the byte after a number). */
  readonly segKind: Uint8Array = new Uint8Array(TEMPLATE_SEGMENTS);
  readonly segFrom: Int32Array = new Int32Array(TEMPLATE_SEGMENTS);
  readonly segTo: Int32Array = new Int32Array(TEMPLATE_SEGMENTS);
  /** 1: compared as a value (slots always; holes once learned), 0: compared as bytes. */
  readonly segActive: Uint8Array = new Uint8Array(TEMPLATE_SEGMENTS);
  /** A slot's consumers: consTarget[segCons[k], segCons[k + 1]). */
  readonly segCons: Int32Array = new Int32Array(TEMPLATE_SEGMENTS + 1);
  readonly consTarget: Int32Array = new Int32Array(TEMPLATE_CONSUMERS);
  segCount: i32 = 0;
  consCount: i32 = 0;
  /** The last match: each segment's text in the new document. */
  readonly docFrom: Int32Array = new Int32Array(TEMPLATE_SEGMENTS);
  readonly docTo: Int32Array = new Int32Array(TEMPLATE_SEGMENTS);

  // ---- learning (the general path reports what it did) ----

  /** Learning failed: too many values, or something a template cannot stand for. */
  overflow: bool = false;
  private open: i32 = -1;

  /** The general path starts a document at buffer offset `base`. */
  begin(): void {
    this.valid = false;
    this.segCount = 0;
    this.consCount = 0;
    this.segCons[0] = 0;
    this.overflow = false;
    this.open = -1;
  }

  /** A value of segment kind `kind` starts (its text at `from`); returns the segment or -1. */
  add(kind: i32, from: i32): i32 {
    const k = this.segCount;
    if (k >= TEMPLATE_SEGMENTS) {
      this.overflow = true;
      return -1;
    }
    this.segKind[k] = <u8>kind;
    this.segFrom[k] = from;
    this.segTo[k] = from;
    this.segActive[k] = kind == SEG_SLOT_STRING || kind == SEG_SLOT_NUMBER ? 1 : 0;
    this.segCons[k + 1] = this.consCount;
    this.segCount = k + 1;
    this.open = k;
    return k;
  }

  /** The last segment, if it starts at `from` and is a slot (several paths may select one value). */
  slotAt(from: i32): bool {
    const k = this.segCount - 1;
    return k >= 0 && this.segFrom[k] == from && this.segActive[k] == 1;
  }

  /** Target `id` was offered the value of the last slot. */
  addConsumer(id: i32): void {
    if (this.consCount >= TEMPLATE_CONSUMERS) {
      this.overflow = true;
      return;
    }
    this.consTarget[this.consCount++] = id;
    this.segCons[this.segCount] = this.consCount;
  }

  /** The open segment's text ended at `to`. */
  end(to: i32): void {
    if (this.open >= 0) this.segTo[this.open] = to;
    this.open = -1;
  }

  /** The document, src[from, to), was read whole: keep it (positions were absolute in src). */
  commit(src: Uint8Array, from: i32, to: i32): void {
    const n = to - from;
    if (this.overflow || n > TEMPLATE_BYTES || this.open >= 0) return;
    const b = this.bytes;
    for (let i = 0; i < n; i++) b[i] = src[from + i];
    for (let k = 0; k < this.segCount; k++) {
      this.segFrom[k] -= from;
      this.segTo[k] -= from;
    }
    this.length = n;
    this.valid = true;
  }

  // ---- matching ----

  /**
   * Compares doc[start, end) with the template; returns the offset just after the document's
   * root value, or -1 (not this shape, or not whole in this chunk: the general path decides).
   * On a match docFrom/docTo hold each active segment's text in `doc`.
   */
  match(doc: Uint8Array, start: i32, end: i32): i32 {
    for (let learned = 0; learned <= LEARN_PER_DOCUMENT; learned++) {
      const r = this.compare(doc, start, end);
      if (r >= 0) return r;
      // -2 - x: the documents differ at template offset x. Inside a candidate hole it is learned.
      if (r == -1 || !this.learnHole(-2 - r)) return -1;
    }
    return -1;
  }

  private learnHole(x: i32): bool {
    for (let k = 0; k < this.segCount; k++) {
      if (this.segActive[k] == 0 && x >= this.segFrom[k] && x <= this.segTo[k]) {
        this.segActive[k] = 1;
        return true;
      }
    }
    return false;
  }

  // The offset after the root value, -1 (no match), or -2 - x (a difference at template offset x).
  private compare(doc: Uint8Array, start: i32, end: i32): i32 {
    const tpl = this.bytes;
    let p = start;
    let t = 0;
    for (let k = 0; k < this.segCount; k++) {
      if (loadByte(this.segActive, k) == 0) continue;
      const from = loadI32(this.segFrom, k);
      const lit = from - t;
      const r = same(doc, p, end, tpl, t, lit);
      if (r != lit) return r < 0 ? -1 : -2 - (t + r);
      p += lit;
      const kind: i32 = loadByte(this.segKind, k);
      let q: i32;
      if (kind == SEG_SLOT_STRING) q = selectedStringEnd(doc, p, end);
      else if (kind == SEG_HOLE_STRING) q = skippedStringEnd(doc, p, end);
      else q = numberEnd(doc, p, end);
      if (q < 0) return -1;
      storeI32(this.docFrom, k, p);
      storeI32(this.docTo, k, q);
      p = q;
      t = loadI32(this.segTo, k);
    }
    const lit = this.length - t;
    const r = same(doc, p, end, tpl, t, lit);
    if (r != lit) return r < 0 ? -1 : -2 - (t + r);
    return p + lit;
  }
}

// How many of tpl[t, t + n) equal doc[p, …); -1 when doc ends first with all of its bytes equal.
function same(doc: Uint8Array, p: i32, end: i32, tpl: Uint8Array, t: i32, n: i32): i32 {
  const avail = end - p;
  const m = avail < n ? avail : n;
  const r = commonPrefix(doc, p, tpl, t, m);
  if (r == m && m < n) return -1;
  return r;
}

// The closing quote of a string nobody reads, its text starting at `from` (as the general path
// skips it: quote to quote, an odd run of backslashes escaping the quote); -1 if not in [from, end).
function skippedStringEnd(buf: Uint8Array, from: i32, end: i32): i32 {
  let q = from;
  while (q < end) {
    if (loadByte(buf, q) == 0x22) {
      let k = q - 1;
      while (k >= from && loadByte(buf, k) == 0x5c) k--;
      if (((q - 1 - k) & 1) == 0) return q;
    }
    q++;
  }
  return -1;
}

// The closing quote of a selected string, validated as the general path decodes it (escapes, four
// hex digits after \u, no control characters); -1 if invalid or not in [from, end).
function selectedStringEnd(buf: Uint8Array, from: i32, end: i32): i32 {
  let i = stringStop(buf, from, end);
  while (i < end) {
    const c = loadByte(buf, i);
    if (c == 0x22) return i;
    if (c < 0x20 || i + 1 >= end) return -1;
    const e = loadByte(buf, i + 1);
    if (e == 0x75) {
      if (i + 6 > end) return -1;
      for (let h = i + 2; h < i + 6; h++) if (hexValue(loadByte(buf, h)) < 0) return -1;
      i += 6;
    } else if (e == 0x22 || e == 0x5c || e == 0x2f || e == 0x62 || e == 0x66 || e == 0x6e || e == 0x72 || e == 0x74) {
      i += 2;
    } else {
      return -1;
    }
    i = stringStop(buf, i, end);
  }
  return -1;
}

// The end of a JSON number starting at `from` (the JSON grammar, as the general path checks it);
// -1 if invalid or if it runs to `end` (the general path would wait for more).
function numberEnd(buf: Uint8Array, from: i32, end: i32): i32 {
  let i = from;
  if (i < end && loadByte(buf, i) == 0x2d) i++;
  if (i >= end) return -1;
  let c = loadByte(buf, i);
  if (c == 0x30) {
    i++;
  } else if (c >= 0x31 && c <= 0x39) {
    i++;
    while (i < end && isDigit(loadByte(buf, i))) i++;
  } else {
    return -1;
  }
  if (i < end && loadByte(buf, i) == 0x2e) {
    i++;
    if (i >= end || !isDigit(loadByte(buf, i))) return -1;
    while (i < end && isDigit(loadByte(buf, i))) i++;
  }
  if (i < end) {
    c = loadByte(buf, i);
    if (c == 0x65 || c == 0x45) {
      i++;
      if (i < end && (loadByte(buf, i) == 0x2b || loadByte(buf, i) == 0x2d)) i++;
      if (i >= end || !isDigit(loadByte(buf, i))) return -1;
      while (i < end && isDigit(loadByte(buf, i))) i++;
    }
  }
  return i < end ? i : -1;
}

function isDigit(c: i32): bool {
  return c >= 0x30 && c <= 0x39;
}
