import { jsonNumberValue } from "../config/json-number";
import { KIND_NUMBER, KIND_STRING, KIND_TRUE } from "../json/json-kinds";
import { addDecimal, digitsValue, exactIntegerText, integralDigits } from "../record/decimal-text";
import { ValueBuffer } from "./value-buffer";

// A token count as Higress holds one: the int64 that gjson's Result.Int() reads from the
// provider's value. Both builds compute it identically, so a count is the same in the log, on the
// span and in the counters of every host: a number is truncated toward zero (7.9 → 7), a string
// counts only when it is an integer ("12" → 12, anything else 0), true is 1, false / null / objects
// 0. Out of int64's range it is clamped (gjson would wrap, or convert Inf undefinedly), so `1e400`
// is 9223372036854775807, never Infinity or NaN. Negative counts, which no provider sends and a
// counter cannot take, are 0. Up to 2^53 the value is an exact f64; beyond, `digits` holds its
// exact decimal text, which is what the log and the span write (Higress writes the int64).

const EXACT_LIMIT: f64 = 9007199254740992.0; // 2^53 (float literals: asc reads a bare integer literal as an i64)
const TWO_63: f64 = 9223372036854775808.0;
const INT64_MAX_TEXT: string = "9223372036854775807";

export class TokenCount {
  /** The count, or -1 when unset. */
  value: f64 = -1;
  /** Its exact decimal text when it is above 2^53 ("" otherwise). */
  digits: string = "";

  get set(): bool {
    return this.value >= 0;
  }

  reset(): void {
    this.value = -1;
    this.digits = "";
  }

  copy(other: TokenCount): void {
    this.value = other.value;
    this.digits = other.digits;
  }

  /** Reads `v` as gjson's Int() does (see above); an unset value (kind 0) leaves the count unset. */
  readFrom(v: ValueBuffer): void {
    this.digits = "";
    if (v.kind == 0) {
      this.value = -1;
      return;
    }
    this.value = 0;
    if (v.kind == KIND_TRUE) {
      this.value = 1;
      return;
    }
    if (v.kind != KIND_NUMBER && v.kind != KIND_STRING) return;
    if (!v.whole) {
      // Tens of thousands of digits: far beyond int64 (unless negative, which counts as 0).
      const p = v.pieces();
      if (v.kind == KIND_NUMBER && p.count > 0 && p.bytes[p.starts[0]] != 0x2d) this.setDigits(INT64_MAX_TEXT);
      return;
    }
    const p = v.pieces();
    if (p.count == 0) return;
    const b = p.bytes;
    const s = p.starts[0];
    const e = p.ends[0];
    if (isInteger(b, s, e)) {
      if (b[s] != 0x2d) this.setDigits(integerDigits(b, s, e));
      return;
    }
    // A string that is not an integer reads as 0 (gjson's parseInt fails); a number with a
    // fraction or an exponent is converted from its float64.
    if (v.kind == KIND_NUMBER) this.setFloat(jsonNumberValue(b, s, e));
  }

  /** Sets an integral count (from a float: truncated toward zero, clamped to [0, 2^63 - 1]). */
  setFloat(x: f64): void {
    this.digits = "";
    if (!(x > 0)) {
      this.value = 0;
      return;
    }
    if (x >= TWO_63) {
      this.setDigits(INT64_MAX_TEXT);
      return;
    }
    const whole = x - (x % 1);
    this.value = whole;
    if (whole >= EXACT_LIMIT) this.digits = integralDigits(whole);
  }

  /** This count plus `other` (an unset count adds nothing; the sum of two unset counts is 0). */
  add(other: TokenCount): void {
    const a = this.value > 0 ? this.value : 0;
    const b = other.value > 0 ? other.value : 0;
    const sum = a + b;
    if (this.digits.length == 0 && other.digits.length == 0 && sum <= EXACT_LIMIT) {
      this.value = sum;
      this.digits = "";
      return;
    }
    this.setDigits(addDecimal(this.text(), other.value > 0 ? other.text() : "0"));
  }

  /** The count's decimal text ("0" when unset). */
  text(): string {
    if (this.digits.length > 0) return this.digits;
    return exactIntegerText(this.value > 0 ? this.value : 0);
  }

  // A count from its exact decimal digits (no sign, no leading zeros), clamped to int64.
  private setDigits(digits: string): void {
    const d = clampInt64(digits);
    const v = digitsValue(d);
    this.value = v;
    // 2^53 + 1 reads as 2^53: keep the digits from 2^53 on.
    this.digits = v >= EXACT_LIMIT ? d : "";
  }
}

/** True when b[s, e) is `-`? digits only (what gjson's parseInt accepts). */
function isInteger(b: Uint8Array, s: i32, e: i32): bool {
  let i = s;
  if (i < e && b[i] == 0x2d) i++;
  if (i == e) return false;
  for (; i < e; i++) if (b[i] < 0x30 || b[i] > 0x39) return false;
  return true;
}

// The digits of a non-negative integer literal without leading zeros ("0" for zeros only).
function integerDigits(b: Uint8Array, s: i32, e: i32): string {
  let i = s;
  while (i < e - 1 && b[i] == 0x30) i++;
  let out = "";
  for (; i < e; i++) out += String.fromCharCode(b[i]);
  return out;
}

function clampInt64(d: string): string {
  if (d.length < INT64_MAX_TEXT.length) return d;
  if (d.length > INT64_MAX_TEXT.length || d > INT64_MAX_TEXT) return INT64_MAX_TEXT;
  return d;
}
