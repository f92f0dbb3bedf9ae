import { NO_BLOCK } from "../arena/arena";
import { ArenaBuffer } from "../arena/arena-buffer";
import { ArenaLease } from "../arena/arena-lease";
import { JsonElementSink } from "./json-element-sink";

// Frames a streamed top-level JSON array into its elements, chunk by chunk, without parsing them:
// Gemini's streamGenerateContent without `alt=sse` answers with one array of
// GenerateContentResponse objects (`[{…},\r\n{…}]`) that arrives cut at arbitrary points. Only
// strings, escapes and bracket depth are tracked, which is all it takes to see where an element
// ends; the elements themselves go to the streaming JSON matcher through the sink.
//
// As with SSE events, an element inside one chunk is handed on as a view of the chunk; one that
// crosses a chunk boundary is carried in an arena buffer, capped at maxElementBytes (longer
// elements are skipped and counted, whatever the chunking). Input that is not a JSON array stops
// the framer with JSON_ARRAY_MALFORMED; it never throws.
//
// Bracket kinds are not matched against each other (`{]` closes like `{}`): validating JSON is the
// matcher's job, and a wrong pairing inside an element cannot move the element's end anywhere an
// honest stream would put it.

/** Still reading the array (or nothing fed yet). */
export const JSON_ARRAY_OPEN: i32 = 0;
/** The closing `]` was seen; only whitespace may follow. */
export const JSON_ARRAY_CLOSED: i32 = 1;
/** The input is not a JSON array of values; framing stopped at `errorOffset`. */
export const JSON_ARRAY_MALFORMED: i32 = 2;
/** finish() came before the closing `]`; an unfinished element was dropped. */
export const JSON_ARRAY_TRUNCATED: i32 = 3;

// Limit ceiling: keeps `length + n` clear of i32 overflow in wasm.
const LIMIT_CEILING: i32 = 1 << 30;

const TAB: i32 = 0x09;
const LF: i32 = 0x0a;
const CR: i32 = 0x0d;
const SPACE: i32 = 0x20;
const QUOTE: i32 = 0x22;
const COMMA: i32 = 0x2c;
const LBRACKET: i32 = 0x5b;
const BACKSLASH: i32 = 0x5c;
const RBRACKET: i32 = 0x5d;
const LBRACE: i32 = 0x7b;
const RBRACE: i32 = 0x7d;

// Structural states.
const S_START: i32 = 0; // nothing read yet: a BOM, whitespace or `[`
const S_BOM1: i32 = 1; // read EF, expecting BB
const S_BOM2: i32 = 2; // read EF BB, expecting BF
const S_BEFORE: i32 = 3; // whitespace, then `[`
const S_FIRST: i32 = 4; // after `[`: an element or `]`
const S_NEXT: i32 = 5; // after an element: `,` or `]`
const S_VALUE: i32 = 6; // after `,`: an element
const S_ELEMENT: i32 = 7; // inside an element
const S_AFTER: i32 = 8; // after the closing `]`: whitespace only
const S_BAD: i32 = 9; // malformed: ignore everything

// Element kinds: how its end is recognised.
const K_CONTAINER: i32 = 0; // object or array: depth back to 0
const K_STRING: i32 = 1; // string: its closing quote
const K_SCALAR: i32 = 2; // number / true / false / null: the next delimiter

// Where the current element's bytes live.
const M_VIEW: i32 = 1; // inside the chunk being fed, from viewStart
const M_CARRIED: i32 = 2; // copied into `buffer`
const M_SKIP: i32 = 3; // oversized or the arena was full: find the end, keep nothing

export class JsonArrayFramer {
  readonly lease: ArenaLease;
  readonly sink: JsonElementSink;
  readonly maxElementBytes: i32;

  /** JSON_ARRAY_OPEN, _CLOSED, _MALFORMED or _TRUNCATED. */
  status: i32 = JSON_ARRAY_OPEN;
  /** Stream offset of the byte that made the input malformed; -1 when none. */
  errorOffset: f64 = -1;
  /** Elements handed to the sink. */
  elements: i32 = 0;
  /** Elements skipped because they were longer than maxElementBytes. */
  oversizedElements: i32 = 0;
  /** Elements skipped because the arena could not hold their carried bytes. */
  arenaFullElements: i32 = 0;
  /** Bytes fed (f64: counts past 2 GiB exactly). */
  bytes: f64 = 0;

