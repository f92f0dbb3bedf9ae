// The build of @aistats/host, @aistats/node, @aistats/edge and @aistats/proxy-wasm-host: two
// builds of one entry, ESM (dist/index.js, index.d.ts) for `import` and CommonJS (index.cjs,
// index.d.cts) for `require` — for CommonJS loaders (Jest, TypeScript before 5.8) that cannot load
// an ES module. Dependencies stay external (resolved by the user's loader, so one process has one
// core build and one prom-client registry).
//
// - dts with stripInternal: members marked @internal (a package's wiring between its own modules)
//   stay out of the published declarations, and so do the types only they mention.
// - No source maps: the packages do not ship src/, so a map would carry a second copy of the
//   sources, and the output is not minified (names and structure are the sources').
// - platform: "node" for packages that use Node built-ins; "neutral" for those that run in workerd,
//   Deno and Bun too (their lint rule keeps Node built-ins out).

/** @param {{ platform: "node" | "neutral" }} options */
export function dualBuild({ platform }) {
  return {
    entry: ["src/index.ts"],
    format: ["esm", "cjs"],
    dts: { compilerOptions: { stripInternal: true } },
    clean: true,
    sourcemap: false,
    platform,
    target: "es2022",
    tsconfig: "tsconfig.build.json",
  };
}
