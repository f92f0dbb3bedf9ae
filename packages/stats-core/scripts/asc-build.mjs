// Compiles an AssemblyScript entry that imports stats-core's portable sources, serving the wasm
// glue (src/glue/wasm/<name>.ts) wherever the sources import src/glue/<name>.ts. Used for
// stats-core's own test and bench modules and by its consumers (plugin.wasm, apps/bench): their
// AssemblyScript entries `import … from "@aistats/stats-core"`, which asc resolves to the
// package's root index.ts and from there to the portable sources.
//
//   node scripts/asc-build.mjs <entry.ts> <out.wasm> [asc options…]
//   import { compileWithWasmGlue } from "@aistats/stats-core/asc-build";
//
// assemblyscript is an optional peer dependency of the package (only this entry needs it), so it is
// loaded when a compile starts, and its absence is reported as such. The module has no top-level
// await, so a CommonJS build script on Node ≥ 20.19 can require() it too.
import { realpathSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { basename, dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const glueDir = realpathSync(fileURLToPath(new URL("../src/glue", import.meta.url)));

// Compares real paths: a consumer reaches these sources through node_modules/@aistats/stats-core
// (a workspace symlink), asc through the plain path.
// Every module directly in src/glue/ (target.ts, text.ts, …) re-exports its JS implementation from
// src/glue/js/; the wasm build serves the wasm implementation of the same name instead.
function glueModuleOf(file) {
  try {
    const real = realpathSync(file);
    return dirname(real) === glueDir && real.endsWith(".ts") ? basename(real, ".ts") : null;
  } catch {
    return null;
  }
}

async function loadAsc() {
  try {
    return (await import("assemblyscript/asc")).default;
  } catch (e) {
    if (e && (e.code === "ERR_MODULE_NOT_FOUND" || e.code === "MODULE_NOT_FOUND") && /assemblyscript/.test(e.message)) {
      throw new Error(
        "@aistats/stats-core/asc-build needs the AssemblyScript compiler, an optional peer dependency: " +
          "install it next to @aistats/stats-core (npm i -D assemblyscript@~0.28.20)",
        { cause: e },
      );
    }
    throw e;
  }
}

/** Runs asc with the wasm glue swapped in; resolves to the exit code, printing diagnostics. */
export async function compileWithWasmGlue(args) {
  if (!Array.isArray(args) || !args.every((a) => typeof a === "string")) {
    throw new TypeError("compileWithWasmGlue(args): args must be an array of asc command-line arguments (strings)");
  }
  const asc = await loadAsc();
  const { error, stderr } = await asc.main(args, {
    readFile(filename, baseDir) {
      const full = resolve(baseDir, filename);
      const glue = glueModuleOf(full);
      if (glue) return `export * from "./wasm/${glue}";\n`;
      return readText(full);
    },
  });
  if (error) {
    process.stderr.write(stderr.toString());
    return 1;
  }
  return 0;
}

async function readText(file) {
  try {
    return await readFile(file, "utf8");
  } catch {
    return null;
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const [entry, outFile, ...rest] = process.argv.slice(2);
  if (!entry || !outFile) {
    console.error("usage: asc-build.mjs <entry.ts> <out.wasm> [asc options…]");
    process.exit(2);
  }
  compileWithWasmGlue([entry, "--outFile", outFile, ...rest]).then(
    (code) => process.exit(code),
    (e) => {
      console.error(e instanceof Error ? e.message : e);
      process.exit(1);
    },
  );
}
