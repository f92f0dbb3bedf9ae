import { NO_BLOCK } from "../arena/arena";
import { ArenaBuffer } from "../arena/arena-buffer";
import { ArenaLease } from "../arena/arena-lease";
import { loadByte } from "../glue/target";
import { LineEndFinder } from "./line-end-finder";
import { SseEvent } from "./sse-event";
import { SseSink } from "./sse-sink";

// Incremental server-sent-events framer over raw UTF-8 bytes, following the WHATWG HTML parsing
// rules ("server-sent events", interpreting an event stream). It is fed network chunks as they
// pass through the gateway and hands each complete event to a sink at once; only the unfinished
// tail of the current event is ever kept, in the fixed arena, and never more than maxEventBytes of
// it. Lines and fields are found on bytes (CR, LF and ':' are ASCII, so they can never be the
// inside of a multi-byte UTF-8 sequence): nothing is decoded.
//
// Zero copy: an event made of one `data` line that lies inside the chunk being fed is handed on
// as a view of that chunk. Only an event that crosses a chunk boundary, or joins several data
// lines, is copied into an arena buffer. The buffer is emptied when the event ends; its block goes
// back to the arena then unless it is small (reused by the next event), and always when the stream
// ends. The event's name is a view of the chunk too when its line lies inside it, else a copy in
// the framer's own name buffer (at most MAX_EVENT_NAME_BYTES).

/** Default cap on one event's joined data (configuration `max_event_bytes`). */
export const DEFAULT_MAX_EVENT_BYTES: i32 = 256 * 1024;
/** Event names longer than this are cut (and flagged on the event); real names are short. */
export const MAX_EVENT_NAME_BYTES: i32 = 128;
// Carried-data blocks up to this size stay with the framer between events (see clearEvent).
const KEEP_BLOCK_BYTES: i32 = 1024;
// Far above any sane configuration; keeps `dataLen + n` arithmetic clear of i32 overflow in wasm.
const LIMIT_CEILING: i32 = 1 << 30;
// Event-name lines are scanned by a plain loop up to this many bytes before a search call.
const SHORT_LINE_BYTES: i32 = 48;

const LF: i32 = 0x0a;
const CR: i32 = 0x0d;
const SPACE: i32 = 0x20;
const COLON: i32 = 0x3a;

// Where the framer is within the current line.
const LS_START: i32 = 0; // at the first byte of a line
const LS_FIELD: i32 = 1; // inside the field name
const LS_SPACE: i32 = 2; // just after the colon: one optional space may follow
const LS_DATA: i32 = 3; // inside a data value
const LS_NAME: i32 = 4; // inside an event value
const LS_SKIP: i32 = 5; // inside a comment or an ignored field (id, retry, unknown)

const FIELD_OTHER: i32 = 0;
const FIELD_DATA: i32 = 1;
const FIELD_EVENT: i32 = 2;

// Bits of `fieldMatch`: which known field names the name read so far could still be.
const MATCH_DATA: i32 = 1;
const MATCH_EVENT: i32 = 2;

// Where the current event's data lives.
const M_NONE: i32 = 0; // no data field yet: an empty line dispatches nothing
const M_VIEW: i32 = 1; // one data line, inside the chunk being fed: [viewStart, viewEnd)
const M_CARRIED: i32 = 2; // copied into `buffer`
const M_SKIP: i32 = 3; // oversized or the arena was full: read to the event's end, keep nothing

export class SseFramer {
  readonly lease: ArenaLease;
  readonly sink: SseSink;
  readonly maxEventBytes: i32;

  /** Events handed to the sink. */
  events: i32 = 0;
  /** Of those, events whose data was `[DONE]`. */
  doneEvents: i32 = 0;
  /** Events skipped because their joined data was longer than maxEventBytes. */
  oversizedEvents: i32 = 0;
  /** Events skipped because the arena could not hold their carried data. */
  arenaFullEvents: i32 = 0;
  /** Bytes fed (f64: counts past 2 GiB exactly). */
  bytes: f64 = 0;

  private readonly buffer: ArenaBuffer;
  private readonly event: SseEvent;
  private readonly nameBytes: Uint8Array;
  private readonly bom: Uint8Array;
  private readonly lineEnds: LineEndFinder = new LineEndFinder();

