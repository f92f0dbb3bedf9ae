// Builds JSON text the way Go's encoding/json writes it, which is what Higress's ai_log is:
// strings escaped with `<`, `>`, `&`, U+2028 and U+2029 as \u escapes, invalid UTF-8 as \ufffd,
// and raw JSON values copied with the same treatment inside their strings. The text gathers as
// UTF-8 in one byte buffer the writer keeps and reuses (it grows to the largest log written and
// stays), and becomes a string once, in finish(): building a log makes no per-character garbage,
// which matters in wasm, where the plugin collects only between callbacks.
import { copyBytes } from "../glue/target";
import { utf8ToString } from "../glue/text";
import { exactIntegerText, integralDigits } from "./decimal-text";

const HEX: string = "0123456789abcdef";

export class JsonWriter {
  private buf: Uint8Array = new Uint8Array(1024);
  private len: i32 = 0;
  // A high surrogate of text() / stringLiteral() waiting for its low half.
  private pendingHigh: i32 = 0;

  /** Appends text as it is (already valid JSON where it goes). */
  text(s: string): void {
    for (let i = 0; i < s.length; i++) this.unit(s.charCodeAt(i));
    this.flushHigh();
  }

  /** Appends a JSON string literal for `s` (quotes included). */
  stringLiteral(s: string): void {
    this.ascii(0x22);
    for (let i = 0; i < s.length; i++) this.escapedUnit(s.charCodeAt(i));
    this.flushHigh();
    this.ascii(0x22);
  }

  /** Appends the UTF-8 bytes b[start, end) as escaped string contents (no quotes). */
  escapedBytes(b: Uint8Array, start: i32, end: i32): void {
    this.utf8(b, start, end);
  }

  /** Appends the ASCII bytes b[start, end) as they are (a number or literal's JSON text). */
  asciiBytes(b: Uint8Array, start: i32, end: i32): void {
    this.reserve(end - start);
    copyBytes(this.buf, this.len, b, start, end);
    this.len += end - start;
  }

  /** Appends one code point as escaped string contents (surrogates, which no text holds, as U+FFFD). */
  escapedCodePoint(cp: i32): void {
    this.flushHigh();
    if (cp < 0x10000) this.escapedUnit(cp >= 0xd800 && cp <= 0xdfff ? 0xfffd : cp);
    else this.codePoint(cp);
  }

  // Copies UTF-8 as Go re-encodes it, ASCII escaped as string contents.
  private utf8(b: Uint8Array, start: i32, end: i32): void {
    let i = start;
    while (i < end) {
      const c = <i32>b[i];
      if (c < 0x80) {
        this.escapedUnit(c);
        i++;
        continue;
      }
      const n = sequenceLength(b, i, end);
      if (n == 0) {
        this.replacement();
        i++;
        continue;
      }
      this.sequence(b, i, n);
      i += n;
    }
  }

  /** Appends a number as Go prints float64/int values: integers without a fraction. */
  number(x: f64): void {
    this.text(numberText(x));
  }

  /**
   * Ends what was written as bytes: returns its length, readable in `buffer` from 0 until the next
   * write; the writer starts over empty.
   */
  finishBytes(): i32 {
    this.flushHigh();
    const n = this.len;
    this.len = 0;
    return n;
  }

  /** The writer's buffer (see finishBytes). */
  get buffer(): Uint8Array {
    return this.buf;
  }

  /** The text written so far; the writer starts over empty (keeping its buffer). */
  finish(): string {
    this.flushHigh();
    const text = utf8ToString(this.buf, 0, this.len);
    this.len = 0;
    return text;
  }

  // A valid n-byte UTF-8 sequence at b[i]: copied, except U+2028/U+2029, which Go escapes.
  private sequence(b: Uint8Array, i: i32, n: i32): void {
    if (n == 3) {
      const cp = decodeAt(b, i, 3);
      if (cp == 0x2028 || cp == 0x2029) {
        this.hexEscape(cp);
        return;
      }
    }
    this.reserve(n);
    copyBytes(this.buf, this.len, b, i, i + n);
    this.len += n;
  }

  private replacement(): void {
    this.ascii(0x5c);
    this.ascii(0x75);
    this.ascii(0x66);
    this.ascii(0x66);
    this.ascii(0x66);
    this.ascii(0x64);
  }

  private escapedUnit(u: i32): void {
    if (this.pendingHigh != 0 && (u < 0xdc00 || u > 0xdfff)) this.flushHigh();
    if (u == 0x22) this.twoChars(0x5c, 0x22);
    else if (u == 0x5c) this.twoChars(0x5c, 0x5c);
    else if (u == 0x0a) this.twoChars(0x5c, 0x6e);
    else if (u == 0x0d) this.twoChars(0x5c, 0x72);
    else if (u == 0x09) this.twoChars(0x5c, 0x74);
    else if (u == 0x08) this.twoChars(0x5c, 0x62);
    else if (u == 0x0c) this.twoChars(0x5c, 0x66);
    else if (u < 0x20 || u == 0x3c || u == 0x3e || u == 0x26 || u == 0x2028 || u == 0x2029) this.hexEscape(u);
    else this.unit(u);
  }

