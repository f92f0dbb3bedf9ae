// The target-specific primitives, chosen per build. tsc, tsup and vitest read this file as it is
// (the JavaScript implementations); the wasm build (scripts/asc-build.mjs) serves
// `export * from "./wasm/target"` in its place, the module-level equivalent of AssemblyScript's own
// src/glue/js vs src/glue/wasm split, without installing anything global.
export * from "./js/target";
