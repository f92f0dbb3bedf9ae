import { defineConfig } from "tsup";

// Two builds of one entry: ESM (dist/index.js, index.d.ts) for `import`, CommonJS (index.cjs,
// index.d.cts) for `require` — for CommonJS test suites (Jest, TypeScript before 5.8) that cannot
// load an ES module. The host keeps no module-level state; objects of one build (a HeaderMap, a
// TypedProperty) are not meant for the other.
//
// No source maps: the package does not ship src/, so a map would carry a second copy of the
// sources, and the output is not minified (names and structure are the sources').
export default defineConfig({
  entry: ["src/index.ts"],
  format: ["esm", "cjs"],
  // stripInternal: members marked @internal (the host's wiring between its own modules) stay out
  // of the published declarations, and so do the types only they mention (GuestMemory, whose
  // WebAssembly.Memory TypeScript declares only in the DOM lib, which a Node project lacks).
  dts: { compilerOptions: { stripInternal: true } },
  clean: true,
  sourcemap: false,
  target: "es2022",
  platform: "node",
  tsconfig: "tsconfig.build.json",
});