  private bomSeen: i32 = 0;
  private bomDone: bool = false;
  private pendingCr: bool = false;
  private lineState: i32 = LS_START;
  private fieldLen: i32 = 0;
  private fieldMatch: i32 = 0;
  private fieldKind: i32 = FIELD_OTHER;

  private mode: i32 = M_NONE;
  private dataLines: i32 = 0;
  private dataLen: i32 = 0;
  private viewStart: i32 = 0;
  private viewEnd: i32 = 0;
  private nameLen: i32 = 0;
  private nameTruncated: bool = false;
  // The name is buf[nameViewStart, nameViewEnd) of the chunk being scanned (copied at its end).
  private nameView: bool = false;
  private nameViewStart: i32 = 0;
  private nameViewEnd: i32 = 0;

  constructor(lease: ArenaLease, maxEventBytes: i32, sink: SseSink) {
    const max = maxEventBytes < 0 ? 0 : maxEventBytes > LIMIT_CEILING ? LIMIT_CEILING : maxEventBytes;
    const bom = new Uint8Array(3);
    bom[0] = 0xef;
    bom[1] = 0xbb;
    bom[2] = 0xbf;
    this.lease = lease;
    this.sink = sink;
    this.maxEventBytes = max;
    this.buffer = new ArenaBuffer(lease, max);
    this.event = new SseEvent();
    this.nameBytes = new Uint8Array(MAX_EVENT_NAME_BYTES);
    this.bom = bom;
  }

  /** Feeds chunk[start, end), dispatching every event it completes. O(end - start). */
  feed(chunk: Uint8Array, start: i32, end: i32): void {
    let i = start < 0 ? 0 : start;
    const stop = end > chunk.length ? chunk.length : end;
    if (i >= stop) return;
    this.bytes += stop - i;
    if (!this.bomDone) {
      i = this.skipBom(chunk, i, stop);
      if (i >= stop) return;
    }
    this.scan(chunk, i, stop);
  }

  /**
   * The stream ended normally. Deviation from WHATWG, on purpose: the standard discards an event
   * that has no terminating empty line, but providers sometimes end the stream right after the
   * last `data:` line (even without its line end), and that last event is where the usage is. So
   * a pending line is completed and a pending event with data is dispatched. The framer is then at
   * the start of a new stream (counters kept) and holds no arena block.
   */
  finish(): void {
    if (!this.bomDone && this.bomSeen > 0) {
      // A stream of one or two BOM bytes: they were content after all.
      this.bomDone = true;
      this.scan(this.bom, 0, this.bomSeen);
    }
    const state = this.lineState;
    // `this.bom` stands in for "no chunk": an empty value or empty view can point into it.
    if (state == LS_FIELD) {
      this.emptyValue(fieldKindOf(this.fieldMatch, this.fieldLen), this.bom, 0);
    } else if (state == LS_SPACE) {
      this.emptyValue(this.fieldKind, this.bom, 0);
    }
    this.dispatch(this.bom);
    this.dropBlock();
    this.restart();
  }

  /** The stream was cut short: the unfinished event is dropped. Then as after finish(). */
  abort(): void {
    this.clearEvent();
    this.dropBlock();
    this.restart();
  }

  /**
   * Returns the framer's arena block, dropping any unfinished event (finish and abort already
   * do). Safe to call at any time and more than once.
   */
  release(): void {
    this.abort();
  }

  /** Back to a fresh stream with zeroed counters, for reuse by another exchange. */
  reset(): void {
    this.abort();
    this.events = 0;
    this.doneEvents = 0;
    this.oversizedEvents = 0;
    this.arenaFullEvents = 0;
    this.bytes = 0;
  }

  // Matches the stream's first bytes against a UTF-8 BOM, which is dropped (at most one, only at
  // the very start, possibly split across chunks). Returns where stream content starts in chunk.
  private skipBom(chunk: Uint8Array, start: i32, end: i32): i32 {
    let i = start;
    while (this.bomSeen < 3 && i < end) {
      if (chunk[i] != this.bom[this.bomSeen]) break;
      this.bomSeen++;
      i++;
    }
    if (this.bomSeen == 3) {
      this.bomDone = true;
      return i;
    }
    if (i >= end) return i; // a BOM prefix so far: wait for the next byte
    this.bomDone = true;
    // The bytes that looked like a BOM start were content: frame them first.
    if (this.bomSeen > 0) this.scan(this.bom, 0, this.bomSeen);
    return i;
  }

