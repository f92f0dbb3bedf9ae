// The four provider APIs the mock answers, in their current shapes (shared reference llm-streams.md):
// each returns either one JSON body or the list of SSE events to send, one network write each.
import { type AnswerPlan, obfuscation, outputTokens, planAnswer } from "./answer.js";

export type MockReply =
  | { kind: "json"; status: number; body: unknown }
  | { kind: "sse"; events: string[] }
  | { kind: "json-array"; parts: string[] };

type Json = Record<string, unknown>;

const sse = (data: unknown, event?: string): string =>
  (event ? `event: ${event}\n` : "") + `data: ${JSON.stringify(data)}\n\n`;

function textOf(v: unknown): string {
  if (typeof v === "string") return v;
  if (Array.isArray(v)) return v.map(textOf).join(" ");
  if (v && typeof v === "object") {
    const o = v as Json;
    if (typeof o.text === "string") return o.text;
    if ("content" in o) return textOf(o.content);
    if ("parts" in o) return textOf(o.parts);
  }
  return "";
}

function firstToolName(tools: unknown): string | null {
  if (!Array.isArray(tools) || tools.length === 0) return null;
  const t = tools[0] as Json;
  const fn = t.function as Json | undefined;
  if (fn && typeof fn.name === "string") return fn.name;
  if (typeof t.name === "string") return t.name;
  const decl = t.functionDeclarations;
  if (Array.isArray(decl) && decl[0] && typeof (decl[0] as Json).name === "string") return (decl[0] as Json).name as string;
  return null;
}

const wantsReasoning = (model: string, req: Json): boolean =>
  /reason|think|r1\b|^o\d/i.test(model) || req.reasoning_effort !== undefined || req.reasoning !== undefined || req.thinking !== undefined;

function error(status: number, message: string): MockReply {
  return { kind: "json", status, body: { error: { message, type: "invalid_request_error", code: null } } };
}

// ---------- OpenAI Chat Completions ----------

export function openaiChat(req: Json, body: Uint8Array, path: string): MockReply {
  const model = typeof req.model === "string" ? req.model : "";
  if (!model) return error(400, "you must provide a model parameter");
  const plan = planAnswer({
    body,
    path,
    promptText: textOf(req.messages),
    toolName: firstToolName(req.tools),
    reasoning: wantsReasoning(model, req),
  });
  const id = "chatcmpl-" + plan.rng.id(29);
  const fingerprint = "fp_" + plan.rng.id(10).toLowerCase();
  const out = outputTokens(plan);
  const usage = {
    prompt_tokens: plan.inputTokens,
    completion_tokens: out,
    total_tokens: plan.inputTokens + out,
    prompt_tokens_details: { cached_tokens: plan.cachedTokens, audio_tokens: 0 },
    completion_tokens_details: {
      reasoning_tokens: plan.reasoning.length,
      audio_tokens: 0,
      accepted_prediction_tokens: 0,
      rejected_prediction_tokens: 0,
    },
  };
  const finish = plan.tool ? "tool_calls" : "stop";
  if (req.stream !== true) {
    const message: Json = { role: "assistant", content: plan.tool ? null : plan.tokens.join(""), refusal: null, annotations: [] };
    if (plan.reasoning.length) message.reasoning_content = plan.reasoning.join("");
    if (plan.tool)
      message.tool_calls = [{ id: "call_" + plan.tool.id, type: "function", function: { name: plan.tool.name, arguments: plan.tool.arguments } }];
    return {
      kind: "json",
      status: 200,
      body: {
        id,
        object: "chat.completion",
        created: plan.created,
        model,
        choices: [{ index: 0, message, logprobs: null, finish_reason: finish }],
        usage,
        service_tier: "default",
        system_fingerprint: fingerprint,
      },
    };
  }
  const includeUsage = (req.stream_options as Json | undefined)?.include_usage === true;
  const chunk = (choices: unknown[], extra: Json = {}): string => {
    const c: Json = { id, object: "chat.completion.chunk", created: plan.created, model, service_tier: "default", system_fingerprint: fingerprint, choices };
    if (includeUsage) c.usage = null;
    Object.assign(c, extra);
    c.obfuscation = obfuscation(plan.rng);
    return sse(c);
  };
  const delta = (d: Json, finishReason: string | null = null) => [{ index: 0, delta: d, logprobs: null, finish_reason: finishReason }];
  const events: string[] = [chunk(delta({ role: "assistant", content: "", refusal: null }))];
  for (const r of plan.reasoning) events.push(chunk(delta({ reasoning_content: r })));
  if (plan.tool) {
    events.push(
      chunk(delta({ tool_calls: [{ index: 0, id: "call_" + plan.tool.id, type: "function", function: { name: plan.tool.name, arguments: "" } }] })),
    );
    for (const f of plan.tool.fragments) events.push(chunk(delta({ tool_calls: [{ index: 0, function: { arguments: f } }] })));
  }
  for (const t of plan.tokens) events.push(chunk(delta({ content: t })));
  events.push(chunk(delta({}, finish)));
  if (includeUsage) events.push(chunk([], { usage }));
  events.push("data: [DONE]\n\n");
  return { kind: "sse", events };
}

