// Exact decimal numbers for query comparisons (`#(age>45)`). gjson compares float64 values parsed by
// Go's strconv.ParseFloat; parsing to float64 identically in JS and in wasm would need a correctly
// rounded strtod in both. Comparing the decimals exactly gives the same answer for every pair of
// numbers with at most 15 significant digits inside the float64 range (such decimals round-trip, so
// distinct ones stay distinct and ordered), and beyond the range we saturate to ±Inf / 0 as Go does.
// Only the first MAX_DIGITS significant digits are kept; later non-zero digits set `sticky`.

const MAX_DIGITS: i32 = 40;
const EXP_CAP: i32 = 100000000;

export const DEC_FINITE: i32 = 0;
export const DEC_INF: i32 = 1;
export const DEC_NAN: i32 = 2;

// Part of the number being read by push().
const PART_INT: i32 = 0;
const PART_FRAC: i32 = 1;
const PART_EXP: i32 = 2;

export class JsonDecimal {
  special: i32 = DEC_FINITE;
  neg: bool = false;
  /** Significant digits (values 0-9), the first `nd` of them used. */
  readonly digits: Uint8Array = new Uint8Array(MAX_DIGITS);
  nd: i32 = 0;
  /** The value is 0.d1d2…dn × 10^dp. */
  dp: i32 = 0;
  /** Non-zero digits beyond MAX_DIGITS were dropped. */
  sticky: bool = false;

  private seen: i32 = 0;
  private part: i32 = PART_INT;
  private expNeg: bool = false;
  private exp: i32 = 0;

  reset(): void {
    this.special = DEC_FINITE;
    this.neg = false;
    this.nd = 0;
    this.dp = 0;
    this.sticky = false;
    this.seen = 0;
    this.part = PART_INT;
    this.expNeg = false;
    this.exp = 0;
  }

  /** Feeds one character of a well-formed number (JSON syntax, or Go's decimal syntax). */
  push(c: i32): void {
    if (c >= 0x30 && c <= 0x39) {
      this.digit(c - 0x30);
    } else if (c == 0x2e) {
      this.part = PART_FRAC;
    } else if (c == 0x65 || c == 0x45) {
      this.part = PART_EXP;
    } else if (c == 0x2d) {
      if (this.part == PART_EXP) this.expNeg = true;
      else this.neg = true;
    }
    // '+' changes nothing.
  }

  /** Ends the number fed by push(): applies the exponent and saturates outside the float64 range. */
  finish(): void {
    if (this.seen == 0) {
      this.nd = 0;
      return;
    }
    let dp = this.dp;
    dp += this.expNeg ? -this.exp : this.exp;
    this.dp = dp;
    let nd = this.seen < MAX_DIGITS ? this.seen : MAX_DIGITS;
    if (!this.sticky) while (nd > 0 && this.digits[nd - 1] == 0) nd--;
    this.nd = nd;
    // Past the largest float64 (half an ulp above 1.7976931348623157e308) Go gives ±Inf; below half
    // the smallest subnormal (2.47e-324) it gives 0.
    if (this.compareMagnitudeTo(MAX_FLOAT_DIGITS, 309) >= 0) this.special = DEC_INF;
    else if (this.compareMagnitudeTo(MIN_FLOAT_DIGITS, -323) <= 0) this.nd = 0;
  }

  /**
   * Parses `text` as Go's strconv.ParseFloat would (decimal syntax, optional sign, "inf",
   * "infinity", "nan" in any case). Text Go would reject reads as 0, as gjson's ignored error does.
   * Hexadecimal floats and underscores are not recognised (they read as 0).
   */
  parse(text: Uint8Array): void {
    this.reset();
    const n = text.length;
    let i = 0;
    let neg = false;
    let signed = false;
    if (n > 0 && (text[0] == 0x2b || text[0] == 0x2d)) {
      neg = text[0] == 0x2d;
      signed = true;
      i = 1;
    }
    if (matchesWord(text, i, "infinity") || matchesWord(text, i, "inf")) {
      this.special = DEC_INF;
      this.neg = neg;
      return;
    }
    if (!signed && matchesWord(text, i, "nan")) {
      this.special = DEC_NAN;
      return;
    }
    if (!isGoDecimal(text, i)) return;
    for (let k = 0; k < n; k++) this.push(text[k]);
    this.finish();
  }

