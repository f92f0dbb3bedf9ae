import { defineConfig, type Options } from "tsup";

// Two builds of each entry: ESM (dist/<entry>.js, .d.ts) for `import`, CommonJS (.cjs, .d.cts) for
// `require`. Node ≥ 20.19 could require the ESM build, but TypeScript before 5.8, Jest and other
// CommonJS loaders cannot, and a CommonJS project's type checker needs CommonJS declarations
// (.d.cts) to resolve `require` correctly. The core holds no module-level state, so two copies
// loaded side by side only cost memory; objects of one build are not meant for the other.
//
// The entries are the public API (index) and the internal subpath for tests and benchmarks
// (internal), built one at a time so that neither shares a chunk with the other: each file stands
// alone and the package holds no hashed chunk names. The source maps point at ../src/**, which the
// package ships (asc-build compiles it), so they carry no copy of the sources (sourcesContent off).
const build = (entry: string, clean: boolean): Options => ({
  entry: [entry],
  format: ["esm", "cjs"],
  // @internal members (Exchange.prepare, release, …) are the engine's, not a host's: left out of the types.
  dts: { compilerOptions: { stripInternal: true } },
  clean,
  sourcemap: true,
  target: "es2022",
  tsconfig: "tsconfig.build.json",
  esbuildOptions(options) {
    options.sourcesContent = false;
  },
});

export default defineConfig([build("src/index.ts", true), build("src/internal.ts", false)]);
