// The root README's "Edge runtimes" examples, run as written: each code block is taken from
// README.md (the fence after `<!-- test: workers-example -->`, `deno-example`, `bun-example`), so
// the README and this test cannot drift apart.
//   - The Worker is bundled with @aistats/runtimes' bundle() (esbuild, platform neutral, workerd
//     conditions; a Node built-in would fail it) and served by real workerd, UPSTREAM a binding.
//   - The Deno server runs in real Deno from a new project folder whose package.json and
//     node_modules/@aistats/edge are what `npm i @aistats/edge` leaves — so Deno resolves the bare
//     `@aistats/edge` import to the built dist through the package's exports, as in a user's
//     project (not a bundle: that would prove esbuild's resolution, not Deno's). The Bun server
//     the same way, in real Bun.
// Each is driven by the official openai SDK pointed at the runtime, against a loopback node:http
// upstream answering Chat Completions as an SSE stream with usage and as one JSON document. The
// Worker and the Deno server also type-check as a user's project would (tsc, deno check).
import { execFile } from "node:child_process";
import { rm } from "node:fs/promises";
import { createRequire } from "node:module";
import { join } from "node:path";
import { bundle, runtimeBinary, startBun, startDeno, startWorkerd, type RunningServer } from "@aistats/runtimes";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually, readmeExample, recordLines, userProject } from "./support/fixtures.js";
import { CONTENT, JSON_USAGE, MODEL, STREAM_USAGE, startUpstream, type Upstream } from "./support/upstream.js";


const QUESTION = "Say hello";
/** A runtime may take up to 20 s to answer on a loaded machine (the launchers' own limit); the bundle comes first. */
const START_TIMEOUT_MS = 45_000;
const cleanups: (() => Promise<void>)[] = [];
let upstream: Upstream;

beforeAll(async () => {
  upstream = await startUpstream();
  cleanups.push(() => upstream.close());
});

afterAll(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => {});
}, START_TIMEOUT_MS);

/** Runs a command to its end: its exit code and everything it printed. */
function exec(file: string, args: string[], cwd: string, env?: Record<string, string>): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile(file, args, { cwd, env: env ?? process.env, encoding: "utf8", timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error === null ? 0 : typeof error.code === "number" ? error.code : 1, out: `${stdout}${stderr}` });
    });
  });
}

function client(server: RunningServer): OpenAI {
  return new OpenAI({ baseURL: `${server.url}/v1`, apiKey: "sk-test-key", maxRetries: 0, timeout: 20_000 });
}

/** A streamed and a non-streamed chat completion through `server`: what the SDK got. */
async function converse(server: RunningServer): Promise<{ streamed: string; streamedUsage: unknown; answered: string | null; answeredUsage: unknown }> {
  const openai = client(server);
  const stream = await openai.chat.completions.create({
    model: "gpt-4o-mini",
    messages: [{ role: "user", content: QUESTION }],
    stream: true,
    stream_options: { include_usage: true },
  });
  let streamed = "";
  let streamedUsage: unknown = null;
  for await (const chunk of stream) {
    streamed += chunk.choices[0]?.delta.content ?? "";
    if (chunk.usage) streamedUsage = chunk.usage;
  }
  const completion = await openai.chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: QUESTION }] });
  return { streamed, streamedUsage, answered: completion.choices[0]?.message.content ?? null, answeredUsage: completion.usage };
}

/** The final record line of each response type, once the runtime has printed both. */
async function finalLines(server: RunningServer): Promise<{ stream: string; normal: string }> {
  const find = (lines: string[], type: string): string | undefined =>
    lines.filter((l) => {
      const log = (JSON.parse(l) as { ai_log: Record<string, unknown> }).ai_log;
      // The chat completions' records (not the launcher's probe of "/", forwarded upstream too).
      return log.response_type === type && log.chat_id !== undefined && log.llm_service_duration !== undefined;
    }).at(-1);
  const lines = await eventually(
    () => recordLines(server.output()),
    (ls) => find(ls, "stream") !== undefined && find(ls, "normal") !== undefined,
  );
  const stream = find(lines, "stream");
  const normal = find(lines, "normal");
  if (stream === undefined || normal === undefined) throw new Error(`no final stream and normal records in the runtime's output:\n${server.output()}`);
  return { stream, normal };
}

