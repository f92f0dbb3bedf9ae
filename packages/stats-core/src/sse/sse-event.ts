// One dispatched server-sent event. The framer owns a single instance and refills it for every
// event, so the sink must read (or copy) what it needs before onEvent returns: `data` is either
// the chunk being fed (zero-copy) or the arena's memory, and both change after the call.
export class SseEvent {
  /** Holds the joined data bytes in [dataStart, dataEnd): the fed chunk, or the arena's bytes. */
  data: Uint8Array = new Uint8Array(0);
  dataStart: i32 = 0;
  dataEnd: i32 = 0;
  /**
   * Holds the event name (the last `event:` field) in [nameStart, nameEnd); empty when none. Like
   * `data`, the fed chunk (a name line inside it) or the framer's own copy: valid during onEvent.
   */
  name: Uint8Array = new Uint8Array(0);
  nameStart: i32 = 0;
  nameEnd: i32 = 0;
  /** The name was longer than the framer keeps and has been cut (see MAX_EVENT_NAME_BYTES). */
  nameTruncated: bool = false;
  /** The data is exactly `[DONE]` (OpenAI's end-of-stream marker). */
  done: bool = false;
  /** The data was copied into the arena: it crossed a chunk boundary or joined several data lines. */
  carried: bool = false;

  get dataLength(): i32 {
    return this.dataEnd - this.dataStart;
  }

  get nameLength(): i32 {
    return this.nameEnd - this.nameStart;
  }

  /** True when the event name equals the ASCII string `s` (e.g. "message_delta"). */
  nameIs(s: string): bool {
    const n = this.nameEnd - this.nameStart;
    if (n != s.length) return false;
    for (let k = 0; k < n; k++) {
      if (<i32>this.name[this.nameStart + k] != s.charCodeAt(k)) return false;
    }
    return true;
  }
}
