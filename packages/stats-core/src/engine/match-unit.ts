import { Arena } from "../arena/arena";
import { ArenaLease } from "../arena/arena-lease";
import { JsonMatcher } from "../json/json-matcher";
import { JsonPathSet } from "../json/json-path-set";
import { PathCaptures } from "./path-captures";

const ENGINE_FIELD_LIMIT: i32 = 65536;
const MATCH_DEPTH: i32 = 256;

// What one JSON document is scanned with: a matcher for a path set and the captures it fills, with
// its own lease on the arena. An exchange needs one only while a document is being read (the
// request body, a JSON response body, one streamed event), and its values are copied out when the
// document ends, so units are pooled per configuration (unit-pool.ts) rather than owned by every
// exchange: an exchange at rest holds no matcher at all, which keeps a gateway's memory
// proportional to the documents being read, not to the streams open.
export class MatchUnit {
  readonly lease: ArenaLease;
  readonly captures: PathCaptures;
  readonly matcher: JsonMatcher;

  /** Paths below `firstEngineId` are attributes (bounded by `limit`); the rest are engine fields. */
  constructor(arena: Arena, paths: JsonPathSet, firstEngineId: i32, limit: i32) {
    const lease = new ArenaLease(arena);
    const limits = new Int32Array(paths.size);
    for (let i = 0; i < paths.size; i++) limits[i] = i < firstEngineId ? limit : ENGINE_FIELD_LIMIT;
    const captures = new PathCaptures(lease, limits);
    this.lease = lease;
    this.captures = captures;
    // Held values (undecided selections such as a @reverse candidate) are bounded by the arena
    // only: cutting them at the limit would lose the tail that value_length_limit keeps.
    this.matcher = new JsonMatcher(paths, lease, captures, MATCH_DEPTH);
  }

  /** Ready for a new document (arena blocks kept for it). */
  begin(): void {
    this.matcher.reset();
    this.captures.clear();
  }

  /** Held values the matcher had to cut in the current document. */
  get truncatedValues(): i32 {
    return this.matcher.stats.truncatedValues;
  }

  /** Gives every arena block back. */
  releaseBlocks(): void {
    this.matcher.reset();
    this.captures.release();
    this.lease.releaseAll();
  }
}
