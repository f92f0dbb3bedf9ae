// Finds line ends (CR or LF) in one chunk for the SSE framer: the framer's hot path, since most
// bytes of a stream are inside data lines. Both builds have a native-speed TypedArray#indexOf
// (V8's builtin; an unchecked load loop in AssemblyScript) that beats an indexed loop, but it
// searches to the end of the whole array, not to `end`. So it is used only when the bytes past
// `end` are at most as many as the range itself (always true for a whole chunk), which keeps a
// feed O(range) even when a caller feeds small ranges of one huge array; otherwise a plain loop.
//
// Streams rarely contain CR, so the next CR is looked up once and remembered: on an LF-only
// chunk, each line costs one LF search and the chunk one CR search.

const LF: u8 = 0x0a;
const CR: u8 = 0x0d;

export class LineEndFinder {
  private readonly none: Uint8Array = new Uint8Array(0);
  private buf: Uint8Array = this.none;
  private end: i32 = 0;
  private native: bool = false;
  // Next LF / CR at or after the last search start (buf.length when none): valid while >= the index.
  private nextLf: i32 = -1;
  private nextCr: i32 = -1;

  /** Starts on buf[start, end). */
  begin(buf: Uint8Array, start: i32, end: i32): void {
    this.buf = buf;
    this.end = end;
    this.native = buf.length - end <= end - start;
    this.nextLf = -1;
    this.nextCr = -1;
  }

  /** Drops the reference to the chunk, which belongs to the caller. */
  done(): void {
    this.buf = this.none;
  }

  /** Index of the first CR or LF in [i, end), or end. */
  find(i: i32): i32 {
    const end = this.end;
    const buf = this.buf;
    if (!this.native) {
      let k = i;
      while (k < end) {
        const c: i32 = buf[k];
        // One comparison for the common byte: both line ends are below 14.
        if (c <= 0x0d && (c == 0x0a || c == 0x0d)) return k;
        k++;
      }
      return end;
    }
    // The true next positions, possibly past `end` (the bytes of a later feed): clamp the answer.
    let cr = this.nextCr;
    if (cr < i) {
      cr = buf.indexOf(CR, i);
      if (cr < 0) cr = buf.length;
      this.nextCr = cr;
    }
    let lf = this.nextLf;
    if (lf < i) {
      lf = buf.indexOf(LF, i);
      if (lf < 0) lf = buf.length;
      this.nextLf = lf;
    }
    const at = lf < cr ? lf : cr;
    return at < end ? at : end;
  }
}
