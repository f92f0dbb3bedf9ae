// The runtime adapters end to end: the CLI on a case set written outside the project (a temp dir)
// through edge:workerd, and each runtime reporting a player error as that runtime's.
import { spawnSync } from "node:child_process";
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parseCase } from "../load-cases.js";
import { sampleCase, writeTempFiles } from "../testing/temp-cases.js";
import { createAdapter } from "./index.js";

const casesDir = fileURLToPath(new URL("../../cases/", import.meta.url));
const bin = fileURLToPath(new URL("../../bin/aistats-conformance.mjs", import.meta.url));
const read = (id: string): Promise<string> => readFile(casesDir + id, "utf8");

describe("edge:workerd on a case set outside the project", () => {
  it("runs copied cases, a changed one and a failing one through the CLI", async () => {
    const basic = await read("openai/chat-json-basic.json");
    // Changed: another model name everywhere (request, response, expectations): passes only if
    // the worker really recorded what it was sent.
    const changed = JSON.parse(basic.replaceAll("gpt-4o", "edge-model")) as { name: string; expect: { log: Record<string, unknown> } };
    changed.name = "changed copy";
    const wrong = JSON.parse(basic) as { name: string; expect: { log: Record<string, unknown> } };
    wrong.name = "wrong expectation";
    wrong.expect.log.model = "not-what-the-upstream-said";
    const dir = await writeTempFiles({
      "set/stream.json": await read("openai/chat-stream-include-usage.json"),
      "set/aborted.json": await read("bad-input/aborted-partial-answer.json"),
      "set/changed.json": changed,
      "set/wrong.json": wrong,
    });
    const run = spawnSync(process.execPath, [bin, "--adapter", "edge:workerd", "--cases", `${dir}/set`], { encoding: "utf8", env: { ...process.env, INIT_CWD: dir } });
    const lines = run.stdout.trimEnd().split("\n");
    expect(lines.at(-1), run.stdout + run.stderr).toBe("3 passed, 1 failed");
    expect(lines).toContain("FAIL [edge:workerd] wrong.json — wrong expectation");
    expect(lines.some((l) => l.startsWith("  log.model: expected") && l.includes("not-what-the-upstream-said"))).toBe(true);
    expect(run.status).toBe(1);
  });
});

describe.each(["edge:workerd", "edge:deno", "edge:bun"])("%s", (name) => {
  it("replays a case in the runtime, and reports a case the Fetch API cannot express as the runtime's error", async () => {
    const adapter = await createAdapter(name, {});
    await adapter.setup!();
    try {
      const ok = parseCase(JSON.stringify(sampleCase()), "s.json", "/s.json");
      const bad = parseCase(JSON.stringify(sampleCase({ response: { headers: { ":status": "204" }, body: "x" } })), "b.json", "/b.json");
      if (Array.isArray(ok) || Array.isArray(bad)) throw new Error("bad sample case");
      expect((await adapter.run(ok)).log).toMatchObject({ model: "gpt-4o" });
      await expect(adapter.run(bad)).rejects.toThrow(new RegExp(`in ${name.slice(5)}: NotExpressibleError: not expressible through the Fetch API: status 204 with a response body`));
    } finally {
      await adapter.teardown!();
    }
  });
});