  private scan(buf: Uint8Array, start: i32, end: i32): void {
    let i = start;
    const lineEnds = this.lineEnds;
    lineEnds.begin(buf, start, end);
    if (this.pendingCr && i < end) {
      // The previous chunk ended in CR: an LF here belongs to the same line end.
      this.pendingCr = false;
      if (buf[i] == LF) i++;
    }
    while (i < end) {
      const state = this.lineState;
      if (state == LS_DATA) {
        const j = lineEnds.find(i);
        this.dataBytes(buf, i, j);
        if (j >= end) break;
        i = this.skipLineEnd(buf, j, end);
        this.lineState = LS_START;
      } else if (state == LS_START) {
        const c: i32 = loadByte(buf, i);
        if (c == LF || c == CR) {
          this.dispatch(buf);
          i = this.skipLineEnd(buf, i, end);
        } else if (c == COLON) {
          this.lineState = LS_SKIP;
          i++;
        } else if (c == 0x64 && i + 5 <= end && isDataField(buf, i)) {
          // `data:` whole in this chunk, as nearly every line is: what the field loop below would
          // conclude, without narrowing the name byte by byte.
          this.fieldKind = FIELD_DATA;
          this.lineState = LS_SPACE;
          i += 5;
        } else if (c == 0x65 && i + 6 <= end && isEventField(buf, i)) {
          this.fieldKind = FIELD_EVENT;
          this.lineState = LS_SPACE;
          i += 6;
        } else {
          this.fieldLen = 0;
          this.fieldMatch = MATCH_DATA | MATCH_EVENT;
          this.lineState = LS_FIELD;
        }
      } else if (state == LS_FIELD) {
        let len = this.fieldLen;
        let match = this.fieldMatch;
        let c: i32 = 0;
        while (i < end) {
          c = loadByte(buf, i);
          if (c == COLON || c == LF || c == CR) break;
          if (match != 0) match = matchFieldByte(match, len, c);
          if (len < 6) len++; // only lengths 4 and 5 matter: saturate
          i++;
        }
        this.fieldLen = len;
        this.fieldMatch = match;
        if (i >= end) break;
        const kind = fieldKindOf(match, len);
        if (c == COLON) {
          this.fieldKind = kind;
          this.lineState = LS_SPACE;
          i++;
        } else {
          // A line without a colon is a field name with an empty value.
          this.emptyValue(kind, buf, i);
          i = this.skipLineEnd(buf, i, end);
          this.lineState = LS_START;
        }
      } else if (state == LS_SPACE) {
        if (buf[i] == SPACE) i++;
        const kind = this.fieldKind;
        if (kind == FIELD_DATA) {
          this.beginDataLine(buf, i);
          this.lineState = LS_DATA;
        } else if (kind == FIELD_EVENT) {
          this.nameLen = 0;
          this.nameTruncated = false;
          this.nameView = false;
          this.lineState = LS_NAME;
        } else {
          this.lineState = LS_SKIP;
        }
      } else if (state == LS_NAME) {
        // Event names are short: a plain loop finds their line end before a search call would.
        const j = shortLineEnd(buf, i, end, lineEnds);
        if (j < end && this.nameLen == 0) {
          // The whole name line is in this chunk: the event names it as a view, like its data.
          let e = j;
          if (e - i > MAX_EVENT_NAME_BYTES) {
            e = i + MAX_EVENT_NAME_BYTES;
            this.nameTruncated = true;
          }
          this.nameView = true;
          this.nameViewStart = i;
          this.nameViewEnd = e;
        } else {
          this.appendName(buf, i, j);
        }
        if (j >= end) break;
        i = this.skipLineEnd(buf, j, end);
        this.lineState = LS_START;
      } else {
        const j = lineEnds.find(i);
        if (j >= end) break;
        i = this.skipLineEnd(buf, j, end);
        this.lineState = LS_START;
      }
    }
    lineEnds.done();
    // The chunk is the caller's and is gone after feed returns: a view must become a copy.
    if (this.mode == M_VIEW) this.carry(buf);
    if (this.nameView) this.carryName(buf);
  }

  // The name seen as a view becomes a copy in nameBytes.
  private carryName(buf: Uint8Array): void {
    this.nameView = false;
    this.nameLen = 0;
    this.appendName(buf, this.nameViewStart, this.nameViewEnd);
  }

