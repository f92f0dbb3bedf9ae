import { jsonNumberValue } from "./json-number";
import { JV_ARRAY, JV_BOOL, JV_NULL, JV_NUMBER, JV_OBJECT, JV_STRING, JsonValue } from "./json-value";
import { TextBuilder } from "./text-builder";

// A strict RFC 8259 JSON parser from UTF-8 bytes into a JsonValue tree, for configuration. It
// accepts exactly what gjson.Valid (Higress's check before parseConfig) and JSON.parse accept:
// one value, surrounded by optional space/tab/CR/LF, nothing after it. No exceptions: a failure is
// a status, the byte offset where it was noticed and a message. Nesting deeper than `maxDepth`
// arrays/objects is refused (JV_TOO_DEEP) instead of recursing without bound.
//
// Strings are decoded as Go's encoding/json decodes them (Higress unmarshals attributes with it):
// each byte of invalid UTF-8 becomes U+FFFD; a \u escape of a high surrogate followed by a \u
// escape of a low one is one code point; any other surrogate escape becomes U+FFFD (JSON.parse
// would keep the lone surrogate).

export const JV_OK: i32 = 0;
export const JV_SYNTAX_ERROR: i32 = 1;
export const JV_TOO_DEEP: i32 = 2;
/** The input holds no value at all (empty, or only whitespace). */
export const JV_NO_VALUE: i32 = 3;

/** Default nesting limit: configuration is a handful of levels deep. */
export const JSON_VALUE_MAX_DEPTH: i32 = 128;

export class JsonValueParser {
  status: i32 = JV_OK;
  /** Byte offset of the failure, -1 when none. */
  errorOffset: i32 = -1;
  /** What went wrong (without the position: see errorText()). */
  error: string = "";
  readonly maxDepth: i32;
  private b: Uint8Array = new Uint8Array(0);
  private pos: i32 = 0;
  private readonly text: TextBuilder = new TextBuilder();

  constructor(maxDepth: i32) {
    this.maxDepth = maxDepth;
  }

  /** The document in `bytes`, or null with status, errorOffset and error set. */
  parse(bytes: Uint8Array): JsonValue | null {
    this.b = bytes;
    this.pos = 0;
    this.status = JV_OK;
    this.errorOffset = -1;
    this.error = "";
    this.skipSpace();
    if (this.pos >= bytes.length) {
      this.status = JV_NO_VALUE;
      this.errorOffset = this.pos;
      this.error = bytes.length == 0 ? "empty input" : "no JSON value, only whitespace";
      return null;
    }
    const value = this.parseValue(0);
    if (value == null) return null;
    this.skipSpace();
    if (this.pos < bytes.length) return this.fail("unexpected " + this.found() + " after the JSON value");
    return value;
  }

  /** "at byte 17 (line 2, column 5): <error>", lines and columns counted from 1, columns in bytes. */
  errorText(): string {
    let line = 1;
    let column = 1;
    const stop = this.errorOffset < this.b.length ? this.errorOffset : this.b.length;
    for (let i = 0; i < stop; i++) {
      if (this.b[i] == 0x0a) {
        line++;
        column = 1;
      } else {
        column++;
      }
    }
    return "at byte " + this.errorOffset.toString() + " (line " + line.toString() + ", column " +
      column.toString() + "): " + this.error;
  }

  private parseValue(depth: i32): JsonValue | null {
    const b = this.b;
    if (this.pos >= b.length) return this.fail("expected a value, found end of input");
    const c: i32 = b[this.pos];
    if (c == 0x7b) return this.parseObject(depth + 1);
    if (c == 0x5b) return this.parseArray(depth + 1);
    if (c == 0x22) {
      const start = this.pos;
      const s = this.parseString();
      if (s == null) return null;
      const v = new JsonValue(JV_STRING, start);
      v.text = s;
      v.end = this.pos;
      return v;
    }
    if (c == 0x2d || (c >= 0x30 && c <= 0x39)) return this.parseNumber();
    if (c == 0x74) return this.parseLiteral("true", JV_BOOL, true);
    if (c == 0x66) return this.parseLiteral("false", JV_BOOL, false);
    if (c == 0x6e) return this.parseLiteral("null", JV_NULL, false);
    return this.fail("expected a value, found " + this.found());
  }

  private parseObject(depth: i32): JsonValue | null {
    if (depth > this.maxDepth) return this.tooDeep();
    const b = this.b;
    const v = new JsonValue(JV_OBJECT, this.pos);
    this.pos++; // {
    this.skipSpace();
    if (this.pos < b.length && b[this.pos] == 0x7d) {
      this.pos++;
      v.end = this.pos;
      return v;
    }
    while (true) {
      if (this.pos >= b.length || b[this.pos] != 0x22) {
        return this.fail("expected a member name in double quotes, found " + this.found());
      }
      const key = this.parseString();
      if (key == null) return null;
      this.skipSpace();
      if (this.pos >= b.length || b[this.pos] != 0x3a) return this.fail("expected ':' after a member name, found " + this.found());
      this.pos++;
      this.skipSpace();
      const member = this.parseValue(depth);
      if (member == null) return null;
      v.keys.push(key);
      v.values.push(member);
      this.skipSpace();
      if (this.pos < b.length && b[this.pos] == 0x2c) {
        this.pos++;
        this.skipSpace();
        continue;
      }
      if (this.pos < b.length && b[this.pos] == 0x7d) {
        this.pos++;
        v.end = this.pos;
        return v;
      }
      return this.fail("expected ',' or '}' after an object member, found " + this.found());
    }
  }

