import { ArenaLease } from "../arena/arena-lease";
import { AttributeConfig } from "../config/attribute-config";
import { RULE_APPEND, RULE_FIRST, RULE_REPLACE } from "../config/attribute-sources";
import {
  BUILTIN_CACHED_TOKENS,
  BUILTIN_INPUT_TOKEN_DETAILS,
  BUILTIN_OUTPUT_TOKEN_DETAILS,
  BUILTIN_REASONING_TOKENS,
  BUILTIN_TOOL_CALLS,
} from "../config/builtin-attributes";
import { PlannedAttribute, SourcePlan } from "../config/extraction-plan";
import { JSON_VALUE_MAX_DEPTH, JsonValueParser } from "../config/json-value-parser";
import { JV_ARRAY, JsonValue } from "../config/json-value";
import { PluginConfig } from "../config/plugin-config";
import { JSON_OK, KIND_ARRAY, KIND_NUMBER, KIND_OBJECT, KIND_STRING } from "../json/json-kinds";
import { sliceBytes, utf8Encode } from "../json/json-utf8";
import { DROP_ARENA_FULL, DROP_MALFORMED_JSON, DROP_OVERSIZED_EVENT, DROP_TOO_MANY_TOOL_CALLS } from "../record/drop-counters";
import { ExchangeRecords } from "../record/exchange-records";
import { f64ToI32 } from "../glue/target";
import { JsonElementSink } from "../sse/json-element-sink";
import { JsonArrayFramer } from "../sse/json-array-framer";
import { SseEvent } from "../sse/sse-event";
import { SseFramer } from "../sse/sse-framer";
import { SseSink } from "../sse/sse-sink";
import { CompiledConfig } from "./compiled-config";
import { AttributeSlots } from "./attribute-slots";
import { ValueBuffer } from "./value-buffer";
import { EngineShared } from "./engine-shared";
import { ExchangeFacts, wholeMs } from "./exchange-facts";
import { appendJsonString, appendJsonStringOf } from "./json-bytes";
import { PathCaptures } from "./path-captures";
import { MatchUnit } from "./match-unit";
import { ResponseFields } from "./response-fields";
import { ToolCalls } from "./tool-calls";
import { PATH_ANTHROPIC, PATH_OTHER, PATH_RESPONSES, UsageState } from "./usage-state";
import { TokenCount } from "./token-count";
import { chatRoundOf } from "./chat-round";
import { geminiPathModel, header, isSpace, lower, metricRoute, pathWithoutQuery } from "./request-facts";

// One HTTP exchange, driven by a host through its phases; reused for many exchanges (Engine.end
// returns it to a pool). It only reads the bytes it is given, never keeps a body: JSON documents
// are scanned by the streaming matcher for the configured and built-in paths (with a match unit
// taken from the configuration's pool for as long as the document lasts), SSE events and
// JSON-array elements are framed incrementally, and everything kept lives in the arena under
// this exchange's lease, returned at the end. Records are in `records` after every call.

export const MODE_NONE: i32 = 0;
export const MODE_JSON: i32 = 1;
export const MODE_SSE: i32 = 2;
export const MODE_ARRAY: i32 = 3;
/** A non-SSE body whose first byte has not been seen yet (an array means a JSON-array stream). */
export const MODE_UNDECIDED: i32 = 4;

// The framers' sinks forward to the exchange (set once the exchange is built).
class EventSink extends SseSink {
  ex: Exchange | null = null;
  onEvent(event: SseEvent): void {
    const ex = this.ex;
    if (event.done || ex == null) return;
    ex.streamDocument(event.data, event.dataStart, event.dataEnd);
  }
}

class ElementSink extends JsonElementSink {
  ex: Exchange | null = null;
  onElement(bytes: Uint8Array, start: i32, end: i32, _carried: bool): void {
    const ex = this.ex;
    if (ex != null) ex.streamDocument(bytes, start, end);
  }
}

