import { KIND_ARRAY, KIND_NUMBER, KIND_OBJECT, KIND_STRING } from "../json/json-kinds";
import { utf8Encode } from "../json/json-utf8";
import { JsonCanonicalizer } from "../record/json-canonical";
import { JsonWriter, numberText, sequenceLength } from "../record/json-writer";
import { ExchangeRecords } from "../record/exchange-records";
import { ExchangeFacts } from "./exchange-facts";
import { utf8Text } from "./path-captures";
import { sha256Hex } from "./sha256";
import { TokenCount } from "./token-count";
import { TRUNCATED_MARK, ValueBuffer } from "./value-buffer";

/** Model names in counter names (metric labels) are cut to this many UTF-8 bytes. */
export const METRIC_MODEL_BYTES: i32 = 256;

// Turns an exchange's state into its records: the ai_log JSON (keys sorted as Go's json.Marshal
// sorts a map, which is how Higress writes it), the separate log fields, the span attributes and,
// in the final record, the Higress counters.

export class LogBuilder {
  private readonly keys: Array<string> = new Array<string>(0);
  private readonly texts: Array<string> = new Array<string>(0);
  // Per key: the attribute slot whose value is written straight into the log (texts[i] unused), or
  // -1. A value can be value_length_limit long; not making a string of it first halves the garbage
  // a log leaves (the wasm build's minimal runtime only collects between host callbacks).
  private readonly slotOf: Array<i32> = new Array<i32>(0);
  private readonly w: JsonWriter = new JsonWriter();
  private readonly canonical: JsonCanonicalizer;
  // The counts a record reports (usage, or what attributes override it with).
  private readonly input: TokenCount = new TokenCount();
  private readonly output: TokenCount = new TokenCount();
  private readonly total: TokenCount = new TokenCount();

  constructor(canonical: JsonCanonicalizer) {
    this.canonical = canonical;
  }

