// The fixture adapter replays results recorded in a JSON file instead of running a host, so the
// runner, matcher and CLI can be tested before any engine exists. File format:
//   { "results": { "<case id or name>": {
//       "config_error": "…", "skipped": false, "log": {…} | null, "log_fields": {…},
//       "span": {…}, "metrics": {…}, "throws": "message",
//       "client_chunks": "echo" | [chunk…], "upstream_chunks": "echo" | [chunk…] } } }
// Chunks use the case format's spellings (string, {"text"}, {"base64"}). A case without an entry,
// and any field left out, gets "nothing recorded, traffic passed through unchanged".
import { readFileSync } from "node:fs";
import { defineAdapter, passThroughResult, type ExchangeResult } from "../adapter.js";
import type { CaseScript, ChunkSpec } from "../case-format.js";

interface RecordedResult {
  config_error?: string;
  skipped?: boolean;
  log?: Record<string, unknown> | null;
  log_fields?: Record<string, unknown>;
  span?: Record<string, string>;
  metrics?: Record<string, number>;
  client_chunks?: "echo" | ChunkSpec[];
  upstream_chunks?: "echo" | ChunkSpec[];
  throws?: string;
}

export interface FixtureFile {
  results: Record<string, RecordedResult>;
}

const utf8 = new TextEncoder();

function chunkBytes(chunk: ChunkSpec): Uint8Array {
  if (typeof chunk === "string") return utf8.encode(chunk);
  if ("text" in chunk) return utf8.encode(chunk.text);
  return new Uint8Array(Buffer.from(chunk.base64, "base64"));
}

/** The result a fixture entry stands for, given the case being replayed. */
export function replayRecorded(script: CaseScript, recorded: RecordedResult | undefined): ExchangeResult {
  const result = passThroughResult(script);
  if (recorded === undefined) return result;
  if (recorded.throws !== undefined) throw new Error(recorded.throws);
  if (recorded.config_error !== undefined) result.configError = recorded.config_error;
  if (recorded.skipped !== undefined) result.skipped = recorded.skipped;
  if (recorded.log !== undefined) result.log = recorded.log;
  if (recorded.log_fields !== undefined) result.logFields = recorded.log_fields;
  if (recorded.span !== undefined) result.span = recorded.span;
  if (recorded.metrics !== undefined) result.metrics = recorded.metrics;
  if (Array.isArray(recorded.client_chunks)) result.clientChunks = recorded.client_chunks.map(chunkBytes);
  if (Array.isArray(recorded.upstream_chunks)) result.upstreamChunks = recorded.upstream_chunks.map(chunkBytes);
  return result;
}

export function fixtureAdapter(fixture: FixtureFile, name = "fixture") {
  return {
    name,
    async run(script: CaseScript): Promise<ExchangeResult> {
      return replayRecorded(script, fixture.results[script.id] ?? fixture.results[script.name]);
    },
    async runConcurrent(scripts: readonly CaseScript[]): Promise<ExchangeResult[]> {
      return Promise.all(scripts.map((s) => this.run(s)));
    },
  };
}

export default defineAdapter((options) => {
  if (options.fixture === undefined) throw new Error("the fixture adapter needs --fixture FILE (recorded results, JSON)");
  const fixture = JSON.parse(readFileSync(options.fixture, "utf8")) as FixtureFile;
  if (typeof fixture !== "object" || fixture === null || typeof fixture.results !== "object") {
    throw new Error(`${options.fixture}: a fixture needs a "results" object keyed by case id or name`);
  }
  return fixtureAdapter(fixture);
});
