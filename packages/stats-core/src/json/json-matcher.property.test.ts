import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { builds, jsBuild, wasmBuild } from "../testing/builds.node";
import { type Comp, type JNode, evaluate, parseDoc, queryValue, renderPath, resultText } from "./json-reference.test-support";

// Differential tests: generated documents (nested objects/arrays, duplicate keys, escapes, astral
// characters, lone surrogates, numbers with exponents, random whitespace) are fed at random chunk
// splits through the streaming matcher, and every path's result must equal what the whole-document
// reference evaluator (json-reference.test-support.ts, gjson's recursive Get) returns. Paths are
// walked from each document's own structure, plus random ones that mostly miss.

// ---------- documents ----------

type Gen =
  | { t: "obj"; m: [string, Gen][] }
  | { t: "arr"; a: Gen[] }
  | { t: "str"; s: string }
  | { t: "num"; n: string }
  | { t: "lit"; v: "true" | "false" | "null" };

const KEYS = ["a", "b", "c", "id", "name", "0", "1", "2", "#", "", "k.e|y", "@reverse", "@type", "x*y", "é", "😀", "sp ace", 'q"uote', "back\\slash", "#(a)", "tab\t", "a=b"];
const CHARS = ["a", "b", "z", "A", " ", "0", "5", "*", "?", ".", '"', "\\", "/", "\n", "\t", "\u0001", "é", "中", "😀", "\ud800", "\udc00", "%", "~", "D"];

const keyArb = fc.constantFrom(...KEYS);
const strArb = fc.array(fc.constantFrom(...CHARS), { maxLength: 10 }).map((cs) => cs.join(""));
const numArb = fc
  .tuple(fc.boolean(), fc.oneof(fc.constant("0"), fc.integer({ min: 1, max: 999999 }).map(String)), fc.option(fc.integer({ min: 0, max: 9999 }).map(String)), fc.option(fc.integer({ min: -30, max: 30 })))
  .map(([neg, int, frac, exp]) => (neg ? "-" : "") + int + (frac !== null ? "." + frac : "") + (exp !== null ? (exp % 2 ? "e" : "E") + (exp >= 0 && exp % 3 === 0 ? "+" : "") + exp : ""));

const { value: valueArb } = fc.letrec<{ value: Gen; leaf: Gen; obj: Gen; arr: Gen }>((tie) => ({
  value: fc.oneof({ maxDepth: 5, depthSize: "small" }, tie("leaf"), tie("obj"), tie("arr")),
  leaf: fc.oneof(
    strArb.map((s): Gen => ({ t: "str", s })),
    numArb.map((n): Gen => ({ t: "num", n })),
    fc.constantFrom("true", "false", "null").map((v): Gen => ({ t: "lit", v: v as "true" })),
  ),
  obj: fc.array(fc.tuple(keyArb, tie("value")), { maxLength: 6 }).map((m): Gen => ({ t: "obj", m })),
  arr: fc.array(tie("value"), { maxLength: 6 }).map((a): Gen => ({ t: "arr", a })),
}));

class Rnd {
  constructor(private s: number) {
    if (this.s === 0) this.s = 0x2545f491;
  }
  next(): number {
    let x = this.s;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.s = x;
    return (x >>> 0) / 4294967296;
  }
  below(n: number): number {
    return Math.floor(this.next() * n);
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.below(xs.length)]!;
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
}

function ws(r: Rnd): string {
  return r.chance(0.25) ? r.pick([" ", "\n", "\t", "\r\n  ", "  "]) : "";
}