  /** Writes the record of `ex` (as of `nowMs`, whole milliseconds) into ex.records. */
  build(ex: ExchangeFacts, final: bool, nowMs: f64, textLogs: bool): void {
    const r = ex.records;
    const config = ex.config;
    r.clearContents();
    if (config == null) return;
    this.keys.length = 0;
    this.texts.length = 0;
    this.slotOf.length = 0;
    const u = ex.usage;
    const usageOn = !config.disableOpenaiUsage;

    // Usage, possibly overridden by attributes named model / input_token / output_token / total_token.
    let model = ex.model;
    const input = this.input;
    const output = this.output;
    const total = this.total;
    input.copy(u.input);
    output.copy(u.output);
    total.copy(u.total);
    for (let i = 0; i < config.attributes.length; i++) {
      const a = config.attributes[i];
      const s = ex.attributes.values[i];
      if (!a.feedsUsage || s.kind == 0) continue;
      if (a.key == "model") model = this.valueText(s);
      else if (isCount(s)) {
        if (a.key == "input_token") input.readFrom(s);
        else if (a.key == "output_token") output.readFrom(s);
        else total.readFrom(s);
      }
    }
    const known = input.set || output.set;
    if (known && !total.set) {
      total.add(input);
      total.add(output);
    }

    if (usageOn) {
      if (model.length > 0) this.putString("model", model);
      if (known) {
        this.put("input_token", input.text());
        this.put("output_token", output.text());
        this.put("total_token", total.text());
      }
      if (u.inputDetails.kind != 0) this.put("input_token_details", this.valueJson(u.inputDetails));
      else if (u.builtInputDetails().length > 0) this.put("input_token_details", u.builtInputDetails());
      if (u.outputDetails.kind != 0) this.put("output_token_details", this.valueJson(u.outputDetails));
      else if (u.builtOutputDetails().length > 0) this.put("output_token_details", u.builtOutputDetails());
      if (known && model.length > 0) {
        const price = config.priceOf(model);
        if (price != null) {
          const micro: f64 = (input.value > 0 ? input.value : 0) * price.input + (output.value > 0 ? output.value : 0) * price.output;
          // eslint-disable-next-line no-restricted-syntax -- f64 / f64: float division in both builds
          this.putNumber("cost", micro / 1000000.0);
        }
      }
    }
    const processed = ex.responseProcessed;
    const stream = ex.stream;
    if (processed) this.putString("response_type", stream ? "stream" : "normal");
    const firstToken = stream && ex.firstBodyMs >= 0 ? ex.firstBodyMs - ex.startMs : -1;
    if (firstToken >= 0) this.putNumber("llm_first_token_duration", firstToken);
    const service = final && processed ? nowMs - ex.startMs : -1;
    if (service >= 0) this.putNumber("llm_service_duration", service);
    if (u.chatId.length > 0) this.putString("chat_id", u.chatId);
    if (ex.chatRound >= 0) this.putNumber("chat_round", ex.chatRound);
    if (ex.sessionId.length > 0) this.putString("session_id", ex.sessionId);
    if (r.truncated > 0) this.putNumber("aistats_truncated", r.truncated);

    // Span: Higress's keys first, then attributes.
    addSpan(r, "gen_ai.span.kind", "LLM");
    const requestModel = ex.requestModel.length > 0 ? ex.requestModel : ex.pathModel;
    if (requestModel.length > 0) addSpan(r, "gen_ai.request.model", requestModel);
    if (usageOn && model.length > 0) addSpan(r, "gen_ai.model_name", model);
    if (usageOn && known) {
      addSpan(r, "gen_ai.usage.input_tokens", input.text());
      addSpan(r, "gen_ai.usage.output_tokens", output.text());
      addSpan(r, "gen_ai.usage.total_tokens", total.text());
    }

    // Attributes (a key set by several attributes keeps the most recently set value).
    for (let i = 0; i < config.attributes.length; i++) {
      const a = config.attributes[i];
      const s = ex.attributes.values[i];
      if (!ex.attributes.countsFor(config, i)) continue;
      let json: string;
      let text: string;
      if (s.kind != 0) {
        if (a.redacted) {
          text = redactedOf(utf8Encode(this.valueText(s)));
          json = quote(this.w, text);
        } else {
          // The decoded text only when a separate field or a span wants it: a value can be
          // value_length_limit long, and the common case (ai_log only) needs just its JSON.
          json = "";
          text = a.asSeparateLogField || a.applyToSpan ? this.valueText(s) : "";
        }
      } else if (a.defaultValue.length > 0 && ex.attributes.reached(i)) {
        text = a.redacted ? redactedOfString(a.defaultValue) : a.defaultValue;
        json = quote(this.w, text);
      } else {
        continue;
      }
      if (a.asSeparateLogField) {
        const quoted = quote(this.w, text);
        r.logFieldKeys.push(a.key);
        r.logFieldValues.push(quoted.substring(1, quoted.length - 1));
      } else if (a.applyToLog) {
        if (s.kind != 0 && !a.redacted) this.putSlot(a.key, i);
        else this.put(a.key, json);
      }
      if (a.applyToSpan) addSpan(r, a.spanKey, text);
    }

    this.writeLog(ex);
    if (textLogs) {
      r.log = this.w.finish();
    } else {
      r.logLength = this.w.finishBytes();
      r.logBytes = this.w.buffer;
    }
    r.sequence++;
    r.final = final;
    if (final && usageOn && known && model.length > 0) {
      const label = metricModel(model);
      r.counterRoute = ex.routeName;
      r.counterCluster = ex.clusterName;
      r.counterModel = label;
      r.counterConsumer = ex.consumer;
      const prefix = "route." + ex.routeName + ".upstream." + ex.clusterName + ".model." + label + ".consumer." + ex.consumer + ".metric.";
      addCounter(r, prefix, "input_token", input.value);
      addCounter(r, prefix, "output_token", output.value);
      addCounter(r, prefix, "total_token", total.value);
      if (firstToken > 0) {
        addCounter(r, prefix, "llm_first_token_duration", firstToken);
        addCounter(r, prefix, "llm_stream_duration_count", 1);
      }
      if (service > 0) {
        addCounter(r, prefix, "llm_service_duration", service);
        addCounter(r, prefix, "llm_duration_count", 1);
      }
    }
  }

  private put(key: string, json: string): void {
    this.putEntry(key, json, -1);
  }

  private putSlot(key: string, slot: i32): void {
    this.putEntry(key, "", slot);
  }

  private putEntry(key: string, json: string, slot: i32): void {
    for (let i = 0; i < this.keys.length; i++) {
      if (this.keys[i] == key) {
        this.texts[i] = json;
        this.slotOf[i] = slot;
        return;
      }
    }
    this.keys.push(key);
    this.texts.push(json);
    this.slotOf.push(slot);
  }

  private putString(key: string, s: string): void {
    this.put(key, quote(this.w, s));
  }

  private putNumber(key: string, x: f64): void {
    this.put(key, numberText(x));
  }

  // A value as typed JSON: strings quoted, objects and arrays in canonical form; a value cut by
  // the limit, or an object or array that is not valid JSON, is a string of what was kept.
  private valueJson(v: ValueBuffer): string {
    this.writeValue(v);
    return this.w.finish();
  }

  private writeValue(v: ValueBuffer): void {
    const w = this.w;
    const p = v.pieces();
    if (isStructured(v) && p.count == 1) {
      this.canonical.write(w, p.bytes, p.starts[0], p.ends[0]);
      return;
    }
    const asString = v.kind == KIND_STRING || !v.whole || v.broken || p.count == 0;
    if (asString) w.text("\"");
    for (let k = 0; k < p.count; k++) {
      if (k == p.mark) w.text(TRUNCATED_MARK);
      // Numbers and literals are ASCII JSON text: escaping changes nothing.
      w.escapedBytes(p.bytes, p.starts[k], p.ends[k]);
    }
    if (p.mark == p.count) w.text(TRUNCATED_MARK);
    if (asString) w.text("\"");
  }

