// Builds JSON text the way Go's encoding/json writes it, which is what Higress's ai_log is:
// strings escaped with `<`, `>`, `&`, U+2028 and U+2029 as \u escapes, invalid UTF-8 as \ufffd,
// and raw JSON values copied with the same treatment inside their strings. Text gathers in a
// short chunk of UTF-16 units; full chunks go to a list joined once (no quadratic concatenation).

const CHUNK_UNITS: i32 = 64;
const HEX: string = "0123456789abcdef";

export class JsonWriter {
  private parts: Array<string> = new Array<string>(0);
  private chunk: string = "";
  private units: i32 = 0;

  /** Appends ASCII/any text as it is (already valid JSON where it goes). */
  text(s: string): void {
    if (s.length == 0) return;
    this.flushChunk();
    this.parts.push(s);
  }

  /** Appends a JSON string literal for `s` (quotes included). */
  stringLiteral(s: string): void {
    this.unit(0x22);
    for (let i = 0; i < s.length; i++) this.escapedUnit(s.charCodeAt(i));
    this.unit(0x22);
  }

  /** Appends the UTF-8 bytes b[start, end) as escaped string contents (no quotes). */
  escapedBytes(b: Uint8Array, start: i32, end: i32): void {
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
        this.text("\\ufffd");
        i++;
        continue;
      }
      this.codePoint(decodeAt(b, i, n));
      i += n;
    }
  }

  /**
   * Appends raw JSON text b[start, end) (a value the matcher validated): structure copied, and
   * inside strings invalid UTF-8 becomes \ufffd and `<>&` become \u escapes, as Go re-encodes.
   */
  rawJson(b: Uint8Array, start: i32, end: i32): void {
    let i = start;
    while (i < end) {
      const c = <i32>b[i];
      if (c < 0x80) {
        if (c == 0x3c || c == 0x3e || c == 0x26) this.hexEscape(c);
        else this.unit(c);
        i++;
        continue;
      }
      const n = sequenceLength(b, i, end);
      if (n == 0) {
        this.text("\\ufffd");
        i++;
        continue;
      }
      this.codePoint(decodeAt(b, i, n));
      i += n;
    }
  }

  /** Appends a number as Go prints float64/int values: integers without a fraction. */
  number(x: f64): void {
    this.text(numberText(x));
  }

  /** The text written so far; the writer starts over empty. */
  finish(): string {
    this.flushChunk();
    const text = this.parts.join("");
    this.parts = new Array<string>(0);
    return text;
  }

  private codePoint(cp: i32): void {
    if (cp == 0x2028 || cp == 0x2029) {
      this.hexEscape(cp);
      return;
    }
    if (cp < 0x10000) {
      this.unit(cp);
      return;
    }
    const v = cp - 0x10000;
    this.unit(0xd800 + (v >> 10));
    this.unit(0xdc00 + (v & 0x3ff));
  }

  private escapedUnit(u: i32): void {
    if (u == 0x22) this.text("\\\"");
    else if (u == 0x5c) this.text("\\\\");
    else if (u == 0x0a) this.text("\\n");
    else if (u == 0x0d) this.text("\\r");
    else if (u == 0x09) this.text("\\t");
    else if (u == 0x08) this.text("\\b");
    else if (u == 0x0c) this.text("\\f");
    else if (u < 0x20 || u == 0x3c || u == 0x3e || u == 0x26 || u == 0x2028 || u == 0x2029) this.hexEscape(u);
    else this.unit(u);
  }

  private hexEscape(u: i32): void {
    this.text("\\u" + HEX.charAt((u >> 12) & 15) + HEX.charAt((u >> 8) & 15) + HEX.charAt((u >> 4) & 15) + HEX.charAt(u & 15));
  }

  private unit(u: i32): void {
    this.chunk += String.fromCharCode(u);
    this.units++;
    if (this.units == CHUNK_UNITS) this.flushChunk();
  }

  private flushChunk(): void {
    if (this.units == 0) return;
    this.parts.push(this.chunk);
    this.chunk = "";
    this.units = 0;
  }
}

/** How Go prints a JSON number: integral values without fraction, others shortest round-trip. */
export function numberText(x: f64): string {
  if (x == x - (x % 1) && x > -2147483648 && x < 2147483648) return (<i32>x).toString();
  if (x == x - (x % 1) && x > -9007199254740992 && x < 9007199254740992) {
    // Integral but beyond i32: print digit by digit (no i64 in the portable subset).
    const neg = x < 0;
    let v = neg ? -x : x;
    let s = "";
    while (v >= 1) {
      const d = <i32>(v % 10);
      s = HEX.charAt(d) + s;
      // eslint-disable-next-line no-restricted-syntax -- f64 / f64: exact, v - d is a multiple of 10
      v = (v - d) / 10;
    }
    return neg ? "-" + s : s;
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
