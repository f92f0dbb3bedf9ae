import { ArenaLease } from "../arena/arena-lease";
import { PluginConfig } from "../config/plugin-config";
import { JsonCanonicalizer } from "../record/json-canonical";
import { ExchangeRecords } from "../record/exchange-records";
import { AttributeSlots } from "./attribute-slots";
import { UsageState } from "./usage-state";

// What an exchange's record is made from, as the exchange learns it. The exchange is its only
// writer; the log builder only reads it. Times are whole milliseconds (see wholeMs).
export class ExchangeFacts {
  readonly config: PluginConfig | null;
  readonly records: ExchangeRecords = new ExchangeRecords();
  readonly usage: UsageState;
  readonly attributes: AttributeSlots;
  /** Higress's route and cluster labels ("-" when the host has none). */
  routeName: string = "-";
  clusterName: string = "-";
  /** x-mse-consumer, else "none". */
  consumer: string = "none";
  sessionId: string = "";
  requestModel: string = "";
  /** Gemini's model from the request path. */
  pathModel: string = "";
  /** User turns in the request (-1: not known). */
  chatRound: f64 = -1;
  /** Request headers, first response body bytes (-1: none yet). */
  startMs: f64 = 0;
  firstBodyMs: f64 = -1;
  /** The response is an SSE stream. */
  stream: bool = false;
  /** The response headers were seen and its content type is enabled. */
  responseProcessed: bool = false;

  constructor(config: PluginConfig | null, lease: ArenaLease, canonical: JsonCanonicalizer) {
    const c = config == null ? new PluginConfig() : config;
    this.config = config;
    this.usage = new UsageState(lease, c.valueLengthLimit, canonical);
    this.attributes = new AttributeSlots(lease, c.attributes.length, c.valueLengthLimit);
  }

  reset(): void {
    this.routeName = "-";
    this.clusterName = "-";
    this.consumer = "none";
    this.sessionId = "";
    this.requestModel = "";
    this.pathModel = "";
    this.chatRound = -1;
    this.startMs = 0;
    this.firstBodyMs = -1;
    this.stream = false;
    this.responseProcessed = false;
    this.records.reset();
    this.usage.reset();
    this.attributes.reset();
  }

  /** The log's model: the response's, else the request's, else the Gemini path's ("" when none). */
  get model(): string {
    const m = this.usage.model;
    if (m.length > 0) return m;
    if (this.requestModel.length > 0) return this.requestModel;
    return this.pathModel;
  }
}

/**
 * A host's clock reading as whole milliseconds, as Higress takes time (UnixMilli): durations are
 * then differences of whole milliseconds on every host. A reading that is not a finite number is 0.
 */
export function wholeMs(nowMs: f64): f64 {
  if (!(nowMs > -1e18 && nowMs < 1e18)) return 0;
  return Math.floor(nowMs);
}