  // buf[j] is CR or LF; returns the index after the line end (CRLF counts once).
  private skipLineEnd(buf: Uint8Array, j: i32, end: i32): i32 {
    if (buf[j] == LF) return j + 1;
    if (j + 1 < end) return buf[j + 1] == LF ? j + 2 : j + 1;
    this.pendingCr = true;
    return end;
  }

  // A field whose value is empty (no colon, or nothing after it), at index `at` of buf.
  private emptyValue(kind: i32, buf: Uint8Array, at: i32): void {
    if (kind == FIELD_DATA) {
      this.beginDataLine(buf, at);
    } else if (kind == FIELD_EVENT) {
      this.nameLen = 0;
      this.nameTruncated = false;
      this.nameView = false;
    }
  }

  // A data line's value starts at buf[at]. WHATWG appends value + LF per data line and drops the
  // final LF at dispatch; joining with LF between lines is the same thing.
  private beginDataLine(buf: Uint8Array, at: i32): void {
    if (this.mode == M_NONE) {
      this.mode = M_VIEW;
      this.viewStart = at;
      this.viewEnd = at;
      this.dataLines = 1;
      this.dataLen = 0;
      return;
    }
    this.dataLines++;
    if (!this.addLength(1)) return;
    if (this.mode == M_VIEW) this.carry(buf); // joining lines needs a copy
    if (this.mode == M_CARRIED && !this.buffer.appendByte(LF)) this.skipEvent();
  }

  // Value bytes buf[s, e) of the current data line.
  private dataBytes(buf: Uint8Array, s: i32, e: i32): void {
    const n = e - s;
    if (n <= 0 || !this.addLength(n)) return;
    const mode = this.mode;
    if (mode == M_VIEW) {
      this.viewEnd = e; // contiguous: a view never outlives the scan that started it
    } else if (mode == M_CARRIED) {
      if (this.buffer.append(buf, s, e) < n) this.skipEvent();
    }
  }

  // Counts n more bytes of joined data; false once the event is over the limit. The count only
  // grows within an event, so whether an event is oversized does not depend on how it was split.
  private addLength(n: i32): bool {
    if (n > this.maxEventBytes - this.dataLen) {
      this.dataLen = this.maxEventBytes + 1; // saturate: stays over the limit, never overflows
      if (this.mode != M_SKIP) this.skipEvent();
      return false;
    }
    this.dataLen += n;
    return true;
  }

  // The single-line view becomes an arena copy.
  private carry(buf: Uint8Array): void {
    const n = this.viewEnd - this.viewStart;
    this.mode = M_CARRIED;
    if (n > 0 && this.buffer.append(buf, this.viewStart, this.viewEnd) < n) this.skipEvent();
  }

  // Keep nothing more of this event; dispatch() tells oversized from arena-full by its length.
  private skipEvent(): void {
    this.mode = M_SKIP;
    this.buffer.release();
  }

  private appendName(buf: Uint8Array, s: i32, e: i32): void {
    let n = e - s;
    const room = MAX_EVENT_NAME_BYTES - this.nameLen;
    if (n > room) {
      n = room;
      this.nameTruncated = true;
    }
    for (let k = 0; k < n; k++) this.nameBytes[this.nameLen + k] = buf[s + k];
    this.nameLen += n;
  }

  // An empty line: hand the event on when it has data (WHATWG: none when no data field was seen),
  // then start a new one. `buf` is the chunk a view points into.
  private dispatch(buf: Uint8Array): void {
    if (this.dataLines > 0) {
      if (this.mode == M_SKIP) {
        if (this.dataLen > this.maxEventBytes) this.oversizedEvents++;
        else this.arenaFullEvents++;
      } else {
        const ev = this.event;
        if (this.mode == M_VIEW) {
          ev.data = buf;
          ev.dataStart = this.viewStart;
          ev.dataEnd = this.viewEnd;
          ev.carried = false;
        } else {
          const offset = this.buffer.offset;
          ev.data = this.buffer.bytes;
          ev.dataStart = offset == NO_BLOCK ? 0 : offset;
          ev.dataEnd = ev.dataStart + this.buffer.length;
          ev.carried = true;
        }
        if (this.nameView) {
          ev.name = buf;
          ev.nameStart = this.nameViewStart;
          ev.nameEnd = this.nameViewEnd;
        } else {
          ev.name = this.nameBytes;
          ev.nameStart = 0;
          ev.nameEnd = this.nameLen;
        }
        ev.nameTruncated = this.nameTruncated;
        ev.done = isDoneMarker(ev.data, ev.dataStart, ev.dataEnd);
        this.events++;
        if (ev.done) this.doneEvents++;
        this.sink.onEvent(ev);
      }
    }
    this.clearEvent();
  }