export class Exchange {
  /** @internal The configuration this exchange was built for (null: nothing applies, always skipped). */
  readonly compiled: CompiledConfig | null;
  private readonly shared: EngineShared;
  private readonly facts: ExchangeFacts;
  private readonly lease: ArenaLease;
  private readonly usage: UsageState;
  private readonly slots: AttributeSlots;
  private readonly toolCalls: ToolCalls;
  /** Bumped each time the pooled object starts a new exchange: a host's handle holds the value it began with. */
  generation: i32 = 0;

  // Per-exchange state.
  private skipped: bool = false;
  private finished: bool = false;
  private requestStarted: bool = false;
  private requestEnded: bool = false;
  private responseSeen: bool = false;
  private responseEnabled: bool = false;
  private mode: i32 = MODE_NONE;
  private requestBytes: i32 = 0;
  private responseBytes: i32 = 0;
  private earlyLogged: bool = false;
  private malformed: i32 = 0;
  private readonly reqNames: Array<string> = new Array<string>(0);
  private readonly reqValues: Array<string> = new Array<string>(0);
  private readonly respNames: Array<string> = new Array<string>(0);
  private readonly respValues: Array<string> = new Array<string>(0);

  // The units reading the request body and a JSON response body (null when none is being read).
  private reqUnit: MatchUnit | null = null;
  private respUnit: MatchUnit | null = null;
  /** Held values the matchers had to cut, summed over the documents read. */
  private matchTruncated: i32 = 0;
  /** Captured objects and arrays that were not valid JSON (logged as strings). */
  private brokenValues: i32 = 0;
  private released: bool = false;
  private readonly sse: SseFramer;
  private readonly array: JsonArrayFramer;
  private readonly parser: JsonValueParser = new JsonValueParser(JSON_VALUE_MAX_DEPTH);
  private readonly wantsToolCalls: bool;

  /** @internal Exchanges are made by Engine.begin. */
  constructor(shared: EngineShared, compiled: CompiledConfig | null) {
    const lease = new ArenaLease(shared.arena);
    const facts = new ExchangeFacts(compiled == null ? null : compiled.config, lease, shared.canonical);
    const config = compiled == null ? new PluginConfig() : compiled.config;
    let wantsToolCalls = false;
    for (let i = 0; i < config.attributes.length; i++) if (config.attributes[i].builtin == BUILTIN_TOOL_CALLS) wantsToolCalls = true;
    const eventSink = new EventSink();
    const elementSink = new ElementSink();
    this.shared = shared;
    this.compiled = compiled;
    this.facts = facts;
    this.lease = lease;
    this.usage = facts.usage;
    this.slots = facts.attributes;
    this.toolCalls = new ToolCalls(lease, config.valueLengthLimit);
    this.sse = new SseFramer(lease, config.maxEventBytes, eventSink);
    this.array = new JsonArrayFramer(lease, config.maxEventBytes, elementSink);
    this.wantsToolCalls = wantsToolCalls;
    eventSink.ex = this;
    elementSink.ex = this;
  }

  /** What this exchange has recorded so far (see ExchangeRecords); emptied by Engine.end. */
  get records(): ExchangeRecords {
    return this.facts.records;
  }

  get config(): PluginConfig | null {
    const c = this.compiled;
    return c == null ? null : c.config;
  }

  // ---- Host API -------------------------------------------------------------------------------

  /** Engine.end has taken this exchange back (set until it is prepared again). */
  get isReleased(): bool {
    return this.released;
  }

  /** @internal Called by Engine.begin: a fresh exchange on this route / cluster ("" → "-" as Higress). */
  prepare(routeName: string, clusterName: string): void {
    const f = this.facts;
    f.reset();
    f.routeName = metricRoute(routeName);
    f.clusterName = clusterName.length > 0 ? clusterName : "-";
    this.generation++;
    this.released = false;
    this.matchTruncated = 0;
    this.brokenValues = 0;
    this.skipped = this.compiled == null;
    f.records.skipped = this.skipped;
    this.finished = false;
    this.requestStarted = false;
    this.requestEnded = false;
    this.responseSeen = false;
    this.responseEnabled = false;
    this.mode = MODE_NONE;
    this.requestBytes = 0;
    this.responseBytes = 0;
    this.earlyLogged = false;
    this.malformed = 0;
    this.reqNames.length = 0;
    this.reqValues.length = 0;
    this.respNames.length = 0;
    this.respValues.length = 0;
    this.toolCalls.reset();
    this.sse.reset();
    this.array.reset();
  }

