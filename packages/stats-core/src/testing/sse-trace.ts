import { f64ToI32 } from "../glue/target";
import { Arena } from "../arena/arena";
import { ArenaLease } from "../arena/arena-lease";
import { SseEvent } from "../sse/sse-event";
import { SseFramer } from "../sse/sse-framer";
import { SseSink } from "../sse/sse-sink";
import { bytesText, copyChunk } from "./sse-trace-text";

class TraceSseSink extends SseSink {
  readonly lines: Array<string> = new Array<string>(0);

  onEvent(event: SseEvent): void {
    let line = "event \"" + bytesText(event.name, event.nameStart, event.nameEnd) + "\" \"" +
      bytesText(event.data, event.dataStart, event.dataEnd) + "\"";
    if (event.done) line += " done";
    if (event.nameTruncated) line += " nameCut";
    if (event.carried) line += " carried";
    this.lines.push(line);
  }
}

// Feeds `input` to an SseFramer cut at the ascending offsets in `splits` (out-of-order or
// out-of-range offsets are ignored), then ends the stream with finish() or abort(), releases the
// framer and prints one line per event and a summary of its counters and of the arena. With
// `copyChunks` every piece is its own array (as a host hands chunks over); without, the pieces
// are ranges of `input` itself, which exercises the framer's start/end handling.
export function sseTrace(
  input: Uint8Array,
  splits: Int32Array,
  maxEventBytes: i32,
  arenaBytes: i32,
  finish: bool,
  copyChunks: bool,
): string {
  const arena = new Arena(arenaBytes);
  const lease = new ArenaLease(arena);
  const sink = new TraceSseSink();
  const framer = new SseFramer(lease, maxEventBytes, sink);
  let prev = 0;
  for (let k = 0; k <= splits.length; k++) {
    const cut = k < splits.length ? splits[k] : input.length;
    if (cut < prev || cut > input.length) continue;
    if (copyChunks) framer.feed(copyChunk(input, prev, cut), 0, cut - prev);
    else framer.feed(input, prev, cut);
    prev = cut;
  }
  const held = lease.blocks;
  if (finish) framer.finish();
  else framer.abort();
  const afterEnd = lease.blocks;
  framer.release();
  const lines = sink.lines;
  lines.push(
    "events " + framer.events.toString() + " done " + framer.doneEvents.toString() + " oversized " +
      framer.oversizedEvents.toString() + " arenaFull " + framer.arenaFullEvents.toString() + " bytes " +
      f64ToI32(framer.bytes).toString() + " held " + held.toString() + " afterEnd " + afterEnd.toString() +
      " leaseBlocks " + lease.blocks.toString() + " arenaUsed " + arena.usedBytes.toString() + " peak " +
      arena.peakUsedBytes.toString(),
  );
  return lines.join("\n");
}
