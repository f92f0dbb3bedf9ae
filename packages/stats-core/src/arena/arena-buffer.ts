import { copyBytes } from "../glue/target";
import { NO_BLOCK } from "./arena";
import { ArenaLease } from "./arena-lease";

// A growable byte string kept in the arena under one lease, capped at `limit` bytes. Appends past
// the cap, or past what the arena can give, are cut and reported through `truncated`, never
// allocated elsewhere.
export class ArenaBuffer {
  readonly lease: ArenaLease;
  offset: i32 = NO_BLOCK;
  length: i32 = 0;
  limit: i32;
  /** Bytes that could not be kept (over the limit or the arena was full). */
  truncated: i32 = 0;

  constructor(lease: ArenaLease, limit: i32) {
    this.lease = lease;
    this.limit = limit;
  }

  get bytes(): Uint8Array {
    return this.lease.arena.bytes;
  }

  /** Appends src[start, end); returns how many bytes were kept. */
  append(src: Uint8Array, start: i32, end: i32): i32 {
    let n = end - start;
    if (n <= 0) return 0;
    const room = this.limit - this.length;
    if (n > room) {
      this.truncated += n - room;
      n = room;
      if (n <= 0) return 0;
    }
    const kept = this.reserve(n);
    if (kept < n) this.truncated += n - kept;
    if (kept > 0) {
      copyBytes(this.lease.arena.bytes, this.offset + this.length, src, start, start + kept);
      this.length += kept;
    }
    return kept;
  }

  /** Appends one byte; returns false when it could not be kept. */
  appendByte(b: i32): bool {
    if (this.length >= this.limit || this.reserve(1) < 1) {
      this.truncated++;
      return false;
    }
    this.lease.arena.bytes[this.offset + this.length] = <u8>b;
    this.length++;
    return true;
  }

  /** Forgets the contents but keeps the block for reuse. */
  clear(): void {
    this.length = 0;
    this.truncated = 0;
  }

  /** Returns the block to the arena. */
  release(): void {
    if (this.offset != NO_BLOCK) this.lease.free(this.offset);
    this.offset = NO_BLOCK;
    this.length = 0;
    this.truncated = 0;
  }

  // Makes room for up to n more bytes, doubling the block; returns how many fit.
  private reserve(n: i32): i32 {
    const need = this.length + n;
    const arena = this.lease.arena;
    if (this.offset != NO_BLOCK && arena.blockBytes(this.offset) >= need) return n;
    let size = this.offset == NO_BLOCK ? 64 : arena.blockBytes(this.offset) << 1;
    while (size < need && size < arena.maxBlockBytes) size = size << 1;
    if (size > arena.maxBlockBytes) size = arena.maxBlockBytes;
    let next = this.lease.grow(this.offset, this.length, size);
    // Full: settle for the largest block we can still get.
    while (next == NO_BLOCK && size > 64 && (size >> 1) > this.length) {
      size = size >> 1;
      next = this.lease.grow(this.offset, this.length, size);
    }
    if (next == NO_BLOCK) {
      if (this.offset == NO_BLOCK) return 0;
      const have = arena.blockBytes(this.offset) - this.length;
      return have < n ? have : n;
    }
    this.offset = next;
    const cap = arena.blockBytes(next) - this.length;
    return cap < n ? cap : n;
  }
}
