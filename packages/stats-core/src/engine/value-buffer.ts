import { NO_BLOCK } from "../arena/arena";
import { ArenaBuffer } from "../arena/arena-buffer";
import { ArenaLease } from "../arena/arena-lease";
import { copyBytes } from "../glue/target";

// One attribute value's bytes, bounded as Higress bounds values: up to `limit` bytes are kept
// whole; past that only the first limit/2 bytes and a ring of the last limit/2 bytes are kept, so
// an endlessly appended answer never holds more than 1.5 × limit bytes, and the value reads as
// `head [truncated] tail` exactly as Higress cuts the whole string (byte offsets, integer half).
// Everything lives in the arena through the exchange's lease; a full arena cuts and counts.

export const TRUNCATED_MARK: string = " [truncated] ";

export class ValueBuffer {
  /** KIND_* of the value (KIND_STRING: decoded UTF-8 text; other kinds: raw JSON text); 0 when unset. */
  kind: i32 = 0;
  /** Bytes offered in total (those kept and those cut by the length limit). */
  total: i32 = 0;
  /** Bytes the arena could not hold (not counting the limit's deliberate cut). */
  lost: i32 = 0;
  /**
   * An object or array whose text is not valid JSON (its document was cut or malformed inside
   * it): logged as a string of what was seen, never as broken JSON.
   */
  broken: bool = false;
  limit: i32;
  private readonly head: ArenaBuffer;
  readonly lease: ArenaLease;
  private ring: i32 = NO_BLOCK;
  private ringSize: i32 = 0;
  private ringPos: i32 = 0;

  constructor(lease: ArenaLease, limit: i32) {
    this.lease = lease;
    this.limit = limit < 0 ? 0 : limit;
    this.head = new ArenaBuffer(lease, limit < 0 ? 0 : limit);
  }

  /** The value has bytes, or is a non-string value (whose text is never empty). */
  get set(): bool {
    return this.kind != 0;
  }

  /** Kept whole (not over the limit). */
  get whole(): bool {
    return this.total <= this.limit;
  }

  /** Starts a value of `kind`, forgetting the previous one (blocks kept for reuse). */
  start(kind: i32): void {
    this.kind = kind;
    this.total = 0;
    this.lost = 0;
    this.broken = false;
    this.head.clear();
    this.ringPos = 0;
  }

  /** Appends src[start, end). */
  append(src: Uint8Array, start: i32, end: i32): void {
    let i = start;
    while (i < end) {
      if (this.total < this.limit) {
        const room = this.limit - this.total;
        const n = end - i < room ? end - i : room;
        const kept = this.head.append(src, i, i + n);
        this.lost += n - kept;
        this.total += n;
        i += n;
        continue;
      }
      if (this.total == this.limit && !this.seedRing()) {
        // No room for a tail: the rest is cut and counted.
        this.lost += end - i;
        this.total += end - i;
        return;
      }
      this.appendRing(src, i, end);
      this.total += end - i;
      return;
    }
  }

  /** Appends the bytes of another value (used to join streamed fragments). */
  appendValue(other: ValueBuffer): void {
    other.appendStoredTo(this);
  }

  /** Appends an ASCII string. */
  appendAscii(s: string): void {
    const b = new Uint8Array(s.length);
    for (let i = 0; i < s.length; i++) b[i] = <u8>s.charCodeAt(i);
    this.append(b, 0, b.length);
  }

  /**
   * Replaces this value with a copy of `other` (same limit): the kept head, then the tail ring in
   * order, which rebuilds the same head and tail, so the copy reads exactly as the original.
   */
  copyFrom(other: ValueBuffer): void {
    this.start(other.kind);
    other.appendStoredTo(this);
  }

  /** Appends what this value stores (whole, or its head and then its tail) to `out`. */
  appendStoredTo(out: ValueBuffer): void {
    const bytes = this.head.bytes;
    if (this.head.length > 0) out.append(bytes, this.head.offset, this.head.offset + this.head.length);
    if (!this.whole && this.ring != NO_BLOCK) {
      out.append(bytes, this.ring + this.ringPos, this.ring + this.ringSize);
      out.append(bytes, this.ring, this.ring + this.ringPos);
    }
  }