  private readonly buffer: ArenaBuffer;
  private state: i32 = S_START;
  private ended: bool = false;
  private streamBytes: f64 = 0;
  private kind: i32 = K_CONTAINER;
  private depth: i32 = 0;
  private inString: bool = false;
  private escaped: bool = false;
  private mode: i32 = M_VIEW;
  private viewStart: i32 = 0;
  private length: i32 = 0;

  constructor(lease: ArenaLease, maxElementBytes: i32, sink: JsonElementSink) {
    const max = maxElementBytes < 0 ? 0 : maxElementBytes > LIMIT_CEILING ? LIMIT_CEILING : maxElementBytes;
    this.lease = lease;
    this.sink = sink;
    this.maxElementBytes = max;
    this.buffer = new ArenaBuffer(lease, max);
  }

  /** Feeds chunk[start, end), reporting every element it completes. O(end - start). */
  feed(chunk: Uint8Array, start: i32, end: i32): void {
    const from = start < 0 ? 0 : start;
    const stop = end > chunk.length ? chunk.length : end;
    if (from >= stop) return;
    if (this.ended) this.restart();
    const base = this.streamBytes;
    this.streamBytes += stop - from;
    this.bytes += stop - from;
    if (this.state == S_BAD) return;
    this.scan(chunk, from, stop, base - from);
  }

  /**
   * The body ended. Returns the final status: JSON_ARRAY_CLOSED for a complete array,
   * JSON_ARRAY_TRUNCATED when the closing `]` never came (an unfinished element is dropped: its
   * end cannot be known), JSON_ARRAY_MALFORMED as before. `status` keeps that value until the
   * next feed, which starts a new stream (counters are kept until reset()).
   */
  finish(): i32 {
    if (this.state != S_AFTER && this.state != S_BAD) this.status = JSON_ARRAY_TRUNCATED;
    this.dropElement();
    this.ended = true;
    return this.status;
  }

  /** The body was cut short: drops the unfinished element. The next feed starts a new stream. */
  abort(): void {
    this.dropElement();
    this.ended = true;
  }

  /** Returns the framer's arena block, dropping an unfinished element; like abort(). */
  release(): void {
    this.abort();
  }

  /** A fresh stream with zeroed counters, for reuse by another exchange. */
  reset(): void {
    this.restart();
    this.elements = 0;
    this.oversizedElements = 0;
    this.arenaFullElements = 0;
    this.bytes = 0;
  }

  private restart(): void {
    this.dropElement();
    this.ended = false;
    this.state = S_START;
    this.status = JSON_ARRAY_OPEN;
    this.errorOffset = -1;
    this.streamBytes = 0;
  }

  // `toStream` converts an index of buf into a stream offset (for errorOffset).
  private scan(buf: Uint8Array, start: i32, end: i32, toStream: f64): void {
    let i = start;
    // Where this chunk's part of the current element starts.
    let seg = start;
    while (i < end) {
      const state = this.state;
      if (state == S_ELEMENT) {
        const j = this.findElementEnd(buf, i, end);
        if (j < 0) break;
        this.elementBytes(buf, seg, j);
        this.emit(buf, j);
        this.state = S_NEXT;
        i = j;
        continue;
      }
      const c: i32 = buf[i];
      if (c == SPACE || c == LF || c == CR || c == TAB) {
        if (state == S_START) this.state = S_BEFORE;
        else if (state == S_BOM1 || state == S_BOM2) this.malformed(toStream + i);
        i++;
      } else if (state == S_FIRST || state == S_VALUE) {
        if (c == RBRACKET && state == S_FIRST) {
          this.state = S_AFTER;
          this.status = JSON_ARRAY_CLOSED;
          i++;
        } else if (this.startElement(c)) {
          seg = i;
          this.viewStart = i;
          this.state = S_ELEMENT;
          // A container or string's first byte is its opener; a scalar's is part of its body.
          if (this.kind != K_SCALAR) i++;
        } else {
          this.malformed(toStream + i);
        }
      } else if (state == S_NEXT) {
        if (c == COMMA) {
          this.state = S_VALUE;
          i++;
        } else if (c == RBRACKET) {
          this.state = S_AFTER;
          this.status = JSON_ARRAY_CLOSED;
          i++;
        } else {
          this.malformed(toStream + i);
        }
      } else if (state == S_START && c == 0xef) {
        this.state = S_BOM1;
        i++;
      } else if (state == S_BOM1 && c == 0xbb) {
        this.state = S_BOM2;
        i++;
      } else if (state == S_BOM2 && c == 0xbf) {
        this.state = S_BEFORE;
        i++;
      } else if ((state == S_START || state == S_BEFORE) && c == LBRACKET) {
        this.state = S_FIRST;
        i++;
      } else {
        this.malformed(toStream + i);
      }
      if (this.state == S_BAD) return;
    }
    if (this.state == S_ELEMENT) {
      // The element goes on in the next chunk (it may have begun with this chunk's last byte).
      this.elementBytes(buf, seg, end);
      // The chunk is the caller's: a view must become a copy before feed returns.
      if (this.mode == M_VIEW) this.carry(buf, end);
    }
  }

