import { describe, expect, it } from "vitest";
import { parseCase } from "../load-cases.js";
import { sampleCase, writeTempFiles } from "../testing/temp-cases.js";
import { ADAPTERS, createAdapter, resolveAdapterNames, UnknownAdapterError } from "./index.js";

describe("adapter registry", () => {
  it("resolves a known name to itself", () => {
    expect(resolveAdapterNames("fixture")).toEqual(["fixture"]);
    expect(resolveAdapterNames("proxy-wasm")).toEqual(["proxy-wasm"]);
  });

  it("rejects an unknown name with an error listing the known ones", () => {
    expect(() => resolveAdapterNames("nope")).toThrow(UnknownAdapterError);
    expect(() => resolveAdapterNames("nope")).toThrow(/unknown adapter "nope"; known adapters:\n {2}fixture: /);
    expect(() => resolveAdapterNames("toString")).toThrow(UnknownAdapterError);
  });

  it("`all` is every host adapter, in registry order, and never the test-only fixture", () => {
    expect(resolveAdapterNames("all")).toEqual(["core", "core-wasm", "proxy-wasm", "node", "edge", "edge:workerd", "edge:deno", "edge:bun"]);
    expect(Object.keys(ADAPTERS)).toEqual(["fixture", "core", "core-wasm", "proxy-wasm", "node", "edge", "edge:workerd", "edge:deno", "edge:bun"]);
  });

  it("passes the options to the factory: the fixture adapter refuses to start without --fixture and replays the file given", async () => {
    await expect(createAdapter("fixture", {})).rejects.toThrow(/needs --fixture FILE/);
    const dir = await writeTempFiles({ "fixture.json": { results: { sample: { log: { model: "recorded" } } } } });
    const adapter = await createAdapter("fixture", { fixture: `${dir}/fixture.json` });
    const script = parseCase(JSON.stringify(sampleCase()), "s.json", "/s.json");
    if (Array.isArray(script)) throw new Error(JSON.stringify(script));
    expect(adapter.name).toBe("fixture");
    expect((await adapter.run(script)).log).toEqual({ model: "recorded" });
  });
});
