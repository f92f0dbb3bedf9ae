// Packs the published packages as `pnpm publish` would (`pnpm pack`: workspace: ranges replaced,
// `files` applied) and checks what each tarball holds, by class of defect rather than by name:
// every entry point is in the tarball, every relative import and source-map source resolves inside
// it, every bare import is a declared dependency, and nothing test-only or unusable ships.
import { readFileSync, readdirSync, statSync } from "node:fs";
import { builtinModules } from "node:module";
import { join, posix, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { pnpm, run } from "./exec.js";

export const repoRoot = fileURLToPath(new URL("../../../", import.meta.url));

export interface PackageJson {
  name: string;
  version: string;
  private?: boolean;
  type?: string;
  main?: string;
  module?: string;
  types?: string;
  bin?: string | Record<string, string>;
  exports?: unknown;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
  optionalDependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

export interface Packed {
  name: string;
  dir: string; // the workspace package
  tarball: string;
  sizeBytes: number;
  unpackedDir: string; // the tarball extracted (its `package/` folder)
  files: string[]; // posix paths inside the package, sorted
  unpackedBytes: number;
  manifest: PackageJson; // the packed package.json
}

/** Every workspace package that is not private, by name → folder. */
export function publishedWorkspacePackages(): Map<string, string> {
  const found = new Map<string, string>();
  for (const group of ["packages", "apps", "tooling"]) {
    let names: string[];
    try {
      names = readdirSync(join(repoRoot, group));
    } catch {
      continue;
    }
    for (const name of names) {
      const dir = join(repoRoot, group, name);
      let manifest: PackageJson;
      try {
        manifest = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as PackageJson;
      } catch {
        continue;
      }
      if (manifest.private !== true) found.set(manifest.name, dir);
    }
  }
  return found;
}

function walk(root: string, dir = root): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) out.push(...walk(root, full));
    else out.push(relative(root, full).split("\\").join("/"));
  }
  return out.sort();
}

/** `pnpm pack` of the package in `dir` into `dest`, extracted to `dest/<name>/`. */
export async function pack(name: string, dir: string, dest: string): Promise<Packed> {
  const { stdout } = await pnpm(["pack", "--json", "--pack-destination", dest], dir);
  const info = JSON.parse(stdout.slice(stdout.indexOf("{"))) as { name: string; filename: string };
  if (info.name !== name) throw new Error(`pnpm pack in ${dir} packed ${info.name}, expected ${name}`);
  const unpackRoot = join(dest, name.replace("/", "__"));
  await run("mkdir", ["-p", unpackRoot], { cwd: dest });
  await run("tar", ["-xzf", info.filename, "-C", unpackRoot], { cwd: dest });
  const unpackedDir = join(unpackRoot, "package");
  const files = walk(unpackedDir);
  return {
    name,
    dir,
    tarball: info.filename,
    sizeBytes: statSync(info.filename).size,
    unpackedDir,
    files,
    unpackedBytes: files.reduce((n, f) => n + statSync(join(unpackedDir, f)).size, 0),
    manifest: JSON.parse(readFileSync(join(unpackedDir, "package.json"), "utf8")) as PackageJson,
  };
}

/** Every path string in an exports map (conditions and subpaths, any depth). */
function exportTargets(exports: unknown): string[] {
  if (typeof exports === "string") return [exports];
  if (exports === null || typeof exports !== "object") return [];
  return Object.values(exports as Record<string, unknown>).flatMap(exportTargets);
}

