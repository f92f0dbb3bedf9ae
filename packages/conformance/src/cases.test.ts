// The package's own case set must load and hold to the conventions in cases/README.md.
import { readdir } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import type { CaseScript } from "./case-format.js";
import { DEFAULT_CASES_DIR, loadCases } from "./load-cases.js";
import { resplitCase } from "./resplit.js";

const METRICS = [
  "input_token",
  "output_token",
  "total_token",
  "llm_first_token_duration",
  "llm_stream_duration_count",
  "llm_service_duration",
  "llm_duration_count",
];
const METRIC_NAME = /^route\.(.+)\.upstream\.(.+)\.model\.(.+)\.consumer\.([^.]+)\.metric\.([a-z_]+)$/;

const scripts: CaseScript[] = await loadCases(DEFAULT_CASES_DIR);

describe("the conformance case set", () => {
  it("loads and validates every file under cases/", async () => {
    const topics = (await readdir(DEFAULT_CASES_DIR, { withFileTypes: true })).filter((d) => d.isDirectory()).map((d) => d.name);
    expect(scripts.length).toBeGreaterThanOrEqual(100);
    for (const topic of ["config", "config-errors", "openai", "responses", "anthropic", "gemini", "paths", "metrics", "bad-input"]) {
      expect(topics).toContain(topic);
      expect(scripts.filter((s) => s.id.startsWith(`${topic}/`)).length, topic).toBeGreaterThanOrEqual(5);
    }
    expect(scripts.every((s) => s.id.includes("/")), "every case sits in a topic directory").toBe(true);
  });

  it("says in every case why it exists", () => {
    const undescribed = scripts.filter((s) => s.description === null || s.description.length < 40).map((s) => s.id);
    expect(undescribed).toEqual([]);
  });

  it("expects something of every case beyond the traffic check", () => {
    const empty = scripts.filter((s) => Object.keys(s.expect).length === 0).map((s) => s.id);
    expect(empty).toEqual([]);
  });

  it("names only Higress counters, in Higress's metric name shape", () => {
    const bad: string[] = [];
    for (const s of scripts) {
      for (const name of [...Object.keys(s.expect.metrics ?? {}), ...(s.expect.metrics_absent ?? [])]) {
        const m = METRIC_NAME.exec(name);
        if (m === null || !METRICS.includes(m[5]!)) bad.push(`${s.id}: ${name}`);
      }
    }
    expect(bad).toEqual([]);
  });

  it("gives metrics expectations the route and cluster they name", () => {
    const bad: string[] = [];
    for (const s of scripts) {
      for (const name of Object.keys(s.expect.metrics ?? {})) {
        const [, route, cluster] = METRIC_NAME.exec(name) ?? [];
        const wantRoute = s.properties.route_name ?? "-";
        const apiRoute = wantRoute.split("@").length >= 3 ? wantRoute.split("@").slice(0, 3).join("@") : wantRoute;
        if (route !== apiRoute || cluster !== (s.properties.cluster_name ?? "-")) bad.push(`${s.id}: ${name}`);
      }
    }
    expect(bad).toEqual([]);
  });

  it("keeps every case's bytes whole under --resplit", () => {
    for (const s of scripts) {
      const cut = resplitCase(s, 64, 7);
      const join = (chunks: readonly { bytes: Uint8Array }[]) => Buffer.concat(chunks.map((c) => Buffer.from(c.bytes)));
      expect(join(cut.response.chunks).equals(join(s.response.chunks)), s.id).toBe(true);
      expect(join(cut.request.chunks).equals(join(s.request.chunks)), s.id).toBe(true);
    }
  });
});
