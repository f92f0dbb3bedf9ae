// The `core-wasm` adapter: the same engine compiled by AssemblyScript (stats-core's test wasm,
// build/core-test.wasm with its bindings build/core-test.js, made by stats-core's build), driven
// through the shared driver (core-driver.ts).
//
// stats-core is a declared workspace dependency of this package, so turbo builds it before the
// conformance tests run. The test build is not part of stats-core's published surface (its
// exports map does not name it and its tarball does not hold it), so it is found inside the
// package directory that dependency resolves to, not through an exports subpath.
//
// No `runConcurrent`: the test build exports whole-exchange replays (engineCaseTrace,
// engineRecordsTrace) and no step-by-step exchange API, so its exchanges cannot be interleaved;
// with --concurrent the runner replays its cases one after another and says so.
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { defineAdapter, type ExchangeResult } from "../adapter.js";
import type { CaseScript } from "../case-format.js";
import { runWithDriver, type EngineTraces } from "./core-driver.js";

/** build/core-test.js of the @aistats/stats-core this package depends on. */
export function coreTestBuildPath(): string {
  const manifest = createRequire(import.meta.url).resolve("@aistats/stats-core/package.json");
  return join(dirname(manifest), "build", "core-test.js");
}

export default defineAdapter(async () => {
  const built = coreTestBuildPath();
  let module: Partial<EngineTraces>;
  try {
    module = (await import(pathToFileURL(built).href)) as Partial<EngineTraces>;
  } catch (error) {
    throw new Error(`cannot load ${built} (${(error as Error).message}): build it first (pnpm exec turbo run build --filter=@aistats/stats-core)`, { cause: error });
  }
  if (module.engineRecordsTrace === undefined || module.engineCaseTrace === undefined) {
    throw new Error(`${built} has no engineRecordsTrace: it predates this runner; rebuild it (pnpm --filter @aistats/stats-core build)`);
  }
  const traces: EngineTraces = { engineCaseTrace: module.engineCaseTrace, engineRecordsTrace: module.engineRecordsTrace };
  return {
    name: "core-wasm",
    async run(script: CaseScript): Promise<ExchangeResult> {
      return runWithDriver(traces, script);
    },
  };
});