  /** One request header (pseudo-headers `:path`, `:method` included); names are matched case-insensitively. */
  addRequestHeader(name: string, value: string): void {
    if (this.skipped || this.requestStarted) return;
    this.reqNames.push(lower(name));
    this.reqValues.push(value);
  }

  /** The request headers are complete; the exchange starts at `nowMs`. Returns false when it is skipped. */
  requestHeaders(nowMs: f64): bool {
    if (this.skipped || this.requestStarted) return !this.skipped;
    const config = this.config;
    if (config == null) return false;
    this.requestStarted = true;
    const f = this.facts;
    f.startMs = wholeMs(nowMs);
    const path = header(this.reqNames, this.reqValues, ":path");
    if (!config.isPathEnabled(path)) {
      this.skipped = true;
      f.records.skipped = true;
      return false;
    }
    f.pathModel = geminiPathModel(path);
    this.usage.pathHint = pathHintOf(path);
    const consumer = header(this.reqNames, this.reqValues, "x-mse-consumer");
    if (consumer.length > 0) f.consumer = consumer;
    for (let i = 0; i < config.sessionHeaders.length; i++) {
      const v = header(this.reqNames, this.reqValues, config.sessionHeaders[i]);
      if (v.length > 0) {
        f.sessionId = v;
        break;
      }
    }
    this.applyFixed(config.plan.fixedValue);
    this.applyHeaders(config.plan.requestHeader, this.reqNames, this.reqValues);
    return true;
  }

  /** A piece of the request body: chunk[start, end). */
  requestBody(chunk: Uint8Array, start: i32, end: i32, _nowMs: f64): void {
    if (this.skipped || !this.requestStarted || this.requestEnded) return;
    const compiled = this.compiled;
    if (compiled == null) return;
    this.requestBytes += end - start;
    this.requestUnit(compiled).matcher.feed(chunk, start, end);
  }

  /** The request body is complete. */
  requestEnd(_nowMs: f64): void {
    if (this.skipped || !this.requestStarted || this.requestEnded) return;
    this.requestEnded = true;
    const compiled = this.compiled;
    if (compiled == null) return;
    const unit = this.requestUnit(compiled);
    const status = unit.matcher.finish();
    if (status != JSON_OK && this.requestBytes > 0) this.malformed++;
    const c = unit.captures;
    const f = compiled.requestFields;
    this.facts.requestModel = c.text(f.model);
    this.facts.chatRound = chatRoundOf(c, f);
    this.applyBody(compiled.config.plan.requestBody, c);
    this.reqUnit = null;
    this.matchTruncated += unit.truncatedValues;
    compiled.requestUnits.give(unit, false);
  }

  private requestUnit(compiled: CompiledConfig): MatchUnit {
    let u = this.reqUnit;
    if (u == null) {
      u = compiled.requestUnits.take();
      this.reqUnit = u;
    }
    return u;
  }

  private responseUnit(compiled: CompiledConfig): MatchUnit {
    let u = this.respUnit;
    if (u == null) {
      u = compiled.responseUnits.take();
      this.respUnit = u;
    }
    return u;
  }

  /** One response header (`:status`, `content-type`, …). */
  addResponseHeader(name: string, value: string): void {
    if (this.skipped || this.responseSeen) return;
    this.respNames.push(lower(name));
    this.respValues.push(value);
  }

