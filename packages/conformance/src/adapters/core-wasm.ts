// The `core-wasm` adapter: the same engine compiled by AssemblyScript (stats-core's test wasm,
// build/core-test.wasm, made by `pnpm --filter @aistats/stats-core build`), driven through the
// shared driver (core-driver.ts) exactly like the `core` adapter.
import { defineAdapter, type ExchangeResult } from "../adapter.js";
import type { CaseScript } from "../case-format.js";
import { runWithDriver, type EngineTraces } from "./core-driver.js";

export default defineAdapter(async () => {
  const built = "../../../stats-core/build/core-test.js";
  const module = (await import(built)) as Partial<EngineTraces>;
  if (module.engineRecordsTrace === undefined || module.engineCaseTrace === undefined) {
    throw new Error(`${built} has no engineRecordsTrace: it predates this runner; rebuild it (pnpm --filter @aistats/stats-core build)`);
  }
  const traces: EngineTraces = { engineCaseTrace: module.engineCaseTrace, engineRecordsTrace: module.engineRecordsTrace };
  const run = (script: CaseScript): ExchangeResult => runWithDriver(traces, script);
  return {
    name: "core-wasm",
    async run(script: CaseScript): Promise<ExchangeResult> {
      return run(script);
    },
    async runConcurrent(scripts: readonly CaseScript[]): Promise<ExchangeResult[]> {
      return scripts.map(run);
    },
  };
});
