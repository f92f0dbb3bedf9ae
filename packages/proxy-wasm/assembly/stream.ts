// One HTTP stream (Proxy-Wasm HTTP context): its engine exchange and what has been written to the
// host so far. Records go out as Higress writes them: ai_log and separate log fields as filter
// state, span attributes as `trace_span_tag.<key>`, counters once when the record is final.
import { Engine, Exchange } from "@aistats/stats-core";
import { Counters } from "./counters";
import { escapeForJsonString, escapedPtr } from "./escape";
import { setProperty, setPropertyBytes } from "./host";

export class Stream {
  engine: Engine | null = null;
  ex: Exchange | null = null;
  requestEnded: bool = false;
  responseStarted: bool = false;
  responseEnded: bool = false;
  /** A log was written since the last collection (its text is garbage now: see index.ts settle). */
  wroteLog: bool = false;
  private written: i32 = 0;
  private countersApplied: bool = false;

  /** Writes the exchange's record when it changed since the last write. */
  publish(counters: Counters): void {
    const ex = this.ex;
    if (ex == null) return;
    const r = ex.records;
    if (r.skipped) return;
    if (r.sequence > 0 && r.sequence != this.written) {
      this.written = r.sequence;
      this.wroteLog = true;
      const n = escapeForJsonString(r.logBytes, r.logLength);
      setPropertyBytes("ai_log", escapedPtr(), n);
      // Values are already MarshalStr-escaped by the engine.
      for (let i = 0; i < r.logFieldKeys.length; i++) setProperty(r.logFieldKeys[i], String.UTF8.encode(r.logFieldValues[i]));
      // Higress sets a span attribute only for a non-empty value.
      for (let i = 0; i < r.spanKeys.length; i++) {
        const v = r.spanValues[i];
        if (v.length > 0) setProperty("trace_span_tag." + r.spanKeys[i], String.UTF8.encode(v));
      }
    }
    if (r.final && !this.countersApplied) {
      this.countersApplied = true;
      for (let i = 0; i < r.counterNames.length; i++) counters.add(r.counterNames[i], r.counterValues[i]);
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
