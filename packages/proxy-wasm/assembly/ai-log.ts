// Writes a stream's ai_log the way Higress's wrapper does (WriteUserAttributeToLogWithKey): read
// what is already in filter state wasm.ai_log — other plugins on the stream (ai-cache,
// ai-security-guard, …) and aistats' own earlier write — merge aistats' record into it (their keys
// kept, ours win, keys sorted) and store the result MarshalStr-escaped, so
// '{"ai_log":"%FILTER_STATE(wasm.ai_log:PLAIN)%"}' stays valid JSON. The merge is stats-core's
// LogMerger; this module moves the bytes in and out without allocating per write.
//
// The existing value lands straight in the merger's buffer: while proxy_get_property("ai_log")
// runs, malloc (index.ts) answers with it, and refuses (answers 0: Envoy then fails the read with
// INVALID_MEMORY_ACCESS and copies nothing) a value longer than logMergeLimit — 16 KiB more than
// what aistats itself last wrote on the stream. So a huge ai_log written by someone else never
// enters the VM's memory. A refused or unparsable value is replaced by aistats' own record and
// counted as aistats_dropped_total.reason.ai_log_replaced.
import { DROP_AI_LOG_REPLACED, DropCounters, LogMerger, MERGE_TOO_LARGE, MERGE_UNPARSABLE, logMergeLimit } from "@aistats/stats-core";
import { STATUS_OK, getPropertyAt, outPtr, outSize, setPropertyBytes } from "./host";

export class AiLogWriter {
  readonly merger: LogMerger = new LogMerger();
  private readonly path: ArrayBuffer = String.UTF8.encode("ai_log");
  /** Set only while proxy_get_property("ai_log") runs: malloc then answers with take(). */
  armed: bool = false;
  private limit: i32 = 0;
  private refused: bool = false;

  /** malloc's answer while armed: the merger's buffer for a value within the limit, else 0. */
  take(size: usize): usize {
    this.armed = false;
    if (size > <usize>this.limit || !this.merger.reserve(<i32>size)) {
      this.refused = true;
      return 0;
    }
    return this.merger.existing.dataStart;
  }

  /**
   * Stores own[0, ownLength) (the engine's log) as the stream's ai_log, merged with the value
   * already there. `previous` is the length aistats stored last on this stream (0 before its
   * first write). Returns the length stored now.
   */
  write(previous: i32, own: Uint8Array, ownLength: i32, drops: DropCounters | null): i32 {
    const m = this.merger;
    this.limit = logMergeLimit(previous);
    this.refused = false;
    this.armed = true;
    const status = getPropertyAt(changetype<usize>(this.path), this.path.byteLength);
    this.armed = false;
    let result: i32;
    if (this.refused) {
      result = m.replaceTooLarge(own, ownLength);
    } else if (status != STATUS_OK || outSize() <= 0 || outPtr() == 0) {
      // No ai_log on the stream yet (NOT_FOUND), or an empty one.
      result = m.writeOwn(own, ownLength);
    } else {
      const ptr = outPtr();
      const size = outSize();
      if (ptr != m.existing.dataStart) {
        // Not through take() (cannot happen with Envoy's one malloc per read): copy if it fits.
        if (size <= this.limit && m.reserve(size)) {
          memory.copy(m.existing.dataStart, ptr, <usize>size);
          result = m.merge(size, own, ownLength);
        } else {
          result = m.replaceTooLarge(own, ownLength);
        }
        heap.free(ptr);
      } else {
        result = m.merge(size, own, ownLength);
      }
    }
    if ((result == MERGE_TOO_LARGE || result == MERGE_UNPARSABLE) && drops != null) drops.add(DROP_AI_LOG_REPLACED, 1);
    setPropertyBytes("ai_log", m.output.dataStart, m.outputLength);
    return m.outputLength;
  }
}
