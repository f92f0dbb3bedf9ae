import { Arena } from "../arena/arena";
import { ArenaLease } from "../arena/arena-lease";
import { jsonStatusName, kindName } from "../json/json-kinds";
import { JsonMatchSink } from "../json/json-match-sink";
import { JsonMatcher } from "../json/json-matcher";
import { JsonPathSet } from "../json/json-path-set";

// Traces for the streaming JSON path matcher, identical on the JS and wasm builds. `paths` holds
// one gjson path per line; every document is fed in chunks cut at `splits` (absolute offsets),
// each chunk copied into a fresh buffer between filler bytes, so the matcher can rely neither on
// earlier chunks nor on chunk bounds. Results are listed per document by path id:
//   error <line>: <message>        a path that did not compile
//   #<id> <KIND> <bytes>           a result (non-printable bytes as \xHH, backslash doubled)
//   status <NAME>[ at <offset>]    the document's final status
// plus "protocol …" lines if the sink ever saw start/bytes/end out of order.

export function jsonMatchTrace(paths: string, doc: Uint8Array, splits: Int32Array): string {
  const ends = new Int32Array(1);
  ends[0] = doc.length;
  return jsonMatchDocsTrace(paths, doc, ends, splits, 1 << 20, 64, 0x7fffffff);
}

/** Several documents back to back (each ending at an offset in `ends`), reset between them. */
export function jsonMatchDocsTrace(
  paths: string,
  docs: Uint8Array,
  ends: Int32Array,
  splits: Int32Array,
  arenaBytes: i32,
  maxDepth: i32,
  heldLimit: i32,
): string {
  return docsTrace(paths, docs, ends, splits, arenaBytes, maxDepth, heldLimit, false);
}

/**
 * jsonMatchDocsTrace of a stream of documents, plus a last line "templated N": how many of them
 * the template path read (the rest went down the general path).
 */
export function jsonMatchStreamTrace(paths: string, docs: Uint8Array, ends: Int32Array, splits: Int32Array): string {
  return docsTrace(paths, docs, ends, splits, 1 << 20, 64, 0x7fffffff, true);
}

function docsTrace(
  paths: string,
  docs: Uint8Array,
  ends: Int32Array,
  splits: Int32Array,
  arenaBytes: i32,
  maxDepth: i32,
  heldLimit: i32,
  templated: bool,
): string {
  const out = new Array<string>(0);
  const set = new JsonPathSet();
  const lines = paths.split("\n");
  for (let i = 0; i < lines.length; i++) {
    if (set.add(lines[i]) < 0) out.push("error " + i.toString() + ": " + set.error);
  }
  const arena = new Arena(arenaBytes);
  const lease = new ArenaLease(arena);
  const sink = new TraceSink(set.size);
  const m = new JsonMatcher(set, lease, sink, maxDepth, heldLimit);
  let start = 0;
  let s = 0;
  for (let d = 0; d < ends.length; d++) {
    const end = ends[d];
    if (ends.length > 1) out.push("doc " + d.toString());
    let from = start;
    while (from < end) {
      while (s < splits.length && splits[s] <= from) s++;
      const to = s < splits.length && splits[s] < end ? splits[s] : end;
      const n = to - from;
      const chunk = new Uint8Array(n + 6);
      chunk.fill(0x22);
      for (let k = 0; k < n; k++) chunk[3 + k] = docs[from + k];
      m.feed(chunk, 3, 3 + n);
      from = to;
    }
    m.finish();
    sink.report(out);
    let status = "status " + jsonStatusName(m.status);
    if (m.errorOffset >= 0) status += " at " + m.errorOffset.toString();
    out.push(status);
    if (m.stats.truncatedValues > 0 || m.stats.truncatedBytes > 0) {
      out.push("truncated " + m.stats.truncatedValues.toString() + " values " + m.stats.truncatedBytes.toString() + " bytes");
    }
    m.reset();
    if (lease.bytes != 0) out.push("leak " + lease.bytes.toString() + " bytes still leased after reset");
    start = end;
  }
  if (templated) out.push("templated " + m.templateHits.toString());
  return out.join("\n");
}

class TraceSink extends JsonMatchSink {
  private readonly texts: Array<string>;
  private readonly kinds: Int32Array;
  private readonly open: Uint8Array;
  private readonly results: Array<string>;
  private readonly problems: Array<string> = new Array<string>(0);

  constructor(n: i32) {
    super();
    const texts = new Array<string>(n);
    const results = new Array<string>(n);
    for (let i = 0; i < n; i++) {
      texts[i] = "";
      results[i] = "";
    }
    this.texts = texts;
    this.results = results;
    this.kinds = new Int32Array(n);
    this.open = new Uint8Array(n);
  }

  onValueStart(pathId: i32, kind: i32): void {
    if (this.open[pathId] != 0) this.problems.push("protocol #" + pathId.toString() + " started twice");
    if (this.results[pathId].length > 0) this.problems.push("protocol #" + pathId.toString() + " second value");
    this.open[pathId] = 1;
    this.kinds[pathId] = kind;
    this.texts[pathId] = "";
  }

  onValueBytes(pathId: i32, bytes: Uint8Array, start: i32, end: i32): void {
    if (this.open[pathId] == 0) this.problems.push("protocol #" + pathId.toString() + " bytes outside a value");
    if (end <= start) this.problems.push("protocol #" + pathId.toString() + " empty piece");
    this.texts[pathId] = this.texts[pathId] + escapeBytes(bytes, start, end);
  }

  onValueEnd(pathId: i32): void {
    if (this.open[pathId] == 0) this.problems.push("protocol #" + pathId.toString() + " ended twice");
    this.open[pathId] = 0;
    this.results[pathId] = kindName(this.kinds[pathId]) + " " + this.texts[pathId];
  }

  report(out: Array<string>): void {
    for (let i = 0; i < this.problems.length; i++) out.push(this.problems[i]);
    this.problems.length = 0;
    for (let i = 0; i < this.results.length; i++) {
      if (this.open[i] != 0) out.push("protocol #" + i.toString() + " never ended");
      if (this.results[i].length > 0) out.push("#" + i.toString() + " " + this.results[i]);
      this.results[i] = "";
      this.open[i] = 0;
    }
  }
}

/** Printable ASCII as is (backslash doubled), everything else as \xHH. */
export function escapeBytes(b: Uint8Array, start: i32, end: i32): string {
  let s = "";
  for (let i = start; i < end; i++) {
    const c: i32 = b[i];
    if (c == 0x5c) s += "\\\\";
    else if (c >= 0x20 && c < 0x7f) s += String.fromCharCode(c);
    else s += "\\x" + HEX.charAt(c >> 4) + HEX.charAt(c & 15);
  }
  return s;
}

const HEX = "0123456789abcdef";
