// Test-only helpers for the SSE and JSON-array framer suites: a deliberately plain, string-based
// WHATWG event-stream parser to compare the byte-level framer against, the trace's byte rendering
// re-done in TypeScript, and helpers to cut inputs and to compare traces across splits.

const encoder = new TextEncoder();
const HEX = "0123456789abcdef";

export function utf8(text: string): Uint8Array {
  return encoder.encode(text);
}

/** The trace's rendering of bytes (see src/testing/sse-trace-text.ts), for expected values. */
export function render(bytes: Uint8Array | string): string {
  const b = typeof bytes === "string" ? utf8(bytes) : bytes;
  let out = "";
  for (const x of b) {
    if (x === 0x22) out += '\\"';
    else if (x === 0x5c) out += "\\\\";
    else if (x >= 0x20 && x < 0x7f) out += String.fromCharCode(x);
    else out += "\\x" + HEX[x >> 4] + HEX[x & 15];
  }
  return out;
}

/** A trace's event line for an event named `name` with data `data` (without the carried flag). */
export function eventLine(name: string, data: string): string {
  return `event "${render(name)}" "${render(data)}"` + (data === "[DONE]" ? " done" : "");
}

export interface ReferenceResult {
  readonly lines: string[];
  readonly events: number;
  readonly done: number;
  readonly oversized: number;
}

/**
 * WHATWG "interpret an event stream" on a decoded string, plus the framer's documented deviation
 * on finish (a pending event with data is dispatched) and its maxEventBytes rule (events whose
 * joined data is longer, in UTF-8 bytes, are skipped and counted). `id`/`retry` are ignored, as
 * the framer does: they do not affect which events are dispatched.
 */
export function referenceParse(text: string, finish: boolean, maxEventBytes: number): ReferenceResult {
  const s = text.startsWith("\uFEFF") ? text.slice(1) : text;
  const lines: string[] = [];
  let data = "";
  let name = "";
  let events = 0;
  let done = 0;
  let oversized = 0;
  const dispatch = (): void => {
    if (data === "") {
      name = "";
      return;
    }
    const value = data.endsWith("\n") ? data.slice(0, -1) : data;
    if (utf8(value).length > maxEventBytes) {
      oversized++;
    } else {
      lines.push(eventLine(name, value));
      events++;
      if (value === "[DONE]") done++;
    }
    data = "";
    name = "";
  };
  const processLine = (line: string): void => {
    if (line === "") return dispatch();
    if (line.startsWith(":")) return;
    const colon = line.indexOf(":");
    let field = line;
    let value = "";
    if (colon >= 0) {
      field = line.slice(0, colon);
      value = line.slice(colon + 1);
      if (value.startsWith(" ")) value = value.slice(1);
    }
    if (field === "data") data += value + "\n";
    else if (field === "event") name = value;
  };
  let at = 0;
  while (at < s.length) {
    let end = at;
    while (end < s.length && s[end] !== "\n" && s[end] !== "\r") end++;
    if (end === s.length) {
      // A last line without its line end: WHATWG drops it; finish() completes it.
      if (finish) processLine(s.slice(at));
      break;
    }
    processLine(s.slice(at, end));
    at = s[end] === "\r" && s[end + 1] === "\n" ? end + 2 : end + 1;
  }
  if (finish) dispatch();
  return { lines, events, done, oversized };
}

/** Splits a trace into its event lines (carried flags removed) and its summary fields. */
export function parseTrace(trace: string): { events: string[]; carried: boolean[]; summary: Record<string, number> } {
  const all = trace.split("\n");
  const last = all.pop()!.split(" ");
  const summary: Record<string, number> = {};
  for (let k = 0; k + 1 < last.length; k += 2) summary[last[k]] = Number(last[k + 1]);
  return {
    events: all.map((l) => l.replace(/ carried$/, "")),
    carried: all.map((l) => l.endsWith(" carried")),
    summary,
  };
}

/** A trace with what legitimately depends on chunking removed: carried flags, held and peak. */
export function splitIndependent(trace: string): string {
  const { events, summary } = parseTrace(trace);
  const { held: _held, peak: _peak, afterEnd: _afterEnd, ...rest } = summary;
  return [...events, JSON.stringify(rest)].join("\n");
}

export function splitsOf(...offsets: number[]): Int32Array {
  return Int32Array.from(offsets);
}

/** Every offset: each byte its own chunk. */
export function everyByte(length: number): Int32Array {
  return Int32Array.from({ length: Math.max(0, length - 1) }, (_, k) => k + 1);
}

// Abbreviated provider streams from the shared reference (llm-streams.md).
export const OPENAI_STREAM = [
  'data: {"id":"chatcmpl-1","object":"chat.completion.chunk","model":"gpt-4o","choices":[{"index":0,"delta":{"role":"assistant","content":""}}],"usage":null}',
  "",
  'data: {"id":"chatcmpl-1","object":"chat.completion.chunk","model":"gpt-4o","choices":[{"index":0,"delta":{"content":"Hi 日本語 🚀"}}],"usage":null}',
  "",
  'data: {"id":"chatcmpl-1","object":"chat.completion.chunk","model":"gpt-4o","choices":[],"usage":{"prompt_tokens":9,"completion_tokens":12,"total_tokens":21,"prompt_tokens_details":{"cached_tokens":0},"completion_tokens_details":{"reasoning_tokens":0}}}',
  "",
  "data: [DONE]",
  "",
  "",
].join("\n");

export const ANTHROPIC_STREAM = [
  "event: message_start",
  'data: {"type":"message_start","message":{"id":"msg_1","model":"claude-sonnet-4-5","usage":{"input_tokens":25,"cache_creation_input_tokens":0,"cache_read_input_tokens":0,"output_tokens":1}}}',
  "",
  "event: content_block_start",
  'data: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}',
  "",
  ": ping",
  "event: content_block_delta",
  'data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Héllo"}}',
  "",
  "event: content_block_stop",
  'data: {"type":"content_block_stop","index":0}',
  "",
  "event: message_delta",
  'data: {"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"output_tokens":15}}',
  "",
  "event: message_stop",
  'data: {"type":"message_stop"}',
  "",
  "",
].join("\r\n");

export const RESPONSES_STREAM = [
  "event: response.created",
  'data: {"type":"response.created","sequence_number":0,"response":{"id":"resp_1","status":"in_progress","model":"gpt-4o"}}',
  "",
  "event: response.output_text.delta",
  'data: {"type":"response.output_text.delta","sequence_number":4,"item_id":"msg_1","output_index":0,"content_index":0,"delta":"Hel"}',
  "",
  "event: response.completed",
  'data: {"type":"response.completed","sequence_number":9,"response":{"id":"resp_1","model":"gpt-4o","status":"completed","usage":{"input_tokens":10,"input_tokens_details":{"cached_tokens":0},"output_tokens":5,"output_tokens_details":{"reasoning_tokens":0},"total_tokens":15}}}',
  "",
  "",
].join("\n");

export const GEMINI_ARRAY =
  '[{"candidates":[{"content":{"role":"model","parts":[{"text":"Once [upon] {a} \\"time\\" ✨"}]}}],"modelVersion":"gemini-2.5-flash","responseId":"r1"}\r\n,' +
  '\r\n{"candidates":[{"content":{"role":"model","parts":[{"text":" upon"}]},"finishReason":"STOP"}],"usageMetadata":{"promptTokenCount":8,"candidatesTokenCount":120,"thoughtsTokenCount":12,"cachedContentTokenCount":0,"totalTokenCount":140},"modelVersion":"gemini-2.5-flash","responseId":"r1"}\r\n]';
