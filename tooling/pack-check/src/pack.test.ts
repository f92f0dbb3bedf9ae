// The published packages as a user gets them: each is packed (`pnpm pack`, what `pnpm publish`
// uploads), its tarball checked for what it holds, then installed with npm into new projects —
// ES module, CommonJS (`npm init -y`), strict TypeScript under nodenext (ESM and CJS) and bundler
// resolution, and an AssemblyScript build through @aistats/stats-core/asc-build with assemblyscript
// as the peer — where a small program really uses it. The workspace is never on the projects'
// resolution path: they live in the system temp dir and see only the tarballs.
import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import { rm } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join, relative, sep } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ascBuild,
  ascEntry,
  ascWithoutPeerCjs,
  ascWithoutPeerEsm,
  cjs,
  edgeCjs,
  edgeEsm,
  edgeTsCjs,
  edgeTsEsm,
  esm,
  EXPECTED_LOG,
  tsCjs,
  tsEsm,
} from "./consumers.js";
import { freshDir, npm, removeFreshDirs, run, runExpectingFailure, writeFiles } from "./exec.js";
import { pack, problemsOf, publishedWorkspacePackages, specifiersOf, type Packed } from "./tarballs.js";

const PUBLISHED = ["@aistats/stats-core", "@aistats/host", "@aistats/proxy-wasm-host", "@aistats/proxy-wasm", "@aistats/node", "@aistats/edge"];

const require = createRequire(import.meta.url);
// The workspace's own tools, used by path: nothing is downloaded for the TypeScript projects.
const tsc = join(dirname(require.resolve("typescript/package.json")), "bin", "tsc");
const typesNodeDir = dirname(require.resolve("@types/node/package.json"));
// assemblyscript's exports map has "./*", so its package.json resolves; its real folder (pnpm's).
const assemblyscriptDir = dirname(require.resolve("assemblyscript/package.json"));

let work: string;
const packed = new Map<string, Packed>();
const tarballs = (...names: string[]): string[] => names.map((n) => packed.get(n)!.tarball);

beforeAll(async () => {
  work = await freshDir("tarballs");
  const dirs = publishedWorkspacePackages();
  for (const name of PUBLISHED) {
    const dir = dirs.get(name);
    if (!dir) throw new Error(`${name} is not a published workspace package`);
    packed.set(name, await pack(name, dir, work));
  }
  console.log(
    [...packed.values()]
      .map((p) => `${p.name}: ${p.files.length} files, ${p.sizeBytes} B packed, ${p.unpackedBytes} B unpacked`)
      .join("\n"),
  );
});

afterAll(removeFreshDirs);

