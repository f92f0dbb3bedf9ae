// JSON number text → f64, with the same result on the JS and the wasm build. Neither build has a
// portable correctly rounded strtod (JS's parser is not callable from asc, asc's parseFloat is its
// own), so this computes the value from the digits with plain IEEE operations, which both builds
// execute identically.
//
// Exact (the correctly rounded double, equal to JSON.parse) whenever the number, written without
// trailing zeros as m × 10^e, has m < 2^53 and -22 ≤ e ≤ 22 (e up to 37 when m × 10^(e-22) stays
// below 2^53): Clinger's fast path, one exact operand and one exact power of ten, one rounding. That
// covers every integer up to 2^53 and every decimal with at most 15 significant digits whose decimal
// point sits within 22 places of them (0.000…, 1e-7, 123.456, 2.5e20).
//
// Elsewhere (more than 15-16 significant digits, or magnitudes beyond ~1e±22 with long mantissas)
// the first 19 significant digits are kept (later ones are dropped, truncating) and the power of ten
// is applied in steps of 1e22, each step rounding: the result may then differ from the correctly
// rounded double in the last bits, deterministically and identically on both builds. Overflow gives
// ±Infinity and underflow ±0, as JSON.parse does.

const MAX_KEPT_DIGITS: i32 = 19;
const TWO_53: f64 = 9007199254740992.0;
// Far beyond the double range: the exponent stops growing here so it can never overflow an i32.
const EXPONENT_CAP: i32 = 100000;

/** 10^k for 0 ≤ k ≤ 22, exact (each intermediate power of ten up to 1e22 is a double). */
export function exactPowerOfTen(k: i32): f64 {
  let p: f64 = 1.0;
  for (let i = 0; i < k; i++) p *= 10.0;
  return p;
}

/**
 * The value of the JSON number in b[start, end). The text must already be valid JSON number
 * syntax (`-`? int frac? exp?); anything else gives an unspecified finite value.
 */
export function jsonNumberValue(b: Uint8Array, start: i32, end: i32): f64 {
  let i = start;
  let negative = false;
  if (i < end && b[i] == 0x2d) {
    negative = true;
    i++;
  }
  let mantissa: f64 = 0.0;
  let kept = 0; // significant digits folded into mantissa (zeros included once applied)
  let pendingZeros = 0; // zeros seen after the last non-zero digit, not applied yet
  let exponent = 0; // decimal exponent of mantissa's last digit
  let fraction = false;
  while (i < end) {
    const c: i32 = b[i];
    if (c == 0x2e) {
      fraction = true;
      i++;
      continue;
    }
    if (c < 0x30 || c > 0x39) break;
    const d = c - 0x30;
    i++;
    if (fraction) exponent--;
    if (kept == 0 && d == 0) continue; // leading zeros carry no digits
    if (d == 0) {
      pendingZeros++;
      continue;
    }
    if (kept + pendingZeros + 1 > MAX_KEPT_DIGITS) {
      // Out of digit budget: this and the pending zeros only scale the value.
      exponent += pendingZeros + 1;
      pendingZeros = 0;
      continue;
    }
    for (let z = 0; z < pendingZeros; z++) mantissa *= 10.0;
    kept += pendingZeros + 1;
    pendingZeros = 0;
    mantissa = mantissa * 10.0 + <f64>d;
  }
  // Trailing zeros scale; they never enter the mantissa (keeps it small for the fast path).
  exponent += pendingZeros;
  if (i < end && (b[i] == 0x65 || b[i] == 0x45)) {
    i++;
    let expNegative = false;
    if (i < end && (b[i] == 0x2b || b[i] == 0x2d)) {
      expNegative = b[i] == 0x2d;
      i++;
    }
    let e = 0;
    while (i < end && b[i] >= 0x30 && b[i] <= 0x39) {
      if (e < EXPONENT_CAP) e = e * 10 + (<i32>b[i] - 0x30);
      i++;
    }
    exponent += expNegative ? -e : e;
  }
  const value = scaleByPowerOfTen(mantissa, exponent);
  return negative ? -value : value;
}

// mantissa × 10^exponent; mantissa is a non-negative integer-valued double.
function scaleByPowerOfTen(mantissa: f64, exponent: i32): f64 {
  if (mantissa == 0.0) return 0.0;
  let m = mantissa;
  let e = exponent;
  if (m <= TWO_53) {
    // Clinger's fast path, widened by moving powers of ten into m while it stays exact.
    while (e > 22 && m * 10.0 <= TWO_53) {
      m *= 10.0;
      e--;
    }
    if (e >= 0 && e <= 22) return m * exactPowerOfTen(e);
    // eslint-disable-next-line no-restricted-syntax -- f64 / f64: float division in both builds
    if (e < 0 && e >= -22) return m / exactPowerOfTen(-e);
  }
  // Outside the exact domain: deterministic steps of 1e22.
  const big = exactPowerOfTen(22);
  while (e > 22 && m != Infinity) {
    m *= big;
    e -= 22;
  }
  while (e < -22 && m != 0.0) {
    m /= big;
    e += 22;
  }
  if (e >= 0) return m * exactPowerOfTen(e);
  // eslint-disable-next-line no-restricted-syntax -- f64 / f64: float division in both builds
  return m / exactPowerOfTen(-e);
}
