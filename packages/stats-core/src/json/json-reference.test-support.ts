/* eslint-disable no-restricted-syntax, no-restricted-globals -- test support in plain TypeScript, never
   compiled by asc: the portable-subset rules (which lint every non-test file under src/) do not apply. */
// A straightforward gjson-subset evaluator over a whole parsed document, written in plain test
// TypeScript, independent of the streaming matcher: the differential tests compare the two. It
// follows gjson's recursive Get (github.com/tidwall/gjson gjson.go: parseObject, parseArray,
// queryMatches, modReverse) rather than anything in src/json. Paths are given as structured
// components (the tests generate them that way) and rendered to gjson syntax with renderPath.

export type Comp =
  | { k: "key"; name: string; pipe?: boolean }
  | { k: "count" }
  | { k: "map" }
  | { k: "query"; all: boolean; key: Comp[]; op: string; value: string; pipe?: boolean }
  | { k: "reverse"; pipe?: boolean };

export type JNode =
  | { t: "obj"; raw: Uint8Array; members: { keyRaw: Uint8Array; key: Uint8Array; value: JNode }[] }
  | { t: "arr"; raw: Uint8Array; items: JNode[] }
  | { t: "str"; raw: Uint8Array; str: Uint8Array }
  | { t: "num"; raw: Uint8Array }
  | { t: "true" | "false" | "null"; raw: Uint8Array };

export interface RefResult {
  kind: string;
  raw: Uint8Array;
  str?: Uint8Array;
}

const enc = new TextEncoder();

// ---------- document ----------

/** Parses a well-formed JSON document (bytes), keeping raw text, duplicates and gjson-decoded strings. */
export function parseDoc(b: Uint8Array): JNode {
  let i = 0;
  const ws = () => {
    while (i < b.length && (b[i] === 0x20 || b[i] === 0x09 || b[i] === 0x0a || b[i] === 0x0d)) i++;
  };
  const value = (): JNode => {
    ws();
    const start = i;
    const c = b[i];
    if (c === 0x7b) {
      i++;
      const members: { keyRaw: Uint8Array; key: Uint8Array; value: JNode }[] = [];
      ws();
      if (b[i] === 0x7d) {
        i++;
        return { t: "obj", raw: b.subarray(start, i), members };
      }
      for (;;) {
        ws();
        const ks = i;
        const key = str();
        const keyRaw = b.subarray(ks, i);
        ws();
        i++; // ':'
        const v = value();
        members.push({ keyRaw, key, value: v });
        ws();
        if (b[i] === 0x2c) {
          i++;
          continue;
        }
        i++; // '}'
        return { t: "obj", raw: b.subarray(start, i), members };
      }
    }
    if (c === 0x5b) {
      i++;
      const items: JNode[] = [];
      ws();
      if (b[i] === 0x5d) {
        i++;
        return { t: "arr", raw: b.subarray(start, i), items };
      }
      for (;;) {
        items.push(value());
        ws();
        if (b[i] === 0x2c) {
          i++;
          continue;
        }
        i++;
        return { t: "arr", raw: b.subarray(start, i), items };
      }
    }
    if (c === 0x22) {
      const s = str();
      return { t: "str", raw: b.subarray(start, i), str: s };
    }
    if (c === 0x74) {
      i += 4;
      return { t: "true", raw: b.subarray(start, i) };
    }
    if (c === 0x66) {
      i += 5;
      return { t: "false", raw: b.subarray(start, i) };
    }
    if (c === 0x6e) {
      i += 4;
      return { t: "null", raw: b.subarray(start, i) };
    }
    while (i < b.length && /[-+0-9.eE]/.test(String.fromCharCode(b[i]!))) i++;
    return { t: "num", raw: b.subarray(start, i) };
  };
  const str = (): Uint8Array => {
    const s = i + 1;
    i++;
    while (b[i] !== 0x22) i += b[i] === 0x5c ? 2 : 1;
    const body = b.subarray(s, i);
    i++;
    return gjsonDecode(body);
  };
  return value();
}

const hex4 = (b: Uint8Array, at: number) => parseInt(String.fromCharCode(...b.subarray(at, at + 4)), 16);