function expectExchanges(got: Awaited<ReturnType<typeof converse>>): void {
  // The SDK got exactly what the upstream sent.
  expect(got.streamed).toBe(CONTENT);
  expect(got.streamedUsage).toEqual(STREAM_USAGE);
  expect(got.answered).toBe(CONTENT);
  expect(got.answeredUsage).toEqual(JSON_USAGE);
  // And the upstream got the SDK's requests, body and key unchanged.
  const chats = upstream.requests.slice(-2);
  expect(chats.map((r) => [r.method, r.path])).toEqual([
    ["POST", "/v1/chat/completions"],
    ["POST", "/v1/chat/completions"],
  ]);
  expect(JSON.parse(chats[0]!.body)).toEqual({
    model: "gpt-4o-mini",
    messages: [{ role: "user", content: QUESTION }],
    stream: true,
    stream_options: { include_usage: true },
  });
  expect(JSON.parse(chats[1]!.body)).toEqual({ model: "gpt-4o-mini", messages: [{ role: "user", content: QUESTION }] });
  for (const r of chats) {
    expect(r.headers.authorization).toBe("Bearer sk-test-key");
    // The runtime's fetch sets Host from the URL (the client's Host would break a real provider).
    expect(r.headers.host).toBe(new URL(upstream.url).host);
  }
}

function expectRecordLine(line: string, expected: Record<string, unknown>): Record<string, unknown> {
  // One compact JSON line: exactly what JSON.stringify gives for what it parses to.
  expect(line).not.toContain("\n");
  expect(JSON.stringify(JSON.parse(line))).toBe(line);
  const log = (JSON.parse(line) as { ai_log: Record<string, unknown> }).ai_log;
  expect(log).toMatchObject({ model: MODEL, chat_round: 1, ...expected });
  expect(log.llm_service_duration).toEqual(expect.any(Number));
  return log;
}

/** A server example (Deno, Bun): the exchanges, the records and /metrics. */
async function expectServerExample(server: RunningServer): Promise<void> {
  const got = await converse(server);
  expectExchanges(got);
  // Asked for an uncompressed answer (a gzipped one would reach the client decoded but labelled gzip).
  expect(upstream.requests.at(-1)!.headers["accept-encoding"]).toBe("identity");
  const { stream, normal } = await finalLines(server);
  const streamLog = expectRecordLine(stream, {
    response_type: "stream",
    input_token: STREAM_USAGE.prompt_tokens,
    output_token: STREAM_USAGE.completion_tokens,
  });
  expect(streamLog.llm_first_token_duration).toEqual(expect.any(Number));
  expectRecordLine(normal, { response_type: "normal", input_token: JSON_USAGE.prompt_tokens, output_token: JSON_USAGE.completion_tokens });

  const res = await fetch(`${server.url}/metrics`);
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
  const text = await res.text();
  const labels = `{ai_route="chat",ai_cluster="openai",ai_model="${MODEL}",ai_consumer="none"}`;
  expect(text).toContain(`route_upstream_model_consumer_metric_input_token${labels} ${STREAM_USAGE.prompt_tokens + JSON_USAGE.prompt_tokens}\n`);
  expect(text).toContain(`route_upstream_model_consumer_metric_output_token${labels} ${STREAM_USAGE.completion_tokens + JSON_USAGE.completion_tokens}\n`);
  expect(text).toMatch(/^aistats_dropped_total\{reason="arena_full"\} 0$/m);
}

describe("README: the Cloudflare Worker", () => {
  let server: RunningServer;
  beforeAll(async () => {
    const example = readmeExample("workers-example");
    expect(example.lang).toBe("ts");
    const project = await userProject("worker", { "worker.ts": example.code });
    cleanups.push(() => rm(project, { recursive: true, force: true }));
    const script = await bundle(join(project, "worker.ts"), { outfile: join(project, "dist", "worker.mjs") });
    server = await startWorkerd({ script, bindings: { UPSTREAM: upstream.url }, allowLocalNetwork: true });
    cleanups.push(() => server.stop());
  }, START_TIMEOUT_MS);

  it("forwards the SDK's streamed and JSON chat completions unchanged and logs one {\"ai_log\":…} line per record", async () => {
    const got = await converse(server);
    expectExchanges(got);
    // The client's accept-encoding went upstream, so the JSON answer came gzipped: workerd's fetch
    // decoded it (what was recorded) and workerd encoded it again for the client.
    expect(upstream.requests.at(-1)!.headers["accept-encoding"]).toMatch(/\bgzip\b/);
    const { stream, normal } = await finalLines(server);
    const streamLog = expectRecordLine(stream, {
      response_type: "stream",
      input_token: STREAM_USAGE.prompt_tokens,
      output_token: STREAM_USAGE.completion_tokens,
      total_token: STREAM_USAGE.total_tokens,
      question: QUESTION,
    });
    expect(streamLog.llm_first_token_duration).toEqual(expect.any(Number));
    const normalLog = expectRecordLine(normal, {
      response_type: "normal",
      input_token: JSON_USAGE.prompt_tokens,
      output_token: JSON_USAGE.completion_tokens,
      total_token: JSON_USAGE.total_tokens,
      question: QUESTION,
    });
    expect(normalLog).not.toHaveProperty("llm_first_token_duration");
  });
});

