// Linear memory is grown once, at configure time, to the plugin's budget, so it never grows while
// traffic flows. The reason is AssemblyScript's allocator (TLSF): when a request does not fit it
// grows memory by max(current size, request), i.e. it doubles, and WebAssembly memory never
// shrinks. Left alone, the 4 MiB arena followed by its small side tables doubles memory to ~9 MiB
// before the first request, and a busy moment doubles it again. Allocating the budget as one block
// while memory is still small (so the growth is exactly the request) and freeing it at once leaves
// one free region that the arena, the compiled configuration and every stream's state come from.

/**
 * What the plugin may use besides the arena, at the default arena_bytes (4 MiB): the arena's side
 * tables (~384 KiB), compiled paths, match units, ~6 KiB per open or pooled stream, the body
 * scratch, and the garbage one log leaves until the collection that ends its callback.
 */
export const BUDGET_BEYOND_ARENA: usize = 2 << 20;
/** The part of that budget not taken by the arena's tables: it does not grow with the arena. */
const BUDGET_BEYOND_TABLES: usize = BUDGET_BEYOND_ARENA - (((<usize>4 << 20) >> 6) * 6);
/** The largest block AssemblyScript's allocator hands out (BLOCK_MAXSIZE, exclusive). */
const LARGEST_BLOCK: usize = 1 << 30;

const PAGE: usize = 65536;

/**
 * Grows linear memory to arena_bytes + 2 MiB (whole pages; a larger arena's larger side tables
 * are added); no-op when memory is already that large.
 */
export function reserveFor(arenaBytes: i32): void {
  const arena = <usize>(arenaBytes > 0 ? arenaBytes : 0);
  const tables = (arena >> 6) * 6;
  const beyond = max(BUDGET_BEYOND_ARENA, tables + BUDGET_BEYOND_TABLES);
  const target = (arena + beyond) & ~(PAGE - 1);
  const have = <usize>memory.size() * PAGE;
  if (target <= have + PAGE) return;
  const room = target - have;
  // TLSF rounds a large request up to its next size class (up to 1/16 more) and adds a block
  // overhead before computing the pages it needs: ask for that much less, so it grows to `target`.
  const step = (<usize>1) << (<usize>(31 - clz(<u32>room)) - 4);
  const request = room - step - 64;
  if (request >= LARGEST_BLOCK) return;
  heap.free(heap.alloc(request));
}
