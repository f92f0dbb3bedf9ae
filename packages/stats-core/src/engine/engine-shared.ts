import { Arena } from "../arena/arena";
import { DropCounters } from "../record/drop-counters";
import { JsonCanonicalizer } from "../record/json-canonical";
import { LogBuilder } from "./log-builder";

// What every exchange of one engine shares: the arena it leases from, the drop counters it adds
// to, and the one canonicalizer and log builder that serve each exchange in turn (a record is
// written within one call). Owned by the Engine; exchanges hold it instead of the Engine itself.
export class EngineShared {
  readonly arena: Arena;
  readonly drops: DropCounters = new DropCounters();
  readonly canonical: JsonCanonicalizer;
  readonly logBuilder: LogBuilder;
  /** Logs as strings (records.log) rather than UTF-8 bytes (records.logBytes). */
  textLogs: bool = true;

  constructor(arenaBytes: i32) {
    const canonical = new JsonCanonicalizer();
    this.arena = new Arena(arenaBytes);
    this.canonical = canonical;
    this.logBuilder = new LogBuilder(canonical);
  }
}