describe.each([
  { runtime: "Deno", example: "deno-example", file: "main.ts", start: startDeno },
  { runtime: "Bun", example: "bun-example", file: "server.ts", start: startBun },
])("README: the $runtime server", ({ example, file, start }) => {
  let server: RunningServer;
  beforeAll(async () => {
    const { lang, code } = readmeExample(example);
    expect(lang).toBe("ts");
    const project = await userProject(example, { [file]: code });
    cleanups.push(() => rm(project, { recursive: true, force: true }));
    server = await start(join(project, file), { env: { UPSTREAM: upstream.url } });
    cleanups.push(() => server.stop());
  }, START_TIMEOUT_MS);

  it("forwards the SDK's chat completions unchanged, logs the records and serves the counters on /metrics", async () => {
    await expectServerExample(server);
  });
});

describe("README: the examples type-check against @aistats/edge's declarations", () => {
  const wrongUse = `import { createAiStatistics } from "@aistats/edge";\nexport const n: number = createAiStatistics().metrics();\n`;

  it("the Worker with tsc (strict, bundler resolution, the DOM's fetch types); a wrong use does not", async () => {
    const compilerOptions = {
      strict: true,
      target: "ES2022",
      lib: ["ES2022", "DOM", "DOM.Iterable"],
      module: "ESNext",
      moduleResolution: "Bundler",
      noEmit: true,
      types: [],
    };
    const project = await userProject("worker-types", {
      "worker.ts": readmeExample("workers-example").code,
      "wrong.ts": wrongUse,
      "tsconfig.json": JSON.stringify({ compilerOptions, files: ["worker.ts"] }),
      "tsconfig.wrong.json": JSON.stringify({ compilerOptions, files: ["wrong.ts"] }),
    });
    cleanups.push(() => rm(project, { recursive: true, force: true }));
    const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
    expect(await exec(process.execPath, [tsc, "-p", "tsconfig.json"], project)).toEqual({ code: 0, out: "" });
    const wrong = await exec(process.execPath, [tsc, "-p", "tsconfig.wrong.json"], project);
    expect(wrong.code).not.toBe(0);
    expect(wrong.out).toMatch(/wrong\.ts\(2,\d+\): error TS2322/);
  });

  it("the Deno server with deno check; a wrong use does not", async () => {
    const project = await userProject("deno-types", { "main.ts": readmeExample("deno-example").code, "wrong.ts": wrongUse });
    cleanups.push(() => rm(project, { recursive: true, force: true }));
    const env = { PATH: process.env.PATH ?? "", HOME: project, DENO_DIR: join(project, ".deno"), DENO_NO_UPDATE_CHECK: "1", NO_COLOR: "1" };
    expect(await exec(runtimeBinary("deno"), ["check", "--quiet", "main.ts"], project, env)).toEqual({ code: 0, out: "" });
    const wrong = await exec(runtimeBinary("deno"), ["check", "--quiet", "wrong.ts"], project, env);
    expect(wrong.code).not.toBe(0);
    expect(wrong.out).toMatch(/TS2322[\s\S]*wrong\.ts:2/);
  });
});

// Keeps the written example files honest about what they are: plain TypeScript a user pastes.
it("the examples import only @aistats/edge", () => {
  for (const name of ["workers-example", "deno-example", "bun-example"]) {
    const imports = [...readmeExample(name).code.matchAll(/^import .* from "([^"]+)";$/gm)].map((m) => m[1]);
    expect(imports).toEqual(["@aistats/edge"]);
  }
});