  private clearEvent(): void {
    this.mode = M_NONE;
    this.dataLines = 0;
    this.dataLen = 0;
    this.nameLen = 0;
    this.nameTruncated = false;
    this.nameView = false;
    // A small block is kept for the next carried event (one crosses nearly every chunk boundary,
    // and alloc + free per chunk shows in profiles); a larger one goes back to the arena at once.
    // Either way finish, abort and release return it.
    const offset = this.buffer.offset;
    if (offset != NO_BLOCK) {
      if (this.lease.arena.blockBytes(offset) <= KEEP_BLOCK_BYTES) this.buffer.clear();
      else this.buffer.release();
    }
  }

  private dropBlock(): void {
    if (this.buffer.offset != NO_BLOCK) this.buffer.release();
  }

  private restart(): void {
    this.bomSeen = 0;
    this.bomDone = false;
    this.pendingCr = false;
    this.lineState = LS_START;
    this.fieldLen = 0;
    this.fieldMatch = 0;
    this.fieldKind = FIELD_OTHER;
  }
}

// `data:` at buf[i] (the caller checked that five bytes are there).
function isDataField(buf: Uint8Array, i: i32): bool {
  return loadByte(buf, i + 1) == 0x61 && loadByte(buf, i + 2) == 0x74 && loadByte(buf, i + 3) == 0x61 && loadByte(buf, i + 4) == COLON;
}

// `event:` at buf[i] (the caller checked that six bytes are there).
function isEventField(buf: Uint8Array, i: i32): bool {
  return (
    loadByte(buf, i + 1) == 0x76 &&
    loadByte(buf, i + 2) == 0x65 &&
    loadByte(buf, i + 3) == 0x6e &&
    loadByte(buf, i + 4) == 0x74 &&
    loadByte(buf, i + 5) == COLON
  );
}

// The first CR or LF in buf[i, end), or end: a plain loop over the first SHORT_LINE_BYTES, then
// the finder's search.
function shortLineEnd(buf: Uint8Array, i: i32, end: i32, lineEnds: LineEndFinder): i32 {
  const stop = i + SHORT_LINE_BYTES < end ? i + SHORT_LINE_BYTES : end;
  for (let k = i; k < stop; k++) {
    const c = loadByte(buf, k);
    if (c == LF || c == CR) return k;
  }
  return stop < end ? lineEnds.find(stop) : end;
}

// Narrows the candidate field names after byte c at position pos of the name.
function matchFieldByte(match: i32, pos: i32, c: i32): i32 {
  let m = match;
  if ((m & MATCH_DATA) != 0 && c != dataNameByte(pos)) m = m & ~MATCH_DATA;
  if ((m & MATCH_EVENT) != 0 && c != eventNameByte(pos)) m = m & ~MATCH_EVENT;
  return m;
}

function fieldKindOf(match: i32, len: i32): i32 {
  if ((match & MATCH_DATA) != 0 && len == 4) return FIELD_DATA;
  if ((match & MATCH_EVENT) != 0 && len == 5) return FIELD_EVENT;
  return FIELD_OTHER;
}

// "data", byte by byte (-1 past its end).
function dataNameByte(pos: i32): i32 {
  if (pos == 0) return 0x64;
  if (pos == 1) return 0x61;
  if (pos == 2) return 0x74;
  if (pos == 3) return 0x61;
  return -1;
}

// "event", byte by byte (-1 past its end).
function eventNameByte(pos: i32): i32 {
  if (pos == 0) return 0x65;
  if (pos == 1) return 0x76;
  if (pos == 2) return 0x65;
  if (pos == 3) return 0x6e;
  if (pos == 4) return 0x74;
  return -1;
}

/** True when buf[start, end) is exactly `[DONE]`. */
export function isDoneMarker(buf: Uint8Array, start: i32, end: i32): bool {
  return (
    end - start == 6 &&
    buf[start] == 0x5b &&
    buf[start + 1] == 0x44 &&
    buf[start + 2] == 0x4f &&
    buf[start + 3] == 0x4e &&
    buf[start + 4] == 0x45 &&
    buf[start + 5] == 0x5d
  );
}
