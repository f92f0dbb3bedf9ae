// pnpm bench throughput [--mb N] [--rounds N] [--seed N] [--workload openai,anthropic,gemini,escapes]
// pnpm bench memory [--exchanges N] [--exchange-mb N] [--concurrency N] [--seed N]
// pnpm bench memory --sweep [1,64,1000,5000] [--exchange-mb 0.0625] [--seed N]
// pnpm bench load [--connections 1,16,64,256] [--rates 0] [--rate-connections 16] [--seconds 5] [--warmup 1] [--rounds 3] [--modes stream,json]
//                 [--long-streams 1000] [--long-seconds 60] [--long-delay 20-40] [--long-off yes|no]
import { DEFAULT_LOAD, runLoad } from "./load/run-load.js";
import { runMemory } from "./memory/run-memory.js";
import { DEFAULT_CONCURRENCIES, runSweep } from "./memory/run-sweep.js";
import { runThroughput } from "./throughput/run-throughput.js";
import { WORKLOAD_NAMES, type WorkloadName } from "./throughput/workloads.js";

const suites = ["throughput", "memory", "load"] as const;

function flag(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  if (at === -1) return fallback;
  const value = Number(process.argv[at + 1]);
  if (!Number.isFinite(value) || value <= 0) {
    console.error(`bench: --${name} needs a positive number`);
    process.exit(2);
  }
  return value;
}

function workloads(): readonly WorkloadName[] {
  const at = process.argv.indexOf("--workload");
  if (at === -1) return WORKLOAD_NAMES;
  const names = (process.argv[at + 1] ?? "").split(",").filter((n) => n !== "");
  const unknown = names.filter((n) => !(WORKLOAD_NAMES as readonly string[]).includes(n));
  if (names.length === 0 || unknown.length > 0) {
    console.error(`bench: --workload takes names from ${WORKLOAD_NAMES.join(", ")}, comma-separated`);
    process.exit(2);
  }
  return names as WorkloadName[];
}

function text(name: string, fallback: string): string {
  const at = process.argv.indexOf(`--${name}`);
  if (at === -1) return fallback;
  const value = process.argv[at + 1];
  if (value === undefined || value.startsWith("--")) {
    console.error(`bench: --${name} needs a value`);
    process.exit(2);
  }
  return value;
}

function list(name: string, fallback: number[]): number[] {
  const values = text(name, fallback.join(",")).split(",").map(Number);
  if (!values.length || values.some((v) => !Number.isInteger(v) || v <= 0)) {
    console.error(`bench: --${name} needs positive integers separated by commas`);
    process.exit(2);
  }
  return values;
}

const suite = process.argv[2];
switch (suite) {
  case "throughput":
    await runThroughput({
      bytes: flag("mb", 64) * 1024 * 1024,
      rounds: flag("rounds", 5),
      seed: flag("seed", 42),
      workloads: workloads(),
    });
    break;
  case "memory": {
    const sweepAt = process.argv.indexOf("--sweep");
    if (sweepAt !== -1) {
      const next = process.argv[sweepAt + 1];
      const concurrencies = next !== undefined && /^\d+(,\d+)*$/.test(next) ? next.split(",").map(Number) : DEFAULT_CONCURRENCIES;
      process.exitCode = await runSweep(concurrencies, Math.round(flag("exchange-mb", 1 / 16) * 1024 * 1024), flag("seed", 42));
      break;
    }
    process.exitCode = await runMemory({
      exchanges: Math.round(flag("exchanges", 10000)),
      exchangeBytes: Math.round(flag("exchange-mb", 1) * 1024 * 1024),
      concurrency: Math.round(flag("concurrency", 64)),
      seed: flag("seed", 42),
    });
    break;
  }
  case "load": {
    const modes = text("modes", DEFAULT_LOAD.modes.join(",")).split(",");
    if (!modes.every((m) => m === "stream" || m === "json")) {
      console.error("bench: --modes takes stream, json or both (stream,json)");
      process.exit(2);
    }
    const longStreams = text("long-streams", String(DEFAULT_LOAD.longStreams));
    const warmup = Number(text("warmup", String(DEFAULT_LOAD.warmupSeconds)));
    if (!Number.isFinite(warmup) || warmup < 0) {
      console.error("bench: --warmup needs a number of seconds ≥ 0");
      process.exit(2);
    }
    const result = await runLoad({
      ...DEFAULT_LOAD,
      connections: list("connections", DEFAULT_LOAD.connections),
      rates: ["0", ""].includes(text("rates", DEFAULT_LOAD.rates.join(",") || "0")) ? [] : list("rates", DEFAULT_LOAD.rates),
      rateConnections: Math.round(flag("rate-connections", DEFAULT_LOAD.rateConnections)),
      seconds: flag("seconds", DEFAULT_LOAD.seconds),
      warmupSeconds: warmup,
      rounds: Math.round(flag("rounds", DEFAULT_LOAD.rounds)),
      modes: modes as ("stream" | "json")[],
      longStreams: longStreams === "0" ? 0 : Math.round(flag("long-streams", DEFAULT_LOAD.longStreams)),
      longSeconds: flag("long-seconds", DEFAULT_LOAD.longSeconds),
      longDelay: text("long-delay", DEFAULT_LOAD.longDelay),
      longOff: text("long-off", "yes") !== "no",
    });
    process.exitCode = result.problems.length ? 1 : 0;
    break;
  }
  default:
    console.error(`bench: unknown suite ${suite ?? "(none)"}; suites: ${suites.join(", ")}`);
    process.exit(2);
}
