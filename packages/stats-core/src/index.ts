// @aistats/stats-core: the portable core shared by every aistats host.
export { Arena, MIN_BLOCK, NO_BLOCK } from "./arena/arena";
export { ArenaBuffer } from "./arena/arena-buffer";
export { ArenaLease } from "./arena/arena-lease";
