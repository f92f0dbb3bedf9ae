// Higress stores ai_log as a JSON string's *contents* (wrapper MarshalStr: the log JSON escaped
// without surrounding quotes), so an access log format '{"ai_log":"%FILTER_STATE(wasm.ai_log:PLAIN)%"}'
// stays valid JSON. The engine's log text is already Go-escaped JSON (no raw control characters,
// U+2028/2029 and <>& escaped), so only quotes and backslashes remain to escape.

/** UTF-8 bytes of `text`, with `"` and `\` backslash-escaped. */
export function escapeForJsonString(text: string): ArrayBuffer {
  const raw = Uint8Array.wrap(String.UTF8.encode(text));
  let extra = 0;
  for (let i = 0; i < raw.length; i++) {
    const b = raw[i];
    if (b == 0x22 || b == 0x5c) extra++;
  }
  if (extra == 0) return raw.buffer;
  const out = new Uint8Array(raw.length + extra);
  let o = 0;
  for (let i = 0; i < raw.length; i++) {
    const b = raw[i];
    if (b == 0x22 || b == 0x5c) out[o++] = 0x5c;
    out[o++] = b;
  }
  return out.buffer;
}
