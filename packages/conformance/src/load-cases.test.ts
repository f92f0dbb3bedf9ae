import { describe, expect, it } from "vitest";
import { CaseLoadError, loadCases, loadCaseSet, parseCase } from "./load-cases.js";
import { sampleCase, writeTempFiles } from "./testing/temp-cases.js";

const text = (bytes: Uint8Array) => Buffer.from(bytes).toString("utf8");

function problemsOf(doc: unknown): string[] {
  const parsed = parseCase(typeof doc === "string" ? doc : JSON.stringify(doc), "t.json", "/x/t.json");
  if (!Array.isArray(parsed)) throw new Error("expected problems, the case loaded");
  return parsed.map((p) => `${p.file}: ${p.field}: ${p.message}`);
}

function load(doc: unknown) {
  const parsed = parseCase(JSON.stringify(doc), "t.json", "/x/t.json");
  if (Array.isArray(parsed)) throw new Error(parsed.map((p) => `${p.field}: ${p.message}`).join("\n"));
  return parsed;
}

describe("validation", () => {
  it("names the file and the field of every problem", () => {
    const doc = sampleCase({ name: 5 });
    (doc.response as Record<string, unknown>).chunks = ["ok", { text: "x", at_ms: -1 }, 7];
    const problems = problemsOf(doc);
    expect(problems).toContain("t.json: name: must be a string, got number 5");
    expect(problems).toContain("t.json: response.chunks[1].at_ms: must be a non-negative number of milliseconds, got number -1");
    expect(problems.some((p) => p.startsWith("t.json: response.chunks[2]: must be a string"))).toBe(true);
  });

  it("reports invalid JSON with the parser's message", () => {
    expect(problemsOf("{ nope")[0]).toMatch(/^t\.json: : is not valid JSON/);
  });

  it("requires name, config, request, response and expect", () => {
    const problems = problemsOf({});
    for (const field of ["name", "config", "request", "response", "expect"]) {
      expect(problems.some((p) => p.startsWith(`t.json: ${field}: `))).toBe(true);
    }
  });

  it("lets a config_error case leave out the exchange, and only such a case", () => {
    const script = load({ name: "bad rule", config: { attributes: [] }, expect: { config_error: "attributes[0].rule" } });
    expect(script.request.chunks).toEqual([]);
    expect(script.response.chunks).toEqual([]);
    expect(problemsOf({ name: "n", config: {}, expect: {} }).join("\n")).toMatch(/request: is required/);
  });

  it("rejects a config_error combined with record expectations", () => {
    expect(problemsOf({ name: "n", config: {}, expect: { config_error: "x", log: {} } }).join()).toMatch(
      /expect\.config_error: cannot be combined with log/,
    );
  });

  it("rejects skipped: true together with log or metrics expectations", () => {
    expect(problemsOf(sampleCase({ expect: { skipped: true, metrics: {} } })).join()).toMatch(/expect\.metrics: contradicts expect\.skipped/);
  });

  it("ignores unknown top-level fields but rejects unknown nested ones", () => {
    expect(load(sampleCase({ author: "someone", ticket: 12 })).name).toBe("sample");
    expect(problemsOf(sampleCase({ expect: { log_absnet: ["answer"] } }))).toEqual([
      expect.stringMatching(/^t\.json: expect\.log_absnet: unknown field/),
    ]);
    const doc = sampleCase();
    (doc.request as Record<string, unknown>).trailers = {};
    expect(problemsOf(doc)[0]).toMatch(/request\.trailers: unknown field/);
  });

  it("checks chunk spellings, base64, body/chunks exclusivity and abort bounds", () => {
    const doc = sampleCase();
    const response = doc.response as Record<string, unknown>;
    response.chunks = [{ base64: "not base64!" }, { text: "a", base64: "YQ==" }];
    response.body = "x";
    response.abort_after_chunks = 3;
    const problems = problemsOf(doc).join("\n");
    expect(problems).toMatch(/response\.chunks\[0\]\.base64: is not valid base64/);
    expect(problems).toMatch(/response\.chunks\[1\]: needs exactly one of "text" and "base64"/);
    expect(problems).toMatch(/response\.body: give either "body" or "chunks", not both/);
    expect(problems).toMatch(/response\.abort_after_chunks: is 3 but the response has only 2 chunk\(s\)/);
  });

  it("checks expectation types", () => {
    const problems = problemsOf(
      sampleCase({ expect: { span: { a: 1 }, metrics: { m: "9" }, log_absent: "answer", skipped: "yes" } }),
    ).join("\n");
    expect(problems).toMatch(/expect\.span\.a: must be a string/);
    expect(problems).toMatch(/expect\.metrics\.m: must be a number/);
    expect(problems).toMatch(/expect\.log_absent: must be an array of strings/);
    expect(problems).toMatch(/expect\.skipped: must be true or false/);
  });

  it("rejects a clock that runs backwards", () => {
    const doc = sampleCase();
    (doc.request as Record<string, unknown>).at_ms = 50;
    expect(problemsOf(doc).join("\n")).toMatch(/response\.at_ms: 10 is earlier than request\.at_ms \(50\)/);
  });
});

