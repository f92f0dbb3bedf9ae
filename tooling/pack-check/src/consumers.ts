// The programs each fresh project runs against the installed tarballs. One scenario, written once
// in the common subset of JavaScript and strict TypeScript, behind a header per module system:
//   - stats-core: a bad configuration is rejected naming the field; one OpenAI exchange through
//     `new Engine(parsePluginConfig(…))` gives the expected ai_log and counters;
//   - proxy-wasm-host + proxy-wasm: plugin.wasm, found through the package's exports, loaded and
//     configured by the host, gives the same record for the same exchange (filter state
//     wasm.ai_log and a counter);
//   - host: @aistats/host rejects the same bad configuration with AistatsConfigError naming the
//     field, and records the same exchange through a recorder and a handle (one frozen final record
//     with the log and the counter, its labels as structure);
//   - where each package resolved from (the test checks: inside the project, the expected build).
// It prints one JSON line and exits 1 with the list of mismatches otherwise.

/**
 * The end of every generated script: the problems found (exit 1), else one JSON line with the
 * flavor, `fields` and what resolved where.
 */
function scriptEnd(fields: string): string {
  return `  if (problems.length > 0) {
    console.error(problems.join("\\n"));
    process.exit(1);
  }
  console.log(JSON.stringify({ flavor: FLAVOR, ${fields}, resolved: RESOLVED }));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});`;
}

export const CONFIG = { attributes: [{ key: "question", apply_to_log: true }, { key: "answer", apply_to_log: true }] };
export const REQUEST = { model: "gpt-4o-mini", messages: [{ role: "user", content: "Say hello" }] };
export const RESPONSE = {
  id: "chatcmpl-1",
  object: "chat.completion",
  model: "gpt-4o-mini-2024-07-18",
  choices: [{ index: 0, message: { role: "assistant", content: "Hello!" }, finish_reason: "stop" }],
  usage: { prompt_tokens: 9, completion_tokens: 3, total_tokens: 12 },
};
/** What both builds must log for that exchange (a subset: other fields may be added). */
export const EXPECTED_LOG = {
  model: "gpt-4o-mini-2024-07-18",
  input_token: 9,
  output_token: 3,
  total_token: 12,
  question: "Say hello",
  answer: "Hello!",
  response_type: "normal",
  chat_round: 1,
};
export const INPUT_TOKEN_COUNTER = "route.r1.upstream.c1.model.gpt-4o-mini-2024-07-18.consumer.none.metric.input_token";

