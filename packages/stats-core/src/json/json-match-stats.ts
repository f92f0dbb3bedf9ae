// What the matcher could not keep: held values (undecided selections waiting in the arena) that were
// cut because the arena or the hold limit ran out. Traffic is never affected; the host reports these.
export class JsonMatchStats {
  /** Held values that lost bytes (each counted once). */
  truncatedValues: i32 = 0;
  /** Bytes that could not be held. */
  truncatedBytes: i32 = 0;

  reset(): void {
    this.truncatedValues = 0;
    this.truncatedBytes = 0;
  }
}