/** JSON string contents decoded the way gjson's unescape does (used on documents and query values). */
export function gjsonDecode(b: Uint8Array): Uint8Array {
  const out: number[] = [];
  const put = (cp: number) => {
    if (cp >= 0xd800 && cp <= 0xdfff) cp = 0xfffd;
    out.push(...enc.encode(String.fromCodePoint(cp)));
  };
  for (let i = 0; i < b.length; ) {
    const c = b[i]!;
    if (c !== 0x5c) {
      if (c < 0x20) break;
      out.push(c);
      i++;
      continue;
    }
    const e = b[i + 1];
    if (e === undefined) break;
    const simple: Record<number, number> = { 0x22: 0x22, 0x5c: 0x5c, 0x2f: 0x2f, 0x62: 8, 0x66: 12, 0x6e: 10, 0x72: 13, 0x74: 9 };
    if (simple[e] !== undefined) {
      out.push(simple[e]!);
      i += 2;
      continue;
    }
    if (e !== 0x75 || i + 6 > b.length) break;
    let r = /^[0-9a-fA-F]{4}$/.test(String.fromCharCode(...b.subarray(i + 2, i + 6))) ? hex4(b, i + 2) : 0;
    i += 6;
    if (r >= 0xd800 && r <= 0xdfff && b.length - i >= 6 && b[i] === 0x5c && b[i + 1] === 0x75) {
      const r2 = /^[0-9a-fA-F]{4}$/.test(String.fromCharCode(...b.subarray(i + 2, i + 6))) ? hex4(b, i + 2) : 0;
      r = r <= 0xdbff && r2 >= 0xdc00 && r2 <= 0xdfff ? 0x10000 + ((r - 0xd800) << 10) + (r2 - 0xdc00) : 0xfffd;
      i += 6;
    }
    put(r);
  }
  return Uint8Array.from(out);
}

// ---------- evaluation ----------

const bytesEq = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((x, i) => x === b[i]);
const cat = (parts: Uint8Array[]) => {
  const n = parts.reduce((s, p) => s + p.length, 0);
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
};
const joinRaw = (open: string, items: Uint8Array[], close: string) => {
  const parts: Uint8Array[] = [enc.encode(open)];
  items.forEach((it, i) => {
    if (i > 0) parts.push(enc.encode(","));
    parts.push(it);
  });
  parts.push(enc.encode(close));
  return cat(parts);
};

const KIND: Record<JNode["t"], string> = { obj: "OBJECT", arr: "ARRAY", str: "STRING", num: "NUMBER", true: "TRUE", false: "FALSE", null: "NULL" };

function res(v: JNode): RefResult {
  return v.t === "str" ? { kind: "STRING", raw: v.raw, str: v.str } : { kind: KIND[v.t], raw: v.raw };
}

const indexOf = (name: string) => (/^[0-9]+$/.test(name) && name.length < 10 ? Number(name) : -1);

/**
 * A hit without a value: a piped step (`a|b`, `a.@reverse`) or a `#(…)` chose its candidate and the
 * rest found nothing. gjson's recursion returns hit=true then, which ends the search up to the
 * enclosing Get call (the root, one element of `#.`/`#(…)#`, a query key, a modifier's result).
 */
const HIT: unique symbol = Symbol("hit");
type Eval = RefResult | undefined | typeof HIT;

/** gjson's Get for one structured path. */
export function evaluate(v: JNode, comps: Comp[]): RefResult | undefined {
  const r = step(v, comps, 0);
  return r === HIT ? undefined : r;
}

function step(v: JNode, comps: Comp[], k: number): Eval {
  if (k === comps.length) return res(v);
  const c = comps[k]!;
  switch (c.k) {
    case "key":
      // gjson reads `.@modifier` like `|` (isDotPiperChar): the member before it is final.
      return keyStep(v, enc.encode(c.name), indexOf(c.name), c.pipe === true || comps[k + 1]?.k === "reverse", comps, k + 1);
    case "count":
      if (v.t === "arr") return { kind: "NUMBER", raw: enc.encode(String(v.items.length)) };
      return keyStep(v, enc.encode("#"), -1, false, comps, k + 1);
    case "map":
      if (v.t === "arr") {
        const parts: Uint8Array[] = [];
        for (const e of v.items) {
          const r = evaluate(e, comps.slice(k + 1));
          if (r) parts.push(r.raw);
        }
        return { kind: "ARRAY", raw: joinRaw("[", parts, "]") };
      }
      return keyStep(v, enc.encode("#"), -1, false, comps, k + 1);
    case "query": {
      if (v.t !== "arr") return undefined;
      if (!c.all) {
        for (const e of v.items) if (queryAccepts(e, c)) return evaluate(e, comps.slice(k + 1)) ?? HIT;
        return undefined;
      }
      const parts: Uint8Array[] = [];
      for (const e of v.items) {
        if (!queryAccepts(e, c)) continue;
        const r = evaluate(e, comps.slice(k + 1));
        if (r) parts.push(r.raw);
      }
      return { kind: "ARRAY", raw: joinRaw("[", parts, "]") };
    }
    case "reverse": {
      if (v.t === "arr") {
        const items = [...v.items].reverse();
        return evaluate({ t: "arr", raw: joinRaw("[", items.map((e) => e.raw), "]"), items }, comps.slice(k + 1));
      }
      if (v.t === "obj") {
        const members = [...v.members].reverse();
        const raw = joinRaw("{", members.map((m) => cat([m.keyRaw, enc.encode(":"), m.value.raw])), "}");
        return evaluate({ t: "obj", raw, members }, comps.slice(k + 1));
      }
      return k + 1 === comps.length ? res(v) : undefined;
    }
  }
}

