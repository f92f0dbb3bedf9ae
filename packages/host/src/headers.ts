// Headers as JavaScript hosts hold them, flattened into the field lines the core reads: Node's
// `req.headers` / `res.getHeaders()` (a plain object of string | string[] | number values), a fetch
// `Headers` (iterable of [name, value]), a Map, or a list of pairs.

/** A header value as Node gives it (`IncomingHttpHeaders`, `OutgoingHttpHeaders`). */
export type HeaderValue = string | readonly string[] | number | undefined;

/** Something with a fetch-style `forEach(value, name)`: `Headers` and look-alikes without an iterator. */
export interface ForEachHeaders {
  forEach(callback: (value: string, name: string) => void): void;
}

/**
 * Request or response headers:
 * - a plain object (`req.headers`, `res.getHeaders()`): an array value is one header's several
 *   field lines, combined with ", " as HTTP combines them (RFC 9110 §5.3, what Node does for
 *   `req.headers` and fetch for `Headers.get`) — except `set-cookie`, whose lines cannot be
 *   combined and are added one by one; numbers are written in decimal; `undefined` is left out;
 * - an iterable of `[name, value]` pairs (fetch `Headers`, a `Map`, an array of pairs): each pair
 *   is one field line, in order; when a name repeats, the core reads its first line, as Envoy
 *   reads a header map;
 * - an object with fetch's `forEach(value, name)`.
 * Names are case-insensitive (the core lower-cases them).
 */
export type HeadersInput =
  | { readonly [name: string]: HeaderValue }
  | Iterable<readonly [string, string]>
  | ForEachHeaders;

/** Calls `add` once per field line of `headers`. */
export function forEachHeader(headers: HeadersInput | undefined, add: (name: string, value: string) => void): void {
  if (headers === undefined || headers === null) return;
  if (typeof (headers as Partial<Iterable<unknown>>)[Symbol.iterator] === "function") {
    for (const pair of headers as Iterable<readonly [string, string]>) add(String(pair[0]), String(pair[1]));
    return;
  }
  const forEach = (headers as Partial<ForEachHeaders>).forEach;
  if (typeof forEach === "function") {
    forEach.call(headers, (value: string, name: string) => add(String(name), String(value)));
    return;
  }
  const record = headers as { readonly [name: string]: HeaderValue };
  for (const name of Object.keys(record)) {
    const value = record[name];
    if (value === undefined) continue;
    if (typeof value === "string") add(name, value);
    else if (typeof value === "number") add(name, String(value));
    else if (Array.isArray(value)) {
      if (name.toLowerCase() === "set-cookie") for (const v of value as readonly string[]) add(name, String(v));
      else if (value.length > 0) add(name, (value as readonly string[]).join(", "));
    } else add(name, String(value));
  }
}
