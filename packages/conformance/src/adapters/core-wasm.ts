// The `core-wasm` adapter: the same engine compiled by AssemblyScript (stats-core's test wasm,
// build/core-test.wasm, made by `pnpm --filter @aistats/stats-core build`), driven through the
// shared driver (core-driver.ts) exactly like the `core` adapter.
import { defineAdapter, type ExchangeResult } from "../adapter.js";
import type { CaseScript } from "../case-format.js";
import { runWithDriver, type EngineCaseTrace } from "./core-driver.js";

export default defineAdapter(async () => {
  const built = "../../../stats-core/build/core-test.js";
  const module = (await import(built)) as { engineCaseTrace: EngineCaseTrace };
  const run = (script: CaseScript): ExchangeResult => runWithDriver(module.engineCaseTrace, script);
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