const body = `
const CONFIG = ${JSON.stringify(JSON.stringify(CONFIG))};
const REQUEST = ${JSON.stringify(JSON.stringify(REQUEST))};
const RESPONSE = ${JSON.stringify(JSON.stringify(RESPONSE))};
const EXPECTED = ${JSON.stringify(EXPECTED_LOG)};
const COUNTER = ${JSON.stringify(INPUT_TOKEN_COUNTER)};

async function main(): Promise<void> {
  const problems: string[] = [];
  const enc = new TextEncoder();

  const bad = parsePluginConfig(enc.encode(JSON.stringify({ attributes: [{ key: "a", value_source: "response_streaming_body", value: "x", rule: "middle" }] })));
  if (bad.ok || !bad.error.startsWith("attributes[0].rule")) problems.push("bad configuration: ok=" + bad.ok + " error=" + bad.error);

  const result = parsePluginConfig(enc.encode(CONFIG));
  if (!result.ok) throw new Error("configuration rejected: " + result.error);
  const engine = new Engine(result);
  const ex = engine.begin("r1", "api.example.com", "c1");
  ex.addRequestHeader(":method", "POST");
  ex.addRequestHeader(":path", "/v1/chat/completions");
  ex.addRequestHeader(":authority", "api.example.com");
  if (!ex.requestHeaders(0)) problems.push("core: exchange skipped");
  const req = enc.encode(REQUEST);
  ex.requestBody(req, 0, req.length, 0);
  ex.requestEnd(0);
  ex.addResponseHeader(":status", "200");
  ex.addResponseHeader("content-type", "application/json");
  ex.responseHeaders(100);
  const res = enc.encode(RESPONSE);
  ex.responseBody(res, 0, res.length, 150);
  ex.responseEnd(200);
  const coreLogText = ex.records.log;
  const coreLog = JSON.parse(coreLogText);
  const coreCounter = ex.records.counterValues[ex.records.counterNames.indexOf(COUNTER)];
  engine.end(ex);
  for (const [key, value] of Object.entries(EXPECTED)) {
    if (coreLog[key] !== value) problems.push("core: ai_log." + key + " = " + JSON.stringify(coreLog[key]) + ", expected " + JSON.stringify(value));
  }
  if (coreCounter !== 9) problems.push("core: " + COUNTER + " = " + coreCounter + ", expected 9");

  let configField = "(accepted)";
  try {
    createRecorder({ attributes: [{ key: "a", value_source: "response_streaming_body", value: "x", rule: "middle" }] });
  } catch (e) {
    configField = e instanceof AistatsConfigError ? e.field : "not an AistatsConfigError: " + String(e);
  }
  if (configField !== "attributes[0].rule") problems.push("host: bad configuration gave " + configField);
  const hostRecords: AistatsRecord[] = [];
  let clock = 0;
  const recorder = createRecorder(CONFIG, { now: () => clock, onRecord: (r) => hostRecords.push(r) });
  const h = recorder.start({ method: "POST", path: "/v1/chat/completions", authority: "api.example.com", headers: { "content-type": "application/json" }, route: "r1", cluster: "c1" });
  h.requestChunk(enc.encode(REQUEST));
  h.requestEnd();
  clock = 100;
  h.responseStart(200, { "content-type": "application/json" });
  clock = 150;
  h.responseChunk(enc.encode(RESPONSE));
  clock = 200;
  h.responseEnd();
  h.responseEnd();
  const hostFinal = hostRecords[0];
  if (hostRecords.length !== 1 || hostFinal === undefined || !hostFinal.final) problems.push("host: " + hostRecords.length + " records, expected one final record");
  else {
    if (hostFinal.logText !== coreLogText) problems.push("host: logged " + hostFinal.logText + ", the core " + coreLogText);
    const input = hostFinal.counters.find((c) => c.name === COUNTER);
    if (input === undefined || input.value !== 9 || input.route !== "r1" || input.cluster !== "c1" || input.model !== EXPECTED.model) problems.push("host: counter " + JSON.stringify(input));
    if (!Object.isFrozen(hostFinal) || !Object.isFrozen(hostFinal.log)) problems.push("host: the record is not frozen");
  }
  if (recorder.stats().activeExchanges !== 0 || recorder.stats().arenaUsedBytes !== 0) problems.push("host: " + JSON.stringify(recorder.stats()));

  const host = await ProxyWasmHost.start(new Uint8Array(readFileSync(wasmPath)), {
    pluginConfig: CONFIG,
    properties: { route_name: "r1", cluster_name: "c1" },
    clock: new ManualClock(),
  });
  const s = host.newHttpStream();
  s.requestHeaders({ ":method": "POST", ":path": "/v1/chat/completions", ":authority": "api.example.com" });
  s.requestBody(REQUEST, true);
  s.responseHeaders({ ":status": "200", "content-type": "application/json" });
  s.responseBody(RESPONSE, true);
  s.complete();
  const state = s.accessLogFilterState("wasm.ai_log");
  let pluginLog: Record<string, unknown> = {};
  try {
    pluginLog = JSON.parse(JSON.parse('"' + state + '"'));
  } catch (e) {
    problems.push("plugin: wasm.ai_log is not an escaped JSON object: " + state);
  }
  for (const [key, value] of Object.entries(EXPECTED)) {
    if (pluginLog[key] !== value) problems.push("plugin: ai_log." + key + " = " + JSON.stringify(pluginLog[key]) + ", expected " + JSON.stringify(value));
  }
  if (host.metrics.counter(COUNTER) !== 9) problems.push("plugin: " + COUNTER + " = " + host.metrics.counter(COUNTER) + ", expected 9");
  if (s.downstream.bodyText !== RESPONSE) problems.push("plugin: the client did not get the upstream's bytes");

${scriptEnd("coreLog: coreLogText")}`;

/** Strips the TypeScript annotations the body carries (they are all of these shapes). */
function asJavaScript(ts: string): string {
  return ts
    .replace(/\): Promise<void> \{/g, ") {")
    .replace(/const problems: string\[\] = \[\];/, "const problems = [];")
    .replace(/let pluginLog: Record<string, unknown> = \{\};/, "let pluginLog = {};")
    .replace(/const hostRecords: AistatsRecord\[\] = \[\];/, "const hostRecords = [];");
}

