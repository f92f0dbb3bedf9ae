// Compiles the portable probe (src/probe) to build/probe.wasm with stats-core's wasm glue.
import { compileWithWasmGlue } from "@aistats/stats-core/asc-build";

const code = await compileWithWasmGlue([
  "src/probe/wasm-entry.ts",
  "--outFile", "build/probe.wasm",
  "--bindings", "esm",
  "--runtime", "minimal",
  "--enable", "simd",
  "-O3",
  "--noAssert",
]);
process.exit(code);
