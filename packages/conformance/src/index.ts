// @aistats/conformance: the case set's loader, matcher, resplitter and runner, for host adapters
// and their tests.
export type { AdapterFactory, AdapterOptions, ConformanceAdapter, ExchangeResult, RecordTexts } from "./adapter.js";
export { defineAdapter, passThroughResult } from "./adapter.js";
export { ADAPTERS, createAdapter, resolveAdapterNames } from "./adapters/index.js";
export type { CaseScript, Expectation, HeaderList, Json, RequestScript, ResponseScript, TimedChunk } from "./case-format.js";
export { deliveredChunks, deliveredResponseChunks, headerValue } from "./case-format.js";
export { CaseLoadError, DEFAULT_CASES_DIR, loadCases, loadCaseSet, parseCase } from "./load-cases.js";
export { matchCase, type Verdict } from "./match.js";
export { canonicalProblem, checkRecords } from "./check-records.js";
export { resplitCase } from "./resplit.js";
export { exchangeSteps, interleaveExchanges, type ExchangeStep, type ScheduledStep } from "./exchange-steps.js";
export { runConformance } from "./run-cases.js";
