import { describe, expect, it } from "vitest";
import { builds } from "../testing/builds.node";
import { JsonPathSet } from "./json-path-set";
import { STEP_ALL, STEP_COUNT, STEP_FIRST, STEP_KEY, STEP_MAP, STEP_REVERSE } from "./json-path-step";

const enc = new TextEncoder();

function compile(path: string): JsonPathSet {
  const set = new JsonPathSet();
  set.add(path);
  return set;
}

function errorOf(path: string): string {
  const set = new JsonPathSet();
  expect(set.add(path), path).toBe(-1);
  return set.error;
}

// Every default path of Higress's ai-statistics (plugins/wasm-go/extensions/ai-statistics/main.go:
// built-in question/system/answer/tool_calls/reasoning paths, the Claude tool-call fields, chat id
// and usage lookups) and the examples in its README.
const HIGRESS_PATHS = [
  "messages.@reverse.0.content",
  "system",
  "choices.0.message.content",
  "content.0.text",
  "choices.0.delta.content",
  "delta.text",
  "choices.0.message.tool_calls",
  "choices.0.delta.tool_calls",
  "type",
  "content_block.type",
  "content_block.id",
  "content_block.name",
  "content_block.input",
  "delta.partial_json",
  "index",
  "choices.0.message.reasoning_content",
  "choices.0.delta.reasoning_content",
  "id",
  "response.id",
  "responseId",
  "message.id",
  "model",
  "messages",
  "contents",
  "usage.prompt_tokens",
  "usage.completion_tokens",
  "usage.models.0.model_id",
  "usage.models.0.input_tokens",
  "usage.models.0.output_tokens",
  'messages.@reverse.#(role=="user").content',
];

describe("JsonPathSet compiles the supported subset", () => {
  it("accepts every Higress ai-statistics default path", () => {
    const set = new JsonPathSet();
    for (const p of HIGRESS_PATHS) expect(set.add(p), set.error).toBeGreaterThanOrEqual(0);
    expect(set.size).toBe(HIGRESS_PATHS.length);
  });

  it("compiles components into steps", () => {
    const kinds = (p: string) => compile(p).paths[0]!.steps.map((s) => s.kind);
    expect(kinds("a.b.0")).toEqual([STEP_KEY, STEP_KEY, STEP_KEY]);
    expect(kinds("a.#")).toEqual([STEP_KEY, STEP_COUNT]);
    expect(kinds("a.#.b")).toEqual([STEP_KEY, STEP_MAP, STEP_KEY]);
    expect(kinds('a.#(b=="x").c')).toEqual([STEP_KEY, STEP_FIRST, STEP_KEY]);
    expect(kinds("a.#(b>1)#.c")).toEqual([STEP_KEY, STEP_ALL, STEP_KEY]);
    expect(kinds("a.@reverse.0")).toEqual([STEP_KEY, STEP_REVERSE, STEP_KEY]);
    expect(kinds("@reverse")).toEqual([STEP_REVERSE]);
    // Old-style #[…] queries still work in gjson.
    expect(kinds("a.#[b==1]#")).toEqual([STEP_KEY, STEP_ALL]);
  });

  it("unescapes keys and reads indexes as gjson does", () => {
    const steps = compile("fav\\.movie.a\\|b.\\#.\\@reverse.007.x\\").paths[0]!.steps;
    expect(steps.map((s) => new TextDecoder().decode(s.name))).toEqual(["fav.movie", "a|b", "#", "@reverse", "007", "x"]);
    expect(steps.map((s) => s.index)).toEqual([-1, -1, -1, -1, 7, -1]);
    expect(steps.every((s) => s.kind === STEP_KEY)).toBe(true);
  });

  it("treats @names that are not modifiers, and # not alone, as keys", () => {
    const steps = compile("@type.#abc.a#b").paths[0]!.steps;
    expect(steps.map((s) => [s.kind, new TextDecoder().decode(s.name)])).toEqual([
      [STEP_KEY, "@type"],
      [STEP_KEY, "#abc"],
      [STEP_KEY, "a#b"],
    ]);
  });

  it("marks the member before a pipe (| or .@modifier) as final", () => {
    expect(compile("a|b.c").paths[0]!.steps.map((s) => s.commit)).toEqual([true, false, false]);
    expect(compile("a.b.@reverse").paths[0]!.steps.map((s) => s.commit)).toEqual([false, true, false]);
    expect(compile("a.@type").paths[0]!.steps.map((s) => s.commit)).toEqual([false, false]);
  });

  it("parses query operators and values the way gjson's parseQuery does", () => {
    const q = (p: string) => compile(p).paths[0]!.steps[0]!.query!;
    const value = (p: string) => new TextDecoder().decode(q(p).value);
    expect(q("#(a==1)").op).toBe(q("#(a=1)").op);
    expect(value('#( a  ==  "x y" )')).toBe("x y");
    expect(value('#(a=="x\\"y\\u00e9")')).toBe('x"yé');
    expect(value("#(a==Bob)")).toBe("Bob");
    expect(value('#(a=="")')).toBe("");
    // Only a value with a backslash somewhere inside quotes is unescaped.
    expect(value('#(a=="x\\y")')).toBe("x");
    expect(q("#(a)").op).toBe(0);
    expect(compile("#(a.b.#>2)").paths[0]!.steps[0]!.query!.steps.map((s) => s.kind)).toEqual([STEP_KEY, STEP_KEY, STEP_COUNT]);
    expect(compile('#(==")")').paths[0]!.steps[0]!.query!.steps).toHaveLength(0);
    expect(compile("#(a\\=b==1)").paths[0]!.steps[0]!.query!.steps[0]!.name).toEqual(enc.encode("a=b"));
  });
});