function quote(s: string, r: Rnd): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    const lone = c >= 0xd800 && c <= 0xdfff;
    const mustEscape = ch === '"' || ch === "\\" || c < 0x20 || lone;
    if (!mustEscape && !r.chance(0.15)) {
      out += ch;
      continue;
    }
    const short: Record<string, string> = { '"': '\\"', "\\": "\\\\", "\n": "\\n", "\t": "\\t", "/": "\\/", "\b": "\\b", "\f": "\\f", "\r": "\\r" };
    if (short[ch] && r.chance(0.7)) out += short[ch];
    else for (let k = 0; k < ch.length; k++) out += "\\u" + ch.charCodeAt(k).toString(16).padStart(4, "0")[r.chance(0.5) ? "toUpperCase" : "toLowerCase"]();
  }
  return out + '"';
}

function serialize(g: Gen, r: Rnd): string {
  switch (g.t) {
    case "obj":
      return "{" + ws(r) + g.m.map(([k, v]) => quote(k, r) + ws(r) + ":" + ws(r) + serialize(v, r) + ws(r)).join("," + ws(r)) + "}";
    case "arr":
      return "[" + ws(r) + g.a.map((v) => serialize(v, r) + ws(r)).join("," + ws(r)) + "]";
    case "str":
      return quote(g.s, r);
    case "num":
      return g.n;
    case "lit":
      return g.v;
  }
}

// ---------- paths ----------

const OPS_ANY = ["==", "!=", "<", "<=", ">", ">="];
const dec = new TextDecoder();

// A query comparing something an element has (or a random constant).
function queryFor(el: JNode | undefined, r: Rnd): { key: Comp[]; op: string; value: string } {
  let key: Comp[] = [];
  let target: JNode | undefined = el;
  if (el?.t === "obj" && el.members.length > 0 && r.chance(0.9)) {
    const m = r.pick(el.members);
    const name = dec.decode(m.key);
    if (name !== "" && name.trim() === name && !name.includes("\n")) {
      key = [{ k: "key", name }];
      target = m.value;
      if (m.value.t === "arr" && r.chance(0.3)) {
        key.push({ k: "count" });
        return { key, op: r.pick(OPS_ANY), value: String(r.below(4)) };
      }
    }
  } else if (el?.t === "arr") {
    if (r.chance(0.5)) return { key: [{ k: "count" }], op: r.pick(OPS_ANY), value: String(r.below(4)) };
    target = undefined;
  }
  if (r.chance(0.08)) return { key, op: "", value: "" };
  if (r.chance(0.08)) return { key, op: r.pick(["==", "!="]), value: r.pick(["~true", "~false", "~null", "~*"]) };
  if (!target || r.chance(0.1)) return { key, op: r.pick(OPS_ANY), value: r.pick(['"a"', "5", "true", "null", '"5"', "-1.5e3", "x"]) };
  switch (target.t) {
    case "str": {
      // A value starting with ~ is gjson's truthiness syntax (anything but ~true/~false/~null/~* is
      // refused when compiling), so literal strings in queries never start with it.
      const text = dec.decode(target.str);
      const s = text.startsWith("~") ? "x" + text : text;
      if (r.chance(0.3)) {
        const cut = r.below(s.length + 1);
        let pattern = [...s].slice(0, cut).join("") + r.pick(["*", "?*", "", "*a"]);
        // A pattern ending in a lone backslash is refused when compiling.
        if (/(^|[^\\])(\\\\)*\\$/.test(pattern)) pattern += "x";
        return { key, op: r.pick(["%", "!%"]), value: JSON.stringify(pattern) };
      }
      return { key, op: r.pick(OPS_ANY), value: JSON.stringify(r.chance(0.7) ? s : s + "a") };
    }
    case "num":
      return { key, op: r.pick(OPS_ANY), value: r.chance(0.7) ? dec.decode(target.raw) : r.pick(["0", "1", "-1", "100.5", '"3"']) };
    case "true":
    case "false":
    case "null":
      return { key, op: r.pick(OPS_ANY), value: r.pick(["true", "false", "null"]) };
    default:
      return { key, op: r.pick(["==", "!="]), value: '"x"' };
  }
}

