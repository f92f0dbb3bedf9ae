// `pnpm conformance --adapter <name|all> [--cases DIR] [--resplit N] [--seed S] [--filter TEXT]
//  [--fixture FILE] [--concurrent] [--timeout MS]`: runs the case set, prints each failing case
// with its diff and ends with the line `N passed, N failed`; exits 1 on any failure, 2 on a usage
// error. Relative paths are resolved against the directory the user ran pnpm from (INIT_CWD),
// not this package's directory, where pnpm runs the script.
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { resolveAdapterNames, ADAPTERS } from "./adapters/index.js";
import { DEFAULT_CASES_DIR } from "./load-cases.js";
import { runConformance } from "./run-cases.js";

export interface CliIo {
  readonly cwd: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly stdout: (line: string) => void;
  readonly stderr: (line: string) => void;
}

const USAGE = `usage: pnpm conformance --adapter <${[...Object.keys(ADAPTERS), "all"].join("|")}> [options]
  --cases DIR      case directory (default: packages/conformance/cases)
  --resplit N      re-cut every case's request and response bytes at N extra seeded boundaries
  --seed S         seed for --resplit (default 1)
  --filter TEXT    only cases whose file or name contains TEXT
  --fixture FILE   recorded results for the fixture adapter
  --concurrent     replay the cases interleaved on one host where the adapter has a concurrent
                   mode: every exchange open at once, each starting together and keeping its own
                   durations, their calls taken in clock order and in turn at equal times
                   (proxy-wasm: the cases sharing a configuration, as streams of one VM); an
                   adapter without one (core-wasm) runs its cases one after another and says so
  --timeout MS     per-case time limit (default 30000)`;

class UsageError extends Error {}

function nonNegativeInteger(value: string | undefined, flag: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new UsageError(`${flag} needs a non-negative integer, got "${value}"`);
  return n;
}

export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const base = io.env.INIT_CWD ?? io.cwd;
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      options: {
        adapter: { type: "string" },
        cases: { type: "string" },
        resplit: { type: "string" },
        seed: { type: "string" },
        filter: { type: "string" },
        fixture: { type: "string" },
        concurrent: { type: "boolean" },
        timeout: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
      allowPositionals: false,
      strict: true,
    }).values;
  } catch (error) {
    io.stderr(`conformance: ${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  if (parsed.help === true) {
    io.stdout(USAGE);
    return 0;
  }
  let adapters: string[];
  let resplit: { cuts: number; seed: number } | null;
  let timeoutMs: number;
  try {
    if (parsed.adapter === undefined) throw new UsageError("--adapter is required");
    adapters = resolveAdapterNames(parsed.adapter);
    const cuts = parsed.resplit === undefined ? null : nonNegativeInteger(parsed.resplit, "--resplit", 0);
    if (parsed.seed !== undefined && cuts === null) throw new UsageError("--seed only applies with --resplit N");
    resplit = cuts === null ? null : { cuts, seed: nonNegativeInteger(parsed.seed, "--seed", 1) };
    timeoutMs = nonNegativeInteger(parsed.timeout, "--timeout", 30_000);
  } catch (error) {
    io.stderr(`conformance: ${(error as Error).message}${error instanceof UsageError ? `\n${USAGE}` : ""}`);
    return 2;
  }

  const summary = await runConformance({
    casesDir: parsed.cases === undefined ? DEFAULT_CASES_DIR : resolve(base, parsed.cases),
    adapters,
    adapterOptions: parsed.fixture === undefined ? {} : { fixture: resolve(base, parsed.fixture) },
    resplit,
    ...(parsed.filter === undefined ? {} : { filter: parsed.filter }),
    concurrent: parsed.concurrent === true,
    timeoutMs,
    print: io.stdout,
  });
  io.stdout(`${summary.passed} passed, ${summary.failed} failed`);
  return summary.failed > 0 || summary.passed === 0 ? 1 : 0;
}
