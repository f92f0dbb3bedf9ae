// The fixed arena: one Uint8Array allocated once per VM / process / isolate. Everything aistats
// keeps between body chunks (carried event tails, appended values, captured JSON) lives here, so
// memory is flat after warm-up whatever the traffic: running out is a status the caller handles by
// truncating and counting, never a new allocation.
//
// It is a binary buddy allocator over MIN_BLOCK-byte units. Blocks are contiguous (a carried SSE
// event can be handed on as one view), splitting and merging are O(log n), and fragmentation is
// bounded. The free lists are threaded through the free blocks' own bytes, so the side tables cost
// only 6 bytes per unit (state, order and the lease chain link).

export const MIN_BLOCK_SHIFT: i32 = 6;
export const MIN_BLOCK: i32 = 64;
export const NO_BLOCK: i32 = -1;

const STATE_INNER: u8 = 0; // not the head of a block
const STATE_FREE: u8 = 1;
const STATE_USED: u8 = 2;

export class Arena {
  /** The arena's memory. Offsets returned by alloc index into it. */
  readonly bytes: Uint8Array;
  /** Usable size: arena_bytes rounded down to a multiple of MIN_BLOCK. */
  readonly capacity: i32;
  readonly maxOrder: i32;
  private readonly units: i32;
  private readonly state: Uint8Array;
  private readonly order: Uint8Array;
  /** Per used block head: the next block (unit index) held by the same lease, or NO_BLOCK. */
  readonly leaseNext: Int32Array;
  private readonly freeHead: Int32Array;

  usedBytes: i32 = 0;
  peakUsedBytes: i32 = 0;
  usedBlocks: i32 = 0;
  failedAllocations: i32 = 0;

  constructor(arenaBytes: i32) {
    // asc requires every field to be assigned before `this` is read: compute from locals first.
    const units = arenaBytes > 0 ? arenaBytes >> MIN_BLOCK_SHIFT : 0;
    let maxOrder = 0;
    while (maxOrder < 30 && 1 << (maxOrder + 1) <= units) maxOrder++;
    this.units = units;
    this.capacity = units << MIN_BLOCK_SHIFT;
    this.bytes = new Uint8Array(units << MIN_BLOCK_SHIFT);
    this.state = new Uint8Array(units);
    this.order = new Uint8Array(units);
    this.leaseNext = new Int32Array(units);
    this.maxOrder = maxOrder;
    this.freeHead = new Int32Array(maxOrder + 1);
    for (let k = 0; k <= maxOrder; k++) this.freeHead[k] = NO_BLOCK;
    // Cover the arena with the largest aligned power-of-two blocks that fit.
    let unit = 0;
    while (unit < units) {
      let k = maxOrder;
      while (k > 0 && ((unit & ((1 << k) - 1)) != 0 || unit + (1 << k) > units)) k--;
      this.pushFree(unit, k);
      unit += 1 << k;
    }
  }

  /** Size in bytes of the largest block a single allocation can get. */
  get maxBlockBytes(): i32 {
    return this.units == 0 ? 0 : MIN_BLOCK << this.maxOrder;
  }

  /** Bytes available to the block starting at `offset`. */
  blockBytes(offset: i32): i32 {
    return MIN_BLOCK << this.order[offset >> MIN_BLOCK_SHIFT];
  }

  /** Allocates a block of at least `size` bytes; returns its offset, or NO_BLOCK when full. */
  alloc(size: i32): i32 {
    const want = orderFor(size);
    let k = want;
    while (k <= this.maxOrder && this.freeHead[k] == NO_BLOCK) k++;
    if (k > this.maxOrder) {
      this.failedAllocations++;
      return NO_BLOCK;
    }
    const unit = this.freeHead[k];
    this.unlinkFree(unit, k);
    while (k > want) {
      k--;
      this.pushFree(unit + (1 << k), k);
    }
    this.state[unit] = STATE_USED;
    this.order[unit] = <u8>k;
    this.leaseNext[unit] = NO_BLOCK;
    this.usedBlocks++;
    this.usedBytes += MIN_BLOCK << k;
    if (this.usedBytes > this.peakUsedBytes) this.peakUsedBytes = this.usedBytes;
    return unit << MIN_BLOCK_SHIFT;
  }

  /** Returns a block to the arena, merging it with its free buddies. */
  free(offset: i32): void {
    let unit = offset >> MIN_BLOCK_SHIFT;
    if (offset < 0 || unit >= this.units || this.state[unit] != STATE_USED) return;
    let k: i32 = this.order[unit];
    this.usedBlocks--;
    this.usedBytes -= MIN_BLOCK << k;
    this.state[unit] = STATE_INNER;
    while (k < this.maxOrder) {
      const buddy = unit ^ (1 << k);
      if (buddy >= this.units || this.state[buddy] != STATE_FREE || this.order[buddy] != k) break;
      this.unlinkFree(buddy, k);
      this.state[buddy] = STATE_INNER;
      if (buddy < unit) unit = buddy;
      k++;
    }
    this.pushFree(unit, k);
  }

  /** True when `offset` is the start of a block currently allocated. */
  isAllocated(offset: i32): bool {
    const unit = offset >> MIN_BLOCK_SHIFT;
    return offset >= 0 && (offset & (MIN_BLOCK - 1)) == 0 && unit < this.units && this.state[unit] == STATE_USED;
  }

  /** Number of free blocks of each order, for tests and diagnostics. */
  freeBlocksOfOrder(k: i32): i32 {
    let n = 0;
    let unit = this.freeHead[k];
    while (unit != NO_BLOCK) {
      n++;
      unit = this.readLink(unit, 0);
    }
    return n;
  }

  private pushFree(unit: i32, k: i32): void {
    const head = this.freeHead[k];
    this.state[unit] = STATE_FREE;
    this.order[unit] = <u8>k;
    this.writeLink(unit, 0, head);
    this.writeLink(unit, 4, NO_BLOCK);
    if (head != NO_BLOCK) this.writeLink(head, 4, unit);
    this.freeHead[k] = unit;
  }

  private unlinkFree(unit: i32, k: i32): void {
    const next = this.readLink(unit, 0);
    const prev = this.readLink(unit, 4);
    if (prev == NO_BLOCK) this.freeHead[k] = next;
    else this.writeLink(prev, 0, next);
    if (next != NO_BLOCK) this.writeLink(next, 4, prev);
  }

  // Free-list links live in the first 8 bytes of each free block (next, then prev), little-endian.
  private readLink(unit: i32, slot: i32): i32 {
    const at = (unit << MIN_BLOCK_SHIFT) + slot;
    const b = this.bytes;
    return (<i32>b[at]) | ((<i32>b[at + 1]) << 8) | ((<i32>b[at + 2]) << 16) | ((<i32>b[at + 3]) << 24);
  }

  private writeLink(unit: i32, slot: i32, value: i32): void {
    const at = (unit << MIN_BLOCK_SHIFT) + slot;
    const b = this.bytes;
    b[at] = <u8>(value & 0xff);
    b[at + 1] = <u8>((value >> 8) & 0xff);
    b[at + 2] = <u8>((value >> 16) & 0xff);
    b[at + 3] = <u8>((value >> 24) & 0xff);
  }
}

/** The buddy order (log2 of MIN_BLOCK units) of the smallest block holding `size` bytes. */
export function orderFor(size: i32): i32 {
  let k = 0;
  while (MIN_BLOCK << k < size && k < 30) k++;
  return k;
}