// A member by name (objects) or an element by index (arrays). Without a pipe, gjson's depth-first
// search goes on to later duplicates when the rest of the path finds nothing; with one, the first
// member is final.
function keyStep(v: JNode, name: Uint8Array, index: number, pipe: boolean, comps: Comp[], next: number): Eval {
  if (v.t === "obj") {
    for (const m of v.members) {
      if (!bytesEq(m.key, name)) continue;
      const r = step(m.value, comps, next);
      if (r) return r;
      if (pipe) return HIT;
    }
    return undefined;
  }
  if (v.t === "arr") {
    const e = index >= 0 ? v.items[index] : undefined;
    if (!e) return undefined;
    return step(e, comps, next) ?? (pipe ? HIT : undefined);
  }
  return undefined;
}

function queryAccepts(e: JNode, q: Extract<Comp, { k: "query" }>): boolean {
  let value: RefResult | undefined;
  if (e.t === "obj" || e.t === "arr") {
    const r = q.key.length === 0 ? keyStep(e, new Uint8Array(0), -1, false, [], 0) : evaluate(e, q.key);
    value = r === HIT ? undefined : r;
  } else {
    if (q.key.length > 0) return false;
    value = res(e);
  }
  return queryMatches(value, q.op, queryValue(q.value));
}

/** The right-hand side as gjson compares it: quotes stripped, escapes resolved if it had any. */
export function queryValue(text: string): Uint8Array {
  const b = enc.encode(text);
  if (b.length >= 2 && b[0] === 0x22 && b[b.length - 1] === 0x22) {
    const inner = b.subarray(1, b.length - 1);
    return inner.includes(0x5c) ? gjsonDecode(inner) : inner;
  }
  return b;
}

const dec = new TextDecoder();

// Go's strconv.ParseFloat for the syntax the tests use; anything else reads as 0 (gjson ignores the error).
function goFloat(b: Uint8Array): number {
  const s = dec.decode(b);
  if (/^[+-]?(inf|infinity)$/i.test(s)) return s.startsWith("-") ? -Infinity : Infinity;
  if (/^nan$/i.test(s)) return NaN;
  if (/^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?$/.test(s)) return Number(s);
  return 0;
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < a.length && i < b.length; i++) if (a[i] !== b[i]) return a[i]! < b[i]! ? -1 : 1;
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}

function truthy(v: RefResult | undefined, want: "true" | "false" | "null" | "*"): boolean {
  if (want === "*") return v !== undefined;
  if (want === "null") return v === undefined || v.kind === "NULL";
  const kind = v === undefined ? "NULL" : v.kind;
  let b: boolean | undefined;
  if (kind === "TRUE") b = true;
  else if (kind === "FALSE" || kind === "NULL") b = want === "false" ? false : undefined;
  else if (kind === "NUMBER") b = Number(dec.decode(v!.raw)) !== 0;
  else if (kind === "STRING") {
    const w = dec.decode(v!.str!).toLowerCase();
    b = ["1", "t", "true"].includes(w) ? true : ["0", "f", "false"].includes(w) ? false : undefined;
  }
  if (want === "true") return b === true;
  return b === false;
}

/** gjson's queryMatches. */
export function queryMatches(v: RefResult | undefined, op: string, rpvIn: Uint8Array): boolean {
  let rpv = rpvIn;
  let value = v;
  if (rpv.length > 0 && rpv[0] === 0x7e) {
    const want = dec.decode(rpv.subarray(1)) as "true" | "false" | "null" | "*";
    value = { kind: truthy(v, want) ? "TRUE" : "FALSE", raw: new Uint8Array(0) };
    rpv = enc.encode("true");
  }
  if (value === undefined) return false;
  if (op === "") return true;
  const o = op === "==" ? "=" : op;
  const text = dec.decode(rpv);
  switch (value.kind) {
    case "STRING": {
      const c = compareBytes(value.str!, rpv);
      if (o === "%") return globMatch(value.str!, rpv);
      if (o === "!%") return !globMatch(value.str!, rpv);
      return order(c, o);
    }
    case "NUMBER": {
      const a = Number(dec.decode(value.raw));
      const b = goFloat(rpv);
      if (Number.isNaN(a) || Number.isNaN(b)) return o === "!=";
      return order(a < b ? -1 : a > b ? 1 : 0, o);
    }
    case "TRUE":
      return o === "=" ? text === "true" : o === "!=" ? text !== "true" : o === ">" ? text === "false" : o === ">=";
    case "FALSE":
      return o === "=" ? text === "false" : o === "!=" ? text !== "false" : o === "<" ? text === "true" : o === "<=";
    default:
      return false;
  }
}

