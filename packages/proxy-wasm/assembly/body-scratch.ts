// Body chunks land in one reusable scratch buffer: while a body is read, `malloc` hands the host
// the scratch (see index.ts), so proxy_get_buffer_bytes copies the chunk straight into memory the
// engine reads, with no per-chunk allocation and no second copy. The engine only reads the chunk
// during the callback (anything it keeps goes to the arena), so the scratch is free again after.
// It grows to the largest chunk Envoy delivers (a frame, not a body: the plugin never buffers).

export class BodyScratch {
  bytes: Uint8Array = new Uint8Array(16384);
  /** Set only while proxy_get_buffer_bytes runs: malloc then answers with the scratch. */
  armed: bool = false;

  ensure(size: i32): void {
    if (size <= this.bytes.length) return;
    let cap = this.bytes.length;
    while (cap < size) cap <<= 1;
    this.bytes = new Uint8Array(cap);
  }

  /** malloc's answer while armed: the scratch when the chunk fits, else 0 (a normal allocation). */
  take(size: usize): usize {
    if (!this.armed || size > <usize>this.bytes.length) return 0;
    this.armed = false;
    return this.bytes.dataStart;
  }
}
