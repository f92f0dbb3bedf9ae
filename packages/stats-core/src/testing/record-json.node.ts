// Generated provider exchanges for the record well-formedness property tests (issue 8 part 2,
// PRODUCT §3: a record is valid JSON whatever the input, written compact, never a raw control
// character). Shared by stats-core's dual-build test (src/engine/record-json.property.test.ts) and
// the plugin's (packages/proxy-wasm/src/records-json.property.test.ts), which imports this file
// by relative path.
//
// An exchange is an OpenAI Chat / Anthropic Messages / Gemini / OpenAI Responses request and
// response, as a JSON body, an SSE stream or (Gemini) a JSON array, rendered byte by byte from a
// generated document: minified, pretty-printed (2 or 4 spaces, LF or CRLF), with Python's `, ` /
// `: ` separators or as multi-line SSE data; strings raw or \u-escaped (astral characters as
// surrogate pairs), with CJK, emoji, `<>&`, quotes, control-character escapes, lone surrogate
// escapes, invalid UTF-8 bytes and (rarely) raw control bytes; token counts from a hostile list
// (1e400, "12", 7.9, -5, 2^53 + 1, beyond int64, true, null); the body cut at any byte, split into
// chunks anywhere, and sometimes aborted. Configurations capture objects and arrays
// (use_default_attributes, request_body / response_body / response_streaming_body paths that
// select objects, built-ins, as_separate_log_field, apply_to_span, small value_length_limit).
import fc from "fast-check";

// ---------- documents ----------

/** One piece of a generated string. */
type Atom =
  | { readonly k: "text"; readonly s: string }
  /** \ud800 or \udc00 written as an escape (there is no UTF-8 for it). */
  | { readonly k: "lone"; readonly esc: string }
  /** Bytes that are not UTF-8, written raw. */
  | { readonly k: "bad"; readonly bytes: readonly number[] }
  /** A raw control byte inside a string: invalid JSON, sent anyway. */
  | { readonly k: "raw"; readonly byte: number };

export type Doc =
  | { readonly t: "obj"; readonly m: ReadonlyArray<readonly [string, Doc]> }
  | { readonly t: "arr"; readonly a: readonly Doc[] }
  | { readonly t: "str"; readonly s: readonly Atom[] }
  /** A number, literal or any JSON text, written as given. */
  | { readonly t: "raw"; readonly text: string };

const TEXTS = ["a", "Hello", " ", "東京", "天気", "😀", "🚀", "é", "ü", "<", ">", "&", "<b>", '"', "\\", "/", "\n", "\r\n", "\t", "\u0001", "\u001f", "\u007f", "\u2028", "\u2029", "{", "}", "[", "]", ",", ":", "data: ", "\"usage\"", "e"];
const atomArb: fc.Arbitrary<Atom> = fc.oneof(
  { weight: 20, arbitrary: fc.constantFrom(...TEXTS).map((s): Atom => ({ k: "text", s })) },
  { weight: 2, arbitrary: fc.constantFrom("\\ud800", "\\udc00", "\\udbff").map((esc): Atom => ({ k: "lone", esc })) },
  { weight: 2, arbitrary: fc.constantFrom([0xff], [0xc3], [0xe6, 0x97], [0x80], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80]).map((bytes): Atom => ({ k: "bad", bytes })) },
  { weight: 1, arbitrary: fc.constantFrom(0x0a, 0x09, 0x00, 0x1b).map((byte): Atom => ({ k: "raw", byte })) },
);
export const textArb = fc.array(atomArb, { maxLength: 8 });
const str = (s: string): Doc => ({ t: "str", s: [{ k: "text", s }] });
const strOf = (s: readonly Atom[]): Doc => ({ t: "str", s });
const raw = (text: string): Doc => ({ t: "raw", text });

/** Token counts: mostly plain, sometimes what Higress's gjson Int() has to cope with. */
const HOSTILE_COUNTS = ["1e400", '"12"', '"12.5"', '"x"', "7.9", "-5", "-0.5", "-0", "9007199254740993", "99999999999999999999", "true", "false", "null", "1.5e3", "0"];
export const countArb = fc.oneof(
  { weight: 5, arbitrary: fc.integer({ min: 0, max: 200_000 }).map(String) },
  { weight: 2, arbitrary: fc.constantFrom(...HOSTILE_COUNTS) },
);