  private parseArray(depth: i32): JsonValue | null {
    if (depth > this.maxDepth) return this.tooDeep();
    const b = this.b;
    const v = new JsonValue(JV_ARRAY, this.pos);
    this.pos++; // [
    this.skipSpace();
    if (this.pos < b.length && b[this.pos] == 0x5d) {
      this.pos++;
      v.end = this.pos;
      return v;
    }
    while (true) {
      const item = this.parseValue(depth);
      if (item == null) return null;
      v.items.push(item);
      this.skipSpace();
      if (this.pos < b.length && b[this.pos] == 0x2c) {
        this.pos++;
        this.skipSpace();
        continue;
      }
      if (this.pos < b.length && b[this.pos] == 0x5d) {
        this.pos++;
        v.end = this.pos;
        return v;
      }
      return this.fail("expected ',' or ']' after an array element, found " + this.found());
    }
  }

  private parseNumber(): JsonValue | null {
    const b = this.b;
    const n = b.length;
    const start = this.pos;
    let i = start;
    if (b[i] == 0x2d) i++;
    if (i >= n || !isDigit(b[i])) return this.failAt(i, "expected a digit, found " + this.foundAt(i));
    if (b[i] == 0x30) {
      i++;
      if (i < n && isDigit(b[i])) return this.failAt(i, "a number must not have leading zeros");
    } else {
      while (i < n && isDigit(b[i])) i++;
    }
    if (i < n && b[i] == 0x2e) {
      i++;
      if (i >= n || !isDigit(b[i])) return this.failAt(i, "expected a digit after the decimal point, found " + this.foundAt(i));
      while (i < n && isDigit(b[i])) i++;
    }
    if (i < n && (b[i] == 0x65 || b[i] == 0x45)) {
      i++;
      if (i < n && (b[i] == 0x2b || b[i] == 0x2d)) i++;
      if (i >= n || !isDigit(b[i])) return this.failAt(i, "expected a digit in the exponent, found " + this.foundAt(i));
      while (i < n && isDigit(b[i])) i++;
    }
    const v = new JsonValue(JV_NUMBER, start);
    v.number = jsonNumberValue(b, start, i);
    for (let k = start; k < i; k++) this.text.addUnit(b[k]);
    v.text = this.text.finish();
    v.end = i;
    this.pos = i;
    return v;
  }

  private parseLiteral(word: string, kind: i32, truth: bool): JsonValue | null {
    const b = this.b;
    const start = this.pos;
    for (let k = 0; k < word.length; k++) {
      const at = start + k;
      if (at >= b.length || <i32>b[at] != word.charCodeAt(k)) {
        return this.failAt(at, "expected " + word + ", found " + this.foundAt(at));
      }
    }
    const v = new JsonValue(kind, start);
    v.boolValue = truth;
    this.pos = start + word.length;
    v.end = this.pos;
    return v;
  }

  // Reads the string starting at the opening quote; leaves pos after the closing one.
  private parseString(): string | null {
    const b = this.b;
    const n = b.length;
    const tb = this.text;
    let i = this.pos + 1;
    while (true) {
      if (i >= n) {
        tb.finish();
        return this.failStringAt(n, "unterminated string");
      }
      const c: i32 = b[i];
      if (c == 0x22) break;
      if (c < 0x20) {
        tb.finish();
        return this.failStringAt(i, "control character " + hexByte(c) + " in a string (escape it)");
      }
      if (c == 0x5c) {
        if (i + 1 >= n) {
          tb.finish();
          return this.failStringAt(n, "unterminated string");
        }
        const e: i32 = b[i + 1];
        if (e == 0x75) {
          const unit = hex4(b, i + 2, n);
          if (unit < 0) {
            tb.finish();
            return this.failStringAt(i, "\\u must be followed by four hex digits");
          }
          i += 6;
          if (unit >= 0xd800 && unit <= 0xdbff && i + 5 < n && b[i] == 0x5c && b[i + 1] == 0x75) {
            const low = hex4(b, i + 2, n);
            if (low >= 0xdc00 && low <= 0xdfff) {
              tb.addCodePoint(0x10000 + ((unit - 0xd800) << 10) + (low - 0xdc00));
              i += 6;
              continue;
            }
          }
          tb.addCodePoint(unit >= 0xd800 && unit <= 0xdfff ? 0xfffd : unit);
          continue;
        }
        const decoded = simpleEscape(e);
        if (decoded < 0) {
          tb.finish();
          return this.failStringAt(i, "invalid escape \\" + printable(e));
        }
        tb.addUnit(decoded);
        i += 2;
        continue;
      }
      if (c < 0x80) {
        tb.addUnit(c);
        i++;
        continue;
      }
      const len = utf8SequenceLength(b, i, n);
      if (len == 0) {
        tb.addUnit(0xfffd);
        i++;
        continue;
      }
      tb.addCodePoint(utf8CodePoint(b, i, len));
      i += len;
    }
    this.pos = i + 1;
    return tb.finish();
  }

