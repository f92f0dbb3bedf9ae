// Compiles the plugin (assembly/index.ts) to build/plugin.wasm with stats-core's wasm glue.
// Envoy refuses any import it does not provide: `--use abort=` routes AssemblyScript's aborts to
// our own function (no env.abort), and nothing here reads Date.now, Math.random or trace.
// The minimal runtime never collects on its own: the plugin calls __collect() when a stream is
// deleted, when no managed reference lives on the wasm stack, which keeps the per-chunk path free
// of the incremental GC's shadow-stack bookkeeping.
import { mkdirSync } from "node:fs";
import { compileWithWasmGlue } from "@aistats/stats-core/asc-build";

mkdirSync("build", { recursive: true });
const code = await compileWithWasmGlue([
  "assembly/index.ts",
  "--outFile", "build/plugin.wasm",
  "--runtime", "minimal",
  "--use", "abort=assembly/abort/pluginAbort",
  "--enable", "simd",
  "-O3",
  "--noAssert",
]);
process.exit(code);
