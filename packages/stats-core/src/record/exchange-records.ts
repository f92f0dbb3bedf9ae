// What an exchange has recorded so far, as plain data the host reads after each call. A host
// writes the log whenever `sequence` has changed since it last looked (the first time when usage
// becomes known on a stream, and at the end), applies `counters` once when `final` is set (they are
// only filled then), and treats `skipped` as "nothing at all is recorded for this exchange".
const NO_BYTES: Uint8Array = new Uint8Array(0);

export class ExchangeRecords {
  /** Bumped each time a new log is produced (0: none yet). */
  sequence: i32 = 0;
  /** The exchange is over (end or abort): this is the last record. */
  final: bool = false;
  /** The exchange is not processed (path not enabled, or no configuration applies). */
  skipped: bool = false;
  /** The ai_log object as JSON text (Go encoding/json style: sorted keys, typed values); "" when none. */
  log: string = "";
  /**
   * With `engine.textLogs` off, the log as UTF-8 instead: logBytes[0, logLength), a view of the
   * engine's log writer, valid until the next call into the engine (`log` stays "").
   */
  logBytes: Uint8Array = NO_BYTES;
  logLength: i32 = 0;
  /** as_separate_log_field attributes: key → value escaped as a JSON string's contents (Higress MarshalStr). */
  readonly logFieldKeys: Array<string> = new Array<string>(0);
  readonly logFieldValues: Array<string> = new Array<string>(0);
  /** Span attributes: key → value text. */
  readonly spanKeys: Array<string> = new Array<string>(0);
  readonly spanValues: Array<string> = new Array<string>(0);
  /**
   * Counter increments, non-zero, filled only in the final record: the Higress metric name
   * (`route.<r>.upstream.<c>.model.<m>.consumer.<x>.metric.<metric>`), the metric alone
   * (`input_token`, …, `llm_duration_count`) and the value. The labels of all of them are in
   * counterRoute / counterCluster / counterModel / counterConsumer: a host exporting labels (Prometheus)
   * takes them from there, since route, cluster and model names may contain dots.
   */
  readonly counterNames: Array<string> = new Array<string>(0);
  readonly counterMetrics: Array<string> = new Array<string>(0);
  readonly counterValues: Array<f64> = new Array<f64>(0);
  counterRoute: string = "";
  counterCluster: string = "";
  /** The model label (cut to 256 UTF-8 bytes). */
  counterModel: string = "";
  counterConsumer: string = "";
  /** Things this exchange could not record (oversized events, malformed JSON, full arena, cut values). */
  truncated: i32 = 0;

  /** Empties everything (a new exchange). */
  reset(): void {
    this.sequence = 0;
    this.final = false;
    this.skipped = false;
    this.truncated = 0;
    this.clearContents();
  }

  /** Empties the log, fields, span and counters before a new record is written. */
  clearContents(): void {
    this.log = "";
    this.logBytes = NO_BYTES;
    this.logLength = 0;
    this.logFieldKeys.length = 0;
    this.logFieldValues.length = 0;
    this.spanKeys.length = 0;
    this.spanValues.length = 0;
    this.counterNames.length = 0;
    this.counterMetrics.length = 0;
    this.counterValues.length = 0;
    this.counterRoute = "";
    this.counterCluster = "";
    this.counterModel = "";
    this.counterConsumer = "";
  }

  /** The span attribute `key`, or "" when not set. */
  spanValue(key: string): string {
    for (let i = 0; i < this.spanKeys.length; i++) if (this.spanKeys[i] == key) return this.spanValues[i];
    return "";
  }
}