const KEYS = ["a", "b", "z", "id", "type", "content", "usage", "0", "", "é", "😀", "東京", "k.e|y", 'q"uote', "back\\slash", "<>&", "dup", "dup"];
const { value: valueArb } = fc.letrec<{ value: Doc; leaf: Doc; obj: Doc; arr: Doc }>((tie) => ({
  value: fc.oneof({ maxDepth: 3, depthSize: "small" }, tie("leaf"), tie("obj"), tie("arr")),
  leaf: fc.oneof(
    textArb.map(strOf),
    fc.constantFrom("1", "-2", "7.9", "1.5e3", "0.000950", "1E-7", "9007199254740993", "1e400", "true", "false", "null").map(raw),
  ),
  obj: fc.array(fc.tuple(fc.constantFrom(...KEYS), tie("value")), { maxLength: 5 }).map((m): Doc => ({ t: "obj", m })),
  arr: fc.array(tie("value"), { maxLength: 4 }).map((a): Doc => ({ t: "arr", a })),
}));
const objectArb = fc.array(fc.tuple(fc.constantFrom(...KEYS), valueArb), { maxLength: 5 }).map((m): Doc => ({ t: "obj", m }));

// ---------- rendering ----------

export type Layout = "min" | "pretty2" | "pretty4crlf" | "python";
const LAYOUTS: readonly Layout[] = ["min", "pretty2", "pretty4crlf", "python"];
export type Escapes = "raw" | "unicode";

const utf8 = new TextEncoder();

function hex4(n: number): string {
  return n.toString(16).padStart(4, "0");
}

function pushText(out: number[], s: string): void {
  for (const b of utf8.encode(s)) out.push(b);
}

function renderString(out: number[], atoms: readonly Atom[], escapes: Escapes): void {
  out.push(0x22);
  for (const a of atoms) {
    if (a.k === "lone") pushText(out, a.esc);
    else if (a.k === "bad") out.push(...a.bytes);
    else if (a.k === "raw") out.push(a.byte);
    else {
      for (const ch of a.s) {
        const cp = ch.codePointAt(0)!;
        if (ch === '"') pushText(out, '\\"');
        else if (ch === "\\") pushText(out, "\\\\");
        else if (ch === "\n") pushText(out, "\\n");
        else if (ch === "\r") pushText(out, "\\r");
        else if (ch === "\t") pushText(out, "\\t");
        else if (cp < 0x20) pushText(out, `\\u${hex4(cp)}`);
        else if (escapes === "unicode" && cp > 0x7e) {
          if (cp > 0xffff) pushText(out, `\\u${hex4(0xd800 + ((cp - 0x10000) >> 10))}\\u${hex4(0xdc00 + ((cp - 0x10000) & 0x3ff))}`);
          else pushText(out, `\\u${hex4(cp)}`);
        } else pushText(out, ch);
      }
    }
  }
  out.push(0x22);
}

function render(out: number[], d: Doc, layout: Layout, escapes: Escapes, depth: number): void {
  const nl = layout === "pretty2" ? "\n" : layout === "pretty4crlf" ? "\r\n" : "";
  const unit = layout === "pretty2" ? "  " : layout === "pretty4crlf" ? "    " : "";
  const indent = (n: number) => pushText(out, nl + unit.repeat(n));
  const comma = layout === "python" ? ", " : ",";
  const colon = layout === "min" ? ":" : ": ";
  if (d.t === "str") renderString(out, d.s, escapes);
  else if (d.t === "raw") pushText(out, d.text);
  else {
    const items: ReadonlyArray<readonly [string | null, Doc]> = d.t === "obj" ? d.m : d.a.map((v) => [null, v] as const);
    pushText(out, d.t === "obj" ? "{" : "[");
    items.forEach(([key, value], i) => {
      if (i > 0) pushText(out, nl !== "" ? "," : comma);
      indent(depth + 1);
      if (key !== null) {
        renderString(out, [{ k: "text", s: key }], escapes);
        pushText(out, colon);
      }
      render(out, value, layout, escapes, depth + 1);
    });
    if (items.length > 0) indent(depth);
    pushText(out, d.t === "obj" ? "}" : "]");
  }
}

