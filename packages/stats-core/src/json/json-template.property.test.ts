import { describe, expect, it } from "vitest";
import { builds } from "../testing/builds.node";
import { SeededRandom } from "../testing/seeded-random";

// Differential fuzz of the template path (json-template.ts) on both builds: path sets of plain
// names and indexes, often with queries, `#`, `#.`, `@reverse` and pipes beside them, over streams of documents
// whose shape repeats and then varies — string and number values changed (escapes, quotes,
// backslash runs, surrogate pairs, lone surrogates, control characters, lengths), keys renamed,
// types swapped, members added or dropped, whitespace and CR line ends, documents cut short or
// followed by garbage, a new shape now and then — go through ONE matcher (reset between documents,
// so templates are learned and used), each document fed whole or cut at random places or at every
// byte. Every document's trace must equal the general path's: the same document through a fresh
// matcher, which has no template (json-matcher.property.test.ts checks that one against the
// JSON.parse-based reference evaluator). And the template path must actually have been taken.

type V = { o: [string, V][] } | { a: V[] } | { s: string } | { n: string } | { l: string };

/** The portable xorshift32 (testing/seeded-random.ts) with picks and odds. */
class Rnd extends SeededRandom {
  pick<T>(xs: readonly T[]): T {
    return xs[this.below(xs.length)]!;
  }
  chance(p: number): boolean {
    return this.next() / 2147483648 < p;
  }
}

const KEYS = ["id", "object", "model", "choices", "delta", "content", "text", "usage", "total", "index", "a", "b", "0", "1", "é", "sp ace", "x-y"];
const CHARS = ["a", "b", "Z", " ", "0", "9", '"', "\\", "\\\\", "/", "\n", "\t", "\r", "\u0001", "é", "中", "😀", "\ud800", "\udc00", "\udbff\udfff", "content", '"content":"x"'];

function str(r: Rnd): string {
  let s = "";
  const n = r.below(r.chance(0.2) ? 40 : 8);
  for (let i = 0; i < n; i++) s += r.pick(CHARS);
  return s;
}

function num(r: Rnd): string {
  if (r.chance(0.05)) return r.pick(["01", "1.", "-", "1e", "1e+", ".5", "+1", "--1"]); // invalid
  const int = r.chance(0.2) ? "0" : String(1 + r.below(r.chance(0.5) ? 9 : 99999));
  return (r.chance(0.2) ? "-" : "") + int + (r.chance(0.2) ? "." + r.below(1000) : "") + (r.chance(0.1) ? r.pick(["e", "E"]) + r.pick(["", "+", "-"]) + r.below(30) : "");
}

function value(r: Rnd, depth: number): V {
  const x = r.below(depth > 3 ? 3 : 5);
  if (x === 0) return { s: str(r) };
  if (x === 1) return { n: num(r) };
  if (x === 2) return { l: r.pick(["true", "false", "null"]) };
  if (x === 3) return { o: Array.from({ length: r.below(5) }, () => [r.pick(KEYS), value(r, depth + 1)] as [string, V]) };
  return { a: Array.from({ length: r.below(4) }, () => value(r, depth + 1)) };
}

/** An LLM-event-like shape: a few constant fields, the selected values a few levels down. */
function llmShape(r: Rnd): V {
  const inner: V = { o: [["index", { n: "0" }], ["delta", { o: [["content", { s: str(r) }]] }], ["logprobs", { l: "null" }], ["finish_reason", { l: "null" }]] };
  const members: [string, V][] = [
    ["id", { s: "chatcmpl-" + r.below(1e6) }],
    ["object", { s: "chat.completion.chunk" }],
    ["created", { n: String(1732800000 + r.below(100)) }],
    ["model", { s: "gpt-4o" }],
    ["choices", { a: [inner] }],
    ["usage", r.chance(0.5) ? { l: "null" } : { o: [["total", { n: num(r) }], ["text", { s: str(r) }]] }],
  ];
  if (r.chance(0.5)) members.push(["obfuscation", { s: str(r) }]);
  return { o: members };
}

function shape(r: Rnd): V {
  if (r.chance(0.6)) return llmShape(r);
  const v = value(r, 0);
  return "o" in v || "a" in v ? v : { o: [["a", v]] };
}

