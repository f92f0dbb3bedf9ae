// One HTTP stream (Proxy-Wasm HTTP context): its engine exchange and what has been written to the
// host so far. Records go out as Higress writes them: ai_log and separate log fields as filter
// state, span attributes as `trace_span_tag.<key>`, counters once when the record is final.
import { Engine, Exchange, RecordCursor } from "@aistats/stats-core";
import { AiLogWriter } from "./ai-log";
import { Counters } from "./counters";
import { setProperty } from "./host";

export class Stream {
  engine: Engine | null = null;
  ex: Exchange | null = null;
  requestEnded: bool = false;
  responseStarted: bool = false;
  responseEnded: bool = false;
  /** A log was written since the last collection (its text is garbage now: see index.ts settle). */
  wroteLog: bool = false;
  private readonly cursor: RecordCursor = new RecordCursor();
  /** Length of the ai_log this stream stored last (what a later write will read back). */
  private storedLength: i32 = 0;

  /** Writes the exchange's record when it changed since the last write. */
  publish(counters: Counters, aiLog: AiLogWriter): void {
    const ex = this.ex;
    if (ex == null) return;
    const r = ex.records;
    if (this.cursor.takeLog(r)) {
      this.wroteLog = true;
      const e = this.engine;
      this.storedLength = aiLog.write(this.storedLength, r.logBytes, r.logLength, e != null ? e.drops : null);
      // Values are already MarshalStr-escaped by the engine.
      for (let i = 0; i < r.logFieldKeys.length; i++) setProperty(r.logFieldKeys[i], String.UTF8.encode(r.logFieldValues[i]));
      // Higress sets a span attribute only for a non-empty value.
      for (let i = 0; i < r.spanKeys.length; i++) {
        const v = r.spanValues[i];
        if (v.length > 0) setProperty("trace_span_tag." + r.spanKeys[i], String.UTF8.encode(v));
      }
    }
    if (this.cursor.takeCounters(r) && r.counterNames.length > 0) {
      // The label set's key (a "\n" inside a model name could make two sets share a slot: harmless).
      const admitted = counters.admit(r.counterRoute + "\n" + r.counterCluster + "\n" + r.counterModel + "\n" + r.counterConsumer);
      for (let i = 0; i < r.counterNames.length; i++) counters.addSeries(admitted, r.counterNames[i], r.counterMetrics[i], r.counterValues[i]);
    }
  }

  /** Returns the exchange to its engine (arena blocks back); safe to call twice. */
  release(): void {
    const ex = this.ex;
    const engine = this.engine;
    if (ex != null && engine != null) engine.end(ex);
    this.ex = null;
  }
}
