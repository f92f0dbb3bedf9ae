// Facts taken from request headers and host properties, as Higress reads them.

/** The value of header `name` (lower-case), or "". */
export function header(names: Array<string>, values: Array<string>, name: string): string {
  for (let i = 0; i < names.length; i++) if (names[i] == name) return values[i];
  return "";
}

/** ASCII lower case (header names), the same string when already lower-case. */
export function lower(s: string): string {
  let out = "";
  let changed = false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x41 && c <= 0x5a) changed = true;
  }
  if (!changed) return s;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    out += String.fromCharCode(c >= 0x41 && c <= 0x5a ? c + 32 : c);
  }
  return out;
}

export function isSpace(c: i32): bool {
  return c == 0x20 || c == 0x09 || c == 0x0a || c == 0x0d;
}

/** The path without its query string. */
export function pathWithoutQuery(path: string): string {
  const q = path.indexOf("?");
  return q >= 0 ? path.substring(0, q) : path;
}

/** Gemini's model from `…/models/{model}:…` (query string ignored), or "". */
export function geminiPathModel(path: string): string {
  const bare = pathWithoutQuery(path);
  const at = bare.indexOf("/models/");
  if (at < 0) return "";
  const rest = bare.substring(at + 8);
  const colon = rest.indexOf(":");
  if (colon <= 0) return "";
  const model = rest.substring(0, colon);
  return model.indexOf("/") >= 0 ? "" : model;
}

/** Higress's route label: an API route name `a@b@c@…` keeps its first three parts. */
export function metricRoute(routeName: string): string {
  if (routeName.length == 0) return "-";
  const parts = routeName.split("@");
  if (parts.length <= 3) return routeName;
  return parts[0] + "@" + parts[1] + "@" + parts[2];
}
