// The throughput suite's workloads (PRODUCT §7): seeded SSE streams in each provider's real shape,
// cut into 1–8 KiB chunks that ignore event boundaries. Each knows what a correct extractor finds:
// the answer's UTF-8 length (the appended text) and the token total (the last usage seen).
//
// kind (the probe's WORKLOAD_* in src/probe/llm-stream-probe.ts, the baseline's extraction):
//   0 openai     choices.0.delta.content; usage.total_tokens
//   1 anthropic  delta.text; message.usage.input_tokens + usage.output_tokens (cumulative: last wins)
//   2 gemini     candidates.0.content.parts.0.text; usageMetadata.totalTokenCount (every event: last wins)
//   3 escapes    choices.0.delta.content + choices.0.delta.tool_calls.0.function.arguments; usage.total_tokens
import { exchangeOf, fillWorkload, openAiWorkload, randomToken, type Exchange, type Workload } from "./openai-workload.js";

export const WORKLOAD_NAMES = ["openai", "anthropic", "gemini", "escapes"] as const;
export type WorkloadName = (typeof WORKLOAD_NAMES)[number];

export function makeWorkload(name: WorkloadName, targetBytes: number, seed: number): Workload {
  switch (name) {
    case "openai":
      return openAiWorkload(targetBytes, seed);
    case "anthropic":
      return fillWorkload(name, 1, targetBytes, seed, anthropicExchange);
    case "gemini":
      return fillWorkload(name, 2, targetBytes, seed, geminiExchange);
    case "escapes":
      return fillWorkload(name, 3, targetBytes, seed, escapesExchange);
  }
}

const sse = (data: object, event?: string) => `${event ? `event: ${event}\n` : ""}data: ${JSON.stringify(data)}\n\n`;

function words(rnd: () => number): string {
  const n = 1 + Math.floor(rnd() * 3);
  let s = "";
  for (let k = 0; k < n; k++) s += randomToken(rnd);
  return s;
}

/** Anthropic Messages: event: lines, pings, one text block, cumulative message_delta usage. */
function anthropicExchange(rnd: () => number, index: number): Exchange {
  const events = 100 + Math.floor(rnd() * 1400);
  const input = 10 + Math.floor(rnd() * 2000);
  const id = `msg_01${index.toString(36).padStart(8, "0")}XyZaBcDeFgHiJk`;
  let text = sse(
    {
      type: "message_start",
      message: {
        id,
        type: "message",
        role: "assistant",
        model: "claude-sonnet-4-5-20250929",
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: { input_tokens: input, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: 1, service_tier: "standard" },
      },
    },
    "message_start",
  );
  text += sse({ type: "content_block_start", index: 0, content_block: { type: "text", text: "" } }, "content_block_start");
  text += sse({ type: "ping" }, "ping");
  let answer = "";
  for (let i = 0; i < events; i++) {
    const t = words(rnd);
    answer += t;
    text += sse({ type: "content_block_delta", index: 0, delta: { type: "text_delta", text: t } }, "content_block_delta");
    if (rnd() < 0.01) text += sse({ type: "ping" }, "ping");
  }
  text += sse({ type: "content_block_stop", index: 0 }, "content_block_stop");
  // Cumulative counts: each message_delta replaces the one before.
  const deltas = 1 + Math.floor(rnd() * 3);
  for (let d = 1; d <= deltas; d++) {
    const output = Math.round((events * d) / deltas);
    text += sse(
      {
        type: "message_delta",
        delta: { stop_reason: d === deltas ? "end_turn" : null, stop_sequence: null },
        usage: { output_tokens: output },
      },
      "message_delta",
    );
  }
  text += sse({ type: "message_stop" }, "message_stop");
  return exchangeOf(text, rnd, answer, input + events);
}

/** Gemini streamGenerateContent?alt=sse: usageMetadata in every event, no [DONE]. */
function geminiExchange(rnd: () => number, index: number): Exchange {
  const events = 100 + Math.floor(rnd() * 1400);
  const prompt = 10 + Math.floor(rnd() * 2000);
  const responseId = `r${index.toString(36).padStart(6, "0")}QwErTyUiOp`;
  let text = "";
  let answer = "";
  for (let i = 1; i <= events; i++) {
    const t = words(rnd);
    answer += t;
    const candidate: Record<string, unknown> = { content: { parts: [{ text: t }], role: "model" }, index: 0 };
    if (i === events) candidate.finishReason = "STOP";
    text += sse({
      candidates: [candidate],
      usageMetadata: { promptTokenCount: prompt, candidatesTokenCount: i, totalTokenCount: prompt + i, promptTokensDetails: [{ modality: "TEXT", tokenCount: prompt }] },
      modelVersion: "gemini-2.5-flash",
      responseId,
    });
  }
  return exchangeOf(text, rnd, answer, prompt + events);
}

