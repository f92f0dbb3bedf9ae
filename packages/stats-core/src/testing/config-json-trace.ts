import { JV_ARRAY, JV_BOOL, JV_NULL, JV_NUMBER, JV_OBJECT, JsonValue } from "../config/json-value";
import { JsonValueParser } from "../config/json-value-parser";
import { exactBinaryText } from "./config-number-text";

// Parses `input` with JsonValueParser and prints the tree canonically (or the failure), so tests
// can compare the two builds with each other and with JSON.parse (config-json-reference.node.ts
// prints a JSON.parse result the same way):
//
//   null true false  num(<exact binary value>)  "<text, every unit outside printable ASCII as \uXXXX>"
//   [a,b]  {"k":v,"k":v}   (members in document order, duplicates kept)
//   error <status> at <offset>: <message>
export function jsonValueTrace(input: Uint8Array, maxDepth: i32): string {
  const parser = new JsonValueParser(maxDepth);
  const v = parser.parse(input);
  if (v == null) return "error " + parser.status.toString() + " " + parser.errorText();
  const out = new Array<string>(0);
  printValue(v, out);
  return out.join("");
}

function printValue(v: JsonValue, out: Array<string>): void {
  const k = v.kind;
  if (k == JV_NULL) out.push("null");
  else if (k == JV_BOOL) out.push(v.boolValue ? "true" : "false");
  else if (k == JV_NUMBER) out.push("num(" + exactBinaryText(v.number) + ")");
  else if (k == JV_ARRAY) {
    out.push("[");
    for (let i = 0; i < v.items.length; i++) {
      if (i > 0) out.push(",");
      printValue(v.items[i], out);
    }
    out.push("]");
  } else if (k == JV_OBJECT) {
    out.push("{");
    for (let i = 0; i < v.keys.length; i++) {
      if (i > 0) out.push(",");
      out.push(escapedText(v.keys[i]));
      out.push(":");
      printValue(v.values[i], out);
    }
    out.push("}");
  } else out.push(escapedText(v.text));
}

const HEX = "0123456789abcdef";

/** `s` in double quotes; `"` and `\` escaped, every code unit outside 0x20-0x7e as \uXXXX. */
export function escapedText(s: string): string {
  let out = "\"";
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c == 0x22) out += "\\\"";
    else if (c == 0x5c) out += "\\\\";
    else if (c >= 0x20 && c <= 0x7e) out += String.fromCharCode(c);
    else out += "\\u" + HEX.charAt((c >> 12) & 15) + HEX.charAt((c >> 8) & 15) + HEX.charAt((c >> 4) & 15) + HEX.charAt(c & 15);
  }
  return out + "\"";
}
