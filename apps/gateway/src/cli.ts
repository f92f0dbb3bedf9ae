#!/usr/bin/env node
// aistats-gateway: `pnpm start` runs this. See --help.
import { parseArgs } from "node:util";
import { GatewayConfigError, loadConfigFile, parseConfig } from "./config.js";
import { startGateway } from "./gateway.js";
import { delayFromEnv } from "./mock/server.js";
import { startOtel } from "./otel.js";

const HELP = `aistats-gateway — an OpenAI-, Anthropic- and Gemini-compatible AI gateway with aistats statistics

Usage: pnpm start [-- options]      (or: node apps/gateway/dist/cli.js [options])

Options:
  --config <file>   YAML configuration (env AISTATS_CONFIG). Without one, an embedded mock upstream
                    answers every route (OpenAI Chat/Responses, Anthropic Messages, Gemini).
  --port <n>        port to listen on (env PORT; default listen.port, else 8080)
  --host <addr>     address to listen on (env HOST; default listen.host, else 127.0.0.1)
  --statistics <on|off>
                    off: proxy only — no records, no counters, nothing fed to @aistats/node
                    (env AISTATS_STATISTICS; default on). The baseline of \`pnpm bench load\`.
  -h, --help        this help

Environment:
  MOCK_DELAY_MS     delay between the mock upstream's events: 0 (none), 25, or a range 20-40 (default)
  OTEL_EXPORTER_OTLP_ENDPOINT (or _METRICS_ / _TRACES_ENDPOINT)
                    export the GenAI metrics and spans over OTLP/HTTP (JSON) to a collector;
                    OTEL_METRIC_EXPORT_INTERVAL (ms, default 60000), OTEL_SERVICE_NAME

Endpoints: every configured route; GET /metrics (Prometheus), /healthz, /readyz.
Output: one JSON line per statistics record (the ai_log) on stdout; messages on stderr.
Exit: SIGTERM / SIGINT stop accepting, let open streams finish (limits.shutdown_timeout_ms), then exit.
`;

function fail(message: string): never {
  process.stderr.write(`aistats-gateway: ${message}\n`);
  process.exit(1);
}

let args;
try {
  args = parseArgs({
    options: {
      config: { type: "string" },
      port: { type: "string" },
      host: { type: "string" },
      statistics: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
    strict: true,
  }).values;
} catch (e) {
  fail(`${(e as Error).message}\n(see --help)`);
}
if (args.help) {
  process.stdout.write(HELP);
  process.exit(0);
}

const configFile = args.config ?? process.env.AISTATS_CONFIG;
const portText = args.port ?? process.env.PORT;
let port: number | undefined;
if (portText !== undefined && portText !== "") {
  port = Number(portText);
  if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`${args.port !== undefined ? "--port" : "PORT"}: "${portText}" is not a port number (0-65535)`);
}
const host = args.host ?? (process.env.HOST || undefined);
const statisticsText = args.statistics ?? (process.env.AISTATS_STATISTICS || "on");
if (statisticsText !== "on" && statisticsText !== "off")
  fail(`${args.statistics !== undefined ? "--statistics" : "AISTATS_STATISTICS"}: "${statisticsText}" is not on or off`);
const statisticsOn = statisticsText === "on";

let delayMs;
try {
  delayMs = delayFromEnv(process.env.MOCK_DELAY_MS);
} catch (e) {
  fail((e as Error).message);
}

// Before the gateway: @aistats/node takes its meter and tracer when it is created.
const otel = startOtel();

let gateway;
try {
  const config = configFile ? loadConfigFile(configFile) : parseConfig({});
  gateway = await startGateway({
    config,
    ...(port !== undefined ? { port } : {}),
    ...(host !== undefined ? { host } : {}),
    ...(delayMs !== undefined ? { mock: { delayMs } } : {}),
    ...(statisticsOn ? {} : { statistics: { enabled: false } }),
  });
} catch (e) {
  if (e instanceof GatewayConfigError) fail(`bad configuration${configFile ? ` in ${configFile}` : ""}: ${e.message}`);
  const err = e as NodeJS.ErrnoException & { port?: number; address?: string };
  if (err.code === "EADDRINUSE") fail(`cannot listen on ${err.address ?? host ?? "127.0.0.1"}:${err.port ?? port ?? 8080}: the port is already in use (choose another with --port or PORT)`);
  if (err.code === "EACCES") fail(`cannot listen on ${err.address ?? host}:${err.port ?? port}: permission denied`);
  if (err.code === "EADDRNOTAVAIL") fail(`cannot listen on ${err.address ?? host}: the address is not available on this machine`);
  fail((err as Error).message ?? String(e));
}

const g = gateway;
const upstreams = g.mock ? `the embedded mock upstream (${g.mock.url})` : g.config.upstreams.map((u) => `${u.name} (${u.url.origin})`).join(", ");
process.stderr.write(
  `aistats-gateway listening on ${g.url} → ${upstreams}${statisticsOn ? "" : " (statistics off)"}\n` +
    `  try: curl -sN ${g.url}/v1/chat/completions -H 'content-type: application/json' -d '{"model":"gpt-4o","stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"Hello"}]}'\n` +
    `  then: curl -s ${g.url}/metrics   (records: one JSON line each on stdout)\n`,
);

let stopping = false;
for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.on(signal, () => {
    if (stopping) {
      process.stderr.write("aistats-gateway: second signal, exiting now\n");
      process.exit(1);
    }
    stopping = true;
    process.stderr.write(`aistats-gateway: ${signal}: draining open streams (up to ${g.config.limits.shutdownTimeoutMs} ms)\n`);
    g.close().then(
      async () => {
        await otel?.shutdown();
        process.exit(0);
      },
      (e: unknown) => fail(`shutdown: ${(e as Error).message}`),
    );
  });
}
