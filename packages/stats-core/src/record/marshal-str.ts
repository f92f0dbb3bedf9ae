import { JsonWriter } from "./json-writer";

/**
 * Higress's MarshalStr: `s` as the contents of a JSON string, without the quotes (Go's
 * json.Marshal of the string, quotes cut off), which is how Higress stores ai_log and separate log
 * fields so that an access-log format such as `{"ai_log":"%FILTER_STATE(wasm.ai_log:PLAIN)%"}`
 * stays valid JSON. Every control character, `"`, `\`, `<>&` and U+2028/U+2029 are escaped.
 */
export function marshalStr(s: string): string {
  const w = new JsonWriter();
  w.stringLiteral(s);
  const quoted = w.finish();
  return quoted.substring(1, quoted.length - 1);
}
