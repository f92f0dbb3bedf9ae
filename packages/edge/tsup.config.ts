import { defineConfig } from "tsup";

// Two builds of one entry: ESM (dist/index.js, index.d.ts) for `import`, CommonJS (index.cjs,
// index.d.cts) for `require` — for CommonJS loaders (Jest, TypeScript before 5.8) that cannot load
// an ES module. @aistats/stats-core stays external (a dependency, resolved by the user's loader to
// its own ESM or CommonJS build, so one process never mixes a core object of one build with the
// other). The package keeps no module-level state.
//
// No source maps: the package does not ship src/, so a map would carry a second copy of the
// sources, and the output is not minified (names and structure are the sources').
export default defineConfig({
  entry: ["src/index.ts"],
  format: ["esm", "cjs"],
  dts: { compilerOptions: { stripInternal: true } },
  clean: true,
  sourcemap: false,
  // workerd, Deno and Bun run it too: neutral, no Node built-ins (the lint rule enforces it).
  platform: "neutral",
  target: "es2022",
  tsconfig: "tsconfig.build.json",
});
