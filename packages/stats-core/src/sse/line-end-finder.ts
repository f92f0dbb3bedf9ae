// Finds line ends (CR or LF) in one chunk for the SSE framer: the framer's hot path, since most
// bytes of a stream are inside data lines. The search itself is the target's findByte (a memchr
// in JS, SIMD in wasm). Streams rarely contain CR, so the next CR is looked up once and
// remembered: on an LF-only chunk, each line costs one LF search and the chunk one CR search.
import { findByte } from "../glue/target";

const LF: u8 = 0x0a;
const CR: u8 = 0x0d;

export class LineEndFinder {
  private readonly none: Uint8Array = new Uint8Array(0);
  private buf: Uint8Array = this.none;
  private end: i32 = 0;
  // Next LF / CR at or after the last search start (`end` when none): valid while >= the index.
  private nextLf: i32 = -1;
  private nextCr: i32 = -1;

  /** Starts on buf[start, end). */
  begin(buf: Uint8Array, _start: i32, end: i32): void {
    this.buf = buf;
    this.end = end;
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
    let cr = this.nextCr;
    if (cr < i) {
      cr = findByte(this.buf, CR, i, end);
      this.nextCr = cr;
    }
    let lf = this.nextLf;
    if (lf < i) {
      lf = findByte(this.buf, LF, i, end);
      this.nextLf = lf;
    }
    return lf < cr ? lf : cr;
  }
}
