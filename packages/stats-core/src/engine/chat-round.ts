import { JV_ARRAY, JV_STRING, JsonValue } from "../config/json-value";
import { JsonValueParser } from "../config/json-value-parser";
import { KIND_ARRAY } from "../json/json-kinds";
import { sliceBytes } from "../json/json-utf8";
import { PathCaptures } from "./path-captures";
import { RequestFields } from "./response-fields";
import { ValueBuffer } from "./value-buffer";

// chat_round from the request's roles (Higress ai-statistics): `messages.#.role` for OpenAI and
// Anthropic, or `contents.#` and `contents.#.role` for Gemini, whose contents without a role
// count as user turns. The role arrays are small captured values, parsed with the tree parser.

/** chat_round: user messages (OpenAI, Anthropic), or Gemini contents whose role is user or absent. */
export function chatRoundOf(c: PathCaptures, f: RequestFields): f64 {
  const parser = new JsonValueParser(8);
  if (c.values[f.messageRoles].kind == KIND_ARRAY) {
    const roles = parseWhole(parser, c.values[f.messageRoles]);
    if (roles != null) return countRoles(roles, true);
  }
  if (c.isNumber(f.contentCount)) {
    const total = c.number(f.contentCount);
    const roles = c.values[f.contentRoles].kind == KIND_ARRAY ? parseWhole(parser, c.values[f.contentRoles]) : null;
    return roles == null ? total : total - countRoles(roles, false);
  }
  return -1;
}

function parseWhole(parser: JsonValueParser, v: ValueBuffer): JsonValue | null {
  if (!v.whole) return null;
  const p = v.pieces();
  if (p.count != 1) return null;
  return parser.parse(sliceBytes(p.bytes, p.starts[0], p.ends[0]));
}

// Counts string items equal to "user" (or, with user false, the ones that are not "user").
function countRoles(roles: JsonValue, user: bool): f64 {
  if (roles.kind != JV_ARRAY) return 0;
  let n = 0;
  for (let i = 0; i < roles.items.length; i++) {
    const r = roles.items[i];
    if (r.kind != JV_STRING) continue;
    if ((r.text == "user") == user) n++;
  }
  return n;
}

