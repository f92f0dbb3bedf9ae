// The runner: loads the cases, optionally re-cuts them (--resplit), replays them through each
// adapter, matches every result and reports each failing case with its diff. The caller prints
// the closing `N passed, N failed` line from the returned summary.
import type { AdapterOptions, ConformanceAdapter, ExchangeResult } from "./adapter.js";
import { createAdapter } from "./adapters/index.js";
import type { CaseScript } from "./case-format.js";
import { loadCaseSet } from "./load-cases.js";
import { matchCase, type Mismatch } from "./match.js";
import { resplitCase } from "./resplit.js";

export interface RunOptions {
  readonly casesDir: string;
  /** Already resolved (see resolveAdapterNames): no `all`. */
  readonly adapters: readonly string[];
  readonly adapterOptions: AdapterOptions;
  readonly resplit: { readonly cuts: number; readonly seed: number } | null;
  /** Only cases whose id or name contains this text. */
  readonly filter?: string;
  /**
   * Replay all cases at once through runConcurrent where the adapter has it (interleaved on one
   * host: exchange-steps.ts); an adapter without it runs its cases one after another, and a line
   * says so.
   */
  readonly concurrent?: boolean;
  /** A case whose adapter takes longer than this fails. */
  readonly timeoutMs?: number;
  /** Receives each report line. */
  readonly print: (line: string) => void;
}

export interface RunSummary {
  readonly passed: number;
  readonly failed: number;
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

type Outcome = { result: ExchangeResult } | { error: string };

async function replay(adapter: ConformanceAdapter, scripts: readonly CaseScript[], options: RunOptions): Promise<Outcome[]> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  if (options.concurrent === true && adapter.runConcurrent !== undefined) {
    try {
      const results = await withTimeout(adapter.runConcurrent(scripts), timeoutMs * Math.max(1, scripts.length), "runConcurrent");
      if (results.length !== scripts.length) throw new Error(`runConcurrent returned ${results.length} results for ${scripts.length} cases`);
      return results.map((result) => ({ result }));
    } catch (error) {
      const message = `adapter failed: ${(error as Error).message}`;
      return scripts.map(() => ({ error: message }));
    }
  }
  if (options.concurrent === true) options.print(`(adapter ${adapter.name}: no concurrent mode; its cases run one after another)`);
  const outcomes: Outcome[] = [];
  for (const script of scripts) {
    try {
      outcomes.push({ result: await withTimeout(adapter.run(script), timeoutMs, "the adapter") });
    } catch (error) {
      outcomes.push({ error: `adapter threw: ${(error as Error).stack ?? String(error)}` });
    }
  }
  return outcomes;
}

function reportFailure(print: (line: string) => void, adapter: string, script: CaseScript, mismatches: readonly Mismatch[]): void {
  print(`FAIL [${adapter}] ${script.id} — ${script.name}`);
  if (script.resplit !== null) print(`  (resplit ${script.resplit.cuts} cuts, seed ${script.resplit.seed})`);
  for (const m of mismatches) print(`  ${m.path}: ${m.message}`);
}

export async function runConformance(options: RunOptions): Promise<RunSummary> {
  const { print } = options;
  const { scripts: loaded, problems } = await loadCaseSet(options.casesDir);
  let failed = 0;
  let passed = 0;

  // A malformed case is a failure of the case set itself, reported once whatever the adapters.
  const badFiles = new Map<string, string[]>();
  for (const p of problems) badFiles.set(p.file, [...(badFiles.get(p.file) ?? []), `${p.field === "" ? "" : `${p.field}: `}${p.message}`]);
  for (const [file, messages] of badFiles) {
    failed++;
    print(`FAIL ${file} — malformed case`);
    for (const m of messages) print(`  ${m}`);
  }

  const filter = options.filter;
  const selected = filter === undefined ? loaded : loaded.filter((s) => s.id.includes(filter) || s.name.includes(filter));
  const scripts = options.resplit === null ? selected : selected.map((s) => resplitCase(s, options.resplit!.cuts, options.resplit!.seed));
  const resplitNote = options.resplit === null ? "" : `, resplit ${options.resplit.cuts} cuts seed ${options.resplit.seed}`;

  for (const name of options.adapters) {
    print(`conformance: ${scripts.length} case(s) through adapter ${name}${resplitNote}`);
    let adapter: ConformanceAdapter;
    try {
      adapter = await createAdapter(name, options.adapterOptions);
      await adapter.setup?.();
    } catch (error) {
      print(`FAIL [${name}] adapter could not start: ${(error as Error).message}`);
      failed += Math.max(1, scripts.length);
      continue;
    }
    let adapterPassed = 0;
    let adapterFailed = 0;
    try {
      const outcomes = await replay(adapter, scripts, options);
      outcomes.forEach((outcome, i) => {
        const script = scripts[i]!;
        const mismatches = "error" in outcome ? [{ path: "adapter", message: outcome.error }] : matchCase(script, outcome.result).mismatches;
        if (mismatches.length === 0) adapterPassed++;
        else {
          adapterFailed++;
          reportFailure(print, adapter.name, script, mismatches);
        }
      });
    } finally {
      try {
        await adapter.teardown?.();
      } catch (error) {
        print(`FAIL [${name}] teardown: ${(error as Error).message}`);
        adapterFailed++;
      }
    }
    // Not in the `N passed, N failed` shape: only the caller's closing line may look like that.
    print(`(adapter ${name}: ${adapterPassed} ok, ${adapterFailed} failing)`);
    passed += adapterPassed;
    failed += adapterFailed;
  }
  return { passed, failed };
}
