// Portable number printing for traces: identical text on the JS and wasm builds (their own
// number-to-string conversions differ), computed with exact IEEE operations only.

const TWO_52: f64 = 4503599627370496.0;
const TWO_53: f64 = 9007199254740992.0;

/** Decimal digits of a non-negative integer-valued double below 2^53. */
export function integerText(x: f64): string {
  if (x < 1) return "0";
  let m = x;
  let out = "";
  while (m >= 1) {
    const d = m % 10.0;
    out = String.fromCharCode(0x30 + <i32>d) + out;
    // eslint-disable-next-line no-restricted-syntax -- exact: f64 division of a multiple of 10
    m = (m - d) / 10.0;
  }
  return out;
}

/**
 * The exact value of a double as `<odd integer>p<binary exponent>` (value = integer × 2^exponent):
 * 0.5 → "1p-1", 3 → "3p0", -0 → "-0", Infinity → "inf". Two doubles print alike iff they are equal
 * bit for bit (NaN aside).
 */
export function exactBinaryText(x: f64): string {
  if (x != x) return "nan";
  if (x == Infinity) return "inf";
  if (x == -Infinity) return "-inf";
  if (x == 0) {
    // eslint-disable-next-line no-restricted-syntax -- f64 division: 1/-0 is -Infinity in both builds
    return 1.0 / x < 0 ? "-0" : "0";
  }
  const negative = x < 0;
  let m = negative ? -x : x;
  let e = 0;
  while (m >= TWO_53) {
    m *= 0.5;
    e++;
  }
  while (m < TWO_52) {
    m *= 2.0;
    e--;
  }
  while (m % 2.0 == 0) {
    m *= 0.5;
    e++;
  }
  return (negative ? "-" : "") + integerText(m) + "p" + e.toString();
}

/**
 * A readable decimal for prices and the like: integers below 2^53 exactly, other values rounded to
 * nine decimals (one IEEE multiplication, then integer printing), trailing zeros dropped; anything
 * else in exact binary form.
 */
export function decimalText(x: f64): string {
  const negative = x < 0;
  const a = negative ? -x : x;
  if (a - a != 0) return exactBinaryText(x);
  if (Math.floor(a) == a && a < TWO_53) return (negative ? "-" : "") + integerText(a);
  const scaled = Math.floor(a * 1e9 + 0.5);
  if (scaled >= TWO_53) return exactBinaryText(x);
  let digits = integerText(scaled);
  while (digits.length < 10) digits = "0" + digits;
  const whole = digits.substring(0, digits.length - 9);
  let frac = digits.substring(digits.length - 9);
  while (frac.length > 0 && frac.charCodeAt(frac.length - 1) == 0x30) frac = frac.substring(0, frac.length - 1);
  return (negative ? "-" : "") + whole + (frac.length > 0 ? "." + frac : "");
}
