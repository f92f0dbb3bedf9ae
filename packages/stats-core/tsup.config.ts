import { defineConfig } from "tsup";

// Two builds of one entry: ESM (dist/index.js, index.d.ts) for `import`, CommonJS (index.cjs,
// index.d.cts) for `require`. Node ≥ 20.19 could require the ESM build, but TypeScript before 5.8,
// Jest and other CommonJS loaders cannot, and a CommonJS project's type checker needs CommonJS
// declarations (.d.cts) to resolve `require` correctly. The core holds no module-level state, so two
// copies loaded side by side only cost memory; objects of one build are not meant for the other.
//
// The source maps point at ../src/**, which the package ships (asc-build compiles it), so they carry
// no copy of the sources (sourcesContent off).
export default defineConfig({
  entry: ["src/index.ts"],
  format: ["esm", "cjs"],
  dts: true,
  clean: true,
  sourcemap: true,
  target: "es2022",
  tsconfig: "tsconfig.build.json",
  esbuildOptions(options) {
    options.sourcesContent = false;
  },
});
