import { describe, expect, it } from "vitest";
import { type CoreBuild, builds, jsBuild, wasmBuild } from "../testing/builds.node";

// Scenarios for the streaming path matcher, run on both builds through the trace functions (see
// src/testing/json-match-trace.ts for the trace format). Expected results come from gjson's
// documentation (SYNTAX.md) and from reading its gjson.go (parseObject, parseArray, parseQuery,
// queryMatches, modReverse, unescape); the comments say which rule a case pins.

const enc = new TextEncoder();

function trace(build: CoreBuild, paths: string[], doc: string | Uint8Array, splits: number[] = []): string {
  const bytes = typeof doc === "string" ? enc.encode(doc) : doc;
  return build.jsonMatchTrace(paths.join("\n"), bytes, Int32Array.from(splits));
}

function lines(...ls: string[]): string {
  return ls.join("\n");
}

/** The same trace whatever the chunking: cut at every single byte, and in 1-byte chunks. */
function expectSplitInvariant(build: CoreBuild, paths: string[], doc: string): string {
  const whole = trace(build, paths, doc);
  const bytes = enc.encode(doc);
  for (let at = 1; at < bytes.length; at++) expect(trace(build, paths, bytes, [at]), "split at " + at).toBe(whole);
  const every = Array.from({ length: bytes.length }, (_, i) => i + 1);
  expect(trace(build, paths, bytes, every), "one byte per chunk").toBe(whole);
  return whole;
}

// gjson's SYNTAX.md example document.
const SYNTAX_DOC = `{
  "name": {"first": "Tom", "last": "Anderson"},
  "age":37,
  "children": ["Sara","Alex","Jack"],
  "fav.movie": "Deer Hunter",
  "friends": [
    {"first": "Dale", "last": "Murphy", "age": 44, "nets": ["ig", "fb", "tw"]},
    {"first": "Roger", "last": "Craig", "age": 68, "nets": ["fb", "tw"]},
    {"first": "Jane", "last": "Murphy", "age": 47, "nets": ["ig", "tw"]}
  ]
}`;

