import { describe, expect, it } from "vitest";
import { forEachHeader, type HeadersInput } from "./headers.js";
import { createRecorder, type AistatsRecord } from "./index.js";

const lines = (headers: HeadersInput | undefined): Array<[string, string]> => {
  const out: Array<[string, string]> = [];
  forEachHeader(headers, (n, v) => out.push([n, v]));
  return out;
};

describe("header forms", () => {
  it("a plain object as Node gives it: arrays combined with \", \", set-cookie line by line, numbers in decimal, undefined left out", () => {
    expect(
      lines({ "x-a": "1", "x-list": ["a", "b"], "Set-Cookie": ["s=1", "t=2"], "content-length": 42, "x-none": undefined, "x-empty": [] }),
    ).toEqual([
      ["x-a", "1"],
      ["x-list", "a, b"],
      ["Set-Cookie", "s=1"],
      ["Set-Cookie", "t=2"],
      ["content-length", "42"],
    ]);
  });

  it("pairs, a Map, a fetch Headers and a forEach-only look-alike", () => {
    expect(lines([["x-a", "1"], ["x-a", "2"]])).toEqual([["x-a", "1"], ["x-a", "2"]]);
    expect(lines(new Map([["x-b", "3"]]))).toEqual([["x-b", "3"]]);
    const h = new Headers([["X-C", "4"], ["x-c", "5"], ["set-cookie", "a=1"], ["set-cookie", "b=2"]]);
    // fetch combines a repeated field (lower-cased names), except set-cookie.
    expect(lines(h)).toEqual([["set-cookie", "a=1"], ["set-cookie", "b=2"], ["x-c", "4, 5"]]);
    const forEachOnly = { forEach: (cb: (value: string, name: string) => void) => { cb("6", "x-d"); } };
    expect(lines(forEachOnly)).toEqual([["x-d", "6"]]);
    expect(lines(undefined)).toEqual([]);
  });
});

describe("headers reach the record", () => {
  const config = {
    attributes: [
      { key: "list", value_source: "request_header", value: "x-list", apply_to_log: true },
      { key: "session", value_source: "request_header", value: "x-session", apply_to_log: true },
      { key: "method", value_source: "request_header", value: ":method", apply_to_log: true },
      { key: "path", value_source: "request_header", value: ":path", apply_to_log: true },
      { key: "cookie", value_source: "response_header", value: "set-cookie", apply_to_log: true },
      { key: "status", value_source: "response_header", value: ":status", apply_to_log: true },
    ],
  };

  function logOf(start: Parameters<ReturnType<typeof createRecorder>["start"]>[0], response: HeadersInput, status: number | string = 200): AistatsRecord["log"] {
    const records: AistatsRecord[] = [];
    const recorder = createRecorder(config, { now: () => 0, onRecord: (r) => records.push(r) });
    const h = recorder.start(start);
    h.responseStart(status, response);
    h.responseEnd();
    expect(records).toHaveLength(1);
    return records[0]!.log;
  }

  it("names are case-insensitive; the fields set the pseudo-headers; every form gives the same record", () => {
    const expected = { list: "a, b", session: "s1", method: "POST", path: "/v1/chat/completions?x=1", cookie: "k=1", status: "201" };
    const forms: HeadersInput[] = [
      { "X-List": ["a", "b"], "X-Session": "s1" },
      { "x-list": "a, b", "x-session": "s1" },
      [["x-list", "a, b"], ["X-SESSION", "s1"]],
      new Headers({ "x-list": "a, b", "x-session": "s1" }),
    ];
    for (const headers of forms) {
      const log = logOf({ method: "POST", path: "/v1/chat/completions?x=1", headers }, { "set-cookie": ["k=1", "l=2"] }, 201);
      expect(log).toMatchObject({ list: expected.list, session: expected.session, method: expected.method, path: expected.path, cookie: expected.cookie, status: expected.status });
    }
  });

  it("pseudo-headers among the headers (Node's HTTP/2 req.headers) are used when the fields are absent, and never twice", () => {
    const log = logOf({ headers: { ":method": "PUT", ":path": "/v1/messages", ":scheme": "https", "x-session": "s2" } }, [[":status", "404"]], "");
    expect(log).toMatchObject({ method: "PUT", path: "/v1/messages", session: "s2", status: "404" });
    const fieldsWin = logOf({ method: "POST", path: "/v1/completions", headers: { ":method": "GET", ":path": "/other" } }, {});
    expect(fieldsWin).toMatchObject({ method: "POST", path: "/v1/completions" });
  });
});