  /**
   * The value as text for a span, a separate log field or a model name: strings decoded, objects
   * and arrays in canonical form, numbers and literals as their JSON text, cut values with the mark.
   */
  private valueText(v: ValueBuffer): string {
    if (!isStructured(v)) return valueString(v);
    const p = v.pieces();
    if (p.count != 1) return valueString(v);
    this.canonical.write(this.w, p.bytes, p.starts[0], p.ends[0]);
    return this.w.finish();
  }

  private writeLog(ex: ExchangeFacts): void {
    // Insertion sort: a log has a few dozen keys at most.
    const keys = this.keys;
    const texts = this.texts;
    const slots = this.slotOf;
    for (let i = 1; i < keys.length; i++) {
      const k = keys[i];
      const t = texts[i];
      const sl = slots[i];
      let j = i - 1;
      while (j >= 0 && keys[j] > k) {
        keys[j + 1] = keys[j];
        texts[j + 1] = texts[j];
        slots[j + 1] = slots[j];
        j--;
      }
      keys[j + 1] = k;
      texts[j + 1] = t;
      slots[j + 1] = sl;
    }
    const w = this.w;
    w.text("{");
    for (let i = 0; i < keys.length; i++) {
      if (i > 0) w.text(",");
      w.stringLiteral(keys[i]);
      w.text(":");
      if (slots[i] >= 0) this.writeValue(ex.attributes.values[slots[i]]);
      else w.text(texts[i]);
    }
    w.text("}");
  }
}

function quote(w: JsonWriter, s: string): string {
  w.stringLiteral(s);
  return w.finish();
}

function addSpan(r: ExchangeRecords, key: string, value: string): void {
  for (let i = 0; i < r.spanKeys.length; i++) {
    if (r.spanKeys[i] == key) {
      r.spanValues[i] = value;
      return;
    }
  }
  r.spanKeys.push(key);
  r.spanValues.push(value);
}

function addCounter(r: ExchangeRecords, prefix: string, metric: string, x: f64): void {
  if (!(x > 0)) return;
  r.counterNames.push(prefix + metric);
  r.counterMetrics.push(metric);
  r.counterValues.push(x);
}

/** The value as text (strings decoded; other kinds their JSON text; cut values with the mark). */
export function valueString(v: ValueBuffer): string {
  const p = v.pieces();
  const parts = new Array<string>(0);
  for (let k = 0; k < p.count; k++) {
    if (k == p.mark) parts.push(TRUNCATED_MARK);
    parts.push(utf8Text(p.bytes, p.starts[k], p.ends[k]));
  }
  if (p.mark == p.count) parts.push(TRUNCATED_MARK);
  return parts.join("");
}

// An object or array kept whole and valid: written in canonical form.
function isStructured(v: ValueBuffer): bool {
  return (v.kind == KIND_OBJECT || v.kind == KIND_ARRAY) && v.whole && !v.broken;
}

// A value an attribute overriding a count may give: a number, or a string that is an integer
// (a string such as "abc" or "7.9" leaves the usage's count alone).
function isCount(v: ValueBuffer): bool {
  if (v.kind == KIND_NUMBER) return true;
  if (v.kind != KIND_STRING || !v.whole) return false;
  const p = v.pieces();
  if (p.count != 1) return false;
  let i = p.starts[0];
  const e = p.ends[0];
  if (i < e && p.bytes[i] == 0x2d) i++;
  if (i == e) return false;
  for (; i < e; i++) if (p.bytes[i] < 0x30 || p.bytes[i] > 0x39) return false;
  return true;
}

// The model as a metric label: at most METRIC_MODEL_BYTES of UTF-8, cut at a character boundary.
function metricModel(model: string): string {
  if (model.length * 3 <= METRIC_MODEL_BYTES) return model;
  const b = utf8Encode(model);
  if (b.length <= METRIC_MODEL_BYTES) return model;
  let end = 0;
  while (end < b.length) {
    const n = sequenceLength(b, end, b.length);
    const step = n > 0 ? n : 1;
    if (end + step > METRIC_MODEL_BYTES) break;
    end += step;
  }
  return utf8Text(b, 0, end);
}

function redactedOfString(s: string): string {
  return redactedOf(utf8Encode(s));
}

/** `[redacted <n> bytes sha256:<16 hex>]` (the cases' proposed format). */
function redactedOf(b: Uint8Array): string {
  return "[redacted " + b.length.toString() + " bytes sha256:" + sha256Hex(b, 0, b.length).substring(0, 16) + "]";
}
