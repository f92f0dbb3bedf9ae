// In real workerd: a record sink that finishes later (a log shipped over the network) still
// delivers after the response has gone — when the stream ran to its end and when the client went
// away mid-stream — because wrap() hands the exchange to ctx.waitUntil. The same Worker called
// without its ctx loses that late delivery (workerd ends the request's work with the response):
// the control that shows the test can fail.
import { rm } from "node:fs/promises";
import { join } from "node:path";
import { bundle, startWorkerd, type RunningServer } from "@aistats/runtimes";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually, userProject } from "./support/fixtures.js";
import { startUpstream, type Upstream } from "./support/upstream.js";


const WORKER = `import { createAiStatistics } from "@aistats/edge";

const stats = createAiStatistics(
  { attributes: [{ key: "question", value_source: "request_body", value: "messages.@reverse.0.content", apply_to_log: true }] },
  {
    // Ships each record 300 ms later, as a sink writing to the network would.
    logger: (line) => new Promise((resolve) => setTimeout(() => resolve(console.log("shipped " + line)), 300)),
  },
);
const proxy = stats.wrap((request, env) => fetch(new URL(new URL(request.url).pathname, env.UPSTREAM), request));

export default {
  fetch: (request, env, ctx) => (new URL(request.url).searchParams.has("drop-ctx") ? proxy(request, env) : proxy(request, env, ctx)),
};
`;

let upstream: Upstream;
let server: RunningServer;
let project: string;

beforeAll(async () => {
  upstream = await startUpstream();
  project = await userProject("wait-until", { "worker.js": WORKER });
  const script = await bundle(join(project, "worker.js"), { outfile: join(project, "dist", "worker.mjs") });
  server = await startWorkerd({ script, bindings: { UPSTREAM: upstream.url }, allowLocalNetwork: true });
}, 45_000);

afterAll(async () => {
  await server?.stop();
  await upstream?.close();
  await rm(project, { recursive: true, force: true });
}, 45_000);

/** Streams one chat completion whose question is `question`; cut after the first read when `abort`. */
async function chat(question: string, { abort = false, query = "" } = {}): Promise<void> {
  const ac = new AbortController();
  const res = await fetch(`${server.url}/v1/chat/completions${query}`, {
    method: "POST",
    signal: ac.signal,
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ model: "gpt-4o-mini", stream: true, stream_options: { include_usage: true }, messages: [{ role: "user", content: question }] }),
  });
  expect(res.status).toBe(200);
  if (!abort) {
    await res.text();
    return;
  }
  const reader = res.body!.getReader();
  await reader.read();
  ac.abort();
}

/** The shipped records of the exchange asked `question`, by their log. */
function shipped(question: string): Record<string, unknown>[] {
  return server
    .output()
    .split("\n")
    .filter((l) => l.startsWith("shipped "))
    .map((l) => (JSON.parse(l.slice("shipped ".length)) as { ai_log: Record<string, unknown> }).ai_log)
    .filter((log) => log.question === question);
}

describe("ctx.waitUntil in workerd keeps a late sink's delivery alive", () => {
  it("after a stream that ran to its end: the early and the final record", async () => {
    await chat("complete");
    const logs = await eventually(() => shipped("complete"), (l) => l.length >= 2);
    expect(logs).toHaveLength(2);
    expect(logs[1]).toMatchObject({ response_type: "stream", input_token: 12, output_token: 5, llm_service_duration: expect.any(Number) });
  });

  it("after the client went away mid-stream: the final record of what was seen", async () => {
    await chat("cut short", { abort: true });
    const logs = await eventually(() => shipped("cut short"), (l) => l.some((log) => log.llm_service_duration !== undefined));
    expect(logs.at(-1)).toMatchObject({ response_type: "stream", question: "cut short", llm_service_duration: expect.any(Number) });
  });

  it("control: without ctx the late delivery is lost once the response is done", async () => {
    await chat("no ctx", { query: "?drop-ctx" });
    // Well past the sink's 300 ms; the other exchanges' deliveries arrived in that time.
    await chat("after", {});
    await eventually(() => shipped("after"), (l) => l.length >= 2);
    await new Promise((r) => setTimeout(r, 700));
    expect(shipped("no ctx")).toEqual([]);
  });
});
