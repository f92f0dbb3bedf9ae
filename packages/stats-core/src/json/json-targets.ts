import { ArenaBuffer } from "../arena/arena-buffer";
import { HeldValue } from "./json-held-value";
import { JsonMatchSink } from "./json-match-sink";
import { JsonMatchStats } from "./json-match-stats";
import { MatchTarget, TAKE_BYTES, TAKE_NO_BYTES, TAKE_REFUSED } from "./json-match-target";
import { AT_COMMA, PUNCT } from "./json-punctuation";

// The targets a path's steps deliver values to (see json-match-target.ts).

/** The end of a path: hands its one value per document to the user's sink, streaming. */
export class SinkTarget extends MatchTarget {
  readonly sink: JsonMatchSink;
  readonly pathId: i32;
  private open: bool = false;

  constructor(sink: JsonMatchSink, pathId: i32) {
    super();
    this.sink = sink;
    this.pathId = pathId;
  }

  override plainSink(): bool {
    return true;
  }

  begin(kind: i32): i32 {
    if (this.taken) return TAKE_REFUSED;
    this.taken = true;
    this.open = true;
    this.sink.onValueStart(this.pathId, kind);
    return TAKE_BYTES;
  }

  bytes(src: Uint8Array, start: i32, end: i32): void {
    if (this.open && end > start) this.sink.onValueBytes(this.pathId, src, start, end);
  }

  end(): void {
    if (!this.open) return;
    this.open = false;
    this.done = true;
    this.sink.onValueEnd(this.pathId);
  }

  override abort(): void {
    this.end();
  }

  override reset(): void {
    super.reset();
    this.open = false;
  }
}

/** Joins the per-element results of `#.rest` / `#(…)#` into the array its owner opened downstream. */
export class JoinTarget extends MatchTarget {
  readonly down: MatchTarget;
  /** Results joined so far (a comma goes before every one but the first). */
  count: i32 = 0;

  constructor(down: MatchTarget) {
    super();
    this.down = down;
    this.raw = true;
    this.wholeValues = true;
  }

  begin(_kind: i32): i32 {
    if (this.taken) return TAKE_REFUSED;
    this.taken = true;
    if (this.count > 0) this.down.bytes(PUNCT, AT_COMMA, AT_COMMA + 1);
    this.count++;
    return TAKE_BYTES;
  }

  bytes(src: Uint8Array, start: i32, end: i32): void {
    this.down.bytes(src, start, end);
  }

  end(): void {
    this.done = true;
  }
}

const GATE_UNDECIDED: i32 = 0;
const GATE_PASS: i32 = 1;
const GATE_DROP: i32 = 2;

/**
 * Stands between an array element's selected value and `down` until the element's query condition
 * is decided: holds the value in the arena meanwhile, then replays it and passes the rest straight
 * on (condition true) or forgets it (false). Decided early, nothing is held.
 */
export class GateTarget extends MatchTarget {
  readonly down: MatchTarget;
  readonly hold: HeldValue;
  private state: i32 = GATE_UNDECIDED;
  /** Passing a value whose bytes `down` wants. */
  private passing: bool = false;
  private passOpen: bool = false;

  constructor(down: MatchTarget, hold: HeldValue) {
    super();
    this.down = down;
    this.hold = hold;
    this.raw = down.raw;
    this.wholeValues = down.wholeValues;
  }

  begin(kind: i32): i32 {
    if (this.taken) return TAKE_REFUSED;
    this.taken = true;
    if (this.state == GATE_DROP) return TAKE_NO_BYTES;
    if (this.state == GATE_PASS) {
      const r = this.down.begin(kind);
      if (r == TAKE_REFUSED) return TAKE_NO_BYTES;
      this.passOpen = true;
      this.passing = r == TAKE_BYTES;
      return r;
    }
    this.hold.begin(kind);
    return TAKE_BYTES;
  }

  bytes(src: Uint8Array, start: i32, end: i32): void {
    if (this.state == GATE_UNDECIDED) this.hold.append(src, start, end);
    else if (this.passing) this.down.bytes(src, start, end);
  }

  end(): void {
    this.done = true;
    if (this.state == GATE_UNDECIDED) {
      this.hold.end();
    } else if (this.passOpen) {
      this.passOpen = false;
      this.passing = false;
      this.down.end();
    }
  }