  private twoChars(a: i32, b: i32): void {
    this.ascii(a);
    this.ascii(b);
  }

  private hexEscape(u: i32): void {
    this.flushHigh();
    this.ascii(0x5c);
    this.ascii(0x75);
    this.ascii(HEX.charCodeAt((u >> 12) & 15));
    this.ascii(HEX.charCodeAt((u >> 8) & 15));
    this.ascii(HEX.charCodeAt((u >> 4) & 15));
    this.ascii(HEX.charCodeAt(u & 15));
  }

  // One UTF-16 unit of a string: surrogate pairs become one 4-byte sequence, lone surrogates
  // U+FFFD (as TextEncoder and Go's []byte(string) conversion do).
  private unit(u: i32): void {
    if (u >= 0xdc00 && u <= 0xdfff && this.pendingHigh != 0) {
      const cp = 0x10000 + ((this.pendingHigh - 0xd800) << 10) + (u - 0xdc00);
      this.pendingHigh = 0;
      this.codePoint(cp);
      return;
    }
    this.flushHigh();
    if (u >= 0xd800 && u <= 0xdbff) {
      this.pendingHigh = u;
      return;
    }
    if (u >= 0xdc00 && u <= 0xdfff) {
      this.codePoint(0xfffd);
      return;
    }
    this.codePoint(u);
  }

  private flushHigh(): void {
    if (this.pendingHigh == 0) return;
    this.pendingHigh = 0;
    this.codePoint(0xfffd);
  }

  private codePoint(cp: i32): void {
    if (cp < 0x80) {
      this.ascii(cp);
      return;
    }
    this.reserve(4);
    const b = this.buf;
    let at = this.len;
    if (cp < 0x800) {
      b[at++] = <u8>(0xc0 | (cp >> 6));
    } else if (cp < 0x10000) {
      b[at++] = <u8>(0xe0 | (cp >> 12));
      b[at++] = <u8>(0x80 | ((cp >> 6) & 0x3f));
    } else {
      b[at++] = <u8>(0xf0 | (cp >> 18));
      b[at++] = <u8>(0x80 | ((cp >> 12) & 0x3f));
      b[at++] = <u8>(0x80 | ((cp >> 6) & 0x3f));
    }
    b[at++] = <u8>(0x80 | (cp & 0x3f));
    this.len = at;
  }

  private ascii(c: i32): void {
    if (this.len == this.buf.length) this.reserve(1);
    this.buf[this.len] = <u8>c;
    this.len++;
  }

  private reserve(n: i32): void {
    if (this.len + n <= this.buf.length) return;
    let size = this.buf.length << 1;
    while (size < this.len + n) size = size << 1;
    const next = new Uint8Array(size);
    copyBytes(next, 0, this.buf, 0, this.len);
    this.buf = next;
  }
}

/**
 * How Go prints a JSON number: integral values without a fraction (exactly, up to 2^63), others
 * in their shortest round-trip form.
 */
export function numberText(x: f64): string {
  if (x == x - (x % 1) && x > -2147483648 && x < 2147483648) return (<i32>x).toString();
  // Float literals: asc reads a bare integer literal as an i64, and 2^63 does not fit one.
  if (x == x - (x % 1) && x > -9223372036854775808.0 && x < 9223372036854775808.0) {
    const neg = x < 0;
    const v = neg ? -x : x;
    const digits = v <= 9007199254740992.0 ? exactIntegerText(v) : integralDigits(v);
    return neg ? "-" + digits : digits;
  }
  return x.toString();
}

// Length of the valid UTF-8 sequence at b[i] (1–4), or 0 when it is invalid or cut by `end`.
export function sequenceLength(b: Uint8Array, i: i32, end: i32): i32 {
  const c = <i32>b[i];
  if (c < 0x80) return 1;
  let n: i32;
  let min: i32;
  if (c >= 0xc2 && c <= 0xdf) {
    n = 2;
    min = 0x80;
  } else if (c >= 0xe0 && c <= 0xef) {
    n = 3;
    min = 0x800;
  } else if (c >= 0xf0 && c <= 0xf4) {
    n = 4;
    min = 0x10000;
  } else {
    return 0;
  }
  if (i + n > end) return 0;
  for (let k = 1; k < n; k++) if (((<i32>b[i + k]) & 0xc0) != 0x80) return 0;
  const cp = decodeAt(b, i, n);
  if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return 0;
  return n;
}

// The code point of the n-byte sequence at b[i] (assumed well-formed).
export function decodeAt(b: Uint8Array, i: i32, n: i32): i32 {
  const c = <i32>b[i];
  if (n == 1) return c;
  if (n == 2) return ((c & 0x1f) << 6) | ((<i32>b[i + 1]) & 0x3f);
  if (n == 3) return ((c & 0x0f) << 12) | (((<i32>b[i + 1]) & 0x3f) << 6) | ((<i32>b[i + 2]) & 0x3f);
  return ((c & 0x07) << 18) | (((<i32>b[i + 1]) & 0x3f) << 12) | (((<i32>b[i + 2]) & 0x3f) << 6) | ((<i32>b[i + 3]) & 0x3f);
}