/** The document as bytes. */
export function renderDoc(d: Doc, layout: Layout, escapes: Escapes): Uint8Array {
  const out: number[] = [];
  render(out, d, layout, escapes, 0);
  return Uint8Array.from(out);
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** One SSE event: `event:` line (optional) and the data, one `data:` line per line of the rendered JSON. */
function sseEvent(event: string | null, data: Doc | string, layout: Layout, escapes: Escapes): Uint8Array {
  const body = typeof data === "string" ? utf8.encode(data) : renderDoc(data, layout, escapes);
  const parts: Uint8Array[] = [];
  if (event !== null) parts.push(utf8.encode(`event: ${event}\n`));
  // Multi-line data: every line of a pretty rendering becomes a data line (joined back with \n).
  let start = 0;
  for (let i = 0; i <= body.length; i++) {
    if (i === body.length || body[i] === 0x0a) {
      let end = i;
      if (end > start && body[end - 1] === 0x0d) end--;
      parts.push(utf8.encode("data: "), body.subarray(start, end), utf8.encode("\n"));
      start = i + 1;
    }
  }
  parts.push(utf8.encode("\n"));
  return concat(parts);
}

// ---------- provider documents ----------

export type Provider = "openai-json" | "openai-sse" | "anthropic-json" | "anthropic-sse" | "gemini-json" | "gemini-sse" | "gemini-array" | "responses-json" | "responses-sse";
const PROVIDERS: readonly Provider[] = ["openai-json", "openai-sse", "anthropic-json", "anthropic-sse", "gemini-json", "gemini-sse", "gemini-array", "responses-json", "responses-sse"];

interface Content {
  readonly model: readonly Atom[];
  readonly answer: ReadonlyArray<readonly Atom[]>;
  readonly toolInput: Doc;
  readonly argFragments: ReadonlyArray<readonly Atom[]>;
  readonly counts: readonly string[];
  readonly meta: Doc;
}

const contentArb: fc.Arbitrary<Content> = fc.record({
  model: fc.oneof({ weight: 3, arbitrary: fc.constantFrom("gpt-4o", "claude-sonnet-4-5-20250929", "gemini-2.5-pro").map((s) => [{ k: "text", s } as Atom]) }, { weight: 1, arbitrary: textArb }),
  answer: fc.array(textArb, { minLength: 1, maxLength: 3 }),
  toolInput: objectArb,
  argFragments: fc.array(textArb, { maxLength: 3 }),
  counts: fc.array(countArb, { minLength: 8, maxLength: 8 }),
  meta: objectArb,
});

const obj = (...m: Array<readonly [string, Doc]>): Doc => ({ t: "obj", m });
const arr = (...a: Doc[]): Doc => ({ t: "arr", a });

function openaiUsage(c: Content): Doc {
  const [i, o, t, cached, reasoning] = c.counts;
  return obj(["prompt_tokens", raw(i!)], ["completion_tokens", raw(o!)], ["total_tokens", raw(t!)],
    ["prompt_tokens_details", obj(["cached_tokens", raw(cached!)], ["audio_tokens", raw("0")])],
    ["completion_tokens_details", obj(["reasoning_tokens", raw(reasoning!)], ["accepted_prediction_tokens", raw("0")])]);
}
function anthropicUsage(c: Content, outputOnly: boolean): Doc {
  const [i, o, , , , create, read] = c.counts;
  if (outputOnly) return obj(["output_tokens", raw(o!)]);
  return obj(["input_tokens", raw(i!)], ["cache_creation_input_tokens", raw(create!)], ["cache_read_input_tokens", raw(read!)],
    ["cache_creation", obj(["ephemeral_5m_input_tokens", raw(create!)], ["ephemeral_1h_input_tokens", raw("0")])], ["output_tokens", raw(o!)],
    ["service_tier", str("standard")], ["server_tool_use", obj(["web_search_requests", raw("0")])], ["output_tokens_details", obj(["thinking_tokens", raw("0")])]);
}
function geminiUsage(c: Content): Doc {
  const [i, o, t, cached, reasoning, tool] = c.counts;
  return obj(["promptTokenCount", raw(i!)], ["candidatesTokenCount", raw(o!)], ["totalTokenCount", raw(t!)], ["cachedContentTokenCount", raw(cached!)],
    ["toolUsePromptTokenCount", raw(tool!)], ["thoughtsTokenCount", raw(reasoning!)], ["promptTokensDetails", arr(obj(["modality", str("TEXT")], ["tokenCount", raw(i!)]))]);
}
function responsesUsage(c: Content): Doc {
  const [i, o, t, cached, reasoning] = c.counts;
  return obj(["input_tokens", raw(i!)], ["input_tokens_details", obj(["cached_tokens", raw(cached!)])], ["output_tokens", raw(o!)],
    ["output_tokens_details", obj(["reasoning_tokens", raw(reasoning!)])], ["total_tokens", raw(t!)]);
}
const joined = (parts: ReadonlyArray<readonly Atom[]>): Atom[] => parts.flat();

/** The response body of `provider` for `c` (streams: every event). */
function responseBody(provider: Provider, c: Content, layout: Layout, escapes: Escapes): Uint8Array {
  const model = strOf(c.model);
  // Pretty layouts give multi-line events: one data line per line, joined back with \n (WHATWG SSE).
  const ev = (event: string | null, d: Doc | string) => sseEvent(event, d, layout, escapes);
  switch (provider) {
    case "openai-json":
      return renderDoc(obj(["id", str("chatcmpl-1")], ["object", str("chat.completion")], ["model", model],
        ["choices", arr(obj(["index", raw("0")], ["message", obj(["role", str("assistant")], ["content", strOf(joined(c.answer))],
          ["tool_calls", arr(obj(["id", str("call_1")], ["type", str("function")], ["function", obj(["name", str("f")], ["arguments", strOf(joined(c.argFragments))])]))])],
          ["finish_reason", str("stop")]))],
        ["usage", openaiUsage(c)], ["meta", c.meta]), layout, escapes);
    case "openai-sse": {
      const head = (): Array<readonly [string, Doc]> => [["id", str("chatcmpl-1")], ["object", str("chat.completion.chunk")], ["model", model]];
      const events = c.answer.map((a) => ev(null, obj(...head(), ["choices", arr(obj(["index", raw("0")], ["delta", obj(["content", strOf(a)])]))], ["usage", raw("null")])));
      c.argFragments.forEach((f, k) => {
        const first: Array<readonly [string, Doc]> = k === 0 ? [["id", str("call_1")], ["type", str("function")]] : [];
        const call = obj(["index", raw("0")], ...first, ["function", obj(["arguments", strOf(f)])]);
        events.push(ev(null, obj(...head(), ["choices", arr(obj(["index", raw("0")], ["delta", obj(["tool_calls", arr(call)])]))])));
      });
      events.push(ev(null, obj(...head(), ["choices", arr()], ["usage", openaiUsage(c)])), ev(null, "[DONE]"));
      return concat(events);
    }
    case "anthropic-json":
      return renderDoc(obj(["id", str("msg_1")], ["type", str("message")], ["role", str("assistant")], ["model", model],
        ["content", arr(obj(["type", str("text")], ["text", strOf(joined(c.answer))]), obj(["type", str("tool_use")], ["id", str("toolu_1")], ["name", str("f")], ["input", c.toolInput]))],
        ["stop_reason", str("tool_use")], ["usage", anthropicUsage(c, false)]), layout, escapes);
    case "anthropic-sse": {
      const events = [ev("message_start", obj(["type", str("message_start")], ["message", obj(["id", str("msg_1")], ["type", str("message")], ["role", str("assistant")], ["model", model], ["content", arr()], ["usage", anthropicUsage(c, false)])]))];
      events.push(ev("content_block_start", obj(["type", str("content_block_start")], ["index", raw("0")], ["content_block", obj(["type", str("text")], ["text", str("")])])));
      events.push(ev("ping", obj(["type", str("ping")])));
      for (const a of c.answer) events.push(ev("content_block_delta", obj(["type", str("content_block_delta")], ["index", raw("0")], ["delta", obj(["type", str("text_delta")], ["text", strOf(a)])])));
      events.push(ev("content_block_start", obj(["type", str("content_block_start")], ["index", raw("1")], ["content_block", obj(["type", str("tool_use")], ["id", str("toolu_1")], ["name", str("f")], ["input", obj()])])));
      for (const f of c.argFragments) events.push(ev("content_block_delta", obj(["type", str("content_block_delta")], ["index", raw("1")], ["delta", obj(["type", str("input_json_delta")], ["partial_json", strOf(f)])])));
      events.push(ev("message_delta", obj(["type", str("message_delta")], ["delta", obj(["stop_reason", str("end_turn")])], ["usage", anthropicUsage(c, c.counts[7] === "0")])));
      events.push(ev("message_stop", obj(["type", str("message_stop")])));
      return concat(events);
    }
    case "gemini-json":
    case "gemini-sse":
    case "gemini-array": {
      const docs = c.answer.map((a, k) => obj(["candidates", arr(obj(["content", obj(["parts", arr(obj(["text", strOf(a)]))], ["role", str("model")])], ["index", raw("0")]))],
        ["usageMetadata", k === c.answer.length - 1 ? geminiUsage(c) : obj(["promptTokenCount", raw(c.counts[0]!)])], ["modelVersion", model], ["responseId", str("r1")]));
      if (provider === "gemini-sse") return concat(docs.map((d) => ev(null, d)));
      if (provider === "gemini-array") return renderDoc(arr(...docs), layout, escapes);
      return renderDoc(docs.at(-1)!, layout, escapes);
    }
    case "responses-json":
      return renderDoc(obj(["id", str("resp_1")], ["object", str("response")], ["status", str("completed")], ["model", model],
        ["output", arr(obj(["type", str("message")], ["content", arr(obj(["type", str("output_text")], ["text", strOf(joined(c.answer))]))]))], ["usage", responsesUsage(c)], ["metadata", c.meta]), layout, escapes);
    case "responses-sse": {
      const resp = (status: string, usage: Doc) => obj(["id", str("resp_1")], ["object", str("response")], ["status", str(status)], ["model", model], ["usage", usage]);
      const events = [ev("response.created", obj(["type", str("response.created")], ["sequence_number", raw("0")], ["response", resp("in_progress", raw("null"))]))];
      c.answer.forEach((a, k) => events.push(ev("response.output_text.delta", obj(["type", str("response.output_text.delta")], ["sequence_number", raw(String(k + 1))], ["delta", strOf(a)]))));
      const terminal = c.counts[7] === "0" ? "response.incomplete" : "response.completed";
      events.push(ev(terminal, obj(["type", str(terminal)], ["sequence_number", raw("9")], ["response", resp("completed", responsesUsage(c))])));
      return concat(events);
    }
  }
}

function requestBody(provider: Provider, c: Content, layout: Layout, escapes: Escapes, stream: boolean): Uint8Array {
  const messages = arr(obj(["role", str("system")], ["content", strOf(c.answer[0]!)]), obj(["role", str("user")], ["content", c.answer.length > 1 ? arr(obj(["type", str("text")], ["text", strOf(c.answer[1]!)])) : strOf(c.answer[0]!)]));
  if (provider.startsWith("gemini")) return renderDoc(obj(["contents", arr(obj(["role", str("user")], ["parts", arr(obj(["text", strOf(c.answer[0]!)]))]))], ["metadata", c.meta]), layout, escapes);
  if (provider.startsWith("responses")) return renderDoc(obj(["model", strOf(c.model)], ["input", messages], ["stream", raw(String(stream))], ["metadata", c.meta]), layout, escapes);
  return renderDoc(obj(["model", strOf(c.model)], ["messages", messages], ["stream", raw(String(stream))], ["metadata", c.meta], ["system", c.meta]), layout, escapes);
}

function path(provider: Provider): string {
  if (provider.startsWith("openai")) return "/v1/chat/completions";
  if (provider.startsWith("anthropic")) return "/v1/messages";
  if (provider.startsWith("responses")) return "/v1/responses";
  if (provider === "gemini-sse") return "/v1beta/models/gemini-2.5-pro:streamGenerateContent?alt=sse";
  if (provider === "gemini-array") return "/v1beta/models/gemini-2.5-pro:streamGenerateContent";
  return "/v1beta/models/gemini-2.5-pro:generateContent";
}

// ---------- configurations ----------

type Attr = Record<string, string | boolean>;
const ATTRIBUTES: readonly Attr[] = [
  { key: "messages", value_source: "request_body", value: "messages", apply_to_log: true },
  { key: "meta", value_source: "request_body", value: "metadata", apply_to_log: true },
  { key: "meta_field", value_source: "request_body", value: "metadata", apply_to_log: true, as_separate_log_field: true },
  { key: "meta_span", value_source: "request_body", value: "metadata", apply_to_span: true, trace_span_key: "meta.span" },
  { key: "contents", value_source: "request_body", value: "contents", apply_to_log: true },
  { key: "usage", value_source: "response_body", value: "usage", apply_to_log: true },
  { key: "usage_field", value_source: "response_body", value: "usage", apply_to_log: true, as_separate_log_field: true },
  { key: "choice", value_source: "response_body", value: "choices.0", apply_to_log: true },
  { key: "content", value_source: "response_body", value: "content", apply_to_log: true },
  { key: "usage_meta", value_source: "response_body", value: "usageMetadata", apply_to_log: true },
  { key: "rmeta", value_source: "response_body", value: "meta", apply_to_log: true },
  { key: "delta", value_source: "response_streaming_body", value: "choices.0.delta", rule: "replace", apply_to_log: true },
  { key: "block", value_source: "response_streaming_body", value: "content_block", rule: "first", apply_to_log: true },
  { key: "stream_usage", value_source: "response_streaming_body", value: "usage", rule: "replace", apply_to_log: true, as_separate_log_field: true },
  { key: "texts", value_source: "response_streaming_body", value: "delta.text", rule: "append", apply_to_log: true },
  { key: "question", apply_to_log: true },
  { key: "tool_calls", apply_to_log: true },
  { key: "input_token_details", apply_to_log: true },
  { key: "output_token_details", apply_to_log: true },
  { key: "reasoning_tokens", apply_to_log: true },
  { key: "cached_tokens", apply_to_log: true },
];

export const configArb: fc.Arbitrary<Record<string, unknown>> = fc.oneof(
  { weight: 1, arbitrary: fc.constant({}) },
  { weight: 1, arbitrary: fc.record({ use_default_attributes: fc.constant(true), enable_path_suffixes: fc.constant(["*"]) }) },
  {
    weight: 4,
    arbitrary: fc.record(
      {
        attributes: fc.subarray([...ATTRIBUTES], { minLength: 1 }),
        value_length_limit: fc.constantFrom(16, 64, 32000),
      },
      { requiredKeys: ["attributes"] },
    ),
  },
);

// ---------- exchanges ----------

export interface GeneratedExchange {
  readonly provider: Provider;
  readonly config: Record<string, unknown>;
  readonly requestHeaders: ReadonlyArray<readonly [string, string]>;
  readonly responseHeaders: ReadonlyArray<readonly [string, string]>;
  readonly requestChunks: readonly Uint8Array[];
  readonly responseChunks: readonly Uint8Array[];
  /** Null: ends normally; n: the exchange is cut short after n response chunks (reset). */
  readonly abortAfter: number | null;
}

/** `bytes` cut into pieces at the given positions (taken modulo its length, so anywhere). */
function split(bytes: Uint8Array, cuts: readonly number[]): Uint8Array[] {
  if (bytes.length === 0) return [bytes];
  const at = [...new Set(cuts.map((c) => c % bytes.length))].filter((c) => c > 0).sort((a, b) => a - b);
  const out: Uint8Array[] = [];
  let prev = 0;
  for (const c of [...at, bytes.length]) {
    out.push(bytes.subarray(prev, c));
    prev = c;
  }
  return out;
}

const cutArb = fc.option(fc.nat(), { freq: 3 });

export const exchangeArb: fc.Arbitrary<GeneratedExchange> = fc
  .record({
    provider: fc.constantFrom(...PROVIDERS),
    content: contentArb,
    config: configArb,
    layout: fc.constantFrom(...LAYOUTS),
    requestLayout: fc.constantFrom(...LAYOUTS),
    escapes: fc.constantFrom<Escapes>("raw", "unicode"),
    requestCut: fc.option(fc.nat(), { freq: 6 }),
    responseCut: cutArb,
    requestSplits: fc.array(fc.nat(), { maxLength: 3 }),
    responseSplits: fc.array(fc.nat(), { maxLength: 6 }),
    abort: fc.option(fc.nat({ max: 6 }), { freq: 4 }),
  })
  .map((g) => {
    const streaming = g.provider.endsWith("-sse");
    let request = requestBody(g.provider, g.content, g.requestLayout, g.escapes, streaming);
    if (g.requestCut !== null) request = request.subarray(0, g.requestCut % (request.length + 1));
    let response = responseBody(g.provider, g.content, g.layout, g.escapes);
    if (g.responseCut !== null) response = response.subarray(0, g.responseCut % (response.length + 1));
    const responseChunks = split(response, g.responseSplits);
    const x: GeneratedExchange = {
      provider: g.provider,
      config: g.config,
      requestHeaders: [[":method", "POST"], [":path", path(g.provider)], [":authority", "api.example.com"], ["content-type", "application/json"]],
      responseHeaders: [[":status", "200"], ["content-type", streaming ? "text/event-stream" : "application/json"]],
      requestChunks: split(request, g.requestSplits),
      responseChunks,
      abortAfter: g.abort === null ? null : g.abort % (responseChunks.length + 1),
    };
    // fast-check prints a counterexample with this (readable text, not byte arrays).
    return Object.assign(x, { [fc.toStringMethod]: () => describeExchange(x) });
  });

// ---------- checks ----------

/** Higress's wrapper.MarshalStr: Go's json.Marshal of a string, without the quotes. */
export function goMarshalStr(text: string): string {
  let out = "";
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    if (ch === '"') out += '\\"';
    else if (ch === "\\") out += "\\\\";
    else if (ch === "\n") out += "\\n";
    else if (ch === "\r") out += "\\r";
    else if (ch === "\t") out += "\\t";
    else if (cp < 0x20 || ch === "<" || ch === ">" || ch === "&" || cp === 0x2028 || cp === 0x2029) out += `\\u${hex4(cp)}`;
    else if (cp >= 0xd800 && cp <= 0xdfff) out += "\\ufffd"; // a lone surrogate: not UTF-8, Go writes U+FFFD
    else out += ch;
  }
  return out;
}

