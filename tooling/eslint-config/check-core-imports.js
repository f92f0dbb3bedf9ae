#!/usr/bin/env node
// Adapters use only stats-core's public API. ESLint's `publicCoreOnly` rule enforces that on
// TypeScript; AssemblyScript sources (decorators, builtins) are not TypeScript ESLint can parse, so
// this check reads their import specifiers directly:
//   node check-core-imports.js <dir>…   → exits 1 naming every deep import of @aistats/stats-core
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";

const importPattern = /\b(?:import|export)\b[^'"]*?\bfrom\s*["']([^"']+)["']|\bimport\s*\(\s*["']([^"']+)["']\s*\)/g;
const publicSubpaths = new Set(["@aistats/stats-core/asc-build", "@aistats/stats-core/package.json"]);
const deep = (spec) =>
  (/^@aistats\/stats-core\/./.test(spec) && !publicSubpaths.has(spec)) || /stats-core\/(src|dist)\//.test(spec);

function* files(dir) {
  for (const name of readdirSync(dir)) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) yield* files(full);
    else if (name.endsWith(".ts")) yield full;
  }
}

let bad = 0;
for (const dir of process.argv.slice(2)) {
  for (const file of files(dir)) {
    const text = readFileSync(file, "utf8");
    for (const m of text.matchAll(importPattern)) {
      const spec = m[1] ?? m[2];
      if (spec && deep(spec)) {
        console.error(`${file}: imports "${spec}": use only the public API of @aistats/stats-core`);
        bad++;
      }
    }
  }
}
process.exit(bad ? 1 : 0);