  // Sets up the element that starts with byte c; false when no JSON value starts with c.
  private startElement(c: i32): bool {
    this.depth = 0;
    this.inString = false;
    this.escaped = false;
    this.mode = M_VIEW;
    this.length = 0;
    if (c == LBRACE || c == LBRACKET) {
      this.kind = K_CONTAINER;
      this.depth = 1;
      return true;
    }
    if (c == QUOTE) {
      this.kind = K_STRING;
      this.inString = true;
      return true;
    }
    if (isScalarByte(c)) {
      this.kind = K_SCALAR;
      return true;
    }
    return false;
  }

  // Scans the current element from buf[i]; returns the index just past its last byte, or -1
  // when it goes on past `end` (its state is saved for the next chunk).
  private findElementEnd(buf: Uint8Array, start: i32, end: i32): i32 {
    let i = start;
    if (this.kind == K_SCALAR) {
      while (i < end && isScalarByte(buf[i])) i++;
      return i < end ? i : -1; // the delimiter is left for S_NEXT (which rejects a bad one)
    }
    let depth = this.depth;
    let inString = this.inString;
    let escaped = this.escaped;
    while (i < end) {
      const c: i32 = buf[i];
      i++;
      if (inString) {
        if (escaped) escaped = false;
        else if (c == BACKSLASH) escaped = true;
        else if (c == QUOTE) {
          inString = false;
          if (depth == 0) return i; // a string element
        }
      } else if (c == QUOTE) {
        inString = true;
      } else if (c == LBRACE || c == LBRACKET) {
        depth++;
      } else if (c == RBRACE || c == RBRACKET) {
        depth--;
        if (depth == 0) return i;
      }
    }
    this.depth = depth;
    this.inString = inString;
    this.escaped = escaped;
    return -1;
  }

  // buf[s, e) belongs to the current element.
  private elementBytes(buf: Uint8Array, s: i32, e: i32): void {
    const n = e - s;
    if (n <= 0) return;
    if (n > this.maxElementBytes - this.length) {
      this.length = this.maxElementBytes + 1; // saturate: over the limit, never overflowing
      if (this.mode != M_SKIP) this.skipElement();
      return;
    }
    this.length += n;
    if (this.mode == M_CARRIED && this.buffer.append(buf, s, e) < n) this.skipElement();
  }

  private carry(buf: Uint8Array, end: i32): void {
    const n = end - this.viewStart;
    this.mode = M_CARRIED;
    if (n > 0 && this.buffer.append(buf, this.viewStart, end) < n) this.skipElement();
  }

  private skipElement(): void {
    this.mode = M_SKIP;
    this.buffer.release();
  }

  // The element ended just before buf[end].
  private emit(buf: Uint8Array, end: i32): void {
    if (this.mode == M_SKIP) {
      if (this.length > this.maxElementBytes) this.oversizedElements++;
      else this.arenaFullElements++;
    } else if (this.mode == M_VIEW) {
      this.elements++;
      this.sink.onElement(buf, this.viewStart, end, false);
    } else {
      const offset = this.buffer.offset;
      const from = offset == NO_BLOCK ? 0 : offset;
      this.elements++;
      this.sink.onElement(this.buffer.bytes, from, from + this.buffer.length, true);
    }
    this.dropElement();
  }

  private dropElement(): void {
    this.mode = M_VIEW;
    this.length = 0;
    if (this.buffer.offset != NO_BLOCK) this.buffer.release();
  }

  private malformed(at: f64): void {
    this.state = S_BAD;
    this.status = JSON_ARRAY_MALFORMED;
    this.errorOffset = at;
    this.dropElement();
  }
}

// Bytes a JSON number or literal (true, false, null) can be made of.
function isScalarByte(c: i32): bool {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || c == 0x2d || c == 0x2b || c == 0x2e;
}