  /** The value's bytes as Higress would log them (head [truncated] tail when over the limit). */
  pieces(): PieceList {
    const list = new PieceList();
    const bytes = this.head.bytes;
    if (this.whole) {
      list.add(bytes, this.head.offset, this.head.offset + this.head.length);
      return list;
    }
    list.add(bytes, this.head.offset, this.head.offset + this.halfLength());
    list.mark = list.count;
    if (this.ring != NO_BLOCK) {
      // The tail as one piece: a UTF-8 sequence across the ring's wrap point must decode (and be
      // escaped) as one character, not as two broken halves.
      this.unwrapRing();
      list.add(bytes, this.ring, this.ring + this.ringSize);
    }
    return list;
  }

  // Rotates the ring in place so its oldest byte comes first (three reversals, no allocation).
  private unwrapRing(): void {
    const pos = this.ringPos;
    if (pos == 0) return;
    const b = this.head.bytes;
    const r = this.ring;
    reverseBytes(b, r, r + pos);
    reverseBytes(b, r + pos, r + this.ringSize);
    reverseBytes(b, r, r + this.ringSize);
    this.ringPos = 0;
  }

  /** Returns the arena blocks. */
  release(): void {
    this.head.release();
    if (this.ring != NO_BLOCK) this.lease.free(this.ring);
    this.ring = NO_BLOCK;
    this.ringSize = 0;
    this.ringPos = 0;
    this.kind = 0;
    this.total = 0;
    this.lost = 0;
    this.broken = false;
  }

  private halfLength(): i32 {
    const h = (this.limit / 2) | 0;
    return h < this.head.length ? h : this.head.length;
  }

  // The value just reached the limit: the ring starts as the head's last limit/2 bytes.
  private seedRing(): bool {
    const h = (this.limit / 2) | 0;
    if (h == 0) return false;
    if (this.ring == NO_BLOCK || this.ringSize != h) {
      if (this.ring != NO_BLOCK) this.lease.free(this.ring);
      this.ring = this.lease.alloc(h);
      this.ringSize = this.ring == NO_BLOCK ? 0 : h;
    }
    if (this.ring == NO_BLOCK) return false;
    const bytes = this.head.bytes;
    const from = this.head.length - h;
    if (from >= 0) copyBytes(bytes, this.ring, bytes, this.head.offset + from, this.head.offset + this.head.length);
    this.ringPos = 0;
    return true;
  }

  private appendRing(src: Uint8Array, start: i32, end: i32): void {
    const size = this.ringSize;
    // Only the last `size` bytes of this piece can survive.
    let i = end - start > size ? end - size : start;
    const bytes = this.head.bytes;
    while (i < end) {
      const room = size - this.ringPos;
      const n = end - i < room ? end - i : room;
      copyBytes(bytes, this.ring + this.ringPos, src, i, i + n);
      this.ringPos += n;
      if (this.ringPos == size) this.ringPos = 0;
      i += n;
    }
  }
}

function reverseBytes(b: Uint8Array, start: i32, end: i32): void {
  let i = start;
  let j = end - 1;
  while (i < j) {
    const t = b[i];
    b[i] = b[j];
    b[j] = t;
    i++;
    j--;
  }
}

/** Up to four byte ranges of one value, and where the truncation mark goes (-1: none). */
export class PieceList {
  bytes: Uint8Array = new Uint8Array(0);
  count: i32 = 0;
  mark: i32 = -1;
  readonly starts: Int32Array = new Int32Array(4);
  readonly ends: Int32Array = new Int32Array(4);

  add(bytes: Uint8Array, start: i32, end: i32): void {
    this.bytes = bytes;
    if (end <= start) return;
    this.starts[this.count] = start;
    this.ends[this.count] = end;
    this.count++;
  }
}
