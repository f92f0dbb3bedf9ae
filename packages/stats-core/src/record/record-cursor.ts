import { ExchangeRecords } from "./exchange-records";

// What a host has published of one exchange's records, so that each log is written once and the
// counters are applied once, whatever order and however often the host looks (after every call
// into the exchange): the early log when a stream's usage becomes known, the final log at the
// end, the final record's counters once. One cursor per exchange a host drives; reset it when a
// new exchange begins.
export class RecordCursor {
  private sequence: i32 = 0;
  private countersDone: bool = false;

  reset(): void {
    this.sequence = 0;
    this.countersDone = false;
  }

  /** A log not yet published: true once for each new record (never for a skipped exchange). */
  takeLog(r: ExchangeRecords): bool {
    if (r.skipped || r.sequence == 0 || r.sequence == this.sequence) return false;
    this.sequence = r.sequence;
    return true;
  }

  /** The final record's counters are due: true once, when the record is final. */
  takeCounters(r: ExchangeRecords): bool {
    if (r.skipped || !r.final || this.countersDone) return false;
    this.countersDone = true;
    return true;
  }
}
