import { TRUNCATED_MARK, ValueBuffer } from "./value-buffer";

// Writes JSON text into a ValueBuffer (the assembled tool_calls array): structure as ASCII,
// strings escaped minimally (quote, backslash, control characters). The log writer re-escapes
// `<>&` and invalid UTF-8 when it copies the value out, as it does for any raw JSON value.

const HEX: string = "0123456789abcdef";

/** Appends b[start, end) as a JSON string literal, quotes included. */
export function appendJsonString(out: ValueBuffer, b: Uint8Array, start: i32, end: i32): void {
  out.appendAscii("\"");
  appendEscaped(out, b, start, end);
  out.appendAscii("\"");
}

/** Appends the value `v` as a JSON string literal (as it would be logged: head [truncated] tail). */
export function appendJsonStringOf(out: ValueBuffer, v: ValueBuffer): void {
  const p = v.pieces();
  out.appendAscii("\"");
  for (let k = 0; k < p.count; k++) {
    if (k == p.mark) out.appendAscii(TRUNCATED_MARK);
    appendEscaped(out, p.bytes, p.starts[k], p.ends[k]);
  }
  if (p.mark == p.count) out.appendAscii(TRUNCATED_MARK);
  out.appendAscii("\"");
}

function appendEscaped(out: ValueBuffer, b: Uint8Array, start: i32, end: i32): void {
  let run = start;
  for (let i = start; i < end; i++) {
    const c = <i32>b[i];
    if (c >= 0x20 && c != 0x22 && c != 0x5c) continue;
    out.append(b, run, i);
    if (c == 0x22) out.appendAscii("\\\"");
    else if (c == 0x5c) out.appendAscii("\\\\");
    else if (c == 0x0a) out.appendAscii("\\n");
    else if (c == 0x0d) out.appendAscii("\\r");
    else if (c == 0x09) out.appendAscii("\\t");
    else out.appendAscii("\\u00" + HEX.charAt(c >> 4) + HEX.charAt(c & 15));
    run = i + 1;
  }
  out.append(b, run, end);
}
