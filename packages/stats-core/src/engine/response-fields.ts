import { JsonPathSet } from "../json/json-path-set";

// The response fields the engine reads from every document (a JSON body, one SSE event, one
// element of a JSON array stream), for every provider at once: one matcher pass per document,
// interpreted afterwards by which of these fields appeared. Added to a copy of the configured
// path set, so attribute path ids stay as the configuration numbered them.

/** Field ids in one path set (each a path id of that set). */
export class ResponseFields {
  model: i32 = -1;
  messageModel: i32 = -1;
  responseModel: i32 = -1;
  modelVersion: i32 = -1;
  id: i32 = -1;
  responseId: i32 = -1;
  geminiResponseId: i32 = -1;
  messageId: i32 = -1;
  type: i32 = -1;
  object: i32 = -1;
  // OpenAI Chat / Completions.
  promptTokens: i32 = -1;
  completionTokens: i32 = -1;
  totalTokens: i32 = -1;
  promptDetails: i32 = -1;
  completionDetails: i32 = -1;
  promptCached: i32 = -1;
  completionReasoning: i32 = -1;
  // Responses JSON and Anthropic (usage.*).
  inputTokens: i32 = -1;
  outputTokens: i32 = -1;
  inputDetails: i32 = -1;
  outputDetails: i32 = -1;
  inputCached: i32 = -1;
  outputReasoning: i32 = -1;
  cacheCreation: i32 = -1;
  cacheRead: i32 = -1;
  // Anthropic message_start (message.usage.*).
  msgInputTokens: i32 = -1;
  msgOutputTokens: i32 = -1;
  msgCacheCreation: i32 = -1;
  msgCacheRead: i32 = -1;
  // Responses stream (response.usage.*).
  respInputTokens: i32 = -1;
  respOutputTokens: i32 = -1;
  respTotalTokens: i32 = -1;
  respInputDetails: i32 = -1;
  respOutputDetails: i32 = -1;
  respInputCached: i32 = -1;
  respOutputReasoning: i32 = -1;
  // Gemini.
  geminiPrompt: i32 = -1;
  geminiCandidates: i32 = -1;
  geminiTotal: i32 = -1;
  geminiThoughts: i32 = -1;
  geminiCached: i32 = -1;
  geminiToolUse: i32 = -1;
  // Tool calls.
  openaiToolDeltas: i32 = -1;
  blockIndex: i32 = -1;
  contentBlock: i32 = -1;
  deltaType: i32 = -1;
  partialJson: i32 = -1;
  toolUseBlocks: i32 = -1;
  /** Ids from here on are the engine's (smaller ids are configured attribute paths). */
  firstId: i32 = 0;

  /** Adds every field to `set`; false if the path compiler refused one (never, for these paths). */
  addTo(set: JsonPathSet): bool {
    this.firstId = set.size;
    this.model = set.add("model");
    this.messageModel = set.add("message.model");
    this.responseModel = set.add("response.model");
    this.modelVersion = set.add("modelVersion");
    this.id = set.add("id");
    this.responseId = set.add("response.id");
    this.geminiResponseId = set.add("responseId");
    this.messageId = set.add("message.id");
    this.type = set.add("type");
    this.object = set.add("object");
    this.promptTokens = set.add("usage.prompt_tokens");
    this.completionTokens = set.add("usage.completion_tokens");
    this.totalTokens = set.add("usage.total_tokens");
    this.promptDetails = set.add("usage.prompt_tokens_details");
    this.completionDetails = set.add("usage.completion_tokens_details");
    this.promptCached = set.add("usage.prompt_tokens_details.cached_tokens");
    this.completionReasoning = set.add("usage.completion_tokens_details.reasoning_tokens");
    this.inputTokens = set.add("usage.input_tokens");
    this.outputTokens = set.add("usage.output_tokens");
    this.inputDetails = set.add("usage.input_tokens_details");
    this.outputDetails = set.add("usage.output_tokens_details");
    this.inputCached = set.add("usage.input_tokens_details.cached_tokens");
    this.outputReasoning = set.add("usage.output_tokens_details.reasoning_tokens");
    this.cacheCreation = set.add("usage.cache_creation_input_tokens");
    this.cacheRead = set.add("usage.cache_read_input_tokens");
    this.msgInputTokens = set.add("message.usage.input_tokens");
    this.msgOutputTokens = set.add("message.usage.output_tokens");
    this.msgCacheCreation = set.add("message.usage.cache_creation_input_tokens");
    this.msgCacheRead = set.add("message.usage.cache_read_input_tokens");
    this.respInputTokens = set.add("response.usage.input_tokens");
    this.respOutputTokens = set.add("response.usage.output_tokens");
    this.respTotalTokens = set.add("response.usage.total_tokens");
    this.respInputDetails = set.add("response.usage.input_tokens_details");
    this.respOutputDetails = set.add("response.usage.output_tokens_details");
    this.respInputCached = set.add("response.usage.input_tokens_details.cached_tokens");
    this.respOutputReasoning = set.add("response.usage.output_tokens_details.reasoning_tokens");
    this.geminiPrompt = set.add("usageMetadata.promptTokenCount");
    this.geminiCandidates = set.add("usageMetadata.candidatesTokenCount");
    this.geminiTotal = set.add("usageMetadata.totalTokenCount");
    this.geminiThoughts = set.add("usageMetadata.thoughtsTokenCount");
    this.geminiCached = set.add("usageMetadata.cachedContentTokenCount");
    this.geminiToolUse = set.add("usageMetadata.toolUsePromptTokenCount");
    this.openaiToolDeltas = set.add("choices.0.delta.tool_calls");
    this.blockIndex = set.add("index");
    this.contentBlock = set.add("content_block");
    this.deltaType = set.add("delta.type");
    this.partialJson = set.add("delta.partial_json");
    this.toolUseBlocks = set.add("content.#(type==\"tool_use\")#");
    return this.toolUseBlocks >= 0;
  }
}

/** The request fields the engine reads (request model, chat_round). */
export class RequestFields {
  model: i32 = -1;
  messageRoles: i32 = -1;
  contentRoles: i32 = -1;
  contentCount: i32 = -1;
  firstId: i32 = 0;

  addTo(set: JsonPathSet): bool {
    this.firstId = set.size;
    this.model = set.add("model");
    this.messageRoles = set.add("messages.#.role");
    this.contentRoles = set.add("contents.#.role");
    this.contentCount = set.add("contents.#");
    return this.contentCount >= 0;
  }
}

/** A new path set holding `base`'s paths under the same ids (the configuration's set stays untouched). */
export function copyPathSet(base: JsonPathSet): JsonPathSet {
  const set = new JsonPathSet();
  for (let i = 0; i < base.paths.length; i++) set.add(base.paths[i].text);
  return set;
}
