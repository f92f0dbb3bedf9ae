import { ArenaLease } from "../arena/arena-lease";
import { KIND_STRING } from "../json/json-kinds";
import { PathCaptures, valueText } from "./path-captures";
import { ResponseFields } from "./response-fields";
import { ValueBuffer } from "./value-buffer";

// Token usage as the documents of one response report it, for every provider (Higress
// tokenusage.go): each document that carries usage replaces the counts it carries (Anthropic's
// message_delta is cumulative: it replaces, never adds); a missing total is recomputed as input +
// output (+ Anthropic's cache tokens, which stay out of input and go to input_token_details).

const UNSET: f64 = -1;
/** Details objects are small; longer ones are cut (and then logged as a string). */
const DETAILS_LIMIT: i32 = 4096;
/** Model names are short; a longer one is cut. */
const MODEL_LIMIT: i32 = 256;

export class UsageState {
  input: f64 = UNSET;
  output: f64 = UNSET;
  total: f64 = UNSET;
  cacheCreation: f64 = UNSET;
  cacheRead: f64 = UNSET;
  cached: f64 = UNSET;
  reasoning: f64 = UNSET;
  /** The total came with the usage (else it is computed). */
  explicitTotal: bool = false;
  /** Anthropic usage: details are built from the cache token counts. */
  anthropic: bool = false;
  /** The response's model as its bytes (kind 0 until a document names one): read per event, decoded only for a record. */
  readonly modelBytes: ValueBuffer;
  chatId: string = "";
  readonly inputDetails: ValueBuffer;
  readonly outputDetails: ValueBuffer;

  constructor(lease: ArenaLease) {
    this.modelBytes = new ValueBuffer(lease, MODEL_LIMIT);
    this.inputDetails = new ValueBuffer(lease, DETAILS_LIMIT);
    this.outputDetails = new ValueBuffer(lease, DETAILS_LIMIT);
  }

  /** Input or output tokens are known. */
  get known(): bool {
    return this.input >= 0 || this.output >= 0;
  }

  reset(): void {
    this.input = UNSET;
    this.output = UNSET;
    this.total = UNSET;
    this.cacheCreation = UNSET;
    this.cacheRead = UNSET;
    this.cached = UNSET;
    this.reasoning = UNSET;
    this.explicitTotal = false;
    this.anthropic = false;
    this.modelBytes.kind = 0;
    this.modelBytes.total = 0;
    this.chatId = "";
    this.inputDetails.kind = 0;
    this.outputDetails.kind = 0;
  }

  release(): void {
    this.modelBytes.release();
    this.inputDetails.release();
    this.outputDetails.release();
  }

  /** Reads what one document says; returns true when it carried usage. */
  read(c: PathCaptures, f: ResponseFields): bool {
    const model = firstString(c, f.model, f.messageModel, f.responseModel, f.modelVersion);
    if (model >= 0) this.modelBytes.copyFrom(c.values[model]);
    if (this.chatId.length == 0) this.chatId = firstText(c, f.id, f.responseId, f.geminiResponseId, f.messageId);

    if (c.isNumber(f.promptTokens) || c.isNumber(f.completionTokens)) {
      this.readCounts(c, f.promptTokens, f.completionTokens, f.totalTokens);
      this.readDetails(c, f.promptDetails, f.completionDetails, f.promptCached, f.completionReasoning);
      return true;
    }
    if (c.isNumber(f.respInputTokens) || c.isNumber(f.respOutputTokens)) {
      this.readCounts(c, f.respInputTokens, f.respOutputTokens, f.respTotalTokens);
      this.readDetails(c, f.respInputDetails, f.respOutputDetails, f.respInputCached, f.respOutputReasoning);
      return true;
    }
    if (c.isNumber(f.msgInputTokens) || c.isNumber(f.msgOutputTokens)) {
      this.readAnthropic(c, f.msgInputTokens, f.msgOutputTokens, f.msgCacheCreation, f.msgCacheRead);
      return true;
    }
    if (c.isNumber(f.inputTokens) || c.isNumber(f.outputTokens)) {
      if (c.isNumber(f.totalTokens) || c.has(f.inputDetails) || c.has(f.outputDetails)) {
        // OpenAI Responses (JSON body).
        this.readCounts(c, f.inputTokens, f.outputTokens, f.totalTokens);
        this.readDetails(c, f.inputDetails, f.outputDetails, f.inputCached, f.outputReasoning);
      } else {
        this.readAnthropic(c, f.inputTokens, f.outputTokens, f.cacheCreation, f.cacheRead);
      }
      return true;
    }
    if (c.isNumber(f.geminiPrompt) || c.isNumber(f.geminiCandidates)) {
      this.readCounts(c, f.geminiPrompt, f.geminiCandidates, f.geminiTotal);
      if (c.isNumber(f.geminiThoughts)) this.reasoning = c.number(f.geminiThoughts);
      if (c.isNumber(f.geminiCached)) this.cached = c.number(f.geminiCached);
      return true;
    }
    return false;
  }