  /** The response headers are complete. */
  responseHeaders(nowMs: f64): void {
    if (this.skipped || this.responseSeen || this.finished) return;
    const config = this.config;
    if (config == null) return;
    if (!this.requestStarted) this.requestHeaders(nowMs);
    if (this.skipped) return;
    if (!this.requestEnded) this.requestEnd(nowMs);
    this.responseSeen = true;
    const contentType = header(this.respNames, this.respValues, "content-type");
    this.responseEnabled = config.isContentTypeEnabled(contentType);
    if (!this.responseEnabled) return;
    this.facts.responseProcessed = true;
    this.mode = contentType.indexOf("text/event-stream") >= 0 ? MODE_SSE : MODE_UNDECIDED;
    this.facts.stream = this.mode == MODE_SSE;
    this.applyHeaders(config.plan.responseHeader, this.respNames, this.respValues);
  }

  /** A piece of the response body: chunk[start, end). */
  responseBody(chunk: Uint8Array, start: i32, end: i32, nowMs: f64): void {
    if (this.skipped || !this.responseEnabled || this.finished || end <= start) return;
    if (this.facts.firstBodyMs < 0) this.facts.firstBodyMs = wholeMs(nowMs);
    this.responseBytes += end - start;
    let from = start;
    if (this.mode == MODE_UNDECIDED) {
      while (from < end && isSpace(<i32>chunk[from])) from++;
      if (from == end) return;
      this.mode = chunk[from] == 0x5b ? MODE_ARRAY : MODE_JSON;
    }
    if (this.mode == MODE_SSE) this.sse.feed(chunk, from, end);
    else if (this.mode == MODE_ARRAY) this.array.feed(chunk, from, end);
    else {
      const compiled = this.compiled;
      if (compiled != null) this.responseUnit(compiled).matcher.feed(chunk, from, end);
    }
  }

  /** The response is complete: the final record is written. */
  responseEnd(nowMs: f64): void {
    if (this.skipped || this.finished) return;
    if (this.responseEnabled) {
      // An event without its terminating blank line is dropped, as Higress drops it (its framer
      // only dispatches complete events): abort(), not the framer's lenient finish().
      if (this.mode == MODE_SSE) this.sse.abort();
      else if (this.mode == MODE_ARRAY) this.array.finish();
      else if (this.mode == MODE_JSON) this.finishJsonBody();
    }
    this.finish(nowMs);
  }

  /** The exchange was cut short (client gone, upstream reset): what was seen is recorded, finally. */
  abort(nowMs: f64): void {
    if (this.skipped || this.finished) return;
    if (this.responseEnabled) {
      if (this.mode == MODE_SSE) this.sse.abort();
      else if (this.mode == MODE_ARRAY) this.array.abort();
      // A JSON body cut short still records what was seen (and counts the cut document).
      else if (this.mode == MODE_JSON) this.finishJsonBody();
    }
    this.finish(nowMs);
  }

  /** @internal Returns every arena block and any match unit, and empties the records: Engine.end does this. */
  release(): void {
    this.released = true;
    this.sse.release();
    this.array.release();
    const compiled = this.compiled;
    const req = this.reqUnit;
    if (req != null && compiled != null) compiled.requestUnits.give(req, false);
    const resp = this.respUnit;
    if (resp != null && compiled != null) compiled.responseUnits.give(resp, false);
    this.reqUnit = null;
    this.respUnit = null;
    // A pooled exchange keeps no text: a log can be value_length_limit long per attribute.
    this.facts.records.clearContents();
    this.slots.release();
    this.usage.release();
    this.toolCalls.release();
    this.lease.releaseAll();
  }

  // ---- Internals ------------------------------------------------------------------------------

  /** @internal One streamed document (an SSE event's data or a JSON-array element), from the framers. */
  streamDocument(bytes: Uint8Array, start: i32, end: i32): void {
    const compiled = this.compiled;
    if (compiled == null) return;
    // Events are read whole within this call, so one unit serves every stream in turn; it keeps
    // its arena blocks from one event to the next.
    const unit = compiled.streamUnits.take();
    const m = unit.matcher;
    const c = unit.captures;
    m.feed(bytes, start, end);
    const ok = m.finish() == JSON_OK;
    this.matchTruncated += unit.truncatedValues;
    if (ok) this.streamValues(compiled, c);
    else this.malformed++;
    compiled.streamUnits.give(unit, true);
  }

