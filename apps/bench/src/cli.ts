// pnpm bench throughput [--mb N] [--rounds N] [--seed N] [--workload openai,anthropic,gemini,escapes]
// pnpm bench memory [--exchanges N] [--exchange-mb N] [--concurrency N] [--seed N]
import { runMemory } from "./memory/run-memory.js";
import { runThroughput } from "./throughput/run-throughput.js";
import { WORKLOAD_NAMES, type WorkloadName } from "./throughput/workloads.js";

const suites = ["throughput", "memory"] as const;

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
  case "memory":
    process.exitCode = await runMemory({
      exchanges: Math.round(flag("exchanges", 10000)),
      exchangeBytes: Math.round(flag("exchange-mb", 1) * 1024 * 1024),
      concurrency: Math.round(flag("concurrency", 64)),
      seed: flag("seed", 42),
    });
    break;
  default:
    console.error(`bench: unknown suite ${suite ?? "(none)"}; suites: ${suites.join(", ")}`);
    process.exit(2);
}
