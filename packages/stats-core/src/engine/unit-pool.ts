import { Arena } from "../arena/arena";
import { JsonPathSet } from "../json/json-path-set";
import { MatchUnit } from "./match-unit";

/** Idle units kept per pool; beyond that a returned unit is left to the collector. */
const POOL_LIMIT: i32 = 16;

// Match units for one path set of one configuration. An exchange takes a unit when a document
// starts and gives it back when the document's values have been copied out; the pool only grows
// to the number of documents read at the same time.
export class UnitPool {
  readonly arena: Arena;
  readonly paths: JsonPathSet;
  readonly firstEngineId: i32;
  readonly limit: i32;
  private readonly idle: Array<MatchUnit> = new Array<MatchUnit>(0);

  constructor(arena: Arena, paths: JsonPathSet, firstEngineId: i32, limit: i32) {
    this.arena = arena;
    this.paths = paths;
    this.firstEngineId = firstEngineId;
    this.limit = limit;
  }

  /** A unit ready for a new document. */
  take(): MatchUnit {
    const n = this.idle.length;
    let unit: MatchUnit;
    if (n > 0) {
      unit = this.idle[n - 1];
      this.idle.length = n - 1;
    } else {
      unit = new MatchUnit(this.arena, this.paths, this.firstEngineId, this.limit);
    }
    unit.begin();
    return unit;
  }

  /**
   * Returns a unit. `keepBlocks` keeps its arena blocks for the next document (streamed events,
   * read back to back); otherwise they go back to the arena now.
   */
  give(unit: MatchUnit, keepBlocks: bool): void {
    if (!keepBlocks) unit.releaseBlocks();
    if (this.idle.length < POOL_LIMIT) this.idle.push(unit);
  }

  /** Gives the arena blocks of every idle unit back. */
  releaseBlocks(): void {
    for (let i = 0; i < this.idle.length; i++) this.idle[i].releaseBlocks();
  }
}
