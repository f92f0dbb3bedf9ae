// The `core` adapter: the stats-core engine's JavaScript build (its portable sources, run by tsx),
// driven through the shared driver (core-driver.ts).
import { defineAdapter, type ExchangeResult } from "../adapter.js";
import type { CaseScript } from "../case-format.js";
import { runWithDriver, type EngineCaseTrace } from "./core-driver.js";

export default defineAdapter(async () => {
  const source = "../../../stats-core/src/testing/engine-case-trace.ts";
  const module = (await import(source)) as { engineCaseTrace: EngineCaseTrace };
  const run = (script: CaseScript): ExchangeResult => runWithDriver(module.engineCaseTrace, script);
  return {
    name: "core",
    async run(script: CaseScript): Promise<ExchangeResult> {
      return run(script);
    },
    async runConcurrent(scripts: readonly CaseScript[]): Promise<ExchangeResult[]> {
      return scripts.map(run);
    },
  };
});
