import { ArenaLease } from "../arena/arena-lease";
import { KIND_ARRAY, KIND_OBJECT, KIND_STRING } from "../json/json-kinds";
import { JsonCanonicalizer } from "../record/json-canonical";
import { PathCaptures, valueText } from "./path-captures";
import { ResponseFields } from "./response-fields";
import { TokenCount } from "./token-count";
import { ValueBuffer } from "./value-buffer";

// Token usage as the documents of one response report it, for every provider (Higress
// tokenusage.go): each document that carries usage replaces the counts it carries (Anthropic's
// message_delta is cumulative: it replaces, never adds); a missing total is recomputed as input +
// output (+ Anthropic's cache tokens, which stay out of input and go to input_token_details).
//
// Which provider's usage a document holds is decided by what identifies the document, not by an
// optional field two formats share (Anthropic's message_delta carries `output_tokens_details` just
// as a Responses body does): the fields only one format has, then the document's `type` or
// `object`, then the request path, and only then which optional fields appear.

export const USAGE_NONE: i32 = 0;
export const USAGE_OPENAI: i32 = 1;
export const USAGE_RESPONSES: i32 = 2;
export const USAGE_ANTHROPIC: i32 = 3;
export const USAGE_GEMINI: i32 = 4;

/** What the request path says about the API (set by the exchange before any response document). */
export const PATH_OTHER: i32 = 0;
export const PATH_ANTHROPIC: i32 = 1;
export const PATH_RESPONSES: i32 = 2;

/** Details objects are small; longer ones are cut (and then logged as a string). */
const DETAILS_LIMIT: i32 = 4096;

export class UsageState {
  readonly input: TokenCount = new TokenCount();
  readonly output: TokenCount = new TokenCount();
  readonly total: TokenCount = new TokenCount();
  readonly cacheCreation: TokenCount = new TokenCount();
  readonly cacheRead: TokenCount = new TokenCount();
  readonly cached: TokenCount = new TokenCount();
  readonly reasoning: TokenCount = new TokenCount();
  readonly toolUsePrompt: TokenCount = new TokenCount();
  /** USAGE_* of the last document that carried usage. */
  format: i32 = USAGE_NONE;
  /** PATH_* of the request. */
  pathHint: i32 = PATH_OTHER;
  /** The response's model as its bytes (kind 0 until a document names one): read per event, decoded only for a record. */
  readonly modelBytes: ValueBuffer;
  chatId: string = "";
  /** Details objects as the provider sent them (OpenAI, Responses, Anthropic's output details). */
  readonly inputDetails: ValueBuffer;
  readonly outputDetails: ValueBuffer;
  private readonly canonical: JsonCanonicalizer;

  /** `modelLimit` bounds the model as any logged value is bounded (value_length_limit). */
  constructor(lease: ArenaLease, modelLimit: i32, canonical: JsonCanonicalizer) {
    this.modelBytes = new ValueBuffer(lease, modelLimit);
    this.inputDetails = new ValueBuffer(lease, DETAILS_LIMIT);
    this.outputDetails = new ValueBuffer(lease, DETAILS_LIMIT);
    this.canonical = canonical;
  }

  /** Input or output tokens are known. */
  get known(): bool {
    return this.input.set || this.output.set;
  }

  reset(): void {
    this.input.reset();
    this.output.reset();
    this.total.reset();
    this.cacheCreation.reset();
    this.cacheRead.reset();
    this.cached.reset();
    this.reasoning.reset();
    this.toolUsePrompt.reset();
    this.format = USAGE_NONE;
    this.pathHint = PATH_OTHER;
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

    if (c.exists(f.promptTokens) || c.exists(f.completionTokens)) {
      this.format = USAGE_OPENAI;
      this.readCounts(c, f.promptTokens, f.completionTokens, f.totalTokens);
      this.readDetails(c, f.promptDetails, f.completionDetails, f.promptCached, f.completionReasoning);
      return true;
    }
    if (c.exists(f.respInputTokens) || c.exists(f.respOutputTokens)) {
      this.format = USAGE_RESPONSES;
      this.readCounts(c, f.respInputTokens, f.respOutputTokens, f.respTotalTokens);
      this.readDetails(c, f.respInputDetails, f.respOutputDetails, f.respInputCached, f.respOutputReasoning);
      return true;
    }
    if (c.exists(f.msgInputTokens) || c.exists(f.msgOutputTokens)) {
      this.readAnthropic(c, f.msgInputTokens, f.msgOutputTokens, f.msgCacheCreation, f.msgCacheRead, -1);
      return true;
    }
    if (c.exists(f.inputTokens) || c.exists(f.outputTokens)) {
      if (this.isAnthropic(c, f)) {
        this.readAnthropic(c, f.inputTokens, f.outputTokens, f.cacheCreation, f.cacheRead, f.outputDetails);
      } else {
        // OpenAI Responses (a JSON body), and the other APIs with usage.input_tokens (images, audio).
        this.format = USAGE_RESPONSES;
        this.readCounts(c, f.inputTokens, f.outputTokens, f.totalTokens);
        this.readDetails(c, f.inputDetails, f.outputDetails, f.inputCached, f.outputReasoning);
      }
      return true;
    }
    if (c.exists(f.geminiPrompt) || c.exists(f.geminiCandidates)) {
      this.format = USAGE_GEMINI;
      this.readCounts(c, f.geminiPrompt, f.geminiCandidates, f.geminiTotal);
      if (c.exists(f.geminiThoughts)) this.reasoning.readFrom(c.values[f.geminiThoughts]);
      if (c.exists(f.geminiCached)) this.cached.readFrom(c.values[f.geminiCached]);
      if (c.exists(f.geminiToolUse)) this.toolUsePrompt.readFrom(c.values[f.geminiToolUse]);
      return true;
    }
    return false;
  }