/** The value with its scalars changed (same shape), or changed further with probability `p`. */
function mutate(v: V, r: Rnd, p: number): V {
  if (r.chance(p * 0.05)) return value(r, 2); // a type change
  if ("s" in v) return r.chance(0.6) ? { s: str(r) } : v;
  if ("n" in v) return r.chance(0.5) ? { n: num(r) } : v;
  if ("l" in v) return r.chance(p * 0.2) ? { l: r.pick(["true", "false", "null"]) } : v;
  if ("a" in v) {
    const a = v.a.map((x) => mutate(x, r, p));
    if (r.chance(p * 0.1)) a.push(value(r, 3));
    if (r.chance(p * 0.1)) a.splice(r.below(a.length + 1), 1);
    return { a };
  }
  const o = v.o.map(([k, x]): [string, V] => [r.chance(p * 0.05) ? r.pick(KEYS) : k, mutate(x, r, p)]);
  if (r.chance(p * 0.1)) o.splice(r.below(o.length + 1), 0, [r.pick(KEYS), value(r, 3)]);
  if (r.chance(p * 0.1)) o.splice(r.below(o.length + 1), 1);
  return { o };
}

function quote(s: string, r: Rnd, escapes: number): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    const lone = c >= 0xd800 && c <= 0xdfff;
    if (ch !== '"' && ch !== "\\" && c >= 0x20 && !lone && !r.chance(escapes)) {
      out += ch;
      continue;
    }
    const short: Record<string, string> = { '"': '\\"', "\\": "\\\\", "\n": "\\n", "\t": "\\t", "/": "\\/", "\r": "\\r" };
    if (short[ch] && r.chance(0.7)) out += short[ch];
    else for (let k = 0; k < ch.length; k++) out += "\\u" + ch.charCodeAt(k).toString(16).padStart(4, "0");
  }
  return out + '"';
}

function serialize(v: V, r: Rnd, ws: number, escapes: number): string {
  const sp = () => (r.chance(ws) ? r.pick([" ", "\n", "\r\n", "\t", "  "]) : "");
  if ("s" in v) return quote(v.s, r, escapes);
  if ("n" in v) return v.n;
  if ("l" in v) return v.l;
  if ("a" in v) return "[" + sp() + v.a.map((x) => serialize(x, r, ws, escapes) + sp()).join("," + sp()) + "]";
  // Keys are mostly written plainly (a key written differently is a different shape).
  return "{" + sp() + v.o.map(([k, x]) => quote(k, r, escapes * 0.02) + sp() + ":" + sp() + serialize(x, r, ws, escapes) + sp()).join("," + sp()) + "}";
}