  private streamValues(compiled: CompiledConfig, c: PathCaptures): void {
    const f = compiled.streamFields;
    const hadUsage = this.usage.known;
    this.usage.read(c, f);
    if (this.wantsToolCalls) this.readToolDeltas(c, f);
    this.applyStream(compiled.config.plan.streamingBody, c);
    if (!hadUsage && this.usage.known && !this.earlyLogged && this.mode == MODE_SSE) {
      this.earlyLogged = true;
      this.writeRecord(false, this.facts.firstBodyMs);
    }
  }

  private finishJsonBody(): void {
    const compiled = this.compiled;
    if (compiled == null) return;
    const unit = this.responseUnit(compiled);
    const status = unit.matcher.finish();
    if (status != JSON_OK && this.responseBytes > 0) this.malformed++;
    this.matchTruncated += unit.truncatedValues;
    const c = unit.captures;
    const f = compiled.responseFields;
    this.usage.read(c, f);
    if (this.wantsToolCalls && c.has(f.toolUseBlocks)) {
      const arr = this.parseCapture(c.values[f.toolUseBlocks]);
      if (arr != null && arr.kind == JV_ARRAY) {
        const text = this.parsedBytes;
        for (let i = 0; i < arr.items.length; i++) this.toolCalls.addAnthropicBlock(arr.items[i], text, this.shared.canonical);
      }
    }
    this.applyBody(compiled.config.plan.responseBody, c);
    this.respUnit = null;
    compiled.responseUnits.give(unit, false);
  }

  private parsedBytes: Uint8Array = new Uint8Array(0);

  // Parses a captured (whole) value with the small tree parser; null when it is cut or not JSON.
  private parseCapture(v: ValueBuffer): JsonValue | null {
    if (!v.whole) return null;
    const p = v.pieces();
    if (p.count != 1) return null;
    this.parsedBytes = sliceBytes(p.bytes, p.starts[0], p.ends[0]);
    return this.parser.parse(this.parsedBytes);
  }

  private readToolDeltas(c: PathCaptures, f: ResponseFields): void {
    if (c.has(f.openaiToolDeltas)) {
      const d = this.parseCapture(c.values[f.openaiToolDeltas]);
      if (d != null) this.toolCalls.addOpenAiDeltas(d);
    }
    if (!c.isNumber(f.blockIndex)) return;
    const index = f64ToI32(c.number(f.blockIndex));
    if (c.isAscii(f.type, "content_block_start") && c.has(f.contentBlock)) {
      const block = this.parseCapture(c.values[f.contentBlock]);
      if (block != null) this.toolCalls.startAnthropicBlock(index, block);
    } else if (c.isAscii(f.type, "content_block_delta") && c.isAscii(f.deltaType, "input_json_delta") && c.values[f.partialJson].kind == KIND_STRING) {
      this.toolCalls.appendAnthropicFragment(index, c.values[f.partialJson]);
    }
  }

  private slotIndex(a: AttributeConfig): i32 {
    const config = this.config;
    if (config == null) return -1;
    for (let i = 0; i < config.attributes.length; i++) if (config.attributes[i] == a) return i;
    return -1;
  }

  private setText(slot: i32, s: string): void {
    const v = this.slots.values[slot];
    v.start(KIND_STRING);
    const b = utf8Encode(s);
    v.append(b, 0, b.length);
    this.slots.touch(slot);
  }

  private applyFixed(plan: SourcePlan): void {
    for (let i = 0; i < plan.attributes.length; i++) {
      const a = plan.attributes[i].attribute;
      const slot = this.slotIndex(a);
      if (slot >= 0) this.slots.markReached(slot);
      if (slot >= 0 && a.value.length > 0) this.setText(slot, a.value);
    }
  }