  /** The response's model ("" when no document named one). */
  get model(): string {
    return this.modelBytes.kind == KIND_STRING ? valueText(this.modelBytes) : "";
  }

  /**
   * input_token_details / output_token_details that the engine builds from counts, as Higress's
   * tokenusage.go builds them (Anthropic's cache tokens, Gemini's usageMetadata counts), keys in
   * sorted order; "" when the format has none.
   */
  builtInputDetails(): string {
    if (this.format == USAGE_ANTHROPIC) return detailsText("cache_creation_input_tokens", this.cacheCreation, "cache_read_input_tokens", this.cacheRead);
    if (this.format == USAGE_GEMINI) return detailsText("cached_content_token_count", this.cached, "tool_use_prompt_token_count", this.toolUsePrompt);
    return "";
  }

  builtOutputDetails(): string {
    if (this.format == USAGE_GEMINI) return detailsText("thoughts_token_count", this.reasoning, "", this.toolUsePrompt);
    return "";
  }

  // A document with usage.input_tokens / output_tokens: Anthropic's, or a Responses body?
  private isAnthropic(c: PathCaptures, f: ResponseFields): bool {
    if (c.isAscii(f.type, "message") || c.isAscii(f.type, "message_delta") || c.isAscii(f.type, "message_start")) return true;
    if (c.isAscii(f.object, "response")) return false;
    if (this.pathHint == PATH_ANTHROPIC) return true;
    if (this.pathHint == PATH_RESPONSES) return false;
    if (c.exists(f.cacheCreation) || c.exists(f.cacheRead)) return true;
    return !(c.exists(f.totalTokens) || c.has(f.inputDetails) || c.has(f.outputDetails));
  }

  private readCounts(c: PathCaptures, input: i32, output: i32, total: i32): void {
    if (c.exists(input)) this.input.readFrom(c.values[input]);
    if (c.exists(output)) this.output.readFrom(c.values[output]);
    if (c.exists(total)) {
      this.total.readFrom(c.values[total]);
    } else {
      this.total.reset();
      this.total.add(this.input);
      this.total.add(this.output);
    }
  }

  private readDetails(c: PathCaptures, inputDetails: i32, outputDetails: i32, cached: i32, reasoning: i32): void {
    this.copyDetails(c, inputDetails, this.inputDetails);
    this.copyDetails(c, outputDetails, this.outputDetails);
    if (c.exists(cached)) this.cached.readFrom(c.values[cached]);
    if (c.exists(reasoning)) this.reasoning.readFrom(c.values[reasoning]);
  }

  // A details object replaces the previous one; one that is not an object, or not whole and
  // valid JSON (a document cut inside it), is left out rather than logged half.
  private copyDetails(c: PathCaptures, id: i32, into: ValueBuffer): void {
    if (id < 0 || !c.has(id)) return;
    const v = c.values[id];
    if (v.kind != KIND_OBJECT && v.kind != KIND_ARRAY) return;
    if (!v.whole) return;
    const p = v.pieces();
    if (p.count != 1 || !this.canonical.isValidJson(p.bytes, p.starts[0], p.ends[0])) return;
    into.copyFrom(v);
  }

  private readAnthropic(c: PathCaptures, input: i32, output: i32, cacheCreation: i32, cacheRead: i32, outputDetails: i32): void {
    this.format = USAGE_ANTHROPIC;
    if (c.exists(input)) this.input.readFrom(c.values[input]);
    if (c.exists(output)) this.output.readFrom(c.values[output]);
    if (c.exists(cacheCreation)) this.cacheCreation.readFrom(c.values[cacheCreation]);
    if (c.exists(cacheRead)) {
      this.cacheRead.readFrom(c.values[cacheRead]);
      this.cached.copy(this.cacheRead);
    }
    this.copyDetails(c, outputDetails, this.outputDetails);
    this.total.reset();
    this.total.add(this.input);
    this.total.add(this.output);
    this.total.add(this.cacheCreation);
    this.total.add(this.cacheRead);
  }
}

// `{"<a>":n,"<b>":n}` with the counts that are set ("" when neither is; `b` "" for one key only).
function detailsText(a: string, x: TokenCount, b: string, y: TokenCount): string {
  let s = "";
  if (x.set) s = "\"" + a + "\":" + x.text();
  if (b.length > 0 && y.set) s += (s.length > 0 ? "," : "") + "\"" + b + "\":" + y.text();
  return s.length > 0 ? "{" + s + "}" : "";
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
