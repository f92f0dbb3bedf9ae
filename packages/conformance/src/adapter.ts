// The one interface every host plugs into (unstorage-style drivers): an adapter replays a case
// script through its host and reports what the host recorded and what each side of the proxy saw.
// Adapters own time: they feed the script's clock values (request.atMs, chunk atMs, endAtMs) to
// their host's clock instead of sleeping, so results are deterministic and fast.
import { deliveredResponseChunks, type CaseScript } from "./case-format.js";

/** What one exchange produced in a host. */
export interface ExchangeResult {
  /** Set when the host rejected the configuration (the message it gave); nothing else is read then. */
  configError?: string;
  /** The host decided not to process the exchange (path or content type not enabled). */
  skipped: boolean;
  /** The final ai_log object (the last one written), or null when none was written. */
  log: Record<string, unknown> | null;
  /** Separate log fields (attributes with as_separate_log_field), by key. */
  logFields: Record<string, unknown>;
  /** Span attributes the host set, as strings. */
  span: Record<string, string>;
  /**
   * Counter values by Higress metric name (`route.<r>.upstream.<c>.model.<m>.consumer.<u>.metric.<x>`),
   * for this exchange only: start every case from fresh counters.
   */
  metrics: Record<string, number>;
  /** The response chunks as the client received them. */
  clientChunks: Uint8Array[];
  /** The request chunks as the upstream received them. */
  upstreamChunks: Uint8Array[];
  /**
   * The records as the host wrote them out, byte for byte, for the well-formedness check that
   * every case runs (PRODUCT §3, check-records.ts). Every host adapter reports them; only the
   * fixture adapter, which runs no host, leaves them out.
   */
  records?: RecordTexts;
}

/** Every record text a host wrote for one exchange, exactly as stored. */
export interface RecordTexts {
  /**
   * How `logs` are stored: `json` = the ai_log JSON text itself; `escaped` = that text
   * string-escaped without surrounding quotes, as Higress stores filter state wasm.ai_log.
   */
  logForm: "json" | "escaped";
  /** Each ai_log written, in order (the early one when usage became known, then the final one). */
  logs: Uint8Array[];
  /** Each separate log field written (JSON string contents, Higress MarshalStr), in order. */
  logFields: Array<[key: string, stored: Uint8Array]>;
}

export interface ConformanceAdapter {
  /** Shown in reports: `core`, `core-wasm`, `proxy-wasm`, `node`, `edge`, … */
  readonly name: string;
  /** Called once before the first case (start a VM, a server, an isolate…). */
  setup?(): Promise<void>;
  /** Called once after the last case, also when a case failed. */
  teardown?(): Promise<void>;
  /** Replays one case. Throwing fails that case (the message is reported), not the run. */
  run(script: CaseScript): Promise<ExchangeResult>;
  /**
   * Optional: replays several cases at once in one host (`--concurrent`), to show that
   * concurrent exchanges do not disturb each other. It must interleave them: every exchange open
   * on the host at once, their calls in the order of `interleaveExchanges` (exchange-steps.ts),
   * never one exchange after another (adapters/concurrent.test.ts checks it). Results in the
   * order of `scripts`. An adapter that cannot interleave leaves this out.
   */
  runConcurrent?(scripts: readonly CaseScript[]): Promise<ExchangeResult[]>;
}

/** Options the runner passes when it creates an adapter. */
export interface AdapterOptions {
  /** `--fixture FILE` (absolute): recorded results, used by the fixture adapter. */
  readonly fixture?: string;
}

/** An adapter module's default export: creates the adapter. */
export type AdapterFactory = (options: AdapterOptions) => ConformanceAdapter | Promise<ConformanceAdapter>;

/** Identity helper that types an adapter module's factory: `export default defineAdapter(() => ({…}))`. */
export function defineAdapter(factory: AdapterFactory): AdapterFactory {
  return factory;
}

/** An ExchangeResult in which nothing was recorded and the traffic passed through untouched. */
export function passThroughResult(script: CaseScript): ExchangeResult {
  return {
    skipped: false,
    log: null,
    logFields: {},
    span: {},
    metrics: {},
    clientChunks: deliveredResponseChunks(script).map((c) => c.bytes),
    upstreamChunks: script.request.chunks.map((c) => c.bytes),
  };
}
