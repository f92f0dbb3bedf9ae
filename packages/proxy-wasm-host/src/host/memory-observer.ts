// Watches the guest's linear memory: sampled after every callback into the plugin, so a test or
// benchmark can see whether memory stays flat. Only changes are stored, so the record stays
// small however many callbacks run.

export interface MemoryChange {
  /** Index of the callback after which the size was sampled (1-based, in call order). */
  readonly afterCall: number;
  readonly callback: string;
  readonly bytes: number;
}

export class MemoryObserver {
  private initialBytes = 0;
  private currentBytes = 0;
  private peakBytes = 0;
  private calls = 0;
  private readonly changeLog: MemoryChange[] = [];

  /** @internal */
  start(bytes: number): void {
    this.initialBytes = this.currentBytes = this.peakBytes = bytes;
  }

  /** @internal */
  sample(callback: string, bytes: number): void {
    this.calls++;
    if (bytes !== this.currentBytes) this.changeLog.push({ afterCall: this.calls, callback, bytes });
    this.currentBytes = bytes;
    if (bytes > this.peakBytes) this.peakBytes = bytes;
  }

  /** Size right after instantiation, before any callback. */
  get initial(): number {
    return this.initialBytes;
  }

  get current(): number {
    return this.currentBytes;
  }

  get peak(): number {
    return this.peakBytes;
  }

  /** Number of samples taken (= callbacks into the plugin). */
  get samples(): number {
    return this.calls;
  }

  /** Every change of size, in order. */
  get changes(): readonly MemoryChange[] {
    return this.changeLog;
  }

  /** The size as it was after the given callback count (1-based). */
  bytesAfterCall(call: number): number {
    let bytes = this.initialBytes;
    for (const c of this.changeLog) {
      if (c.afterCall > call) break;
      bytes = c.bytes;
    }
    return bytes;
  }
}