describe("the tarballs", () => {
  it("cover every published workspace package", () => {
    expect([...publishedWorkspacePackages().keys()].sort()).toEqual([...PUBLISHED].sort());
  });

  it.each(PUBLISHED)("%s: entry points, imports, source maps and dependencies all resolve inside it", (name) => {
    expect(problemsOf(packed.get(name)!)).toEqual([]);
  });

  it("@aistats/stats-core: the JS build, its declarations, and the portable sources asc-build compiles — and no test code", () => {
    const p = packed.get("@aistats/stats-core")!;
    const srcInRepo = walkRepo(join(p.dir, "src"))
      .filter((f) => !/\.test\.ts$|\.test-support\.ts$|^testing\/|^glue\/wasm\/(test-entry\.ts|tsconfig\.json)$/.test(f))
      .map((f) => `src/${f}`);
    expect(srcInRepo.length).toBeGreaterThan(50);
    expect(p.files).toEqual(
      [
        "README.md",
        "dist/index.cjs",
        "dist/index.cjs.map",
        "dist/index.d.cts",
        "dist/index.d.ts",
        "dist/index.js",
        "dist/index.js.map",
        "dist/internal.cjs",
        "dist/internal.cjs.map",
        "dist/internal.d.cts",
        "dist/internal.d.ts",
        "dist/internal.js",
        "dist/internal.js.map",
        "index.ts",
        "internal.ts",
        "package.json",
        "scripts/asc-build.d.mts",
        "scripts/asc-build.mjs",
        ...srcInRepo,
      ].sort(),
    );
    expect(p.manifest.peerDependencies).toEqual({ assemblyscript: expect.any(String) });
    expect(p.manifest.peerDependenciesMeta).toEqual({ assemblyscript: { optional: true } });
    expect(p.manifest.dependencies ?? {}).toEqual({});
  });

  it("@aistats/host: the ESM and CommonJS builds and their declarations; stats-core at its version, its one dependency", () => {
    const p = packed.get("@aistats/host")!;
    expect(p.files).toEqual(["README.md", "dist/index.cjs", "dist/index.d.cts", "dist/index.d.ts", "dist/index.js", "package.json"].sort());
    expect(p.manifest.dependencies).toEqual({ "@aistats/stats-core": packed.get("@aistats/stats-core")!.manifest.version });
    expect(p.manifest.peerDependencies ?? {}).toEqual({});
    // It runs in workerd, Deno and Bun too: its builds import nothing but stats-core.
    for (const file of ["dist/index.js", "dist/index.cjs"]) {
      const text = readFileSync(join(p.unpackedDir, file), "utf8");
      expect([...new Set([...text.matchAll(/(?:from\s*|require\()["']([^"']+)["']/g)].map((m) => m[1]))]).toEqual(["@aistats/stats-core"]);
      expect(text).not.toMatch(/\b(?:Buffer|process)\./);
    }
  });

  it("@aistats/proxy-wasm-host: the ESM and CommonJS builds and their declarations", () => {
    expect(packed.get("@aistats/proxy-wasm-host")!.files).toEqual(
      ["README.md", "dist/index.cjs", "dist/index.d.cts", "dist/index.d.ts", "dist/index.js", "package.json"].sort(),
    );
  });

  it("@aistats/node: the ESM and CommonJS builds and their declarations; host and stats-core at their versions and fastify-plugin, prom-client 15 and @opentelemetry/api as the peers", () => {
    const p = packed.get("@aistats/node")!;
    expect(p.files).toEqual(["README.md", "dist/index.cjs", "dist/index.d.cts", "dist/index.d.ts", "dist/index.js", "package.json"].sort());
    expect(p.manifest.dependencies).toEqual({
      "@aistats/host": packed.get("@aistats/host")!.manifest.version,
      "@aistats/stats-core": packed.get("@aistats/stats-core")!.manifest.version,
      "fastify-plugin": expect.stringMatching(/^\^5\./),
    });
    expect(p.manifest.peerDependencies).toEqual({ "@opentelemetry/api": expect.stringMatching(/^\^1\./), "prom-client": expect.stringMatching(/^\^15\./) });
    for (const file of ["dist/index.js", "dist/index.cjs"]) {
      const text = readFileSync(join(p.unpackedDir, file), "utf8");
      const imports = [...new Set([...text.matchAll(/(?:from\s*|require\()["']([^"']+)["']/g)].map((m) => m[1]))].sort();
      expect(imports).toEqual(["@aistats/host", "@opentelemetry/api", "fastify-plugin", "prom-client"]);
    }
  });

  it("@aistats/edge: the ESM and CommonJS builds and their declarations; host and stats-core at their versions, no peers; builds importing only @aistats/host", () => {
    const p = packed.get("@aistats/edge")!;
    expect(p.files).toEqual(["README.md", "dist/index.cjs", "dist/index.d.cts", "dist/index.d.ts", "dist/index.js", "package.json"].sort());
    expect(p.manifest.dependencies).toEqual({
      "@aistats/host": packed.get("@aistats/host")!.manifest.version,
      "@aistats/stats-core": packed.get("@aistats/stats-core")!.manifest.version,
    });
    expect(p.manifest.peerDependencies ?? {}).toEqual({});
    // It runs in workerd, Deno and Bun: its builds import nothing but @aistats/host (packages/edge's
    // no-node-builtins test follows the whole graph on the built files; this is the tarball's copy).
    for (const file of ["dist/index.js", "dist/index.cjs"]) {
      const text = readFileSync(join(p.unpackedDir, file), "utf8");
      expect([...new Set(specifiersOf(text))]).toEqual(["@aistats/host"]);
      expect(text).not.toMatch(/\b(?:Buffer|process)\./);
    }
  });

  it("@aistats/proxy-wasm: plugin.wasm", () => {
    const p = packed.get("@aistats/proxy-wasm")!;
    expect(p.files).toEqual(["README.md", "build/plugin.wasm", "package.json"].sort());
    const wasm = readFileSync(join(p.unpackedDir, "build/plugin.wasm"));
    expect(WebAssembly.validate(wasm)).toBe(true);
  });
});

/** The packages resolved from inside the project's node_modules, to the build of that module system. */
function expectResolvedInside(project: string, resolved: Record<string, string>, build: "js" | "cjs"): void {
  for (const [what, file] of Object.entries(resolved)) {
    const rel = relative(project, file);
    expect(rel.startsWith(`node_modules${sep}`), `${what} resolved to ${file}, outside ${project}`).toBe(true);
  }
  expect(resolved.core).toMatch(new RegExp(`@aistats[\\\\/]stats-core[\\\\/]dist[\\\\/]index\\.${build}$`));
  expect(resolved.host).toMatch(new RegExp(`@aistats[\\\\/]proxy-wasm-host[\\\\/]dist[\\\\/]index\\.${build}$`));
  expect(resolved.recorder).toMatch(new RegExp(`@aistats[\\\\/]host[\\\\/]dist[\\\\/]index\\.${build}$`));
  // @aistats/host's stats-core dependency is the tarball's copy at the top, not a second one.
  expect(existsSync(join(project, "node_modules", "@aistats", "host", "node_modules"))).toBe(false);
  expect(resolved.wasm).toMatch(/@aistats[\\/]proxy-wasm[\\/]build[\\/]plugin\.wasm$/);
}

/** @aistats/edge resolved inside the project, to the build of that module system, sharing the project's one host and core. */
function expectEdgeInside(project: string, stdout: string, build: "js" | "cjs"): void {
  const line = stdout.trim().split("\n").at(-1) ?? "";
  const out = JSON.parse(line) as { edgeLine: string; resolved: { edge: string } };
  expect(JSON.parse(out.edgeLine).ai_log).toMatchObject(EXPECTED_LOG);
  expect(relative(project, out.resolved.edge).startsWith(`node_modules${sep}`), `@aistats/edge resolved to ${out.resolved.edge}`).toBe(true);
  expect(out.resolved.edge).toMatch(new RegExp(`@aistats[\\\\/]edge[\\\\/]dist[\\\\/]index\\.${build}$`));
  expect(existsSync(join(project, "node_modules", "@aistats", "edge", "node_modules"))).toBe(false);
}

interface ScenarioOutput {
  flavor: string;
  coreLog: string;
  resolved: Record<string, string>;
}

function scenarioOutput(stdout: string): ScenarioOutput {
  const line = stdout.trim().split("\n").at(-1) ?? "";
  const out = JSON.parse(line) as ScenarioOutput;
  expect(JSON.parse(out.coreLog)).toMatchObject(EXPECTED_LOG);
  return out;
}

// The new projects install every tarball except @aistats/node: its peers (prom-client, @opentelemetry/api) would come from
// the registry, and these projects see only the tarballs (its contents are checked above).
const ALL = PUBLISHED.filter((name) => name !== "@aistats/node");

describe("a new ES module project", () => {
  let project: string;
  beforeAll(async () => {
    project = await freshDir("esm");
    await npm(["init", "-y"], project);
    await npm(["pkg", "set", "type=module"], project);
    await npm(["install", ...tarballs(...ALL)], project);
    await writeFiles(project, { "use.mjs": esm, "asc-missing.mjs": ascWithoutPeerEsm, "edge.mjs": edgeEsm });
  });

  it("imports stats-core, host, proxy-wasm-host and plugin.wasm and records one exchange with each", async () => {
    const out = scenarioOutput((await run("node", ["use.mjs"], { cwd: project })).stdout);
    expectResolvedInside(project, out.resolved, "js");
  });

  it("imports @aistats/edge, wraps a handler and serves one request with Node's Request and Response", async () => {
    expectEdgeInside(project, (await run("node", ["edge.mjs"], { cwd: project })).stdout, "js");
  });

  it("gets a clear error from asc-build without the optional assemblyscript peer", async () => {
    const { stdout } = await run("node", ["asc-missing.mjs"], { cwd: project });
    expect(stdout).toContain("needs the AssemblyScript compiler, an optional peer dependency");
  });
});

describe("a new CommonJS project (npm init -y)", () => {
  let project: string;
  beforeAll(async () => {
    project = await freshDir("cjs");
    await npm(["init", "-y"], project);
    const manifest = JSON.parse(readFileSync(join(project, "package.json"), "utf8")) as { type?: string };
    expect(manifest.type ?? "commonjs").toBe("commonjs");
    await npm(["install", ...tarballs(...ALL)], project);
    await writeFiles(project, { "use.js": cjs, "asc-missing.js": ascWithoutPeerCjs, "edge.js": edgeCjs });
  });

  it("requires stats-core, host, proxy-wasm-host and plugin.wasm and records one exchange with each", async () => {
    const out = scenarioOutput((await run("node", ["use.js"], { cwd: project })).stdout);
    expectResolvedInside(project, out.resolved, "cjs");
  });

  it("requires @aistats/edge, wraps a handler and serves one request with Node's Request and Response", async () => {
    expectEdgeInside(project, (await run("node", ["edge.js"], { cwd: project })).stdout, "cjs");
  });

  it("requires asc-build and gets a clear error without the optional assemblyscript peer", async () => {
    const { stdout } = await run("node", ["asc-missing.js"], { cwd: project });
    expect(stdout).toContain("needs the AssemblyScript compiler, an optional peer dependency");
  });
});

const strict = {
  strict: true,
  target: "ES2022",
  lib: ["ES2022"],
  types: ["node"],
  skipLibCheck: false,
  noEmitOnError: true,
  forceConsistentCasingInFileNames: true,
};

/** The declaration files tsc read for the packages, from `tsc --explainFiles`. */
function packageDeclarations(explain: string): string[] {
  return explain
    .split("\n")
    .filter((l) => /^\S/.test(l) && /node_modules[\\/]@aistats[\\/]/.test(l))
    .map((l) => l.trim().replace(/^.*node_modules[\\/]@aistats[\\/]/, "@aistats/"))
    .sort();
}

describe("a new strict TypeScript project, module nodenext", () => {
  let project: string;
  let explain: string;
  beforeAll(async () => {
    project = await freshDir("ts-nodenext");
    await npm(["init", "-y"], project);
    await npm(["install", ...tarballs(...ALL), typesNodeDir], project);
    await writeFiles(project, {
      "tsconfig.json": JSON.stringify({
        compilerOptions: { ...strict, module: "nodenext", moduleResolution: "nodenext", outDir: "out", rootDir: "src" },
        include: ["src"],
      }),
      "src/use.mts": tsEsm("ts-nodenext-esm"),
      "src/use.cts": tsCjs,
      "src/edge.mts": edgeTsEsm("ts-nodenext-esm"),
      "src/edge.cts": edgeTsCjs,
    });
    explain = (await run(process.execPath, [tsc, "-p", ".", "--explainFiles"], { cwd: project })).stdout;
  });

  it("type-checks an ES module and a CommonJS module against the ESM and CJS declarations", () => {
    expect(packageDeclarations(explain)).toEqual([
      "@aistats/edge/dist/index.d.cts",
      "@aistats/edge/dist/index.d.ts",
      "@aistats/host/dist/index.d.cts",
      "@aistats/host/dist/index.d.ts",
      "@aistats/proxy-wasm-host/dist/index.d.cts",
      "@aistats/proxy-wasm-host/dist/index.d.ts",
      "@aistats/stats-core/dist/index.d.cts",
      "@aistats/stats-core/dist/index.d.ts",
    ]);
  });

  it("runs what tsc emitted for both", async () => {
    const esmOut = scenarioOutput((await run("node", ["out/use.mjs"], { cwd: project })).stdout);
    expectResolvedInside(project, esmOut.resolved, "js");
    const cjsOut = scenarioOutput((await run("node", ["out/use.cjs"], { cwd: project })).stdout);
    expectResolvedInside(project, cjsOut.resolved, "cjs");
    expectEdgeInside(project, (await run("node", ["out/edge.mjs"], { cwd: project })).stdout, "js");
    expectEdgeInside(project, (await run("node", ["out/edge.cjs"], { cwd: project })).stdout, "cjs");
  });

  it("fails to compile a call that does not fit the declarations", async () => {
    await writeFiles(project, { "src/wrong.mts": `import { Engine } from "@aistats/stats-core";\nnew Engine("not a configuration");\n` });
    const failure = await runExpectingFailure(process.execPath, [tsc, "-p", ".", "--noEmit"], { cwd: project });
    expect(failure.stdout).toMatch(/src\/wrong\.mts\(2,\d+\): error TS2345/);
    await rm(join(project, "src/wrong.mts"));
  });
});

describe("a new strict TypeScript project, moduleResolution bundler", () => {
  it("type-checks against the ESM declarations", async () => {
    const project = await freshDir("ts-bundler");
    await npm(["init", "-y"], project);
    await npm(["pkg", "set", "type=module"], project);
    await npm(["install", ...tarballs(...ALL), typesNodeDir], project);
    await writeFiles(project, {
      "tsconfig.json": JSON.stringify({
        compilerOptions: { ...strict, module: "esnext", moduleResolution: "bundler", noEmit: true },
        include: ["src"],
      }),
      "src/use.ts": tsEsm("ts-bundler"),
      "src/edge.ts": edgeTsEsm("ts-bundler"),
    });
    const { stdout } = await run(process.execPath, [tsc, "-p", ".", "--explainFiles"], { cwd: project });
    expect(packageDeclarations(stdout)).toEqual([
      "@aistats/edge/dist/index.d.ts",
      "@aistats/host/dist/index.d.ts",
      "@aistats/proxy-wasm-host/dist/index.d.ts",
      "@aistats/stats-core/dist/index.d.ts",
    ]);
  });
});

describe("a new AssemblyScript project using @aistats/stats-core/asc-build", () => {
  it("compiles the packed portable sources to wasm, which logs exactly what the JS build logs", async () => {
    const project = await freshDir("asc");
    await npm(["init", "-y"], project);
    await npm(["pkg", "set", "type=module"], project);
    // assemblyscript as the consumer's own dev dependency, the peer asc-build needs (the
    // workspace's copy, linked, so the check works offline).
    await npm(["install", packed.get("@aistats/stats-core")!.tarball, assemblyscriptDir], project);
    await writeFiles(project, { "assembly/index.ts": ascEntry, "build.mjs": ascBuild });
    const { stdout } = await run("node", ["build.mjs"], { cwd: project });
    const { wasmLog } = JSON.parse(stdout.trim().split("\n").at(-1) ?? "") as { wasmLog: string };
    expect(JSON.parse(wasmLog)).toMatchObject(EXPECTED_LOG);
    expect(statSync(join(project, "build/consumer.wasm")).size).toBeGreaterThan(10_000);
  });
});

function walkRepo(root: string, dir = root): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) out.push(...walkRepo(root, full));
    else out.push(relative(root, full).split(sep).join("/"));
  }
  return out;
}