describe("time rules and normalization", () => {
  it("starts the request at request.at_ms (default 0) and gives untimed chunks the previous time", () => {
    const doc = sampleCase({
      request: { headers: { ":path": "/p" }, at_ms: 5, chunks: ["a", { text: "b", at_ms: 7 }, "c"] },
      response: { headers: {}, chunks: ["x", { text: "y", at_ms: 30 }, "z"] },
    });
    const script = load(doc);
    expect(script.request.atMs).toBe(5);
    expect(script.request.chunks.map((c) => [text(c.bytes), c.atMs, c.origin])).toEqual([
      ["a", 5, 0],
      ["b", 7, 1],
      ["c", 7, 2],
    ]);
    // Response headers default to when the request finished; its first chunk to the headers' time.
    expect(script.response.atMs).toBe(7);
    expect(script.response.chunks.map((c) => [text(c.bytes), c.atMs])).toEqual([
      ["x", 7],
      ["y", 30],
      ["z", 30],
    ]);
    expect(script.response.endAtMs).toBe(30);
    expect(script.response.abortAfterChunks).toBeNull();
  });

  it("defaults request.at_ms to 0 and end_at_ms to the last chunk, and honours an explicit end", () => {
    const script = load(sampleCase());
    expect(script.request.atMs).toBe(0);
    expect(script.response.endAtMs).toBe(40);
    const doc = sampleCase();
    (doc.response as Record<string, unknown>).end_at_ms = 900;
    expect(load(doc).response.endAtMs).toBe(900);
  });

  it("serializes a JSON body with JSON.stringify and sends a string body as is", () => {
    const script = load(sampleCase());
    expect(text(script.request.chunks[0]!.bytes)).toBe(JSON.stringify({ model: "gpt-4o", messages: [{ role: "user", content: "Hi" }] }));
    const doc = sampleCase({ response: { headers: {}, at_ms: 3, body: '{"a": 1}' } });
    const response = load(doc).response;
    expect(response.chunks.map((c) => [text(c.bytes), c.atMs])).toEqual([['{"a": 1}', 3]]);
    expect(load(sampleCase({ response: { headers: {}, body: "" } })).response.chunks).toEqual([]);
  });

  it("decodes base64 chunks to raw bytes, invalid UTF-8 included", () => {
    const doc = sampleCase({ response: { headers: {}, chunks: [{ base64: "/w==" }, "é"] } });
    const chunks = load(doc).response.chunks;
    expect([...chunks[0]!.bytes]).toEqual([0xff]);
    expect([...chunks[1]!.bytes]).toEqual([0xc3, 0xa9]);
  });

  it("maps abort_after_chunks to delivered chunks, bytes and the abort time", () => {
    const doc = sampleCase({
      response: { headers: {}, chunks: ["ab", { text: "cde", at_ms: 20 }, { text: "f", at_ms: 30 }], abort_after_chunks: 2 },
    });
    const response = load(doc).response;
    expect(response.abortAfterChunks).toBe(2);
    expect(response.abortAfterBytes).toBe(5);
    expect(response.endAtMs).toBe(20);
  });

  it("keeps headers as ordered pairs and the configuration as JSON text", () => {
    const script = load(sampleCase({ config: { value_length_limit: 10 }, properties: { route_name: "r1" } }));
    expect(script.request.headers).toEqual([
      [":method", "POST"],
      [":path", "/v1/chat/completions"],
    ]);
    expect(script.configJson).toBe('{"value_length_limit":10}');
    expect(script.properties).toEqual({ route_name: "r1" });
  });
});

describe("loadCases", () => {
  it("loads every *.json under the tree, sorted, with /-separated ids", async () => {
    const dir = await writeTempFiles({
      "b/two.json": sampleCase({ name: "two" }),
      "a/one.json": sampleCase({ name: "one" }),
      "a/notes.txt": "not a case",
    });
    const scripts = await loadCases(dir);
    expect(scripts.map((s) => s.id)).toEqual(["a/one.json", "b/two.json"]);
  });

  it("throws one CaseLoadError listing every malformed file, and rejects duplicate names", async () => {
    const dir = await writeTempFiles({
      "x.json": sampleCase({ name: "same" }),
      "y.json": sampleCase({ name: "same" }),
      "z.json": "[]",
    });
    const error = await loadCases(dir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CaseLoadError);
    expect((error as Error).message).toMatch(/y\.json: name: "same" is also the name of x\.json/);
    expect((error as Error).message).toMatch(/z\.json: a case must be a JSON object, got an array/);
    const set = await loadCaseSet(dir);
    expect(set.scripts.map((s) => s.id)).toEqual(["x.json"]);
  });
});