  /** The response's model ("" when no document named one). */
  get model(): string {
    return this.modelBytes.kind == KIND_STRING ? valueText(this.modelBytes) : "";
  }

  private readCounts(c: PathCaptures, input: i32, output: i32, total: i32): void {
    this.anthropic = false;
    if (c.isNumber(input)) this.input = c.number(input);
    if (c.isNumber(output)) this.output = c.number(output);
    this.explicitTotal = c.isNumber(total);
    this.total = this.explicitTotal ? c.number(total) : this.sum();
  }

  private readDetails(c: PathCaptures, inputDetails: i32, outputDetails: i32, cached: i32, reasoning: i32): void {
    if (c.has(inputDetails)) this.inputDetails.copyFrom(c.values[inputDetails]);
    if (c.has(outputDetails)) this.outputDetails.copyFrom(c.values[outputDetails]);
    if (c.isNumber(cached)) this.cached = c.number(cached);
    if (c.isNumber(reasoning)) this.reasoning = c.number(reasoning);
  }

  private readAnthropic(c: PathCaptures, input: i32, output: i32, cacheCreation: i32, cacheRead: i32): void {
    this.anthropic = true;
    if (c.isNumber(input)) this.input = c.number(input);
    if (c.isNumber(output)) this.output = c.number(output);
    if (c.isNumber(cacheCreation)) this.cacheCreation = c.number(cacheCreation);
    if (c.isNumber(cacheRead)) {
      this.cacheRead = c.number(cacheRead);
      this.cached = this.cacheRead;
    }
    this.explicitTotal = false;
    this.total = this.sum() + (this.cacheCreation > 0 ? this.cacheCreation : 0) + (this.cacheRead > 0 ? this.cacheRead : 0);
  }

  private sum(): f64 {
    return (this.input > 0 ? this.input : 0) + (this.output > 0 ? this.output : 0);
  }
}

// The first of up to four string fields that is present and non-empty ("" when none).
function firstText(c: PathCaptures, a: i32, b: i32, d: i32, e: i32): string {
  if (c.has(a)) return c.text(a);
  if (c.has(b)) return c.text(b);
  if (c.has(d)) return c.text(d);
  if (c.has(e)) return c.text(e);
  return "";
}

// The id of the first of four fields that is a non-empty string, or -1.
function firstString(c: PathCaptures, a: i32, b: i32, d: i32, e: i32): i32 {
  if (c.has(a) && c.values[a].kind == KIND_STRING) return a;
  if (c.has(b) && c.values[b].kind == KIND_STRING) return b;
  if (c.has(d) && c.values[d].kind == KIND_STRING) return d;
  if (c.has(e) && c.values[e].kind == KIND_STRING) return e;
  return -1;
}

export function anthropicDetailsText(u: UsageState): string {
  let s = "{";
  if (u.cacheCreation >= 0) s += "\"cache_creation_input_tokens\":" + numberAscii(u.cacheCreation);
  if (u.cacheRead >= 0) s += (s.length > 1 ? "," : "") + "\"cache_read_input_tokens\":" + numberAscii(u.cacheRead);
  return s + "}";
}

export function numberAscii(x: f64): string {
  if (x == x - (x % 1) && x > -2147483648 && x < 2147483648) return (<i32>x).toString();
  return x.toString();
}