  private applyHeaders(plan: SourcePlan, names: Array<string>, values: Array<string>): void {
    for (let i = 0; i < plan.attributes.length; i++) {
      const pa = plan.attributes[i];
      const slot = this.slotIndex(pa.attribute);
      if (slot >= 0) this.slots.markReached(slot);
      const v = header(names, values, pa.headerName);
      if (slot >= 0 && v.length > 0) this.setText(slot, v);
    }
  }

  // JSON bodies: the first path of each attribute with a non-empty value wins.
  private applyBody(plan: SourcePlan, c: PathCaptures): void {
    for (let i = 0; i < plan.attributes.length; i++) {
      const pa = plan.attributes[i];
      const slot = this.slotIndex(pa.attribute);
      if (slot >= 0) this.slots.markReached(slot);
      if (slot < 0) continue;
      const id = firstPresent(pa, c);
      if (id >= 0) {
        this.slots.values[slot].copyFrom(c.values[pa.paths[id].id]);
        this.checkStructured(slot);
        this.slots.touch(slot);
      } else if (pa.attribute.builtin == BUILTIN_TOOL_CALLS && this.toolCalls.count > 0) {
        this.writeToolCalls(slot);
      }
    }
  }

  // One streamed event: each attribute's first path with a value, combined by its rule.
  private applyStream(plan: SourcePlan, c: PathCaptures): void {
    for (let i = 0; i < plan.attributes.length; i++) {
      const pa = plan.attributes[i];
      const slot = this.slotIndex(pa.attribute);
      if (slot >= 0) this.slots.markReached(slot);
      if (slot < 0) continue;
      const k = firstPresent(pa, c);
      if (k < 0) continue;
      const value = c.values[pa.paths[k].id];
      const rule = pa.paths[k].rule;
      const s = this.slots.values[slot];
      if (rule == RULE_FIRST) {
        if (s.kind == 0) {
          s.copyFrom(value);
          this.checkStructured(slot);
          this.slots.touch(slot);
        }
      } else if (rule == RULE_REPLACE) {
        s.copyFrom(value);
        this.checkStructured(slot);
        this.slots.touch(slot);
      } else if (rule == RULE_APPEND) {
        if (s.kind == 0) s.start(KIND_STRING);
        s.appendValue(value);
        this.slots.touch(slot);
      }
    }
  }

  // A captured object or array must be valid JSON to be logged as one: a document cut or
  // malformed inside it leaves text that is not, which is then logged as a string and counted.
  private checkStructured(slot: i32): void {
    const v = this.slots.values[slot];
    if ((v.kind != KIND_OBJECT && v.kind != KIND_ARRAY) || !v.whole) return;
    const p = v.pieces();
    if (p.count == 1 && this.shared.canonical.isValidJson(p.bytes, p.starts[0], p.ends[0])) return;
    v.broken = true;
    this.brokenValues++;
  }

  private writeToolCalls(slot: i32): void {
    const t = this.toolCalls;
    const out = this.slots.values[slot];
    out.start(KIND_ARRAY);
    out.appendAscii("[");
    const order = t.inIndexOrder();
    for (let k = 0; k < t.count; k++) {
      const i = order[k];
      if (k > 0) out.appendAscii(",");
      out.appendAscii("{\"function\":{\"arguments\":");
      appendJsonStringOf(out, t.args(i));
      out.appendAscii(",\"name\":");
      const name = utf8Encode(t.name(i));
      appendJsonString(out, name, 0, name.length);
      out.appendAscii("},\"id\":");
      const id = utf8Encode(t.id(i));
      appendJsonString(out, id, 0, id.length);
      out.appendAscii(",\"type\":");
      const type = utf8Encode(t.type(i));
      appendJsonString(out, type, 0, type.length);
      out.appendAscii("}");
    }
    out.appendAscii("]");
    this.slots.touch(slot);
  }

