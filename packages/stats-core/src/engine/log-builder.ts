import { PluginConfig } from "../config/plugin-config";
import { jsonNumberValue } from "../config/json-number";
import { KIND_NUMBER, KIND_STRING } from "../json/json-kinds";
import { utf8Encode } from "../json/json-utf8";
import { JsonWriter, numberText } from "../record/json-writer";
import { ExchangeRecords } from "../record/exchange-records";
import { Exchange, MODE_SSE } from "./exchange";
import { anthropicDetailsText } from "./usage-state";
import { utf8Text } from "./path-captures";
import { sha256Hex } from "./sha256";
import { TRUNCATED_MARK, ValueBuffer } from "./value-buffer";

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

  build(ex: Exchange, final: bool, nowMs: f64): void {
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
    let input = u.input;
    let output = u.output;
    let total = u.total;
    for (let i = 0; i < config.attributes.length; i++) {
      const a = config.attributes[i];
      const s = ex.slots[i];
      if (!a.feedsUsage || s.kind == 0) continue;
      if (a.key == "model") model = valueString(s);
      else if (s.kind == KIND_NUMBER || s.kind == KIND_STRING) {
        const x = valueNumber(s);
        if (x >= 0) {
          if (a.key == "input_token") input = x;
          else if (a.key == "output_token") output = x;
          else total = x;
        }
      }
    }
    const known = input >= 0 || output >= 0;
    if (known && total < 0) total = (input > 0 ? input : 0) + (output > 0 ? output : 0);

    if (usageOn) {
      if (model.length > 0) this.putString("model", model);
      if (known) {
        this.putNumber("input_token", input >= 0 ? input : 0);
        this.putNumber("output_token", output >= 0 ? output : 0);
        this.putNumber("total_token", total);
      }
      if (u.inputDetails.kind != 0) this.put("input_token_details", this.valueJson(u.inputDetails));
      else if (u.anthropic && (u.cacheCreation >= 0 || u.cacheRead >= 0)) this.put("input_token_details", anthropicDetailsText(u));
      if (u.outputDetails.kind != 0) this.put("output_token_details", this.valueJson(u.outputDetails));
      if (known && model.length > 0) {
        const price = config.priceOf(model);
        if (price != null) {
          const micro: f64 = (input > 0 ? input : 0) * price.input + (output > 0 ? output : 0) * price.output;
          // eslint-disable-next-line no-restricted-syntax -- f64 / f64: float division in both builds
          this.putNumber("cost", micro / 1000000.0);
        }
      }
    }
    const processed = ex.responseProcessed;
    const stream = ex.mode == MODE_SSE;
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
      addSpan(r, "gen_ai.usage.input_tokens", numberText(input >= 0 ? input : 0));
      addSpan(r, "gen_ai.usage.output_tokens", numberText(output >= 0 ? output : 0));
      addSpan(r, "gen_ai.usage.total_tokens", numberText(total));
    }

    // Attributes (a key set by several attributes keeps the most recently set value).
    for (let i = 0; i < config.attributes.length; i++) {
      const a = config.attributes[i];
      const s = ex.slots[i];
      if (!latestFor(config, ex, i)) continue;
      let json: string;
      let text: string;
      if (s.kind != 0) {
        if (a.redacted) {
          text = redactedText(s);
          json = quote(this.w, text);
        } else {
          // The decoded text only when a separate field or a span wants it: a value can be
          // value_length_limit long, and the common case (ai_log only) needs just its JSON.
          json = "";
          text = a.asSeparateLogField || a.applyToSpan ? valueString(s) : "";
        }
      } else if (a.defaultValue.length > 0 && ex.slotReached[i] != 0) {
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
    if (ex.engine.textLogs) {
      r.log = this.w.finish();
    } else {
      r.logLength = this.w.finishBytes();
      r.logBytes = this.w.buffer;
    }
    r.sequence++;
    r.final = final;
    if (final && usageOn && known && model.length > 0) {
      const prefix = "route." + ex.routeName + ".upstream." + ex.clusterName + ".model." + model + ".consumer." + ex.consumer + ".metric.";
      addCounter(r, prefix + "input_token", input);
      addCounter(r, prefix + "output_token", output);
      addCounter(r, prefix + "total_token", total);
      if (firstToken > 0) {
        addCounter(r, prefix + "llm_first_token_duration", firstToken);
        addCounter(r, prefix + "llm_stream_duration_count", 1);
      }
      if (service > 0) {
        addCounter(r, prefix + "llm_service_duration", service);
        addCounter(r, prefix + "llm_duration_count", 1);
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

  // A value as typed JSON: strings quoted, other kinds raw; a value cut by the limit is a string.
  private valueJson(v: ValueBuffer): string {
    this.writeValue(v);
    return this.w.finish();
  }

  private writeValue(v: ValueBuffer): void {
    const w = this.w;
    const p = v.pieces();
    const asString = v.kind == KIND_STRING || !v.whole;
    if (asString) w.text("\"");
    for (let k = 0; k < p.count; k++) {
      if (k == p.mark) w.text(TRUNCATED_MARK);
      if (asString) w.escapedBytes(p.bytes, p.starts[k], p.ends[k]);
      else w.rawJson(p.bytes, p.starts[k], p.ends[k]);
    }
    if (p.mark == p.count) w.text(TRUNCATED_MARK);
    if (asString) w.text("\"");
  }

  private writeLog(ex: Exchange): void {
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
      if (slots[i] >= 0) this.writeValue(ex.slots[slots[i]]);
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

function addCounter(r: ExchangeRecords, name: string, x: f64): void {
  if (!(x > 0)) return;
  r.counterNames.push(name);
  r.counterValues.push(x);
}

// Whether attribute i is the one whose value counts for its key (the latest set, else the last
// configured among unset ones).
function latestFor(config: PluginConfig, ex: Exchange, i: i32): bool {
  const key = config.attributes[i].key;
  let best = -1;
  let bestOrder = -1;
  for (let k = 0; k < config.attributes.length; k++) {
    if (config.attributes[k].key != key) continue;
    const order = ex.slots[k].kind != 0 ? ex.slotOrder[k] : 0;
    if (order >= bestOrder) {
      best = k;
      bestOrder = order;
    }
  }
  return best == i;
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

function valueNumber(v: ValueBuffer): f64 {
  if (!v.whole) return -1;
  const p = v.pieces();
  if (p.count != 1) return -1;
  const s = p.starts[0];
  const e = p.ends[0];
  for (let i = s; i < e; i++) {
    const c = <i32>p.bytes[i];
    if (!((c >= 0x30 && c <= 0x39) || c == 0x2e || c == 0x2d || c == 0x2b || c == 0x65 || c == 0x45)) return -1;
  }
  return jsonNumberValue(p.bytes, s, e);
}

function valueBytes(v: ValueBuffer): Uint8Array {
  const text = valueString(v);
  return utf8Encode(text);
}

function redactedText(v: ValueBuffer): string {
  return redactedOf(valueBytes(v));
}

function redactedOfString(s: string): string {
  return redactedOf(utf8Encode(s));
}

/** `[redacted <n> bytes sha256:<16 hex>]` (the cases' proposed format). */
function redactedOf(b: Uint8Array): string {
  return "[redacted " + b.length.toString() + " bytes sha256:" + sha256Hex(b, 0, b.length).substring(0, 16) + "]";
}
