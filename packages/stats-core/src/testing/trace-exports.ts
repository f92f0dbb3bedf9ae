// Every portable trace function the test suite drives on both builds. The wasm test entry
// (src/glue/wasm/test-entry.ts) re-exports exactly this module.
export { arenaTrace, initialShape } from "./arena-trace";
export { sseTrace } from "./sse-trace";
export { jsonArrayTrace } from "./sse-json-array-trace";
export { jsonMatchDocsTrace, jsonMatchStreamTrace, jsonMatchTrace } from "./json-match-trace";
export { configSelectTrace, configTrace } from "./config-trace";
export { jsonValueTrace } from "./config-json-trace";
export { glueIntTrace, glueTrace } from "./glue-trace";
export { engineCaseTrace } from "./engine-case-trace";
export { engineByteLogTrace, engineJsonTextTrace, engineSha256Trace, engineStreamTrace, engineValueTrace } from "./engine-trace";
export { engineRecordsTrace } from "./engine-records-trace";
export { logMergeTrace } from "./log-merge-trace";