  // The values that come from usage or assembly, just before a record is written: an attribute
  // without a value of its own takes them, and keeps taking the latest (a stream's usage and tool
  // calls grow between its early and final records).
  private settleAttributes(): void {
    const config = this.config;
    if (config == null) return;
    const u = this.usage;
    for (let i = 0; i < config.attributes.length; i++) {
      const a = config.attributes[i];
      if (this.slots.ownsValue(i)) continue;
      const b = a.builtin;
      if (b == BUILTIN_REASONING_TOKENS && u.reasoning.set) this.setNumber(i, u.reasoning);
      else if (b == BUILTIN_CACHED_TOKENS && u.cached.set) this.setNumber(i, u.cached);
      else if (b == BUILTIN_INPUT_TOKEN_DETAILS && u.inputDetails.kind != 0) this.copySlot(i, u.inputDetails);
      else if (b == BUILTIN_OUTPUT_TOKEN_DETAILS && u.outputDetails.kind != 0) this.copySlot(i, u.outputDetails);
      else if (b == BUILTIN_INPUT_TOKEN_DETAILS) this.setObjectText(i, u.builtInputDetails());
      else if (b == BUILTIN_OUTPUT_TOKEN_DETAILS) this.setObjectText(i, u.builtOutputDetails());
      else if (b == BUILTIN_TOOL_CALLS && this.toolCalls.count > 0) this.writeToolCalls(i);
      else continue;
      this.slots.settle(i);
    }
  }

  private setNumber(slot: i32, n: TokenCount): void {
    const v = this.slots.values[slot];
    v.start(KIND_NUMBER);
    v.appendAscii(n.text());
    this.slots.touch(slot);
  }

  private copySlot(slot: i32, from: ValueBuffer): void {
    this.slots.values[slot].copyFrom(from);
    this.slots.touch(slot);
  }

  // A details object the engine built from counts ("" : none).
  private setObjectText(slot: i32, json: string): void {
    if (json.length == 0) return;
    const v = this.slots.values[slot];
    v.start(KIND_OBJECT);
    v.appendAscii(json);
    this.slots.touch(slot);
  }

  /** Writes a record: the log, separate fields, span, and (final) the counters. */
  private writeRecord(final: bool, nowMs: f64): void {
    this.settleAttributes();
    this.shared.logBuilder.build(this.facts, final, wholeMs(nowMs), this.shared.textLogs);
  }

  private finish(nowMs: f64): void {
    this.finished = true;
    const drops = this.shared.drops;
    let truncated = this.malformed;
    drops.add(DROP_MALFORMED_JSON, this.malformed);
    drops.add(DROP_OVERSIZED_EVENT, this.sse.oversizedEvents + this.array.oversizedElements);
    truncated += this.sse.oversizedEvents + this.array.oversizedElements;
    const arenaFull = this.sse.arenaFullEvents + this.array.arenaFullElements + this.matchTruncated + this.slots.lostValues;
    drops.add(DROP_ARENA_FULL, arenaFull);
    drops.add(DROP_TOO_MANY_TOOL_CALLS, this.toolCalls.dropped);
    truncated += arenaFull + this.toolCalls.dropped + this.brokenValues;
    this.facts.records.truncated = truncated;
    this.writeRecord(true, nowMs);
  }

  get isFinished(): bool {
    return this.finished;
  }

  get isSkipped(): bool {
    return this.skipped;
  }
}

// Index in pa.paths of the first path with a non-empty value, or -1.
function firstPresent(pa: PlannedAttribute, c: PathCaptures): i32 {
  for (let k = 0; k < pa.paths.length; k++) if (c.has(pa.paths[k].id)) return k;
  return -1;
}

// What the request path tells about the API whose usage the response carries.
function pathHintOf(path: string): i32 {
  const p = pathWithoutQuery(path);
  if (p.endsWith("/messages")) return PATH_ANTHROPIC;
  if (p.endsWith("/responses")) return PATH_RESPONSES;
  return PATH_OTHER;
}
