import { ArenaBuffer } from "../arena/arena-buffer";
import { ArenaLease } from "../arena/arena-lease";
import { JsonMatchStats } from "./json-match-stats";
import { MatchTarget, TAKE_BYTES, TAKE_REFUSED } from "./json-match-target";

// A selected value whose fate is not decided yet (an element waiting for its query condition, the
// last-so-far candidate under @reverse), kept in the arena through the exchange's lease. When the
// arena or the limit runs out the value is cut and counted, never allocated elsewhere.
export class HeldValue {
  kind: i32 = 0;
  exists: bool = false;
  complete: bool = false;
  /** Bytes were lost: the value is incomplete. */
  cut: bool = false;
  readonly buf: ArenaBuffer;
  readonly stats: JsonMatchStats;

  constructor(lease: ArenaLease, stats: JsonMatchStats, limit: i32) {
    this.buf = new ArenaBuffer(lease, limit);
    this.stats = stats;
  }

  begin(kind: i32): void {
    this.clear();
    this.kind = kind;
    this.exists = true;
  }

  append(src: Uint8Array, start: i32, end: i32): void {
    const n = end - start;
    if (n <= 0 || this.cut) {
      if (n > 0) this.stats.truncatedBytes += n;
      return;
    }
    const kept = this.buf.append(src, start, end);
    if (kept < n) {
      this.cut = true;
      this.stats.truncatedValues++;
      this.stats.truncatedBytes += n - kept;
    }
  }

  end(): void {
    this.complete = true;
  }

  /** Forgets the value but keeps its arena block for the next one. */
  clear(): void {
    this.exists = false;
    this.complete = false;
    this.cut = false;
    this.buf.clear();
  }

  /** Returns the block to the arena (end of document). */
  release(): void {
    this.clear();
    this.buf.release();
  }

  /**
   * Hands the value (so far) to `t`: begin, the bytes held, and end if the value is complete.
   * Returns what `t.begin` answered so a caller can keep passing the rest of the value on. A cut
   * value is not given to a target that builds JSON text from whole values.
   */
  replay(t: MatchTarget): i32 {
    if (!this.exists || (this.cut && t.wholeValues)) return TAKE_REFUSED;
    const r = t.begin(this.kind);
    if (r == TAKE_REFUSED) return r;
    if (r == TAKE_BYTES && this.buf.length > 0) t.bytes(this.buf.bytes, this.buf.offset, this.buf.offset + this.buf.length);
    if (this.complete) t.end();
    return r;
  }
}