const strictUtf8 = new TextDecoder("utf-8", { fatal: true });

function compareUtf8(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, "utf8"), Buffer.from(b, "utf8"));
}

/** Null when `text` is compact (no whitespace outside strings) with every object's keys in strictly increasing byte order. */
export function compactCanonicalProblem(text: string): string | null {
  let i = 0;
  const where = (what: string) => `${what} at ${i}: ${JSON.stringify(text.slice(Math.max(0, i - 20), i + 20))}`;
  const readString = (): string => {
    const start = i++;
    while (text[i] !== '"') i += text[i] === "\\" ? 2 : 1;
    i++;
    return JSON.parse(text.slice(start, i)) as string;
  };
  const value = (): string | null => {
    const c = text[i];
    if (c === '"') {
      readString();
      return null;
    }
    if (c === "{" || c === "[") {
      const close = c === "{" ? "}" : "]";
      i++;
      let previous: string | null = null;
      if (text[i] === close) {
        i++;
        return null;
      }
      for (;;) {
        if (c === "{") {
          if (text[i] !== '"') return where("whitespace outside a string");
          const key = readString();
          if (previous !== null && compareUtf8(previous, key) >= 0) return where(`key ${JSON.stringify(key)} after ${JSON.stringify(previous)}`);
          previous = key;
          if (text[i] !== ":") return where("whitespace outside a string");
          i++;
        }
        const inner = value();
        if (inner !== null) return inner;
        if (text[i] === close) {
          i++;
          return null;
        }
        if (text[i] !== ",") return where("whitespace outside a string");
        i++;
      }
    }
    if (c === undefined || " \t\r\n".includes(c)) return where("whitespace outside a string");
    while (i < text.length && !",]}".includes(text[i]!)) {
      if (" \t\r\n".includes(text[i]!)) return where("whitespace outside a string");
      i++;
    }
    return null;
  };
  const problem = value();
  if (problem !== null) return problem;
  return i === text.length ? null : where("text after the value");
}

