// Decimal text of integers held in f64, the same on both builds: Number#toString (JS) and
// AssemblyScript's dtoa print large or integral floats differently, and the portable subset has no
// i64 in JavaScript, so integers are spelled out digit by digit here.

const DIGITS: string = "0123456789";

/** The digits of an integral x with 0 <= x <= 2^53 (exact: every step stays an integer). */
export function exactIntegerText(x: f64): string {
  if (x < 1) return "0";
  let v = x;
  let s = "";
  while (v >= 1) {
    const d = <i32>(v % 10);
    s = DIGITS.charAt(d) + s;
    // eslint-disable-next-line no-restricted-syntax -- f64 / f64: exact, v - d is a multiple of 10
    v = (v - d) / 10;
  }
  return s;
}

/**
 * The exact digits of an integral x with 0 <= x < 2^63: x = hi · 2^32 + lo with both parts exact,
 * hi doubled 32 times in decimal, plus lo.
 */
export function integralDigits(x: f64): string {
  // eslint-disable-next-line no-restricted-syntax -- f64 / f64: exact (a power of two), then floored
  const hi = Math.floor(x / 4294967296.0);
  const lo = x - hi * 4294967296.0;
  let s = exactIntegerText(hi);
  for (let k = 0; k < 32; k++) s = addDecimal(s, s);
  return addDecimal(s, exactIntegerText(lo));
}

/** The sum of two non-negative decimal integers given as digits. */
export function addDecimal(a: string, b: string): string {
  let out = "";
  let carry = 0;
  let i = a.length - 1;
  let j = b.length - 1;
  while (i >= 0 || j >= 0 || carry > 0) {
    let d = carry;
    if (i >= 0) d += a.charCodeAt(i--) - 0x30;
    if (j >= 0) d += b.charCodeAt(j--) - 0x30;
    carry = d >= 10 ? 1 : 0;
    out = DIGITS.charAt(d % 10) + out;
  }
  return out.length > 0 ? out : "0";
}

/**
 * The f64 nearest to the non-negative integer written by `digits` (below 2^63): the digits are
 * read into hi · 2^32 + lo exactly, and only the final sum rounds, once.
 */
export function digitsValue(digits: string): f64 {
  let hi: f64 = 0;
  let lo: f64 = 0;
  for (let i = 0; i < digits.length; i++) {
    lo = lo * 10 + <f64>(digits.charCodeAt(i) - 0x30);
    // eslint-disable-next-line no-restricted-syntax -- f64 / f64: exact (a power of two), then floored
    const carry = Math.floor(lo / 4294967296.0);
    lo -= carry * 4294967296.0;
    hi = hi * 10 + carry;
  }
  return hi * 4294967296.0 + lo;
}
