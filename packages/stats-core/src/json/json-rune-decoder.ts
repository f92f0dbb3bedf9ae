// UTF-8 to code points the way Go's utf8.DecodeRune reads them, one byte at a time across chunk
// boundaries: every byte of an invalid or truncated sequence becomes one U+FFFD (RuneError), so the
// `?` of a `%` pattern consumes exactly what it consumes in gjson's match package.

export const RUNE_ERROR: i32 = 0xfffd;
/** feed(): more bytes are needed. */
export const RUNE_MORE: i32 = -1;

export class RuneDecoder {
  private need: i32 = 0;
  private cp: i32 = 0;
  private lo: i32 = 0x80;
  private hi: i32 = 0xbf;
  /** Bytes of the sequence in progress (lead included). */
  private pending: i32 = 0;
  /**
   * After feed() returned an error count: how many U+FFFD to emit before feeding the same byte
   * again. Kept as a field because feed() has a single return value.
   */
  errors: i32 = 0;

  reset(): void {
    this.need = 0;
    this.pending = 0;
    this.errors = 0;
  }

  /**
   * Decodes one byte: returns a code point, RUNE_MORE, or -2 when the sequence in progress broke;
   * then `errors` U+FFFD are due and the byte must be fed again.
   */
  feed(b: i32): i32 {
    if (this.need == 0) {
      if (b < 0x80) return b;
      this.lo = 0x80;
      this.hi = 0xbf;
      if (b >= 0xc2 && b <= 0xdf) {
        this.need = 1;
        this.cp = b & 0x1f;
      } else if (b >= 0xe0 && b <= 0xef) {
        this.need = 2;
        this.cp = b & 0x0f;
        if (b == 0xe0) this.lo = 0xa0;
        else if (b == 0xed) this.hi = 0x9f;
      } else if (b >= 0xf0 && b <= 0xf4) {
        this.need = 3;
        this.cp = b & 0x07;
        if (b == 0xf0) this.lo = 0x90;
        else if (b == 0xf4) this.hi = 0x8f;
      } else {
        return RUNE_ERROR;
      }
      this.pending = 1;
      return RUNE_MORE;
    }
    if (b < this.lo || b > this.hi) {
      // Go reports the lead byte alone as invalid, then each continuation byte on its own.
      this.errors = this.pending;
      this.need = 0;
      this.pending = 0;
      return -2;
    }
    this.cp = (this.cp << 6) | (b & 0x3f);
    this.lo = 0x80;
    this.hi = 0xbf;
    this.pending++;
    this.need--;
    if (this.need > 0) return RUNE_MORE;
    this.pending = 0;
    return this.cp;
  }

  /** End of input: how many U+FFFD the unfinished sequence stands for. */
  finish(): i32 {
    const n = this.pending;
    this.need = 0;
    this.pending = 0;
    return n;
  }
}

/**
 * Decodes the code point at b[i] the way Go's utf8.DecodeRune does; returns rune * 8 + width
 * (width 1-4), U+FFFD with width 1 for an invalid or truncated sequence.
 */
export function decodeRuneAt(b: Uint8Array, i: i32): i32 {
  const n = b.length;
  const c: i32 = b[i];
  if (c < 0x80) return c * 8 + 1;
  let need = 3;
  let cp = c & 0x07;
  let lo = 0x80;
  let hi = 0xbf;
  if (c >= 0xc2 && c <= 0xdf) {
    need = 1;
    cp = c & 0x1f;
  } else if (c >= 0xe0 && c <= 0xef) {
    need = 2;
    cp = c & 0x0f;
    if (c == 0xe0) lo = 0xa0;
    else if (c == 0xed) hi = 0x9f;
  } else if (c >= 0xf0 && c <= 0xf4) {
    if (c == 0xf0) lo = 0x90;
    else if (c == 0xf4) hi = 0x8f;
  } else {
    return RUNE_ERROR * 8 + 1;
  }
  for (let k = 1; k <= need; k++) {
    if (i + k >= n) return RUNE_ERROR * 8 + 1;
    const x: i32 = b[i + k];
    if (x < lo || x > hi) return RUNE_ERROR * 8 + 1;
    cp = (cp << 6) | (x & 0x3f);
    lo = 0x80;
    hi = 0xbf;
  }
  return cp * 8 + need + 1;
}