// A type error the packages' declarations must report: proves TypeScript read them (not `any`).
const typesAreReal = `
export function typesAreReal(): void {
  // @ts-expect-error parsePluginConfig takes the configuration's bytes, not a string
  parsePluginConfig("{}");
  // @ts-expect-error a body chunk is bytes, not a string
  createRecorder().start({}).requestChunk("data: {}");
}
`;

export const esm = `import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Engine, parsePluginConfig } from "@aistats/stats-core";
import { ManualClock, ProxyWasmHost } from "@aistats/proxy-wasm-host";
import { AistatsConfigError, createRecorder } from "@aistats/host";

const FLAVOR = "esm";
const wasmPath = fileURLToPath(import.meta.resolve("@aistats/proxy-wasm/plugin.wasm"));
const RESOLVED = {
  core: fileURLToPath(import.meta.resolve("@aistats/stats-core")),
  host: fileURLToPath(import.meta.resolve("@aistats/proxy-wasm-host")),
  recorder: fileURLToPath(import.meta.resolve("@aistats/host")),
  wasm: wasmPath,
};
${asJavaScript(body)}`;

export const cjs = `"use strict";
const { readFileSync } = require("node:fs");
const { Engine, parsePluginConfig } = require("@aistats/stats-core");
const { ManualClock, ProxyWasmHost } = require("@aistats/proxy-wasm-host");
const { AistatsConfigError, createRecorder } = require("@aistats/host");

const FLAVOR = "cjs";
const wasmPath = require.resolve("@aistats/proxy-wasm/plugin.wasm");
const RESOLVED = {
  core: require.resolve("@aistats/stats-core"),
  host: require.resolve("@aistats/proxy-wasm-host"),
  recorder: require.resolve("@aistats/host"),
  wasm: wasmPath,
};
${asJavaScript(body)}`;

/** TypeScript, ES module (.mts under nodenext, or .ts under bundler). */
export const tsEsm = (flavor: string): string => `import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Engine, parsePluginConfig } from "@aistats/stats-core";
import { ManualClock, ProxyWasmHost } from "@aistats/proxy-wasm-host";
import { AistatsConfigError, createRecorder, type AistatsRecord } from "@aistats/host";

const FLAVOR = ${JSON.stringify(flavor)};
const wasmPath: string = fileURLToPath(import.meta.resolve("@aistats/proxy-wasm/plugin.wasm"));
const RESOLVED = {
  core: fileURLToPath(import.meta.resolve("@aistats/stats-core")),
  host: fileURLToPath(import.meta.resolve("@aistats/proxy-wasm-host")),
  recorder: fileURLToPath(import.meta.resolve("@aistats/host")),
  wasm: wasmPath,
};
${body}${typesAreReal}`;

/** TypeScript, CommonJS (.cts under nodenext): the same imports compile to require(). */
export const tsCjs = `import { readFileSync } from "node:fs";
import { Engine, parsePluginConfig } from "@aistats/stats-core";
import { ManualClock, ProxyWasmHost } from "@aistats/proxy-wasm-host";
import { AistatsConfigError, createRecorder, type AistatsRecord } from "@aistats/host";

const FLAVOR = "ts-nodenext-cjs";
const wasmPath: string = require.resolve("@aistats/proxy-wasm/plugin.wasm");
const RESOLVED = {
  core: require.resolve("@aistats/stats-core"),
  host: require.resolve("@aistats/proxy-wasm-host"),
  recorder: require.resolve("@aistats/host"),
  wasm: wasmPath,
};
${body}${typesAreReal}`;

/**
 * @aistats/stats-core/asc-build without its optional peer: a clear error naming the missing
 * compiler, not a resolution failure deep inside the package.
 */
export const ascWithoutPeerEsm = `import { compileWithWasmGlue } from "@aistats/stats-core/asc-build";
try {
  await compileWithWasmGlue(["entry.ts", "--outFile", "out.wasm"]);
  console.error("compileWithWasmGlue resolved without assemblyscript installed");
  process.exit(1);
} catch (e) {
  console.log(e instanceof Error ? e.message : String(e));
}
`;

export const ascWithoutPeerCjs = `"use strict";
const { compileWithWasmGlue } = require("@aistats/stats-core/asc-build");
compileWithWasmGlue(["entry.ts", "--outFile", "out.wasm"]).then(
  () => {
    console.error("compileWithWasmGlue resolved without assemblyscript installed");
    process.exit(1);
  },
  (e) => console.log(e instanceof Error ? e.message : String(e)),
);
`;