describe("JsonPathSet refuses everything outside the subset, naming path and position", () => {
  it.each([
    ["@this", "modifier @this is not supported (only @reverse) at byte 0"],
    ["a.@flatten", "modifier @flatten is not supported (only @reverse) at byte 2"],
    ['a.@pretty:{"sortKeys":true}', "modifier @pretty is not supported"],
    ["a.@reverse:x", "modifier arguments are not supported at byte 10"],
    ["a*", "wildcards (* and ?) in keys are not supported at byte 1"],
    ["a.b?c", "wildcards (* and ?) in keys are not supported at byte 3"],
    ["[a,b]", "multipaths ([…] or {…}) are not supported at byte 0"],
    ["{a,b}", "multipaths"],
    ["a.[b]", "multipaths ([…] or {…}) are not supported at byte 2"],
    ["!true", "static values (!…) are not supported at byte 0"],
    ["..a", "JSON Lines paths (..) are not supported"],
    ["a.#(b.#(c==1))", "nested queries are not supported at byte 6"],
    ["a.#(b==1)x", "unexpected text after the query at byte 9"],
    ["a.#(b==1)#x", "unexpected text after the query at byte 10"],
    ["a.#.b|c", "| after #. or #(…)# is not supported (gjson applies it to the joined array) at byte 5"],
    ["a.#(b==1)#|0", "| after #. or #(…)# is not supported"],
    ["@reverse.#.b|c", "| after #. or #(…)# is not supported"],
    ["a.#|b", "| after # is not supported at byte 3"],
    ["a..b", "empty key at byte 2"],
    ["a.", "the path ends with a separator at byte 2"],
    ["", "empty path at byte 0"],
    ["a.#.", "#. needs a path after it at byte 2"],
    ["a.#(b==1", "unterminated query at byte 2"],
    ['a.#(b=="x)', "unterminated query"],
    ["#(b==~maybe)", "unknown ~ value (gjson knows ~true, ~false, ~null and ~*) at byte 3"],
    ['#(b%"a\\\\")', "a % pattern must not end with a lone backslash at byte 3"],
    ["#(b!x)", "unsupported query operator at byte 3"],
    ["#(b!)", "unsupported query operator at byte 3"],
    ["#(#.a==1)", "#. is not supported inside a query at byte 2"],
    ["#(@reverse.0==1)", "@reverse is not supported inside a query at byte 2"],
    ["#(!a==1)", "unsupported query operator at byte 2"],
    ["@reverse.@reverse", "@reverse twice in a row is not supported at byte 9"],
    ["@reverse.1024", "an index after @reverse must be at most 1023 at byte 9"],
  ])("%s", (path, message) => {
    const error = errorOf(path);
    expect(error).toContain('path "' + path + '": ');
    expect(error).toContain(message);
  });

  it("keeps the ids of the paths that compiled and the last error", () => {
    const set = new JsonPathSet();
    expect(set.add("a")).toBe(0);
    expect(set.add("a*")).toBe(-1);
    expect(set.add("b")).toBe(1);
    expect(set.error).toBe("");
    expect(set.size).toBe(2);
  });
});

describe.each(builds)("compile errors on the $name build", (build) => {
  it("reports them in traces, identically", () => {
    const trace = build.jsonMatchTrace("a.@this\nx|\nok", enc.encode('{"ok":1}'), new Int32Array(0));
    expect(trace).toBe(
      [
        'error 0: path "a.@this": modifier @this is not supported (only @reverse) at byte 2',
        'error 1: path "x|": the path ends with a separator at byte 2',
        "#0 NUMBER 1",
        "status OK",
      ].join("\n"),
    );
  });
});
