// Builds stats-core's test-only wasm modules from the portable sources:
//   build/core-test.wasm   -O1 with debug info: what the dual-build test suite runs
//   build/core-bench.wasm  -O3: what apps/bench measures until plugin.wasm exists
import { compileWithWasmGlue } from "./asc-build.mjs";

const entry = "src/glue/wasm/test-entry.ts";
const common = [entry, "--bindings", "esm", "--runtime", "incremental", "--enable", "simd"];
const targets = [
  ["build/core-test.wasm", "-O1", "--debug"],
  ["build/core-bench.wasm", "-O3", "--noAssert"],
];
for (const [outFile, ...flags] of targets) {
  const code = await compileWithWasmGlue([...common, "--outFile", outFile, ...flags]);
  if (code !== 0) process.exit(code);
}