const CODE = /\.(?:[cm]?js|[cm]?ts)$/;
// Statements `import … from "x"`, `export … from "x"` and `import "x"` (at the start of a line, so
// not the text of a string), and calls `import("x")` / `require("x")`.
const SPECIFIERS = [
  /^[ \t]*(?:import|export)\b[^;'"`]*?\bfrom\s*["']([^"']+)["']/gm,
  /^[ \t]*import\s*["']([^"']+)["']/gm,
  /(?<![\w$.])(?:import|require)\s*\(\s*["']([^"']+)["']\s*\)/g,
];

/** The import / export-from / import() / require() specifiers of a JavaScript or TypeScript file. */
export function specifiersOf(text: string): string[] {
  // Comments are no imports (a doc comment may show one as an example).
  const code = text.replace(/\/\*[\s\S]*?\*\//g, "").replace(/(^|[^:"'`\\])\/\/.*$/gm, "$1");
  return SPECIFIERS.flatMap((re) => [...code.matchAll(re)].map((m) => m[1]!));
}

function packageNameOf(specifier: string): string {
  const parts = specifier.split("/");
  return specifier.startsWith("@") ? `${parts[0]}/${parts[1]}` : parts[0]!;
}

const TESTISH = /(?:\.test\.|\.spec\.|test-support|(?:^|\/)testing\/|test-entry|(?:^|\/)tsconfig[^/]*\.json$|vitest\.config|eslint\.config|\.tsbuildinfo$)/;

/** What is wrong with a packed package, one line per problem (empty: nothing). */
export function problemsOf(p: Packed): string[] {
  const problems: string[] = [];
  const has = new Set(p.files);
  const m = p.manifest;

  for (const field of ["dependencies", "peerDependencies", "optionalDependencies", "devDependencies"] as const) {
    for (const [dep, range] of Object.entries(m[field] ?? {})) {
      if (/^(workspace|link|file):/.test(range)) problems.push(`package.json ${field}.${dep} is "${range}": not installable from a registry`);
    }
  }
  for (const peer of Object.keys(m.peerDependenciesMeta ?? {})) {
    if (!m.peerDependencies?.[peer]) problems.push(`peerDependenciesMeta.${peer} without a peerDependencies entry`);
  }

  const entryPoints = [...exportTargets(m.exports), m.main, m.module, m.types];
  if (typeof m.bin === "string") entryPoints.push(m.bin);
  else if (m.bin) entryPoints.push(...Object.values(m.bin));
  for (const target of entryPoints) {
    if (target === undefined) continue;
    const path = posix.normalize(target);
    if (!has.has(path)) problems.push(`entry point ${target} is not in the tarball`);
  }

  const declared = new Set([
    ...Object.keys(m.dependencies ?? {}),
    ...Object.keys(m.peerDependencies ?? {}),
    ...Object.keys(m.optionalDependencies ?? {}),
    m.name,
  ]);
  const builtins = new Set(builtinModules);
  for (const file of p.files) {
    if (TESTISH.test(file)) problems.push(`${file} is test or build configuration, of no use to an installer`);
    if (!CODE.test(file)) {
      if (file.endsWith(".map")) problems.push(...mapProblems(p, file, has));
      continue;
    }
    const text = readFileSync(join(p.unpackedDir, file), "utf8");
    for (const spec of specifiersOf(text)) {
      if (spec.startsWith(".")) {
        const base = posix.normalize(posix.join(posix.dirname(file), spec));
        const candidates = [base, `${base}.ts`, `${base}/index.ts`, `${base}.d.ts`, base.replace(/\.([cm]?)js$/, ".d.$1ts")];
        if (!candidates.some((c) => has.has(c))) problems.push(`${file} imports ${spec}, which is not in the tarball`);
      } else if (!spec.startsWith("node:") && !builtins.has(spec) && !declared.has(packageNameOf(spec))) {
        problems.push(`${file} imports ${spec}, but ${packageNameOf(spec)} is not a dependency or peer dependency`);
      }
    }
  }
  return problems;
}

function mapProblems(p: Packed, file: string, has: Set<string>): string[] {
  const map = JSON.parse(readFileSync(join(p.unpackedDir, file), "utf8")) as { sources?: string[]; sourcesContent?: (string | null)[] };
  const problems: string[] = [];
  if (map.sourcesContent?.some((s) => s !== null)) problems.push(`${file} embeds its sources (sourcesContent): ship the sources or no map, not a copy inside it`);
  for (const source of map.sources ?? []) {
    const path = posix.normalize(posix.join(posix.dirname(file), source));
    if (!has.has(path) && !map.sourcesContent?.length) problems.push(`${file} maps to ${source}, which is not in the tarball`);
  }
  return problems;
}