  isZero(): bool {
    return this.special == DEC_FINITE && this.nd == 0;
  }

  /** -1, 0 or 1 as this is below, equal to or above `o`; 2 when unordered (a NaN). */
  compare(o: JsonDecimal): i32 {
    if (this.special == DEC_NAN || o.special == DEC_NAN) return 2;
    const a = this.sign();
    const b = o.sign();
    if (a != b) return a < b ? -1 : 1;
    if (a == 0) return 0;
    const m = this.compareMagnitude(o);
    return a > 0 ? m : -m;
  }

  private sign(): i32 {
    if (this.special == DEC_FINITE && this.nd == 0) return 0;
    return this.neg ? -1 : 1;
  }

  private compareMagnitude(o: JsonDecimal): i32 {
    if (this.special == DEC_INF || o.special == DEC_INF) {
      if (this.special == o.special) return 0;
      return this.special == DEC_INF ? 1 : -1;
    }
    if (this.dp != o.dp) return this.dp > o.dp ? 1 : -1;
    const n = this.nd < o.nd ? this.nd : o.nd;
    for (let i = 0; i < n; i++) {
      const x: i32 = this.digits[i];
      const y: i32 = o.digits[i];
      if (x != y) return x > y ? 1 : -1;
    }
    if (this.nd != o.nd) return this.nd > o.nd ? 1 : -1;
    if (this.sticky != o.sticky) return this.sticky ? 1 : -1;
    return 0;
  }

  // Compares |this| (finite, non-zero) with 0.<ref digits> × 10^refDp.
  private compareMagnitudeTo(ref: string, refDp: i32): i32 {
    if (this.nd == 0) return -1;
    if (this.dp != refDp) return this.dp > refDp ? 1 : -1;
    const m = ref.length;
    for (let i = 0; i < this.nd && i < m; i++) {
      const x: i32 = this.digits[i];
      const y = ref.charCodeAt(i) - 0x30;
      if (x != y) return x > y ? 1 : -1;
    }
    if (this.nd > m) return 1;
    if (this.nd < m) return -1;
    return this.sticky ? 1 : 0;
  }

  private digit(d: i32): void {
    if (this.part == PART_EXP) {
      if (this.exp < EXP_CAP) this.exp = this.exp * 10 + d;
      return;
    }
    if (this.seen == 0 && d == 0) {
      // Leading zeros only move the decimal point when they follow it.
      if (this.part == PART_FRAC && this.dp > -EXP_CAP) this.dp--;
      return;
    }
    if (this.seen < MAX_DIGITS) this.digits[this.seen] = <u8>d;
    else if (d != 0) this.sticky = true;
    if (this.seen < EXP_CAP) this.seen++;
    if (this.part == PART_INT && this.dp < EXP_CAP) this.dp++;
  }
}

const MAX_FLOAT_DIGITS = "1797693134862315807937";
const MIN_FLOAT_DIGITS = "24703282292062327";

// Case-insensitive: text[at..] is exactly `word`.
function matchesWord(text: Uint8Array, at: i32, word: string): bool {
  if (text.length - at != word.length) return false;
  for (let i = 0; i < word.length; i++) {
    let c: i32 = text[at + i];
    if (c >= 0x41 && c <= 0x5a) c += 0x20;
    if (c != word.charCodeAt(i)) return false;
  }
  return true;
}

// Go's decimal float syntax after the sign: digits, optional point and digits (at least one digit
// in all), optional exponent with at least one digit.
function isGoDecimal(text: Uint8Array, from: i32): bool {
  const n = text.length;
  let i = from;
  let digits = 0;
  while (i < n && isDigit(text[i])) {
    i++;
    digits++;
  }
  if (i < n && text[i] == 0x2e) {
    i++;
    while (i < n && isDigit(text[i])) {
      i++;
      digits++;
    }
  }
  if (digits == 0) return false;
  if (i < n && (text[i] == 0x65 || text[i] == 0x45)) {
    i++;
    if (i < n && (text[i] == 0x2b || text[i] == 0x2d)) i++;
    let exp = 0;
    while (i < n && isDigit(text[i])) {
      i++;
      exp++;
    }
    if (exp == 0) return false;
  }
  return i == n;
}

function isDigit(c: i32): bool {
  return c >= 0x30 && c <= 0x39;
}