/** An AssemblyScript consumer: the same exchange, compiled from the packed sources to wasm. */
export const ascEntry = `import { Engine, parsePluginConfig } from "@aistats/stats-core";

function bytes(text: string): Uint8Array {
  return Uint8Array.wrap(String.UTF8.encode(text));
}

export function exchangeLog(config: string, request: string, response: string): string {
  const result = parsePluginConfig(bytes(config));
  if (!result.ok) return "configuration rejected: " + result.error;
  const engine = new Engine(result);
  const ex = engine.begin("r1", "api.example.com", "c1");
  ex.addRequestHeader(":method", "POST");
  ex.addRequestHeader(":path", "/v1/chat/completions");
  ex.addRequestHeader(":authority", "api.example.com");
  ex.requestHeaders(0);
  const req = bytes(request);
  ex.requestBody(req, 0, req.length, 0);
  ex.requestEnd(0);
  ex.addResponseHeader(":status", "200");
  ex.addResponseHeader("content-type", "application/json");
  ex.responseHeaders(100);
  const res = bytes(response);
  ex.responseBody(res, 0, res.length, 150);
  ex.responseEnd(200);
  const log = ex.records.log;
  engine.end(ex);
  return log;
}
`;

/** Builds the AssemblyScript consumer with asc-build, then runs it next to the JS build. */
export const ascBuild = `import { compileWithWasmGlue } from "@aistats/stats-core/asc-build";
import { Engine, parsePluginConfig } from "@aistats/stats-core";

const code = await compileWithWasmGlue([
  "assembly/index.ts", "--outFile", "build/consumer.wasm", "--bindings", "esm", "--enable", "simd", "-O1",
]);
if (code !== 0) {
  console.error("asc failed with exit code " + code);
  process.exit(1);
}
const { exchangeLog } = await import("./build/consumer.js");

const CONFIG = ${JSON.stringify(JSON.stringify(CONFIG))};
const REQUEST = ${JSON.stringify(JSON.stringify(REQUEST))};
const RESPONSE = ${JSON.stringify(JSON.stringify(RESPONSE))};
const wasmLog = exchangeLog(CONFIG, REQUEST, RESPONSE);

const enc = new TextEncoder();
const engine = new Engine(parsePluginConfig(enc.encode(CONFIG)));
const ex = engine.begin("r1", "api.example.com", "c1");
ex.addRequestHeader(":method", "POST");
ex.addRequestHeader(":path", "/v1/chat/completions");
ex.addRequestHeader(":authority", "api.example.com");
ex.requestHeaders(0);
const req = enc.encode(REQUEST);
ex.requestBody(req, 0, req.length, 0);
ex.requestEnd(0);
ex.addResponseHeader(":status", "200");
ex.addResponseHeader("content-type", "application/json");
ex.responseHeaders(100);
const res = enc.encode(RESPONSE);
ex.responseBody(res, 0, res.length, 150);
ex.responseEnd(200);
const jsLog = ex.records.log;
engine.end(ex);

if (wasmLog !== jsLog) {
  console.error("the wasm build logs\\n  " + wasmLog + "\\nthe JS build logs\\n  " + jsLog);
  process.exit(1);
}
console.log(JSON.stringify({ wasmLog }));
`;

// @aistats/edge in a new project, with Node's own fetch classes (Request, Response, Web Streams):
// a bad configuration is rejected with AistatsConfigError naming the field; a wrapped handler
// gets the request's bytes and returns the upstream's JSON answer; the client reads exactly those
// bytes; the logger gets one line {"ai_log":{…}} with the expected log; metrics() has the input
// token counter with its Higress labels; every arena block is back. It prints one JSON line
// (exit 1 with the list of mismatches otherwise).
const INPUT_TOKEN_SERIES = `route_upstream_model_consumer_metric_input_token{ai_route="r1",ai_cluster="c1",ai_model="${EXPECTED_LOG.model}",ai_consumer="none"} 9`;

