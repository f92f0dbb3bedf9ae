import { Arena, MIN_BLOCK_SHIFT, NO_BLOCK } from "./arena";

// One exchange's claim on the arena. Every block the exchange allocates is chained through the
// arena's leaseNext table, so ending or aborting the exchange returns all of them in one walk,
// with no per-exchange bookkeeping allocation.
export class ArenaLease {
  readonly arena: Arena;
  private head: i32 = NO_BLOCK;
  /** Blocks currently held. */
  blocks: i32 = 0;
  /** Bytes currently held (block sizes, not bytes written). */
  bytes: i32 = 0;

  constructor(arena: Arena) {
    this.arena = arena;
  }

  /** Allocates a block of at least `size` bytes for this lease; NO_BLOCK when the arena is full. */
  alloc(size: i32): i32 {
    const offset = this.arena.alloc(size);
    if (offset == NO_BLOCK) return NO_BLOCK;
    const unit = offset >> MIN_BLOCK_SHIFT;
    this.arena.leaseNext[unit] = this.head;
    this.head = unit;
    this.blocks++;
    this.bytes += this.arena.blockBytes(offset);
    return offset;
  }

  /**
   * Moves the first `keep` bytes of the block at `offset` into a block of at least `size` bytes.
   * Returns the new offset (possibly the same one); on NO_BLOCK the old block is untouched.
   */
  grow(offset: i32, keep: i32, size: i32): i32 {
    if (offset != NO_BLOCK && this.arena.blockBytes(offset) >= size) return offset;
    const next = this.alloc(size);
    if (next == NO_BLOCK) return NO_BLOCK;
    if (offset != NO_BLOCK) {
      if (keep > 0) this.arena.bytes.copyWithin(next, offset, offset + keep);
      this.free(offset);
    }
    return next;
  }

  /** Returns one block of this lease to the arena. */
  free(offset: i32): void {
    const unit = offset >> MIN_BLOCK_SHIFT;
    const links = this.arena.leaseNext;
    let prev = NO_BLOCK;
    let cur = this.head;
    while (cur != NO_BLOCK && cur != unit) {
      prev = cur;
      cur = links[cur];
    }
    if (cur == NO_BLOCK) return; // not ours: ignore rather than corrupt another exchange
    if (prev == NO_BLOCK) this.head = links[cur];
    else links[prev] = links[cur];
    this.blocks--;
    this.bytes -= this.arena.blockBytes(offset);
    this.arena.free(offset);
  }

  /** Returns every block of this lease (exchange ended or aborted). */
  releaseAll(): void {
    const links = this.arena.leaseNext;
    let cur = this.head;
    while (cur != NO_BLOCK) {
      const next = links[cur];
      this.arena.free(cur << MIN_BLOCK_SHIFT);
      cur = next;
    }
    this.head = NO_BLOCK;
    this.blocks = 0;
    this.bytes = 0;
  }
}