/** Simple paths (names and indexes only), walked from the shape, plus a miss. */
function pathsFor(v: V, r: Rnd): string[] {
  const out: string[] = [];
  for (let n = 0; n < 1 + r.below(4); n++) {
    const comps: string[] = [];
    let at: V | undefined = v;
    while (at && ("o" in at || "a" in at) && comps.length < 6) {
      if ("o" in at) {
        if (at.o.length === 0) break;
        const [k, x]: [string, V] = r.pick(at.o);
        comps.push(k.replace(/[.|#@*?\\]/g, (c) => "\\" + c));
        at = x;
      } else {
        if (at.a.length === 0) break;
        const i = r.below(at.a.length);
        comps.push(String(i));
        at = at.a[i];
      }
      if (r.chance(0.1)) break;
    }
    if (comps.length > 0) out.push(comps.join("."));
  }
  out.push(r.pick(["usage.total", "choices.1.delta.content", "b.a", "0.0"]));
  // Other path features beside the plain ones: a document that reaches them is not learned.
  if (r.chance(0.4)) {
    const k = "o" in v && v.o.length > 0 ? r.pick(v.o)[0].replace(/[.|#@*?\\]/g, (c) => "\\" + c) : "a";
    const k2 = r.pick(KEYS.filter((x) => /^[a-z0-9]+$/.test(x)));
    for (let n = 0; n < 1 + r.below(2); n++) {
      out.push(
        r.pick([
          `${k}.#`,
          `${k}.#.${k2}`,
          `${k}.#(index==0).delta.content`,
          `${k}.#(${k2}%"*a*")#`,
          `${k}|${k2}`,
          `${k}.@reverse.0`,
          `${k}.0.${k2}.@reverse`,
          "#",
          "@reverse",
          `#(${k2}>1)`,
          // …and ones the documents mostly never reach (as the engine's content.#(type=="tool_use")#)
          `content.#(type=="tool_use")#`,
          `${k2}.#.${k}`,
          `${k}.zz.@reverse`,
          `zz|${k2}`,
        ]),
      );
    }
  }
  return out;
}

interface Stream {
  paths: string;
  docs: Uint8Array[];
  splits: number[][];
}

const enc = new TextEncoder();

function stream(seed: number): Stream {
  const r = new Rnd(seed);
  let base = shape(r);
  const paths = pathsFor(base, r);
  const ws = r.chance(0.8) ? 0 : 0.2;
  const docs: Uint8Array[] = [];
  const splits: number[][] = [];
  const count = 4 + r.below(20);
  for (let d = 0; d < count; d++) {
    if (r.chance(0.05)) base = shape(r);
    const v = r.chance(0.15) ? base : mutate(base, r, r.chance(0.85) ? 0 : 1);
    let text = serialize(v, r, r.chance(0.95) ? ws : 0.3, r.chance(0.8) ? 0.1 : 0.6);
    if (r.chance(0.05)) text = text.slice(0, r.below(text.length + 1)); // cut short
    if (r.chance(0.05)) text += r.pick([" ", "\n", "\r\n", " x", "}", "{}", "\u0000"]); // after the root
    if (r.chance(0.03)) {
      const at = r.below(text.length + 1);
      text = text.slice(0, at) + r.pick(["\\", "\\x", "\\u12", "\u0001", '"', "\r"]) + text.slice(at);
    }
    const bytes = enc.encode(text);
    docs.push(bytes);
    const cut: number[] = [];
    const how = r.below(10);
    if (how >= 9 && bytes.length < 400) for (let i = 1; i < bytes.length; i++) cut.push(i);
    else if (how >= 8) for (let k = 0; k < 1 + r.below(4); k++) cut.push(1 + r.below(Math.max(1, bytes.length - 1)));
    splits.push([...new Set(cut)].sort((a, b) => a - b));
  }
  return { paths: paths.join("\n"), docs, splits };
}

describe.each(builds)("templates on the $name build", (build) => {
  it("give what the general path gives, for every document of generated streams", () => {
    let templated = 0;
    let mixed = 0;
    let total = 0;
    for (let seed = 1; seed <= 1500; seed++) {
      const s = stream(seed);
      const all = new Uint8Array(s.docs.reduce((n, d) => n + d.length, 0));
      const ends: number[] = [];
      const splits: number[] = [];
      let at = 0;
      const expected: string[] = [];
      s.docs.forEach((doc, i) => {
        all.set(doc, at);
        for (const c of s.splits[i]!) splits.push(at + c);
        at += doc.length;
        ends.push(at);
        expected.push(`doc ${i}`, build.jsonMatchTrace(s.paths, doc, Int32Array.from(s.splits[i]!)));
      });
      const got = build.jsonMatchStreamTrace(s.paths, all, Int32Array.from(ends), Int32Array.from(splits)).split("\n");
      const hits = Number(got.pop()!.replace("templated ", ""));
      const want = expected.filter((l) => l !== "").join("\n");
      if (got.join("\n") !== want) {
        // Name the seed and the paths so a failure can be replayed.
        expect({ seed, paths: s.paths, docs: s.docs.map((d) => new TextDecoder().decode(d)), trace: got.join("\n") }).toEqual({
          seed,
          paths: s.paths,
          docs: s.docs.map((d) => new TextDecoder().decode(d)),
          trace: want,
        });
      }
      templated += hits;
      total += s.docs.length;
      if (/[#@|]/.test(s.paths)) mixed += hits;
    }
    // The template path carried a good share of the documents (it is not silently off), also
    // under path sets with other features beside the plain paths.
    expect(templated).toBeGreaterThan(total / 15);
    expect(mixed).toBeGreaterThan(total / 200);
  });

  it("reads a repeated event shape by template, with holes learned for changing strings and numbers", () => {
    const events = Array.from({ length: 50 }, (_, i) =>
      enc.encode(`{"id":"c1","o":"${"x".repeat(i % 7)}","n":${i * 37},"choices":[{"delta":{"content":"t\\u00e9${i}\\ud83d\\ude00"}}],"usage":null}`),
    );
    const all = new Uint8Array(events.reduce((n, d) => n + d.length, 0));
    const ends: number[] = [];
    let at = 0;
    for (const e of events) {
      all.set(e, at);
      at += e.length;
      ends.push(at);
    }
    // A query beside the plain paths, as the engine has, that these documents never reach.
    const trace = build.jsonMatchStreamTrace('choices.0.delta.content\nn\ncontent.#(type=="tool_use")#', all, Int32Array.from(ends), new Int32Array(0));
    expect(trace).toContain("doc 49\n#0 STRING t\\xc3\\xa949\\xf0\\x9f\\x98\\x80\n#1 NUMBER 1813\nstatus OK");
    // The first document is learned; all others but the ones that learned a hole are templated.
    expect(Number(/templated (\d+)/.exec(trace)![1])).toBeGreaterThanOrEqual(46);
  });
});