describe.each(builds)("JSON path matcher on the $name build", (build) => {
  describe("gjson's documented examples (SYNTAX.md)", () => {
    it("keys, indexes, escapes, #, #., queries and @reverse, at any chunking", () => {
      const paths = [
        "name.last",
        "age",
        "children",
        "children.0",
        "children.1",
        "friends.1",
        "friends.1.first",
        "fav\\.movie",
        "friends.#",
        "friends.#.age",
        'friends.#(last=="Murphy").first',
        'friends.#(last=="Murphy")#.first',
        "friends.#(age>45)#.last",
        'friends.#(first%"D*").last',
        'friends.#(first!%"D*").last',
        'children.#(!%"*a*")',
        'children.#(%"*a*")#',
        "children.@reverse",
        "children.@reverse.0",
        "friends.0|first",
        'friends.#(last="Murphy")#',
      ];
      expect(expectSplitInvariant(build, paths, SYNTAX_DOC)).toBe(
        lines(
          "#0 STRING Anderson",
          "#1 NUMBER 37",
          '#2 ARRAY ["Sara","Alex","Jack"]',
          "#3 STRING Sara",
          "#4 STRING Alex",
          '#5 OBJECT {"first": "Roger", "last": "Craig", "age": 68, "nets": ["fb", "tw"]}',
          "#6 STRING Roger",
          "#7 STRING Deer Hunter",
          "#8 NUMBER 3",
          "#9 ARRAY [44,68,47]",
          "#10 STRING Dale",
          '#11 ARRAY ["Dale","Jane"]',
          '#12 ARRAY ["Craig","Murphy"]',
          "#13 STRING Murphy",
          "#14 STRING Craig",
          "#15 STRING Alex",
          '#16 ARRAY ["Sara","Jack"]',
          '#17 ARRAY ["Jack","Alex","Sara"]',
          "#18 STRING Jack",
          "#19 STRING Dale",
          '#20 ARRAY [{"first": "Dale", "last": "Murphy", "age": 44, "nets": ["ig", "fb", "tw"]},{"first": "Jane", "last": "Murphy", "age": 47, "nets": ["ig", "tw"]}]',
          "status OK",
        ),
      );
    });
  });

  describe("strings", () => {
    it("decodes every escape, surrogate pairs, and lone surrogates to U+FFFD as gjson does", () => {
      const doc = String.raw`{"s":"q\" b\\ s\/ \b\f\n\r\t \u00e9\u4e2D \ud83d\ude00 hi:\ud800 lo:\udc00 pair-bad:\ud800\u0041 then:\ud83d\n end","t":"é😀"}`;
      expect(expectSplitInvariant(build, ["s", "t"], doc)).toBe(
        lines(
          // \ud800\u0041: gjson pairs a surrogate with the \u escape after it; not high+low gives
          // one U+FFFD for both (the A is consumed). A lone surrogate before \n is U+FFFD alone.
          '#0 STRING q" b\\\\ s/ \\x08\\x0c\\x0a\\x0d\\x09 \\xc3\\xa9\\xe4\\xb8\\xad \\xf0\\x9f\\x98\\x80 hi:\\xef\\xbf\\xbd lo:\\xef\\xbf\\xbd pair-bad:\\xef\\xbf\\xbd then:\\xef\\xbf\\xbd\\x0a end',
          "#1 STRING \\xc3\\xa9\\xf0\\x9f\\x98\\x80",
          "status OK",
        ),
      );
    });

    it("keeps strings raw (quotes and escapes as sent) inside built arrays", () => {
      expect(trace(build, ["#.s"], String.raw`[{"s":"a\"b\u00e9"},{"s":"x"}]`)).toBe(lines(String.raw`#0 ARRAY ["a\\"b\\u00e9","x"]`, "status OK"));
    });

    it("matches keys by their decoded bytes", () => {
      const doc = String.raw`{"a\u002eb":1,"\u00e9":2,"c\"d":3,"\ud83d\ude00":4,"e\\f":5}`;
      expect(expectSplitInvariant(build, ["a\\.b", "é", 'c"d', "😀", "e\\\\f", "a"], doc)).toBe(
        lines("#0 NUMBER 1", "#1 NUMBER 2", "#2 NUMBER 3", "#3 NUMBER 4", "#4 NUMBER 5", "status OK"),
      );
    });

    it("streams a long selected string without holding it", () => {
      const long = "x".repeat(5000) + "\\n" + "y".repeat(5000);
      const out = trace(build, ["a"], `{"a":"${long}"}`, [100, 4000, 7000, 9000]);
      expect(out).toBe(lines("#0 STRING " + "x".repeat(5000) + "\\x0a" + "y".repeat(5000), "status OK"));
    });
  });

  describe("numbers and literals", () => {
    it("reports raw text, split anywhere", () => {
      const doc = '[-0, 0, 12, -1.50, 1e5, 2E-3, -0.5e+10, true, false, null]';
      expect(expectSplitInvariant(build, ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "#"], doc)).toBe(
        lines(
          "#0 NUMBER -0",
          "#1 NUMBER 0",
          "#2 NUMBER 12",
          "#3 NUMBER -1.50",
          "#4 NUMBER 1e5",
          "#5 NUMBER 2E-3",
          "#6 NUMBER -0.5e+10",
          "#7 TRUE true",
          "#8 FALSE false",
          "#9 NULL null",
          "#10 NUMBER 10",
          "status OK",
        ),
      );
    });

    it("accepts a scalar document (paths select nothing in it, except @reverse)", () => {
      expect(trace(build, ["a", "@reverse"], " 12 ")).toBe(lines("#1 NUMBER 12", "status OK"));
      expect(trace(build, ["a", "@reverse"], "12")).toBe(lines("#1 NUMBER 12", "status OK"));
      expect(trace(build, ["@reverse"], '"s"')).toBe(lines("#0 STRING s", "status OK"));
    });
  });

  describe("malformed input ends matching with a status", () => {
    it.each([
      ["", "status INCOMPLETE at 0"],
      ["   ", "status INCOMPLETE at 3"],
      ['{"a":1', "status INCOMPLETE at 6"],
      ['{"a":"ab', "status INCOMPLETE at 8"],
      ["[1,2", "status INCOMPLETE at 4"],
      ["-", "status INCOMPLETE at 1"],
      ["tru", "status INCOMPLETE at 3"],
      ['{"a":tru}', "status MALFORMED at 8"],
      ['{"a":True}', "status MALFORMED at 5"],
      ['{"a":truex}', "status MALFORMED at 9"],
      ['{"a":nul}', "status MALFORMED at 8"],
      ['{"a":01}', "status MALFORMED at 6"],
      ['{"a":1.}', "status MALFORMED at 7"],
      ['{"a":1e}', "status MALFORMED at 7"],
      ['{"a":1e+}', "status MALFORMED at 8"],
      ['{"a":-}', "status MALFORMED at 6"],
      ['{"a":.5}', "status MALFORMED at 5"],
      ['{"a":+1}', "status MALFORMED at 5"],
      ['{"a":"\\x"}', "status MALFORMED at 7"],
      ['{"a":"\\u12G4"}', "status MALFORMED at 10"],
      ['{"a":"tab\there"}', "status MALFORMED at 9"],
      ['{"a":1} x', "status MALFORMED at 8"],
      ["{}{}", "status MALFORMED at 2"],
      ['{"a" 1}', "status MALFORMED at 5"],
      ['{"a":1 "b":2}', "status MALFORMED at 7"],
      ["[1,]", "status MALFORMED at 3"],
      ['{"a":1,}', "status MALFORMED at 7"],
      ["[}", "status MALFORMED at 1"],
      ['{"a":1]', "status MALFORMED at 6"],
      ["{a:1}", "status MALFORMED at 1"],
      ["[1 2]", "status MALFORMED at 3"],
      ["\u00ef\u00bb\u00bf{}", "status MALFORMED at 0"],
    ])("%j", (doc, status) => {
      expect(trace(build, ["a"], doc).split("\n").at(-1)).toBe(status);
    });

    it("keeps values already reported and ends the one in progress", () => {
      expect(trace(build, ["a", "b", "c"], '{"a":1,"b":"par')).toBe(lines("#0 NUMBER 1", "#1 STRING par", "status INCOMPLETE at 15"));
      expect(trace(build, ["a", "b"], '{"a":[1,{"x":2},', [3, 9])).toBe(lines('#0 ARRAY [1,{"x":2},', "status INCOMPLETE at 16"));
      expect(trace(build, ["a", "b"], '{"a":1,"b":[1,2}')).toBe(lines("#0 NUMBER 1", "#1 ARRAY [1,2", "status MALFORMED at 15"));
    });

    it("never reports held values of a broken document", () => {
      // The condition comes after the value: the value is held, and the document breaks first.
      expect(trace(build, ['#(c==1).v'], '[{"v":"held","c":1')).toBe("status INCOMPLETE at 18");
      expect(trace(build, ["@reverse.0"], "[1,2")).toBe("status INCOMPLETE at 4");
    });
  });

  describe("depth", () => {
    it("allows maxDepth levels and stops with TOO_DEEP beyond", () => {
      const run = (doc: string) => build.jsonMatchDocsTrace("0.0.0", enc.encode(doc), Int32Array.of(doc.length), new Int32Array(0), 1 << 16, 3, 1 << 20);
      expect(run("[[[1]]]")).toBe(lines("#0 NUMBER 1", "status OK"));
      expect(run("[[[[1]]]]")).toBe("status TOO_DEEP at 3");
      expect(run('{"a":{"b":{"c":{}}}}')).toBe("status TOO_DEEP at 15");
    });

    it("rejects deep nesting quickly in bounded memory", () => {
      const doc = "[".repeat(200000);
      const t0 = performance.now();
      expect(trace(build, ["a", "1"], doc)).toBe("status TOO_DEEP at 64");
      expect(performance.now() - t0).toBeLessThan(2000);
    });
  });

  describe("duplicate keys (gjson's depth-first first hit)", () => {
    const doc = '{"a":{"x":1},"a":{"b":2},"a":{"b":3,"c":[1,2]},"k":[{"r":"u","r":"v"}]}';
    it.each([
      // The first member named a.
      ["a", '#0 OBJECT {"x":1}'],
      // The search goes on to a later "a" when the rest of the path finds nothing in the first.
      ["a.b", "#0 NUMBER 2"],
      ["a.c.#", "#0 NUMBER 2"],
      // A pipe makes the first "a" final: no b there, no result.
      ["a|b", ""],
      // .@reverse reads as a pipe: the first "a" is final.
      ["a.@reverse.b", ""],
      ["a.@reverse", '#0 OBJECT {"x":1}'],
      // A query key sees the first "r" of the element.
      ['k.#(r=="v")', ""],
      ['k.#(r=="u").r', "#0 STRING u"],
    ])("%s", (path, want) => {
      expect(trace(build, [path], doc)).toBe(want ? lines(want, "status OK") : "status OK");
    });
  });

  describe("keys that look special", () => {
    it("reads @names that are not modifiers, and escaped specials, as keys", () => {
      const doc = '{"@type":"t","@reverse":"r","#":1,"a.b":2,"a|b":3,"x*":4,"#abc":5}';
      expect(trace(build, ["@type", "\\@reverse", "\\#", "a\\.b", "a\\|b", "x\\*", "#abc"], doc)).toBe(
        lines("#0 STRING t", "#1 STRING r", "#2 NUMBER 1", "#3 NUMBER 2", "#4 NUMBER 3", "#5 NUMBER 4", "#6 NUMBER 5", "status OK"),
      );
    });
  });

  describe("# and #.", () => {
    it("counts arrays, maps elements, skips misses, nests", () => {
      const doc = '{"a":[{"b":1},{"c":2},{"b":[3,{"d":4}]},5,"s"],"e":[],"o":{"#":7,"x":1},"m":[[1,2],[],[3]]}';
      expect(expectSplitInvariant(build, ["a.#", "a.#.b", "a.#.c", "e.#", "e.#.b", "a.#.z", "m.#.#", "a.#.b.#", "a.#.b.1.d", "m.#.0"], doc)).toBe(
        lines(
          "#0 NUMBER 5",
          '#1 ARRAY [1,[3,{"d":4}]]',
          "#2 ARRAY [2]",
          "#3 NUMBER 0",
          "#4 ARRAY []",
          "#5 ARRAY []",
          "#6 ARRAY [2,0,1]",
          "#7 ARRAY [2]",
          "#8 ARRAY [4]",
          "#9 ARRAY [1,3]",
          "status OK",
        ),
      );
    });

    it("on an object looks up a member named # (gjson reads it as a key there)", () => {
      expect(trace(build, ["o.#", "o.#.y", "x.#"], '{"o":{"#":{"y":7}},"x":{"a":1}}')).toBe(lines('#0 OBJECT {"y":7}', "#1 NUMBER 7", "status OK"));
    });
  });

  describe("queries follow gjson's queryMatches", () => {
    const doc = `{"e":[{"a":"x"},{"":"x"}],"r":[
      {"n":5,"s":"5","b":true,"z":null,"o":{}},
      {"n":0,"s":"null","b":false,"t":"TRUE"},
      {"n":-2.5e1,"s":"B","t":"f"},
      {"n":100,"s":"a","t":"yes"},
      {"s":"é"},
      {"s":"😀x"},
      "plain", 7, null, true
    ]}`;
    it.each([
      ["r.#(n==5).s", "#0 STRING 5"],
      // The value's text is read as a number for number elements, quoted or not.
      ['r.#(n=="5").s', "#0 STRING 5"],
      ["r.#(n==5.0e0).s", "#0 STRING 5"],
      ["r.#(n<-24.9)#.n", "#0 ARRAY [-2.5e1]"],
      ["r.#(n>=100)#.n", "#0 ARRAY [100]"],
      ["r.#(n!=5)#.n", "#0 ARRAY [0,-2.5e1,100]"],
      // null: Go's ParseFloat("null") fails, which gjson reads as 0.
      ["r.#(n==null)#.n", "#0 ARRAY [0]"],
      // A string compares as bytes with the value's text: "null" equals null, "B" < "a".
      ["r.#(s==null)#.s", '#0 ARRAY ["null"]'],
      ['r.#(s<"a")#.s', '#0 ARRAY ["5","B"]'],
      ['r.#(s>"a")#.s', '#0 ARRAY ["null","\\xc3\\xa9","\\xf0\\x9f\\x98\\x80x"]'],
      // A null value and objects never match an operator, not even != .
      ["r.#(z==null)#", "#0 ARRAY []"],
      ["r.#(z!=null)#", "#0 ARRAY []"],
      ['r.#(o!="x")#', "#0 ARRAY []"],
      // true/false only compare with the text true/false; true > false, false < true.
      ["r.#(b==true)#.n", "#0 ARRAY [5]"],
      ["r.#(b>false)#.n", "#0 ARRAY [5]"],
      ["r.#(b<true)#.n", "#0 ARRAY [0]"],
      ["r.#(b>=x)#.n", "#0 ARRAY [5]"],
      ['r.#(b=="true")#.n', "#0 ARRAY [5]"],
      // % and !% apply to strings only; ? is one character (code point).
      ['r.#(s%"?")#.s', '#0 ARRAY ["5","B","a","\\xc3\\xa9"]'],
      ['r.#(s%"?x")#.s', '#0 ARRAY ["\\xf0\\x9f\\x98\\x80x"]'],
      ['r.#(n%"*")#.n', "#0 ARRAY []"],
      ['r.#(s!%"*u*")#.s', '#0 ARRAY ["5","B","a","\\xc3\\xa9","\\xf0\\x9f\\x98\\x80x"]'],
      // No operator: the key exists.
      ["r.#(t)#.t", '#0 ARRAY ["TRUE","f","yes"]'],
      // ~true/~false: strings by Go's ParseBool after lower-casing, numbers by != 0.
      ["r.#(t==~true)#.t", '#0 ARRAY ["TRUE"]'],
      // A missing key reads as gjson's Null: falsy (and nullish), never truthy.
      ["r.#(t==~false)#.s", '#0 ARRAY ["5","B","\\xc3\\xa9","\\xf0\\x9f\\x98\\x80x"]'],
      ["r.#(n==~false)#.s", '#0 ARRAY ["null","\\xc3\\xa9","\\xf0\\x9f\\x98\\x80x"]'],
      ["r.#(z==~null)#.s", '#0 ARRAY ["5","null","B","a","\\xc3\\xa9","\\xf0\\x9f\\x98\\x80x"]'],
      ["r.#(z==~*)#.s", '#0 ARRAY ["5"]'],
      ["r.#(z!=~*)#.s", '#0 ARRAY ["null","B","a","\\xc3\\xa9","\\xf0\\x9f\\x98\\x80x"]'],
      // The query key applies to objects and arrays only: scalar elements fail it outright.
      ['r.#(s=="plain")', ""],
      ['r.#(=="plain")', "#0 STRING plain"],
      ["r.#(==7)", "#0 NUMBER 7"],
      ["r.#(==~true)#", "#0 ARRAY [7,true]"],
      // An empty query key on an object element is gjson's Get(element, ""): the member "".
      ['e.#(=="x")', '#0 OBJECT {"":"x"}'],
      // First match: the path goes on inside it and stops there even if it finds nothing.
      ["r.#(n>0).t", ""],
      ["r.#(n>50).t", "#0 STRING yes"],
      ["r.#(n>1000)", ""],
      ["r.#(n>1000)#", "#0 ARRAY []"],
    ])("%s", (path, want) => {
      expect(trace(build, [path], doc)).toBe(want ? lines(want, "status OK") : "status OK");
    });

    it("holds a value until a condition that comes after it is known", () => {
      const doc = '[{"v":"first","c":0},{"v":{"deep":[1,2]},"w":"x","c":1},{"c":1,"v":"third"}]';
      expect(expectSplitInvariant(build, ["#(c==1).v", "#(c==1)#.v", "#(c==1)#", "#(v.deep.#==2).w", "#(v.deep.1==2).c"], doc)).toBe(
        lines(
          '#0 OBJECT {"deep":[1,2]}',
          '#1 ARRAY [{"deep":[1,2]},"third"]',
          '#2 ARRAY [{"v":{"deep":[1,2]},"w":"x","c":1},{"c":1,"v":"third"}]',
          "#3 STRING x",
          "#4 NUMBER 1",
          "status OK",
        ),
      );
    });

    it("compares numbers exactly up to 15 significant digits, and saturates like float64", () => {
      const doc = "[0.1, 123456789012345, 1e308, 1e309, -1e400, 5e-325]";
      expect(trace(build, ["#(==0.10)", "#(>123456789012344)", "#(==1e309)#", "#(<-1e308)#", "#(==0)#", "#(==inf)#", "#(==NaN)#", "#(!=NaN)#.#"], doc)).toBe(
        lines("#0 NUMBER 0.1", "#1 NUMBER 123456789012345", "#2 ARRAY [1e309]", "#3 ARRAY [-1e400]", "#4 ARRAY [5e-325]", "#5 ARRAY [1e309]", "#6 ARRAY []", "#7 ARRAY []", "status OK"),
      );
    });
  });

  describe("@reverse", () => {
    const doc = '{"m":[{"role":"system","content":"s"},{"role":"user","content":"u1"},{"role":"assistant","content":"a"},{"role":"user","content":"u2"},{"role":"tool"}],"o":{"k":1,"x":{"y":2}, "k" :{"y":3},"\\u0065":[]},"e":[],"s":"str"}';
    it("reverses arrays and objects for the rest of the path", () => {
      expect(
        expectSplitInvariant(
          build,
          [
            "m.@reverse.0.role",
            "m.@reverse.1.content",
            "m.@reverse.9",
            'm.@reverse.#(role=="user").content',
            'm.@reverse.#(role=="user")#.content',
            "m.@reverse.#.role",
            "m.@reverse.#",
            "o.@reverse",
            "o.@reverse.k",
            "o.@reverse.k.y",
            "o.@reverse.x|y",
            "e.@reverse",
            "s.@reverse",
            "s.@reverse.0",
            "e.@reverse.0",
            "m.@reverse.#(content).role",
            "o.@reverse.#",
          ],
          doc,
        ),
      ).toBe(
        lines(
          "#0 STRING tool",
          "#1 STRING u2",
          "#3 STRING u2",
          '#4 ARRAY ["u2","u1"]',
          '#5 ARRAY ["tool","user","assistant","user","system"]',
          "#6 NUMBER 5",
          // Members joined without the whitespace around them; keys as sent.
          '#7 OBJECT {"\\\\u0065":[],"k":{"y":3},"x":{"y":2},"k":1}',
          '#8 OBJECT {"y":3}',
          "#9 NUMBER 3",
          "#10 NUMBER 2",
          "#11 ARRAY []",
          "#12 STRING str",
          "#15 STRING user",
          "status OK",
        ),
      );
    });

    it("picks the last member with a hit under a dotted path, any last one after a pipe", () => {
      const d = '{"o":{"k":{"y":1},"k":{"z":2},"k":{"y":{"q":0}}}}';
      expect(trace(build, ["o.@reverse.k.y", "o.@reverse.k.z", "o.@reverse.k|z", "o.@reverse.k.y|w", "o.@reverse.k.y.q"], d)).toBe(
        lines('#0 OBJECT {"q":0}', "#1 NUMBER 2", "#4 NUMBER 0", "status OK"),
      );
    });

    it("applies at the root", () => {
      expect(trace(build, ["@reverse", "@reverse.0", "@reverse.#.a"], '[{"a":1},{"b":2},{"a":3}]')).toBe(
        lines('#0 ARRAY [{"a":3},{"b":2},{"a":1}]', '#1 OBJECT {"a":3}', "#2 ARRAY [3,1]", "status OK"),
      );
    });
  });

  describe("Higress ai-statistics documents", () => {
    it("extracts the built-in attributes from OpenAI, Anthropic and Responses events", () => {
      const paths = [
        "id",
        "model",
        "choices.0.delta.content",
        "choices.0.delta.reasoning_content",
        "choices.0.delta.tool_calls",
        "usage.prompt_tokens",
        "usage.completion_tokens",
        "delta.text",
        "type",
        "message.id",
        "response.id",
        "delta.partial_json",
      ];
      const events = [
        '{"id":"chatcmpl-1","object":"chat.completion.chunk","model":"gpt-4o","choices":[{"index":0,"delta":{"content":"Hi \\"there\\""}}],"usage":null}',
        '{"id":"chatcmpl-1","model":"gpt-4o","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"call_1","type":"function","function":{"name":"f","arguments":"{\\"a\\":"}}]}}]}',
        '{"id":"chatcmpl-1","model":"gpt-4o","choices":[],"usage":{"prompt_tokens":9,"completion_tokens":12,"total_tokens":21}}',
        '{"type":"message_start","message":{"id":"msg_1","model":"claude-sonnet-4-5","usage":{"input_tokens":25}}}',
        '{"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":"{\\"loc"}}',
        '{"type":"response.completed","sequence_number":9,"response":{"id":"resp_1","model":"gpt-4o","usage":{"input_tokens":10}}}',
      ];
      const all = events.join("");
      const ends: number[] = [];
      let at = 0;
      for (const e of events) ends.push((at += enc.encode(e).length));
      const out = build.jsonMatchDocsTrace(paths.join("\n"), enc.encode(all), Int32Array.from(ends), Int32Array.from([7, 100, 101, 300, 301, 302, 555]), 1 << 16, 64, 1 << 20);
      expect(out).toBe(
        lines(
          "doc 0",
          "#0 STRING chatcmpl-1",
          "#1 STRING gpt-4o",
          '#2 STRING Hi "there"',
          "status OK",
          "doc 1",
          "#0 STRING chatcmpl-1",
          "#1 STRING gpt-4o",
          '#4 ARRAY [{"index":0,"id":"call_1","type":"function","function":{"name":"f","arguments":"{\\\\"a\\\\":"}}]',
          "status OK",
          "doc 2",
          "#0 STRING chatcmpl-1",
          "#1 STRING gpt-4o",
          "#5 NUMBER 9",
          "#6 NUMBER 12",
          "status OK",
          "doc 3",
          "#8 STRING message_start",
          "#9 STRING msg_1",
          "status OK",
          "doc 4",
          "#8 STRING content_block_delta",
          '#11 STRING {"loc',
          "status OK",
          "doc 5",
          "#8 STRING response.completed",
          "#10 STRING resp_1",
          "status OK",
        ),
      );
    });

    it("finds the last question of a request", () => {
      const req = '{"model":"m","messages":[{"role":"system","content":"be nice"},{"role":"user","content":[{"type":"text","text":"q1"}]},{"role":"assistant","content":"a1"},{"role":"user","content":"q2"},{"role":"tool","content":"t"}]}';
      expect(trace(build, ["messages.@reverse.0.content", 'messages.@reverse.#(role=="user").content', "messages.#", "model"], req, [50, 51, 52])).toBe(
        lines("#0 STRING t", "#1 STRING q2", "#2 NUMBER 5", "#3 STRING m", "status OK"),
      );
    });
  });

  describe("documents in sequence", () => {
    it("resets between documents and returns every arena block", () => {
      const docs = ['[{"c":1,"v":"a"}]', '[{"v":"b","c":1}]', '[{"v":"c","c":2}', "[1,2,3]"];
      const all = docs.join("");
      const ends: number[] = [];
      let at = 0;
      for (const d of docs) ends.push((at += d.length));
      // A trace line "leak …" would appear if a reset left anything leased.
      expect(build.jsonMatchDocsTrace("#(c==1).v\n@reverse.0\n@reverse", enc.encode(all), Int32Array.from(ends), Int32Array.from([3, 20, 21]), 1 << 14, 8, 1 << 20)).toBe(
        lines(
          "doc 0",
          "#0 STRING a",
          '#1 OBJECT {"c":1,"v":"a"}',
          '#2 ARRAY [{"c":1,"v":"a"}]',
          "status OK",
          "doc 1",
          "#0 STRING b",
          '#1 OBJECT {"v":"b","c":1}',
          '#2 ARRAY [{"v":"b","c":1}]',
          "status OK",
          "doc 2",
          "status INCOMPLETE at 16",
          "doc 3",
          "#1 NUMBER 3",
          "#2 ARRAY [3,2,1]",
          "status OK",
        ),
      );
    });
  });

  describe("bounded holding", () => {
    it("cuts held values at the hold limit and counts them, traffic of the document unaffected", () => {
      const doc = '[{"v":"' + "x".repeat(100) + '","c":1},{"v":"tail","c":1}]';
      const out = build.jsonMatchDocsTrace("#(c==1).v\n@reverse.1.v\n#(c==1)#.v", enc.encode(doc), Int32Array.of(doc.length), new Int32Array(0), 1 << 16, 8, 40);
      // A cut value is handed on as far as it goes, except into an array being joined, where it
      // would make the whole text unparseable: there it is left out.
      expect(out).toBe(lines("#0 STRING " + "x".repeat(40), "#1 STRING " + "x".repeat(40), '#2 ARRAY ["tail"]', "status OK", "truncated 3 values 182 bytes"));
    });

    it("drops what does not fit a full arena and counts it", () => {
      const items = Array.from({ length: 40 }, (_, i) => '"' + String(i).padStart(2, "0") + "y".repeat(60) + '"');
      const doc = "[" + items.join(",") + "]";
      const out = build.jsonMatchDocsTrace("@reverse\n#", enc.encode(doc), Int32Array.of(doc.length), new Int32Array(0), 1024, 8, 1 << 20);
      const [rev, count, status, truncated] = out.split("\n");
      expect(count).toBe("#1 NUMBER 40");
      expect(status).toBe("status OK");
      expect(truncated).toMatch(/^truncated \d+ values \d+ bytes$/);
      // What was kept is still well-formed: whole elements, reversed.
      const kept = (JSON.parse(rev!.slice("#0 ARRAY ".length)) as string[]).map((s) => Number(s.slice(0, 2)));
      expect(kept.length).toBeGreaterThan(0);
      expect(kept.length).toBeLessThan(40);
      expect(kept).toEqual([...kept].sort((a, b) => b - a));
    });
  });
});

describe("js and wasm traces are identical", () => {
  it.each([
    [["a.b", "c.#", "c.#.d", 'c.#(d>1)#', "c.@reverse"], '{"a":{"b":"\\ud83d\\ude00"},"c":[{"d":1},{"d":2.5e1},{"e":null}]}'],
    [["x", "#(a%\"*é?\")"], '[{"a":"ééé"},{"a":"\\u00e9x"}]'],
    [["m.@reverse.#(role==\"user\").content"], '{"m":[{"role":"user","content":"q"},{"role":"user","content":"' + "w".repeat(3000) + '"}]}'],
  ])("%j", (paths, doc) => {
    const bytes = enc.encode(doc);
    for (const splits of [[], [1], [5, 6, 7], Array.from({ length: bytes.length }, (_, i) => i)]) {
      expect(trace(wasmBuild, paths, bytes, splits)).toBe(trace(jsBuild, paths, bytes, splits));
    }
  });
});
