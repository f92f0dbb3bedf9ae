// Test-only wasm entry: exports stats-core's portable trace functions so the test suite can run
// the same scenarios through the wasm build and compare with the JS build byte for byte.
export * from "../../testing/trace-exports";
