// The whole test suite, as the README's test command runs it:
//   1. turbo: build, lint (with the portable-subset rules), typecheck and every package's vitest suite
//      (tooling/pack-check's among them: the published packages packed and used from new projects);
//   2. the conformance case set through every adapter, as recorded and re-split at 25 random cuts;
// then one closing line, `N passed, N failed`, over all of it. Exits non-zero on any failure.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";

let passed = 0;
let failed = 0;
let broken = false;
const summary = [];

const turbo = spawnSync("pnpm", ["exec", "turbo", "run", "lint", "typecheck", "test", "--concurrency=2"], {
  stdio: "inherit",
});
if (turbo.status !== 0) {
  broken = true;
  summary.push("turbo run lint typecheck test: FAILED");
}

for (const group of ["packages", "apps", "tooling"]) {
  if (!existsSync(group)) continue;
  for (const name of readdirSync(group)) {
    const file = join(group, name, "test-results.json");
    if (!existsSync(file)) continue;
    const r = JSON.parse(readFileSync(file, "utf8"));
    passed += r.numPassedTests;
    failed += r.numFailedTests;
    summary.push(`${group}/${name}: ${r.numPassedTests} passed, ${r.numFailedTests} failed (vitest)`);
  }
}

const conformanceRuns = [
  ["--adapter", "all"],
  ["--adapter", "all", "--resplit", "25", "--seed", "1"],
];
for (const args of conformanceRuns) {
  const run = spawnSync(process.execPath, ["packages/conformance/bin/aistats-conformance.mjs", ...args], {
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  process.stdout.write(run.stdout);
  process.stderr.write(run.stderr);
  const last = /^(\d+) passed, (\d+) failed/m.exec(run.stdout.split("\n").filter(Boolean).at(-1) ?? "");
  if (!last || run.status !== 0) broken = true;
  if (last) {
    passed += Number(last[1]);
    failed += Number(last[2]);
  }
  summary.push(`conformance ${args.join(" ")}: ${last ? `${last[1]} passed, ${last[2]} failed` : "did not finish"}`);
}

console.log("\n" + summary.map((line) => "  " + line).join("\n"));
console.log(`${passed} passed, ${failed} failed`);
process.exit(broken || failed > 0 || passed === 0 ? 1 : 0);