function order(c: number, o: string): boolean {
  return o === "=" ? c === 0 : o === "!=" ? c !== 0 : o === "<" ? c < 0 : o === "<=" ? c <= 0 : o === ">" ? c > 0 : o === ">=" ? c >= 0 : false;
}

// Go's utf8.DecodeRune over the whole string: invalid bytes are one U+FFFD each.
function runes(b: Uint8Array): number[] {
  const out: number[] = [];
  for (let i = 0; i < b.length; ) {
    const c = b[i]!;
    let n = 0;
    let lo = 0x80;
    let hi = 0xbf;
    let cp = 0;
    if (c < 0x80) {
      out.push(c);
      i++;
      continue;
    } else if (c >= 0xc2 && c <= 0xdf) [n, cp] = [1, c & 0x1f];
    else if (c >= 0xe0 && c <= 0xef) [n, cp, lo, hi] = [2, c & 0x0f, c === 0xe0 ? 0xa0 : 0x80, c === 0xed ? 0x9f : 0xbf];
    else if (c >= 0xf0 && c <= 0xf4) [n, cp, lo, hi] = [3, c & 0x07, c === 0xf0 ? 0x90 : 0x80, c === 0xf4 ? 0x8f : 0xbf];
    let ok = n > 0;
    for (let k = 1; ok && k <= n; k++) {
      const x = b[i + k];
      if (x === undefined || x < lo || x > hi) ok = false;
      else cp = (cp << 6) | (x & 0x3f);
      lo = 0x80;
      hi = 0xbf;
    }
    if (ok) {
      out.push(cp);
      i += n + 1;
    } else {
      out.push(0xfffd);
      i++;
    }
  }
  return out;
}

/** `*`, `?` and `\` escapes over code points: a plain memoised recursion. */
export function globMatch(str: Uint8Array, pattern: Uint8Array): boolean {
  const s = runes(str);
  const toks: (number | "*" | "?")[] = [];
  const p = runes(pattern);
  for (let i = 0; i < p.length; i++) {
    if (p[i] === 0x2a) toks.push("*");
    else if (p[i] === 0x3f) toks.push("?");
    else if (p[i] === 0x5c && i + 1 < p.length) toks.push(p[++i]!);
    else toks.push(p[i]!);
  }
  const memo = new Map<number, boolean>();
  const go = (a: number, b: number): boolean => {
    const key = a * 100000 + b;
    const hit = memo.get(key);
    if (hit !== undefined) return hit;
    let r: boolean;
    if (b === toks.length) r = a === s.length;
    else if (toks[b] === "*") r = go(a, b + 1) || (a < s.length && go(a + 1, b));
    else if (a === s.length) r = false;
    else r = (toks[b] === "?" || toks[b] === s[a]) && go(a + 1, b + 1);
    memo.set(key, r);
    return r;
  };
  return go(0, 0);
}

// ---------- rendering ----------

const KEY_SPECIAL = new Set([".", "|", "*", "?", "\\"]);
const QUERY_KEY_SPECIAL = new Set([".", "|", "*", "?", "\\", "!", "=", "<", ">", "%", "(", ")", "[", "]", '"']);

function renderKey(name: string, inQuery: boolean): string {
  let s = "";
  const chars = [...name];
  chars.forEach((ch, i) => {
    const lead = i === 0 && (ch === "#" || ch === "@" || ch === "!" || ch === "[" || ch === "{");
    if (lead || (inQuery ? QUERY_KEY_SPECIAL : KEY_SPECIAL).has(ch)) s += "\\";
    s += ch;
  });
  return s;
}

/** gjson syntax for structured components. */
export function renderPath(comps: Comp[], inQuery = false): string {
  let s = "";
  comps.forEach((c, i) => {
    if (i > 0) {
      const prev = comps[i - 1]!;
      s += "pipe" in prev && prev.pipe ? "|" : ".";
    }
    if (c.k === "key") s += renderKey(c.name, inQuery);
    else if (c.k === "count") s += "#";
    else if (c.k === "map") s += "#";
    else if (c.k === "reverse") s += "@reverse";
    else s += "#(" + renderPath(c.key, true) + c.op + c.value + ")" + (c.all ? "#" : "");
  });
  return s;
}

/** What the trace prints for one result. */
export function resultText(r: RefResult): string {
  const b = r.kind === "STRING" ? r.str! : r.raw;
  let s = "";
  for (const c of b) {
    if (c === 0x5c) s += "\\\\";
    else if (c >= 0x20 && c < 0x7f) s += String.fromCharCode(c);
    else s += "\\x" + c.toString(16).padStart(2, "0");
  }
  return r.kind + " " + s;
}
