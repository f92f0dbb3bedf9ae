// Higress stores ai_log as a JSON string's *contents* (wrapper MarshalStr: the log JSON escaped
// without surrounding quotes), so an access log format '{"ai_log":"%FILTER_STATE(wasm.ai_log:PLAIN)%"}'
// stays valid JSON. The engine's log is already Go-escaped JSON (no raw control characters,
// U+2028/2029 and <>& escaped), so only quotes and backslashes remain to escape.
//
// The engine hands the log over as UTF-8 (engine.textLogs off), and it is escaped into one reused
// buffer: a log can be tens of KB (value_length_limit per attribute) and the minimal runtime
// collects only between callbacks, so a copy per log would be garbage the VM must have room for.

let scratch = new Uint8Array(4096);

/** The buffer escapeForJsonString wrote into (valid for the length it returned, until the next call). */
export function escapedPtr(): usize {
  return scratch.dataStart;
}

/** Writes bytes[0, length) with `"` and `\` backslash-escaped; returns the escaped length. */
export function escapeForJsonString(bytes: Uint8Array, length: i32): i32 {
  const n = length < bytes.length ? length : bytes.length;
  if (scratch.length < n * 2) {
    let cap = scratch.length;
    while (cap < n * 2) cap <<= 1;
    scratch = new Uint8Array(cap);
  }
  const src = bytes.dataStart;
  const out = scratch.dataStart;
  let o: usize = 0;
  for (let i = 0; i < n; i++) {
    const b = load<u8>(src + <usize>i);
    if (b == 0x22 || b == 0x5c) store<u8>(out + o++, 0x5c);
    store<u8>(out + o++, b);
  }
  return <i32>o;
}