// ---------- OpenAI Responses ----------

export function openaiResponses(req: Json, body: Uint8Array, path: string): MockReply {
  const model = typeof req.model === "string" ? req.model : "";
  if (!model) return error(400, "Missing required parameter: 'model'.");
  const plan = planAnswer({ body, path, promptText: textOf(req.input) + textOf(req.instructions), toolName: null, reasoning: false });
  const id = "resp_" + plan.rng.id(40);
  const msgId = "msg_" + plan.rng.id(40);
  const text = plan.tokens.join("");
  const out = outputTokens(plan);
  const usage = {
    input_tokens: plan.inputTokens,
    input_tokens_details: { cached_tokens: plan.cachedTokens },
    output_tokens: out,
    output_tokens_details: { reasoning_tokens: 0 },
    total_tokens: plan.inputTokens + out,
  };
  const base = (status: string, output: unknown[], u: unknown): Json => ({
    id,
    object: "response",
    created_at: plan.created,
    status,
    background: false,
    error: null,
    incomplete_details: null,
    instructions: req.instructions ?? null,
    max_output_tokens: req.max_output_tokens ?? null,
    model,
    output,
    parallel_tool_calls: true,
    previous_response_id: null,
    reasoning: { effort: null, summary: null },
    service_tier: "default",
    store: true,
    temperature: 1,
    text: { format: { type: "text" }, verbosity: "medium" },
    tool_choice: "auto",
    tools: [],
    top_p: 1,
    truncation: "disabled",
    usage: u,
    user: null,
    metadata: {},
  });
  const part = (t: string) => ({ type: "output_text", annotations: [], logprobs: [], text: t });
  const item = (status: string, content: unknown[]) => ({ id: msgId, type: "message", status, content, role: "assistant" });
  if (req.stream !== true) return { kind: "json", status: 200, body: base("completed", [item("completed", [part(text)])], usage) };
  let seq = 0;
  const ev = (type: string, data: Json): string => sse({ type, sequence_number: seq++, ...data }, type);
  const events = [
    ev("response.created", { response: base("in_progress", [], null) }),
    ev("response.in_progress", { response: base("in_progress", [], null) }),
    ev("response.output_item.added", { output_index: 0, item: item("in_progress", []) }),
    ev("response.content_part.added", { item_id: msgId, output_index: 0, content_index: 0, part: part("") }),
  ];
  for (const t of plan.tokens)
    events.push(
      ev("response.output_text.delta", { item_id: msgId, output_index: 0, content_index: 0, delta: t, logprobs: [], obfuscation: obfuscation(plan.rng) }),
    );
  events.push(
    ev("response.output_text.done", { item_id: msgId, output_index: 0, content_index: 0, text, logprobs: [] }),
    ev("response.content_part.done", { item_id: msgId, output_index: 0, content_index: 0, part: part(text) }),
    ev("response.output_item.done", { output_index: 0, item: item("completed", [part(text)]) }),
    ev("response.completed", { response: base("completed", [item("completed", [part(text)])], usage) }),
  );
  return { kind: "sse", events };
}

// ---------- Anthropic Messages ----------

