import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { runCli } from "./cli.js";
import { sampleCase, writeTempFiles } from "./testing/temp-cases.js";

const METRIC = "route.r1.upstream.c1.model.gpt-4o.consumer.none.metric.input_token";

async function fixtureSet() {
  return writeTempFiles({
    "cases/a/pass.json": sampleCase({ name: "passes", expect: { log: { model: "gpt-4o" } } }),
    "cases/a/fail.json": sampleCase({
      name: "fails",
      expect: { log: { model: "gpt-4o", input_token: 9 }, metrics: { [METRIC]: 9 } },
    }),
    "fixture.json": {
      results: {
        passes: { log: { model: "gpt-4o" } },
        fails: { log: { model: "gpt-4o", input_token: 8 }, metrics: { [METRIC]: 8 } },
      },
    },
  });
}

async function cli(args: string[], env: Record<string, string> = {}, cwd = "/") {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(args, { cwd, env, stdout: (l) => out.push(l), stderr: (l) => err.push(l) });
  return { code, out, err, last: out[out.length - 1] };
}

describe("runCli", () => {
  it("prints each failing case with its diff, ends with `N passed, N failed` and exits 1", async () => {
    const dir = await fixtureSet();
    const { code, out, last } = await cli(["--adapter", "fixture", "--cases", "cases", "--fixture", "fixture.json"], { INIT_CWD: dir });
    expect(code).toBe(1);
    expect(last).toBe("1 passed, 1 failed");
    expect(out).toContain("FAIL [fixture] a/fail.json — fails");
    expect(out).toContain("  log.input_token: expected 9, got 8");
    expect(out).toContain(`  metrics["${METRIC}"]: expected 9, got 8`);
    expect(out.some((l) => l.includes("pass.json"))).toBe(false);
    // Only the closing line has the `N passed, N failed` shape.
    expect(out.filter((l) => /^\d+ passed, \d+ failed$/.test(l))).toEqual([last]);
  });

  it("exits 0 when every case passes, resolving paths against INIT_CWD before cwd", async () => {
    const dir = await fixtureSet();
    const { code, last } = await cli(["--adapter", "fixture", "--cases", "cases", "--fixture", "fixture.json", "--filter", "pass"], {
      INIT_CWD: dir,
    });
    expect(code).toBe(0);
    expect(last).toBe("1 passed, 0 failed");
    const viaCwd = await cli(["--adapter", "fixture", "--cases", "cases", "--fixture", "fixture.json", "--filter", "pass"], {}, dir);
    expect(viaCwd.code).toBe(0);
  });

  it("runs resplit cases and reports the cut with each failure", async () => {
    const dir = await fixtureSet();
    const { code, out, last } = await cli(
      ["--adapter", "fixture", "--cases", "cases", "--fixture", "fixture.json", "--resplit", "5", "--seed", "3"],
      { INIT_CWD: dir },
    );
    expect(code).toBe(1);
    expect(last).toBe("1 passed, 1 failed");
    expect(out).toContain("  (resplit 5 cuts, seed 3)");
    // The fixture echoes the re-cut chunks, so §4 still holds for the passing case.
    expect(out.some((l) => l.startsWith("  client"))).toBe(false);
  });

  it("replays all cases at once with --concurrent where the adapter supports it", async () => {
    const dir = await fixtureSet();
    const { code, out, last } = await cli(["--adapter", "fixture", "--cases", "cases", "--fixture", "fixture.json", "--concurrent"], { INIT_CWD: dir });
    expect(code).toBe(1);
    expect(last).toBe("1 passed, 1 failed");
    expect(out).toContain("  log.input_token: expected 9, got 8");
  });

  it("says when --concurrent meets an adapter without a concurrent mode, and runs its cases one after another", async () => {
    const dir = await writeTempFiles({ "cases/a/one.json": sampleCase({ name: "one", expect: { log: { model: "gpt-4o" } } }) });
    const { code, out, last } = await cli(["--adapter", "core-wasm", "--cases", "cases", "--concurrent"], { INIT_CWD: dir });
    expect(out).toContain("(adapter core-wasm: no concurrent mode; its cases run one after another)");
    expect(last).toBe("1 passed, 0 failed");
    expect(code).toBe(0);
    const fixture = await cli(["--adapter", "fixture", "--cases", "cases", "--fixture", "fixture.json", "--concurrent"], { INIT_CWD: await fixtureSet() });
    expect(fixture.out.some((l) => l.includes("no concurrent mode"))).toBe(false);
  });

  it("counts a malformed case as a failure and still runs the others", async () => {
    const dir = await writeTempFiles({
      "cases/ok.json": sampleCase({ name: "ok", expect: {} }),
      "cases/bad.json": { name: "bad" },
      "fixture.json": { results: {} },
    });
    const { code, out, last } = await cli(["--adapter", "fixture", "--cases", "cases", "--fixture", "fixture.json"], { INIT_CWD: dir });
    expect(code).toBe(1);
    expect(out).toContain("FAIL bad.json — malformed case");
    expect(out).toContain("  config: is required");
    expect(last).toBe("1 passed, 1 failed");
  });

  it("fails a case whose adapter throws, with the message", async () => {
    const dir = await writeTempFiles({
      "cases/x.json": sampleCase({ name: "x" }),
      "fixture.json": { results: { x: { throws: "host crashed" } } },
    });
    const { code, out } = await cli(["--adapter", "fixture", "--cases", "cases", "--fixture", "fixture.json"], { INIT_CWD: dir });
    expect(code).toBe(1);
    expect(out.some((l) => l.startsWith("  adapter: adapter threw: Error: host crashed"))).toBe(true);
  });

  it("exits 2 on usage errors: unknown adapter (listing the known ones), missing --adapter, bad numbers", async () => {
    const unknown = await cli(["--adapter", "nope"]);
    expect(unknown.code).toBe(2);
    expect(unknown.err.join("\n")).toMatch(/unknown adapter "nope"; known adapters:\n {2}fixture: /);
    expect((await cli([])).code).toBe(2);
    expect((await cli(["--adapter", "fixture", "--resplit", "1.5"])).err.join()).toMatch(/--resplit needs a non-negative integer/);
    expect((await cli(["--adapter", "fixture", "--seed", "4"])).err.join()).toMatch(/--seed only applies with --resplit/);
    expect((await cli(["--adapter", "fixture", "--bogus"])).code).toBe(2);
  });

  it("exits 1 when nothing ran", async () => {
    const dir = await writeTempFiles({ "cases/readme.txt": "no cases", "fixture.json": { results: {} } });
    const { code, last } = await cli(["--adapter", "fixture", "--cases", "cases", "--fixture", "fixture.json"], { INIT_CWD: dir });
    expect(code).toBe(1);
    expect(last).toBe("0 passed, 0 failed");
  });
});

describe("the bin", () => {
  it("runs through tsx as a real process with the same exit code and closing line", async () => {
    const dir = await fixtureSet();
    const bin = fileURLToPath(new URL("../bin/aistats-conformance.mjs", import.meta.url));
    const run = spawnSync(process.execPath, [bin, "--adapter", "fixture", "--cases", "cases", "--fixture", "fixture.json"], {
      cwd: dir,
      env: { ...process.env, INIT_CWD: dir },
      encoding: "utf8",
    });
    expect(run.status).toBe(1);
    expect(run.stdout.trimEnd().split("\n").pop()).toBe("1 passed, 1 failed");
  });
});