function walk(node: JNode, r: Rnd, comps: Comp[], fanned: boolean, afterReverse: boolean): void {
  if (comps.length > 0 && r.chance(0.2)) return;
  if (comps.length > 7) return;
  const pipeOk = !fanned;
  const roll = r.next();
  if (!afterReverse && roll < 0.1 && (node.t === "obj" || node.t === "arr")) {
    comps.push({ k: "reverse", pipe: pipeOk && r.chance(0.2) });
    const items = node.t === "arr" ? [...node.items].reverse() : [];
    const members = node.t === "obj" ? [...node.members].reverse() : [];
    walk(node.t === "arr" ? { ...node, items } : node.t === "obj" ? { ...node, members } : node, r, comps, fanned, true);
    return;
  }
  if (node.t === "obj") {
    if (node.members.length === 0 || r.chance(0.1)) {
      comps.push({ k: "key", name: r.pick(KEYS.filter((k) => k !== "")) });
      return;
    }
    const m = r.pick(node.members);
    const name = dec.decode(m.key);
    if (name === "" || name.includes("\n")) return;
    comps.push({ k: "key", name, pipe: pipeOk && r.chance(0.15) });
    walk(m.value, r, comps, fanned, false);
    return;
  }
  if (node.t === "arr") {
    const el = node.items.length > 0 ? r.pick(node.items) : undefined;
    const x = r.next();
    if (x < 0.3) {
      const i = r.below(node.items.length + 1);
      comps.push({ k: "key", name: String(i), pipe: pipeOk && r.chance(0.1) });
      if (node.items[i]) walk(node.items[i]!, r, comps, fanned, false);
    } else if (x < 0.45) {
      comps.push({ k: "count" });
    } else if (x < 0.65 && el) {
      comps.push({ k: "map" });
      const before = comps.length;
      walk(el, r, comps, true, false);
      if (comps.length === before) comps.push({ k: "key", name: r.pick(["a", "id", "0"]) });
    } else {
      const all = r.chance(0.5);
      const q = queryFor(el, r);
      comps.push({ k: "query", all, ...q, pipe: !all && pipeOk && r.chance(0.15) });
      if (el && r.chance(0.5)) walk(el, r, comps, fanned || all, false);
    }
    return;
  }
  if (!afterReverse && r.chance(0.1)) comps.push({ k: "reverse" });
}

// Drops pipes the parser rejects: after the first fan-out (#. or #(…)#) gjson would apply them to
// the joined array.
function legalize(comps: Comp[]): Comp[] {
  let fanned = false;
  return comps.map((c) => {
    const out = { ...c } as Comp;
    if (fanned && "pipe" in out) out.pipe = false;
    if (c.k === "map" || (c.k === "query" && c.all)) fanned = true;
    if (c.k === "query" && c.all && "pipe" in out) out.pipe = false;
    return out;
  });
}

function randomComps(r: Rnd): Comp[] {
  const n = 1 + r.below(4);
  const comps: Comp[] = [];
  for (let i = 0; i < n; i++) {
    const x = r.next();
    if (x < 0.6) comps.push({ k: "key", name: r.pick(KEYS.filter((k) => k !== "")) });
    else if (x < 0.7 && i === n - 1) comps.push({ k: "count" });
    else if (x < 0.8 && i < n - 1) comps.push({ k: "map" });
    else if (x < 0.9 && !(i > 0 && comps[i - 1]!.k === "reverse")) comps.push({ k: "reverse" });
    else comps.push({ k: "query", all: r.chance(0.5), key: [{ k: "key", name: r.pick(["a", "id", "b"]) }], op: "==", value: '"a"' });
  }
  if (comps[comps.length - 1]!.k === "map") comps.push({ k: "key", name: "a" });
  return legalize(comps);
}

// ---------- the property ----------

interface Case {
  doc: Uint8Array;
  paths: Comp[][];
  splits: number[];
}