/**
 * Every way one ai_log (its UTF-8 bytes) is not a well-formed record: a byte below 0x20, not UTF-8,
 * not a JSON object, not compact and canonical, or its Higress-escaped form (MarshalStr) not
 * embedding as {"ai_log":"…"} with content that parses.
 */
export function logProblems(bytes: Uint8Array): string[] {
  const out: string[] = [];
  const control = bytes.findIndex((b) => b < 0x20);
  if (control >= 0) out.push(`raw control byte 0x${bytes[control]!.toString(16)} at ${control}`);
  let text: string;
  try {
    text = strictUtf8.decode(bytes);
  } catch {
    return [...out, "not valid UTF-8"];
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    return [...out, `not JSON: ${(error as Error).message}: ${text.slice(0, 300)}`];
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) out.push("not a JSON object");
  const canonical = compactCanonicalProblem(text);
  if (canonical !== null) out.push(`not compact and canonical: ${canonical}`);
  const escaped = goMarshalStr(text);
  try {
    const embedded = (JSON.parse(`{"ai_log":"${escaped}"}`) as { ai_log: string }).ai_log;
    if (embedded !== text) out.push("MarshalStr-escaped log does not decode to the log");
    JSON.parse(embedded);
  } catch (error) {
    out.push(`MarshalStr-escaped log does not embed: ${(error as Error).message}`);
  }
  return out;
}

