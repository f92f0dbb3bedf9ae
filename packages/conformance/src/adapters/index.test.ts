import { describe, expect, it } from "vitest";
import { ADAPTERS, createAdapter, resolveAdapterNames, UnknownAdapterError } from "./index.js";

describe("adapter registry", () => {
  it("resolves a known name to itself", () => {
    expect(resolveAdapterNames("fixture")).toEqual(["fixture"]);
  });

  it("rejects an unknown name with an error listing the known ones", () => {
    expect(() => resolveAdapterNames("nope")).toThrow(UnknownAdapterError);
    expect(() => resolveAdapterNames("nope")).toThrow(/unknown adapter "nope"; known adapters:\n {2}fixture: /);
    expect(() => resolveAdapterNames("toString")).toThrow(UnknownAdapterError);
  });

  it("`all` runs every adapter not marked test-only, and says so when there is none", () => {
    const runnable = Object.keys(ADAPTERS).filter((n) => ADAPTERS[n]!.inAll);
    if (runnable.length === 0) expect(() => resolveAdapterNames("all")).toThrow(/found no adapters to run/);
    else expect(resolveAdapterNames("all")).toEqual(runnable);
    expect(runnable).not.toContain("fixture");
  });

  it("loads adapters lazily and passes the options to the factory", async () => {
    await expect(createAdapter("fixture", {})).rejects.toThrow(/needs --fixture FILE/);
  });
});
