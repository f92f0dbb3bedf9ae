// Compiles the naive comparison plugin (index.ts here) to apps/bench/build/naive-append.wasm.
// `--use abort=` keeps env.abort out of the imports (Envoy, and the test host, refuse it); the
// minimal runtime brings the TLSF allocator the plugin frees its buffers back to.
import { mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import asc from "assemblyscript/asc";

const here = dirname(fileURLToPath(import.meta.url));
const out = resolve(here, "../../../build/naive-append.wasm");
mkdirSync(dirname(out), { recursive: true });
const { error, stderr } = await asc.main([
  resolve(here, "index.ts"),
  "--outFile", out,
  "--runtime", "minimal",
  "--use", "abort=",
  "-O3",
  "--noAssert",
]);
if (error) {
  console.error(stderr.toString());
  process.exit(1);
}