export function anthropicMessages(req: Json, body: Uint8Array, path: string): MockReply {
  const model = typeof req.model === "string" ? req.model : "";
  if (!model) return { kind: "json", status: 400, body: { type: "error", error: { type: "invalid_request_error", message: "model: Field required" } } };
  const plan: AnswerPlan = planAnswer({
    body,
    path,
    promptText: textOf(req.messages) + textOf(req.system),
    toolName: firstToolName(req.tools),
    reasoning: req.thinking !== undefined,
  });
  const id = "msg_01" + plan.rng.id(22);
  const out = outputTokens(plan);
  const cacheRead = plan.cachedTokens;
  const input = plan.inputTokens - cacheRead;
  const usage = (output: number) => ({
    input_tokens: input,
    cache_creation_input_tokens: 0,
    cache_read_input_tokens: cacheRead,
    cache_creation: { ephemeral_5m_input_tokens: 0, ephemeral_1h_input_tokens: 0 },
    output_tokens: output,
    service_tier: "standard",
  });
  const signature = plan.rng.id(48);
  const content: Json[] = [];
  if (plan.reasoning.length) content.push({ type: "thinking", thinking: plan.reasoning.join(""), signature });
  if (plan.tokens.length) content.push({ type: "text", text: plan.tokens.join("") });
  if (plan.tool) content.push({ type: "tool_use", id: "toolu_01" + plan.tool.id, name: plan.tool.name, input: JSON.parse(plan.tool.arguments) });
  const stop = plan.tool ? "tool_use" : "end_turn";
  if (req.stream !== true)
    return {
      kind: "json",
      status: 200,
      body: { id, type: "message", role: "assistant", model, content, stop_reason: stop, stop_sequence: null, usage: usage(out) },
    };
  const ev = (type: string, data: Json) => sse({ type, ...data }, type);
  const events = [ev("message_start", { message: { id, type: "message", role: "assistant", model, content: [], stop_reason: null, stop_sequence: null, usage: usage(1) } })];
  let index = 0;
  if (plan.reasoning.length) {
    events.push(ev("content_block_start", { index, content_block: { type: "thinking", thinking: "", signature: "" } }));
    for (const r of plan.reasoning) events.push(ev("content_block_delta", { index, delta: { type: "thinking_delta", thinking: r } }));
    events.push(ev("content_block_delta", { index, delta: { type: "signature_delta", signature } }));
    events.push(ev("content_block_stop", { index }));
    index++;
  }
  if (plan.tokens.length) {
    events.push(ev("content_block_start", { index, content_block: { type: "text", text: "" } }));
    events.push(ev("ping", {}));
    plan.tokens.forEach((t) => events.push(ev("content_block_delta", { index, delta: { type: "text_delta", text: t } })));
    events.push(ev("content_block_stop", { index }));
    index++;
  }
  if (plan.tool) {
    events.push(ev("content_block_start", { index, content_block: { type: "tool_use", id: "toolu_01" + plan.tool.id, name: plan.tool.name, input: {} } }));
    events.push(ev("content_block_delta", { index, delta: { type: "input_json_delta", partial_json: "" } }));
    for (const f of plan.tool.fragments) events.push(ev("content_block_delta", { index, delta: { type: "input_json_delta", partial_json: f } }));
    events.push(ev("content_block_stop", { index }));
  }
  events.push(
    ev("message_delta", {
      delta: { stop_reason: stop, stop_sequence: null },
      usage: { input_tokens: input, cache_creation_input_tokens: 0, cache_read_input_tokens: cacheRead, output_tokens: out },
    }),
    ev("message_stop", {}),
  );
  return { kind: "sse", events };
}

// ---------- Gemini ----------

export function gemini(req: Json, body: Uint8Array, path: string, model: string, stream: boolean, alt: string | null): MockReply {
  const plan = planAnswer({
    body,
    path,
    promptText: textOf(req.contents) + textOf(req.systemInstruction),
    toolName: firstToolName(req.tools),
    reasoning: (req.generationConfig as Json | undefined)?.thinkingConfig !== undefined,
  });
  const responseId = plan.rng.id(22);
  const out = outputTokens(plan) - plan.reasoning.length;
  const usageMetadata = (candidates: number) => ({
    promptTokenCount: plan.inputTokens,
    candidatesTokenCount: candidates,
    totalTokenCount: plan.inputTokens + candidates + plan.reasoning.length,
    ...(plan.cachedTokens ? { cachedContentTokenCount: plan.cachedTokens } : {}),
    promptTokensDetails: [{ modality: "TEXT", tokenCount: plan.inputTokens }],
    ...(plan.reasoning.length ? { thoughtsTokenCount: plan.reasoning.length } : {}),
  });
  const resp = (parts: Json[], finish: boolean, candidates: number): Json => ({
    candidates: [{ content: { parts, role: "model" }, ...(finish ? { finishReason: "STOP" } : {}), index: 0 }],
    usageMetadata: usageMetadata(candidates),
    modelVersion: model,
    responseId,
  });
  const toolPart = plan.tool ? { functionCall: { name: plan.tool.name, args: JSON.parse(plan.tool.arguments) } } : null;
  if (!stream) {
    const parts: Json[] = [];
    if (plan.tokens.length) parts.push({ text: plan.tokens.join("") });
    if (toolPart) parts.push(toolPart);
    return { kind: "json", status: 200, body: resp(parts, true, out) };
  }
  // Gemini streams text in a few larger pieces; every event carries usageMetadata so far.
  const pieces: string[] = [];
  for (let i = 0; i < plan.tokens.length; i += 4) pieces.push(plan.tokens.slice(i, i + 4).join(""));
  const bodies: Json[] = [];
  let sent = 0;
  pieces.forEach((p, i) => {
    sent = Math.min(plan.tokens.length, (i + 1) * 4);
    const last = i === pieces.length - 1 && !toolPart;
    bodies.push(resp([{ text: p }], last, last ? out : sent));
  });
  if (toolPart) bodies.push(resp([toolPart], true, out));
  if (bodies.length === 0) bodies.push(resp([{ text: "" }], true, out));
  if (alt === "sse") return { kind: "sse", events: bodies.map((b) => `data: ${JSON.stringify(b)}\r\n\r\n`) };
  const json = bodies.map((b) => JSON.stringify(b, null, 2));
  return { kind: "json-array", parts: json.map((j, i) => (i === 0 ? "[" : ",\r\n") + j).concat(["]"]) };
}