const edgeBody = `
const CONFIG = ${JSON.stringify(JSON.stringify(CONFIG))};
const REQUEST = ${JSON.stringify(JSON.stringify(REQUEST))};
const RESPONSE = ${JSON.stringify(JSON.stringify(RESPONSE))};
const EXPECTED = ${JSON.stringify(EXPECTED_LOG)};
const SERIES = ${JSON.stringify(INPUT_TOKEN_SERIES)};

async function main(): Promise<void> {
  const problems: string[] = [];

  let configField = "(accepted)";
  try {
    createAiStatistics({ attributes: [{ key: "a", value_source: "response_streaming_body", value: "x", rule: "middle" }] });
  } catch (e) {
    configField = e instanceof AistatsConfigError ? e.field : "not an AistatsConfigError: " + String(e);
  }
  if (configField !== "attributes[0].rule") problems.push("edge: bad configuration gave " + configField);

  const lines: string[] = [];
  let clock = 0;
  const stats = createAiStatistics(CONFIG, {
    now: () => clock,
    route: () => "r1",
    cluster: () => "c1",
    logger: (line: string) => {
      lines.push(line);
    },
  });
  let upstreamGot = "";
  const handler = stats.wrap(async (request: Request) => {
    upstreamGot = await request.text();
    clock = 100;
    return new Response(RESPONSE, { status: 200, headers: { "content-type": "application/json" } });
  });
  const response = await handler(
    new Request("https://api.example.com/v1/chat/completions", { method: "POST", headers: { "content-type": "application/json" }, body: REQUEST }),
  );
  clock = 150;
  const clientGot = await response.text();
  if (upstreamGot !== REQUEST) problems.push("edge: the handler got " + JSON.stringify(upstreamGot));
  if (clientGot !== RESPONSE || response.status !== 200) problems.push("edge: the client got " + response.status + " " + JSON.stringify(clientGot));
  if (lines.length !== 1) problems.push("edge: " + lines.length + " log lines, expected one: " + JSON.stringify(lines));
  const line = lines[0] ?? "{}";
  const log = JSON.parse(line).ai_log ?? {};
  for (const [key, value] of Object.entries(EXPECTED)) {
    if (log[key] !== value) problems.push("edge: ai_log." + key + " = " + JSON.stringify(log[key]) + ", expected " + JSON.stringify(value));
  }
  if (log.llm_service_duration !== 150) problems.push("edge: llm_service_duration " + JSON.stringify(log.llm_service_duration) + ", expected 150");
  const metrics = stats.metrics();
  if (!metrics.split("\\n").includes(SERIES)) problems.push("edge: metrics() has no " + SERIES + "\\n" + metrics);
  if (!stats.metricsContentType.startsWith("text/plain")) problems.push("edge: metricsContentType " + stats.metricsContentType);
  const s = stats.recorder.stats();
  if (s.activeExchanges !== 0 || s.arenaUsedBytes !== 0) problems.push("edge: " + JSON.stringify(s));

${scriptEnd("edgeLine: line")}`;

function edgeAsJavaScript(ts: string): string {
  return ts
    .replace(/\): Promise<void> \{/g, ") {")
    .replace(/const (problems|lines): string\[\] = \[\];/g, "const $1 = [];")
    .replace(/\(line: string\)/g, "(line)")
    .replace(/\(request: Request\)/g, "(request)");
}

// A type error edge's declarations must report: proves TypeScript read them (not `any`).
const edgeTypesAreReal = `
export function edgeTypesAreReal(): void {
  // @ts-expect-error wrap takes a fetch handler, not a URL
  createAiStatistics().wrap("https://api.openai.com");
  // @ts-expect-error metrics() is Prometheus text, not a number
  const n: number = createAiStatistics().metrics();
  void n;
}
`;

export const edgeEsm = `import { fileURLToPath } from "node:url";
import { AistatsConfigError, createAiStatistics } from "@aistats/edge";

const FLAVOR = "esm";
const RESOLVED = { edge: fileURLToPath(import.meta.resolve("@aistats/edge")) };
${edgeAsJavaScript(edgeBody)}`;

export const edgeCjs = `"use strict";
const { AistatsConfigError, createAiStatistics } = require("@aistats/edge");

const FLAVOR = "cjs";
const RESOLVED = { edge: require.resolve("@aistats/edge") };
${edgeAsJavaScript(edgeBody)}`;

/** TypeScript, ES module (.mts under nodenext, or .ts under bundler). */
export const edgeTsEsm = (flavor: string): string => `import { fileURLToPath } from "node:url";
import { AistatsConfigError, createAiStatistics } from "@aistats/edge";

const FLAVOR = ${JSON.stringify(flavor)};
const RESOLVED = { edge: fileURLToPath(import.meta.resolve("@aistats/edge")) };
${edgeBody}${edgeTypesAreReal}`;

/** TypeScript, CommonJS (.cts under nodenext). */
export const edgeTsCjs = `import { AistatsConfigError, createAiStatistics } from "@aistats/edge";

const FLAVOR = "ts-nodenext-cjs";
const RESOLVED = { edge: require.resolve("@aistats/edge") };
${edgeBody}${edgeTypesAreReal}`;
