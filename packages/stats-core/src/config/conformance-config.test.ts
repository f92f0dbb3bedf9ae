import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { builds, jsBuild, wasmBuild } from "../testing/builds.node";

// Every configuration of the conformance case set (PRODUCT §6) through parsePluginConfig: the
// config-errors cases must be rejected with a message containing their expect.config_error, every
// other case's configuration must load, identically on both builds.

const casesDir = fileURLToPath(new URL("../../../conformance/cases", import.meta.url));

type Case = { file: string; config: unknown; configError: string | undefined };

function loadCases(): Case[] {
  const out: Case[] = [];
  for (const topic of readdirSync(casesDir, { withFileTypes: true })) {
    if (!topic.isDirectory()) continue;
    for (const name of readdirSync(join(casesDir, topic.name))) {
      if (!name.endsWith(".json")) continue;
      const data = JSON.parse(readFileSync(join(casesDir, topic.name, name), "utf8")) as {
        config?: unknown;
        expect?: { config_error?: string };
      };
      out.push({ file: topic.name + "/" + name, config: data.config ?? {}, configError: data.expect?.config_error });
    }
  }
  return out;
}

const cases = loadCases();
const rejected = cases.filter((c) => c.configError !== undefined);
const accepted = cases.filter((c) => c.configError === undefined);
const bytesOf = (c: Case): Uint8Array => new TextEncoder().encode(JSON.stringify(c.config));

describe("conformance case configurations", () => {
  it("finds the case set", () => {
    expect(rejected.length).toBeGreaterThanOrEqual(15);
    expect(accepted.length).toBeGreaterThanOrEqual(100);
  });

  describe.each(builds)("on the $name build", (build) => {
    it.each(rejected.map((c) => [c.file, c] as const))("rejects %s", (_file, c) => {
      const trace = build.configTrace(bytesOf(c));
      expect(trace.startsWith("error "), trace).toBe(true);
      expect(trace.split("\n")[0]).toContain(c.configError!);
    });

    it("loads every other case's configuration", () => {
      for (const c of accepted) {
        const trace = build.configTrace(bytesOf(c));
        expect(trace.startsWith("ok "), c.file + ": " + trace).toBe(true);
      }
    });
  });

  it("gives identical traces on js and wasm", () => {
    for (const c of cases) expect(wasmBuild.configTrace(bytesOf(c)), c.file).toBe(jsBuild.configTrace(bytesOf(c)));
  });
});
