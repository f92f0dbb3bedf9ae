// The `core` adapter: the stats-core engine's JavaScript build (its portable sources, run by tsx),
// driven through the shared driver (core-driver.ts).
import { defineAdapter, type ExchangeResult } from "../adapter.js";
import type { CaseScript } from "../case-format.js";
import { runWithDriver, type EngineTraces } from "./core-driver.js";

export default defineAdapter(async () => {
  const caseSource = "../../../stats-core/src/testing/engine-case-trace.ts";
  const recordsSource = "../../../stats-core/src/testing/engine-records-trace.ts";
  const traces: EngineTraces = {
    ...((await import(caseSource)) as Pick<EngineTraces, "engineCaseTrace">),
    ...((await import(recordsSource)) as Pick<EngineTraces, "engineRecordsTrace">),
  };
  const run = (script: CaseScript): ExchangeResult => runWithDriver(traces, script);
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
