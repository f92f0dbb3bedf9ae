// Higress stores ai_log as a JSON string's *contents* (wrapper MarshalStr: the log JSON escaped
// without surrounding quotes), so an access log format '{"ai_log":"%FILTER_STATE(wasm.ai_log:PLAIN)%"}'
// stays valid JSON. The engine's log text is already Go-escaped JSON (no raw control characters,
// U+2028/2029 and <>& escaped), so only quotes and backslashes remain to escape.
//
// The text is encoded straight from the string into one reused buffer: a log can be tens of KB
// (value_length_limit per attribute) and the minimal runtime collects only between callbacks, so
// an encode-then-escape pair of copies per log would be garbage the VM must have room for.

let scratch = new Uint8Array(4096);

/** The buffer escapeForJsonString wrote into (valid for `length` bytes until the next call). */
export function escapedPtr(): usize {
  return scratch.dataStart;
}

/** Writes `text` as UTF-8 with `"` and `\` backslash-escaped; returns the byte length. */
export function escapeForJsonString(text: string): i32 {
  const n = text.length;
  // At most 3 bytes per UTF-16 unit (a pair's 4 bytes cover two units; an escape is 2 for 1).
  if (scratch.length < n * 3) {
    let cap = scratch.length;
    while (cap < n * 3) cap <<= 1;
    scratch = new Uint8Array(cap);
  }
  const out = scratch.dataStart;
  let o: usize = 0;
  for (let i = 0; i < n; i++) {
    const c = <u32>text.charCodeAt(i);
    if (c < 0x80) {
      if (c == 0x22 || c == 0x5c) store<u8>(out + o++, 0x5c);
      store<u8>(out + o++, <u8>c);
    } else if (c < 0x800) {
      store<u8>(out + o++, <u8>(0xc0 | (c >> 6)));
      store<u8>(out + o++, <u8>(0x80 | (c & 0x3f)));
    } else if (c >= 0xd800 && c <= 0xdbff && i + 1 < n && (<u32>text.charCodeAt(i + 1) & 0xfc00) == 0xdc00) {
      const cp = 0x10000 + ((c - 0xd800) << 10) + (<u32>text.charCodeAt(i + 1) - 0xdc00);
      i++;
      store<u8>(out + o++, <u8>(0xf0 | (cp >> 18)));
      store<u8>(out + o++, <u8>(0x80 | ((cp >> 12) & 0x3f)));
      store<u8>(out + o++, <u8>(0x80 | ((cp >> 6) & 0x3f)));
      store<u8>(out + o++, <u8>(0x80 | (cp & 0x3f)));
    } else {
      // A lone surrogate cannot come from the engine (it decodes UTF-8); were one there, U+FFFD.
      const u = c >= 0xd800 && c <= 0xdfff ? <u32>0xfffd : c;
      store<u8>(out + o++, <u8>(0xe0 | (u >> 12)));
      store<u8>(out + o++, <u8>(0x80 | ((u >> 6) & 0x3f)));
      store<u8>(out + o++, <u8>(0x80 | (u & 0x3f)));
    }
  }
  return <i32>o;
}