  private skipSpace(): void {
    const b = this.b;
    while (this.pos < b.length) {
      const c = b[this.pos];
      if (c != 0x20 && c != 0x09 && c != 0x0a && c != 0x0d) break;
      this.pos++;
    }
  }

  private found(): string {
    return this.foundAt(this.pos);
  }

  private foundAt(at: i32): string {
    if (at >= this.b.length) return "end of input";
    return printable(this.b[at]);
  }

  private fail(message: string): JsonValue | null {
    return this.failAt(this.pos, message);
  }

  private failAt(at: i32, message: string): JsonValue | null {
    this.status = JV_SYNTAX_ERROR;
    this.errorOffset = at;
    this.error = message;
    return null;
  }

  private failStringAt(at: i32, message: string): string | null {
    this.failAt(at, message);
    return null;
  }

  private tooDeep(): JsonValue | null {
    this.status = JV_TOO_DEEP;
    this.errorOffset = this.pos;
    this.error = "nested deeper than " + this.maxDepth.toString() + " arrays/objects";
    return null;
  }
}

function isDigit(c: i32): bool {
  return c >= 0x30 && c <= 0x39;
}

// The character a one-letter escape stands for, or -1.
function simpleEscape(e: i32): i32 {
  if (e == 0x22 || e == 0x5c || e == 0x2f) return e;
  if (e == 0x62) return 0x08;
  if (e == 0x66) return 0x0c;
  if (e == 0x6e) return 0x0a;
  if (e == 0x72) return 0x0d;
  if (e == 0x74) return 0x09;
  return -1;
}

// Four hex digits at b[at..at+4) as a number, or -1.
function hex4(b: Uint8Array, at: i32, n: i32): i32 {
  if (at + 4 > n) return -1;
  let v = 0;
  for (let k = 0; k < 4; k++) {
    const c: i32 = b[at + k];
    let h = -1;
    if (c >= 0x30 && c <= 0x39) h = c - 0x30;
    else if (c >= 0x61 && c <= 0x66) h = c - 0x57;
    else if (c >= 0x41 && c <= 0x46) h = c - 0x37;
    if (h < 0) return -1;
    v = (v << 4) | h;
  }
  return v;
}

function isContinuation(b: Uint8Array, at: i32, n: i32, lo: i32, hi: i32): bool {
  if (at >= n) return false;
  const c: i32 = b[at];
  return c >= lo && c <= hi;
}

// Length of the well-formed UTF-8 sequence starting at b[i] (a byte ≥ 0x80), or 0 when it is not
// one (stray continuation, overlong form, surrogate, beyond U+10FFFF, cut short).
function utf8SequenceLength(b: Uint8Array, i: i32, n: i32): i32 {
  const c: i32 = b[i];
  if (c >= 0xc2 && c <= 0xdf) return isContinuation(b, i + 1, n, 0x80, 0xbf) ? 2 : 0;
  if (c >= 0xe0 && c <= 0xef) {
    const lo = c == 0xe0 ? 0xa0 : 0x80;
    const hi = c == 0xed ? 0x9f : 0xbf;
    return isContinuation(b, i + 1, n, lo, hi) && isContinuation(b, i + 2, n, 0x80, 0xbf) ? 3 : 0;
  }
  if (c >= 0xf0 && c <= 0xf4) {
    const lo = c == 0xf0 ? 0x90 : 0x80;
    const hi = c == 0xf4 ? 0x8f : 0xbf;
    return isContinuation(b, i + 1, n, lo, hi) && isContinuation(b, i + 2, n, 0x80, 0xbf) &&
        isContinuation(b, i + 3, n, 0x80, 0xbf)
      ? 4
      : 0;
  }
  return 0;
}

function utf8CodePoint(b: Uint8Array, i: i32, len: i32): i32 {
  const c: i32 = b[i];
  if (len == 2) return ((c & 0x1f) << 6) | (<i32>b[i + 1] & 0x3f);
  if (len == 3) return ((c & 0x0f) << 12) | ((<i32>b[i + 1] & 0x3f) << 6) | (<i32>b[i + 2] & 0x3f);
  return ((c & 0x07) << 18) | ((<i32>b[i + 1] & 0x3f) << 12) | ((<i32>b[i + 2] & 0x3f) << 6) | (<i32>b[i + 3] & 0x3f);
}

const HEX_DIGITS = "0123456789abcdef";

function hexByte(c: i32): string {
  return "0x" + HEX_DIGITS.charAt((c >> 4) & 15) + HEX_DIGITS.charAt(c & 15);
}

// A byte for a message: 'x' when printable ASCII, else 0xNN.
function printable(c: i32): string {
  if (c >= 0x21 && c <= 0x7e) return "'" + String.fromCharCode(c) + "'";
  if (c == 0x20) return "a space";
  return "byte " + hexByte(c);
}