/** Problems of a separate log field as stored (JSON string contents, MarshalStr): it must embed as a JSON string. */
export function fieldProblems(key: string, stored: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < stored.length; i++) {
    if (stored.charCodeAt(i) < 0x20) {
      out.push(`field ${key}: raw control character 0x${stored.charCodeAt(i).toString(16)} at ${i}`);
      break;
    }
  }
  try {
    JSON.parse(`{"${key.replace(/["\\]/g, "\\$&")}":"${stored}"}`);
  } catch (error) {
    out.push(`field ${key} does not embed as a JSON string: ${(error as Error).message}: ${stored.slice(0, 200)}`);
  }
  return out;
}

/** A short description of an exchange for failure messages. */
export function describeExchange(x: GeneratedExchange): string {
  const show = (chunks: readonly Uint8Array[]) => JSON.stringify(Buffer.concat(chunks.map((c) => Buffer.from(c))).toString("latin1").slice(0, 600));
  return `${x.provider} config=${JSON.stringify(x.config)} abortAfter=${x.abortAfter} chunks=${x.responseChunks.length}\nrequest=${show(x.requestChunks)}\nresponse=${show(x.responseChunks)}`;
}

/**
 * Runs `check` on `runs` generated exchanges (fast-check, shrinking to a small counterexample);
 * `check` returns the problems it found. RECORD_JSON_RUNS / RECORD_JSON_SEED override the count
 * and the seed.
 */