// Text that needs escapes: CJK, emoji (astral: a surrogate pair when escaped), quotes, backslashes,
// control characters, and decoy "content" keys inside the strings.
const ESCAPE_TOKENS = [
  " 日本語", "の", "テキスト", " 数据流", " 🚀", " 👩‍💻", " 😀", " ✓", " Ωμέγα", " café", "\n", "\t", " \"q\"", " a\\b",
  ' {"content":"decoy"}', " \"content\": \"not this\"", " \u0001", " €", " 𝄞", " the", " and", ",",
];

/** A JSON string literal; each non-ASCII UTF-16 unit written as \uXXXX with probability `p`. */
function jsonString(s: string, rnd: () => number, p: number): string {
  const plain = JSON.stringify(s);
  let out = "";
  for (let i = 0; i < plain.length; i++) {
    const c = plain.charCodeAt(i);
    const d = plain.charCodeAt(i + 1);
    const pair = c >= 0xd800 && c <= 0xdbff && d >= 0xdc00 && d <= 0xdfff;
    if (c >= 0x80 && rnd() < p) {
      out += `\\u${c.toString(16).padStart(4, "0")}`;
      if (pair) out += `\\u${d.toString(16).padStart(4, "0")}`;
    } else {
      out += pair ? plain.slice(i, i + 2) : plain[i];
    }
    if (pair) i++;
  }
  return out;
}

/** OpenAI-shaped, heavy on escapes: content in every script, then a streamed tool call. */
function escapesExchange(rnd: () => number, index: number): Exchange {
  const events = 100 + Math.floor(rnd() * 1400);
  const id = `chatcmpl-${index.toString(36).padStart(8, "0")}EsCaPeS`;
  const head = `{"id":"${id}","object":"chat.completion.chunk","created":${1732800000 + index},"model":"gpt-4o-2024-08-06","service_tier":"default","system_fingerprint":"fp_f33640a400","choices":[{"index":0,"delta":`;
  const tail = (finish: string) => `,"logprobs":null,"finish_reason":${finish}}],"usage":null}`;
  let text = `data: ${head}{"role":"assistant","content":"","refusal":null}${tail("null")}\n\n`;
  let answer = "";
  const toolAt = Math.floor(events * 0.7);
  for (let i = 0; i < events; i++) {
    if (i < toolAt) {
      const n = 1 + Math.floor(rnd() * 3);
      let t = "";
      for (let k = 0; k < n; k++) t += ESCAPE_TOKENS[Math.floor(rnd() * ESCAPE_TOKENS.length)];
      answer += t;
      text += `data: ${head}{"content":${jsonString(t, rnd, 0.5)}}${tail("null")}\n\n`;
    } else if (i === toolAt) {
      text += `data: ${head}{"tool_calls":[{"index":0,"id":"call_${index}Ab","type":"function","function":{"name":"lookup","arguments":""}}]}${tail("null")}\n\n`;
    } else {
      // Arguments stream as JSON text inside a string: quotes and decoy keys escaped once more.
      const piece = i === toolAt + 1 ? `{"content":"` : ESCAPE_TOKENS[Math.floor(rnd() * ESCAPE_TOKENS.length)]!;
      answer += piece;
      text += `data: ${head}{"tool_calls":[{"index":0,"function":{"arguments":${jsonString(piece, rnd, 0.5)}}}]}${tail("null")}\n\n`;
    }
  }
  text += `data: ${head}{}${tail('"tool_calls"')}\n\n`;
  const prompt = 10 + Math.floor(rnd() * 2000);
  text += `data: {"id":"${id}","object":"chat.completion.chunk","created":${1732800000 + index},"model":"gpt-4o-2024-08-06","choices":[],"usage":{"prompt_tokens":${prompt},"completion_tokens":${events},"total_tokens":${prompt + events}}}\n\n`;
  text += "data: [DONE]\n\n";
  return exchangeOf(text, rnd, answer, prompt + events);
}
