// Text primitives, chosen per build like ./target.ts: the JS build reads this file as it is, the
// wasm build (scripts/asc-build.mjs) serves `export * from "./wasm/text"` in its place.
export * from "./js/text";