const caseArb = fc.tuple(valueArb, fc.integer(), fc.array(fc.nat(), { maxLength: 12 })).map(([g, seed, cuts]): Case => {
  const r = new Rnd(seed | 1);
  const doc = new TextEncoder().encode(ws(r) + serialize(g, r) + ws(r));
  const tree = parseDoc(doc);
  const paths: Comp[][] = [];
  for (let i = 0; i < 6; i++) {
    const comps: Comp[] = [];
    walk(tree, r, comps, false, false);
    if (comps.length > 0) paths.push(legalize(comps));
  }
  paths.push(randomComps(r), randomComps(r));
  const splits = [...new Set(cuts.map((c) => (doc.length > 0 ? c % doc.length : 0)))].sort((a, b) => a - b);
  return { doc, paths, splits };
});

function expected(c: Case): string {
  const tree = parseDoc(c.doc);
  const lines: string[] = [];
  c.paths.forEach((p, id) => {
    const res = evaluate(tree, p);
    if (res) lines.push("#" + id + " " + resultText(res));
  });
  lines.push("status OK");
  return lines.join("\n");
}

function check(build: typeof jsBuild, c: Case): void {
  const text = c.paths.map((p) => renderPath(p)).join("\n");
  const got = build.jsonMatchTrace(text, c.doc, Int32Array.from(c.splits));
  expect(got, "paths:\n" + text + "\ndoc: " + new TextDecoder().decode(c.doc)).toBe(expected(c));
}

describe.each(builds)("streaming matcher vs whole-document reference on the $name build", (build) => {
  it("selects what gjson's Get selects, for any chunking", () => {
    fc.assert(
      fc.property(caseArb, (c) => check(build, c)),
      { numRuns: Number(process.env.JSON_PROPERTY_RUNS ?? (build.name === "js" ? 2500 : 500)) },
    );
  });
});

describe("reference sanity", () => {
  it("renders and evaluates gjson's documented examples", () => {
    const doc = new TextEncoder().encode(
      '{"name":{"first":"Tom","last":"Anderson"},"age":37,"children":["Sara","Alex","Jack"],"fav.movie":"Deer Hunter","friends":[{"first":"Dale","last":"Murphy","age":44},{"first":"Roger","last":"Craig","age":68},{"first":"Jane","last":"Murphy","age":47}]}',
    );
    const tree = parseDoc(doc);
    const q = (key: string, op: string, value: string, all: boolean): Comp => ({ k: "query", all, key: key ? [{ k: "key", name: key }] : [], op, value });
    const cases: [Comp[], string][] = [
      [[{ k: "key", name: "fav.movie" }], "STRING Deer Hunter"],
      [[{ k: "key", name: "friends" }, q("last", "==", '"Murphy"', true), { k: "key", name: "first" }], 'ARRAY ["Dale","Jane"]'],
      [[{ k: "key", name: "friends" }, q("age", ">", "45", true), { k: "key", name: "last" }], 'ARRAY ["Craig","Murphy"]'],
      [[{ k: "key", name: "children" }, q("", "!%", '"*a*"', false)], "STRING Alex"],
      [[{ k: "key", name: "children" }, { k: "reverse" }, { k: "key", name: "0" }], "STRING Jack"],
    ];
    for (const [comps, want] of cases) expect(resultText(evaluate(tree, comps)!)).toBe(want);
    expect(renderPath(cases[0]![0])).toBe("fav\\.movie");
    expect(renderPath(cases[3]![0])).toBe('children.#(!%"*a*")');
    expect(new TextDecoder().decode(queryValue('"a\\"b"'))).toBe('a"b');
  });
});

describe("builds agree", () => {
  it("js and wasm give identical traces on generated cases", () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        const text = c.paths.map((p) => renderPath(p)).join("\n");
        const splits = Int32Array.from(c.splits);
        expect(wasmBuild.jsonMatchTrace(text, c.doc, splits)).toBe(jsBuild.jsonMatchTrace(text, c.doc, splits));
      }),
      { numRuns: 300 },
    );
  });
});