  decide(pass: bool): void {
    if (this.state != GATE_UNDECIDED) return;
    if (!pass) {
      this.state = GATE_DROP;
      this.hold.clear();
      return;
    }
    this.state = GATE_PASS;
    if (this.hold.exists) {
      const r = this.hold.replay(this.down);
      if (r != TAKE_REFUSED && !this.hold.complete) {
        this.passOpen = true;
        this.passing = r == TAKE_BYTES;
      }
      this.hold.clear();
    }
  }

  override reset(): void {
    super.reset();
    this.state = GATE_UNDECIDED;
    this.passing = false;
    this.passOpen = false;
    this.hold.clear();
  }
}

/** Takes an element's value into whichever HeldValue its owner points it at (@reverse candidates). */
export class HoldTarget extends MatchTarget {
  store: HeldValue;

  constructor(store: HeldValue, raw: bool, wholeValues: bool) {
    super();
    this.store = store;
    this.raw = raw;
    this.wholeValues = wholeValues;
  }

  begin(kind: i32): i32 {
    if (this.taken) return TAKE_REFUSED;
    this.taken = true;
    this.store.begin(kind);
    return TAKE_BYTES;
  }

  bytes(src: Uint8Array, start: i32, end: i32): void {
    this.store.append(src, start, end);
  }

  end(): void {
    this.done = true;
    this.store.end();
  }
}

/**
 * A list of raw records in the arena, emitted in reverse order (@reverse over a whole array or
 * object, or before `#.` / `#(…)#`). Each record is its bytes followed by its length (4 bytes,
 * little-endian), so the list can be walked backwards. A record that could not be kept whole is
 * dropped and counted, never emitted cut.
 */
export class RecordTarget extends MatchTarget {
  readonly list: ArenaBuffer;
  readonly stats: JsonMatchStats;
  /** Several values per record (a member's key, then its value). */
  readonly multi: bool;
  private start: i32 = 0;
  private written: bool = false;
  private cut: bool = false;

  constructor(list: ArenaBuffer, stats: JsonMatchStats, multi: bool) {
    super();
    this.list = list;
    this.stats = stats;
    this.multi = multi;
    this.raw = true;
  }

  openRecord(): void {
    this.reset();
    this.start = this.list.length;
    this.written = false;
    this.cut = false;
  }

  /** Something was written to the open record. */
  get hasValue(): bool {
    return this.written;
  }

  begin(_kind: i32): i32 {
    if (this.taken && !this.multi) return TAKE_REFUSED;
    this.taken = true;
    this.written = true;
    return TAKE_BYTES;
  }

  bytes(src: Uint8Array, start: i32, end: i32): void {
    const n = end - start;
    if (n <= 0) return;
    if (this.cut) {
      this.stats.truncatedBytes += n;
      return;
    }
    const kept = this.list.append(src, start, end);
    if (kept < n) this.markCut(n - kept);
  }

  appendByte(b: i32): void {
    if (this.cut) {
      this.stats.truncatedBytes++;
      return;
    }
    if (!this.list.appendByte(b)) this.markCut(1);
  }

  end(): void {
    this.done = true;
  }

  /** Keeps the open record (when `keep` and it has a value) or drops it. */
  closeRecord(keep: bool): void {
    if (keep && this.written && !this.cut) {
      const len = this.list.length - this.start;
      this.appendByte(len & 0xff);
      this.appendByte((len >> 8) & 0xff);
      this.appendByte((len >> 16) & 0xff);
      this.appendByte((len >> 24) & 0xff);
      if (!this.cut) return;
    }
    this.list.length = this.start;
  }

  /** Writes the records to `out`, last first, separated by commas. */
  emitReversed(out: MatchTarget): void {
    const list = this.list;
    const b = list.bytes;
    const base = list.offset;
    let pos = list.length;
    let first = true;
    while (pos >= 4) {
      const at = base + pos - 4;
      const len = (<i32>b[at]) | ((<i32>b[at + 1]) << 8) | ((<i32>b[at + 2]) << 16) | ((<i32>b[at + 3]) << 24);
      const recStart = pos - 4 - len;
      if (!first) out.bytes(PUNCT, AT_COMMA, AT_COMMA + 1);
      first = false;
      out.bytes(b, base + recStart, base + recStart + len);
      pos = recStart;
    }
  }

  /** Empties the list, keeping its block. */
  clearList(): void {
    this.list.clear();
  }

  private markCut(lost: i32): void {
    this.cut = true;
    this.stats.truncatedValues++;
    this.stats.truncatedBytes += lost;
  }
}
