import { Arena, NO_BLOCK } from "../arena/arena";
import { ArenaBuffer } from "../arena/arena-buffer";
import { ArenaLease } from "../arena/arena-lease";
import { SeededRandom } from "./seeded-random";

// Drives the arena through `steps` random operations of `exchanges` interleaved exchanges (each
// allocating blocks, growing a buffer, then ending or aborting) and returns a line per event plus
// a final summary. Both builds must print the same trace; tests also check its invariants.
export function arenaTrace(arenaBytes: i32, exchanges: i32, steps: i32, seed: i32): string {
  const arena = new Arena(arenaBytes);
  const rnd = new SeededRandom(seed);
  const leases = new Array<ArenaLease>(exchanges);
  const buffers = new Array<ArenaBuffer>(exchanges);
  const src = new Uint8Array(4096);
  for (let i = 0; i < src.length; i++) src[i] = <u8>(i & 0xff);
  for (let i = 0; i < exchanges; i++) {
    leases[i] = new ArenaLease(arena);
    buffers[i] = new ArenaBuffer(leases[i], 1 << 20);
  }
  const out = new Array<string>(0);
  let ended = 0;
  let failed = 0;
  for (let step = 0; step < steps; step++) {
    const e = rnd.below(exchanges);
    const lease = leases[e];
    const op = rnd.below(10);
    if (op < 4) {
      const size = 1 + rnd.below(rnd.below(4) == 0 ? 70000 : 300);
      const offset = lease.alloc(size);
      if (offset == NO_BLOCK) failed++;
      out.push("a " + e.toString() + " " + size.toString() + " -> " + offset.toString());
    } else if (op < 8) {
      const n = 1 + rnd.below(4096);
      const kept = buffers[e].append(src, 0, n);
      out.push("b " + e.toString() + " +" + n.toString() + " kept " + kept.toString() + " len " + buffers[e].length.toString());
    } else {
      buffers[e].release();
      lease.releaseAll();
      buffers[e] = new ArenaBuffer(lease, 1 << 20);
      ended++;
      out.push((op == 8 ? "end " : "abort ") + e.toString() + " used " + arena.usedBytes.toString());
    }
  }
  for (let i = 0; i < exchanges; i++) {
    buffers[i].release();
    leases[i].releaseAll();
  }
  out.push(
    "summary ended " + ended.toString() + " failed " + failed.toString() + " usedBytes " + arena.usedBytes.toString() +
      " usedBlocks " + arena.usedBlocks.toString() + " peak " + arena.peakUsedBytes.toString() + " top " + topFreeBlocks(arena),
  );
  return out.join("\n");
}

// The free blocks per order from the largest down: after everything is released the arena must be
// back to its initial shape (every buddy merged).
export function topFreeBlocks(arena: Arena): string {
  let s = "";
  for (let k = arena.maxOrder; k >= 0; k--) {
    const n = arena.freeBlocksOfOrder(k);
    if (n > 0) s += k.toString() + ":" + n.toString() + " ";
  }
  return s;
}

/** The initial free-block shape of an arena of `arenaBytes`. */
export function initialShape(arenaBytes: i32): string {
  return topFreeBlocks(new Arena(arenaBytes));
}
