import { f64ToI32 } from "../glue/target";
import { Arena } from "../arena/arena";
import { ArenaLease } from "../arena/arena-lease";
import { JsonArrayFramer } from "../sse/json-array-framer";
import { JsonElementSink } from "../sse/json-element-sink";
import { bytesText, copyChunk } from "./sse-trace-text";

class TraceElementSink extends JsonElementSink {
  readonly lines: Array<string> = new Array<string>(0);

  onElement(bytes: Uint8Array, start: i32, end: i32, carried: bool): void {
    this.lines.push("element \"" + bytesText(bytes, start, end) + "\"" + (carried ? " carried" : ""));
  }
}

// Feeds `input` to a JsonArrayFramer cut at the ascending offsets in `splits` (others ignored),
// ends it with finish() or abort(), releases it and prints one line per element and a summary.
// `copyChunks` as in sseTrace.
export function jsonArrayTrace(
  input: Uint8Array,
  splits: Int32Array,
  maxElementBytes: i32,
  arenaBytes: i32,
  finish: bool,
  copyChunks: bool,
): string {
  const arena = new Arena(arenaBytes);
  const lease = new ArenaLease(arena);
  const sink = new TraceElementSink();
  const framer = new JsonArrayFramer(lease, maxElementBytes, sink);
  let prev = 0;
  for (let k = 0; k <= splits.length; k++) {
    const cut = k < splits.length ? splits[k] : input.length;
    if (cut < prev || cut > input.length) continue;
    if (copyChunks) framer.feed(copyChunk(input, prev, cut), 0, cut - prev);
    else framer.feed(input, prev, cut);
    prev = cut;
  }
  const held = lease.blocks;
  let status = framer.status;
  if (finish) status = framer.finish();
  else framer.abort();
  framer.release();
  const lines = sink.lines;
  lines.push(
    "status " + status.toString() + " errorOffset " + f64ToI32(framer.errorOffset).toString() + " elements " +
      framer.elements.toString() + " oversized " + framer.oversizedElements.toString() + " arenaFull " +
      framer.arenaFullElements.toString() + " bytes " + f64ToI32(framer.bytes).toString() + " held " +
      held.toString() + " leaseBlocks " + lease.blocks.toString() + " arenaUsed " + arena.usedBytes.toString() +
      " peak " + arena.peakUsedBytes.toString(),
  );
  return lines.join("\n");
}
