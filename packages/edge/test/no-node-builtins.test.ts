// @aistats/edge runs in workerd, Deno and Bun: its BUILT output, and every built file it reaches
// (@aistats/host's and @aistats/stats-core's dist), imports no Node built-in and refers to no
// Node-only global. The lint rule (webRuntimeOnly) checks the sources; this checks what ships.
//   (a) unbundled — the ESM and the CommonJS graphs as esbuild resolves them from dist/index.js and
//       dist/index.cjs, each reached file parsed with acorn;
//   (b) bundled as wrangler bundles a Worker — platform "neutral", conditions workerd / worker /
//       browser, ESM — which must succeed with nothing left external, and then runs.
// Each check is also run on a fixture that does depend on Node, and must fail there.
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { existsSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { edgeDir, userProject } from "./support/fixtures.js";
import { bundleForWorkers, parseFile, problemsOf } from "./support/portability.js";

/** The name in the nearest package.json above `file`. */
function packageOf(file: string): string {
  for (let dir = dirname(file); dir !== dirname(dir); dir = dirname(dir)) {
    const manifest = join(dir, "package.json");
    if (existsSync(manifest)) return (JSON.parse(readFileSync(manifest, "utf8")) as { name: string }).name;
  }
  throw new Error(`no package.json above ${file}`);
}

let tmp: string;
/** A new project folder whose node_modules/@aistats/edge is this package, as a user's install links it. */
let project: string;

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), "aistats-edge-portability-"));
  project = await userProject("worker");
});

afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
  await rm(project, { recursive: true, force: true });
});

describe("(a) the built files, unbundled", () => {
  it.each([
    ["esm", "index.js"],
    ["cjs", "index.cjs"],
  ] as const)("the %s graph from dist/%s imports no Node built-in and uses no Node global", async (format, file) => {
    const entry = join(edgeDir, "dist", file);
    expect(existsSync(entry), `${entry} is missing: build @aistats/edge first`).toBe(true);
    const { problems, files } = await problemsOf(entry, format);
    expect(problems).toEqual([]);
    // What was checked: the package's own build and the builds of the same format it imports.
    const reached = files.map((f) => `${packageOf(f)}/${f.split(/[\\/]/).slice(-2).join("/")}`).sort();
    expect(reached).toEqual([`@aistats/edge/dist/${file}`, `@aistats/host/dist/${file}`, `@aistats/stats-core/dist/${file}`]);
  });

  it("fails a package that imports or requires a Node built-in, or uses a Node global", async () => {
    const bad = join(tmp, "bad");
    await mkdir(bad, { recursive: true });
    await writeFile(join(bad, "package.json"), JSON.stringify({ name: "bad", type: "module" }));
    await writeFile(join(bad, "index.js"), `import { helper } from "./helper.js";\nexport const t = () => helper() + setImmediate(() => {});\n`);
    await writeFile(join(bad, "helper.js"), `import { readFileSync } from "node:fs";\nexport const helper = () => Buffer.from(readFileSync("x")).length + globalThis.process.pid;\n`);
    await writeFile(join(bad, "index.cjs"), `"use strict";\nconst os = require("os");\nmodule.exports = { cpus: () => os.cpus(), dir: __dirname };\n`);
    await writeFile(join(bad, "globals-only.js"), `export const env = () => process.env.HOME;\n`);

    const esm = await problemsOf(join(bad, "index.js"), "esm");
    expect(esm.problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/helper\.js: import-statement of the Node built-in "node:fs"/),
        expect.stringMatching(/helper\.js: imports the Node built-in "node:fs"/),
        expect.stringMatching(/helper\.js:2: Buffer$/),
        expect.stringMatching(/helper\.js:2: globalThis\.process$/),
        expect.stringMatching(/index\.js:2: setImmediate$/),
      ]),
    );
    const cjs = await problemsOf(join(bad, "index.cjs"), "cjs");
    expect(cjs.problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/index\.cjs: require-call of the Node built-in "os"/),
        expect.stringMatching(/index\.cjs:3: __dirname$/),
      ]),
    );
    // require/module/exports are the CommonJS wrapper's, not Node's: not reported in a .cjs file.
    expect(cjs.problems.filter((p) => /: (require|module|exports)$/.test(p))).toEqual([]);
    expect((await problemsOf(join(bad, "globals-only.js"), "esm")).problems).toEqual([expect.stringMatching(/globals-only\.js:1: process$/)]);
  });

  it("tells a reference from a property name, a local binding or a typeof probe", async () => {
    const file = join(tmp, "names.js");
    await writeFile(
      file,
      [
        `const o = { process: 1, Buffer() {} };`,
        `export const a = o.process + o["x"];`,
        `export const b = typeof process !== "undefined" ? 1 : 0;`,
        `export function c(setImmediate) { return setImmediate; }`,
        `export const d = globalThis.Buffer?.prototype?.indexOf;`,
        `export const e = require("x");`,
        `export const f = (m) => import(m);`,
        ``,
      ].join("\n"),
    );
    const parsed = parseFile(file, "esm");
    expect(parsed.nodeGlobals).toEqual([expect.stringMatching(/names\.js:6: require$/)]);
    expect(parsed.specifiers).toEqual(["x"]);
    expect(parsed.computed).toEqual([expect.stringMatching(/names\.js:7: import\(\) of a computed specifier/)]);
  });
});

describe("(b) bundled for Cloudflare Workers as wrangler does", () => {
  const worker = `import { createAiStatistics } from "@aistats/edge";
const stats = createAiStatistics(undefined, { logger: false });
export default { fetch: stats.wrap(async () => new Response("ok")) };
`;

  it("bundles import { createAiStatistics } from \"@aistats/edge\" with no Node import and nothing external, and the bundle runs", async () => {
    const { text, externals, warnings } = await bundleForWorkers(worker, project);
    expect(externals).toEqual([]);
    expect(warnings).toEqual([]);
    expect(text).not.toMatch(/["']node:/);
    // And it is whole: written out and imported with nothing to resolve, it serves a request.
    const out = join(tmp, "worker.bundle.mjs");
    await writeFile(out, text);
    const parsed = parseFile(out, "esm");
    // One module: no import, export-from, import() or require() of anything left in it.
    expect(parsed).toEqual({ specifiers: [], computed: [], nodeGlobals: [] });
    const mod = (await import(out)) as { default: { fetch: (r: Request, env: unknown, ctx: unknown) => Promise<Response> } };
    const res = await mod.default.fetch(new Request("http://worker.test/v1/models"), {}, { waitUntil() {}, passThroughOnException() {} });
    expect(await res.text()).toBe("ok");
  });

  it.each([
    ["node:fs", `import { readFileSync } from "node:fs";\nexport default { fetch: () => new Response(readFileSync("x")) };\n`],
    ["fs", `import fs from "fs";\nexport default { fetch: () => new Response(fs.readFileSync("x")) };\n`],
  ])("fails to bundle a Worker that imports %s", async (name, source) => {
    await expect(bundleForWorkers(source, project)).rejects.toThrow(new RegExp(`Could not resolve "${name}"`));
  });

});