export async function checkExchanges(check: (x: GeneratedExchange) => string[] | Promise<string[]>, runs: number): Promise<void> {
  const seed = process.env.RECORD_JSON_SEED === undefined ? {} : { seed: Number(process.env.RECORD_JSON_SEED) };
  await fc.assert(
    fc.asyncProperty(exchangeArb, async (x) => {
      const problems = await check(x);
      if (problems.length > 0) throw new Error(`${problems.slice(0, 6).join("\n")}\n--- exchange: ${describeExchange(x)}`);
    }),
    { numRuns: Number(process.env.RECORD_JSON_RUNS ?? runs), ...seed },
  );
}

/** A sample of generated exchanges (fixed seed), to check that the generator makes what it claims. */
export function sampleExchanges(n: number): GeneratedExchange[] {
  return fc.sample(exchangeArb, { numRuns: n, seed: 7 });
}

// ---------- driving stats-core's engineRecordsTrace ----------

const encoder = new TextEncoder();

/** engineRecordsTrace's arguments for `x` (every chunk at its own clock tick). */
export function recordsTraceArgs(x: GeneratedExchange): [Uint8Array, string, string, string, string, Uint8Array, Int32Array] {
  const delivered = x.abortAfter === null ? x.responseChunks : x.responseChunks.slice(0, x.abortAfter);
  const plan: number[] = [0, x.requestChunks.length];
  let clock = 0;
  for (const c of x.requestChunks) plan.push(c.length, clock++);
  plan.push(100, delivered.length);
  clock = 110;
  for (const c of delivered) plan.push(c.length, (clock += 10));
  plan.push(clock + 5, x.abortAfter === null ? 0 : 1);
  const headers = (h: ReadonlyArray<readonly [string, string]>) => h.map(([n, v]) => `${n}\n${v}\n`).join("");
  return [encoder.encode(JSON.stringify(x.config)), headers(x.requestHeaders), headers(x.responseHeaders), "r1", "c1", concat([...x.requestChunks, ...delivered]), Int32Array.from(plan)];
}
