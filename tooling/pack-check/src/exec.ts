// Runs the commands of the pack check. A failing command fails the test with everything it
// printed, so a broken package shows why without a rerun.
import { spawn } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

export interface RunResult {
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  cwd: string;
  env?: Record<string, string>;
  timeoutMs?: number;
}

export class CommandError extends Error {
  constructor(
    readonly command: string,
    readonly code: number | null,
    readonly stdout: string,
    readonly stderr: string,
  ) {
    super(`${command} exited with ${code ?? "a signal"}\n--- stdout ---\n${stdout}\n--- stderr ---\n${stderr}`);
    this.name = "CommandError";
  }
}

/** Runs `file args…` in `cwd` (no shell, stdin closed); rejects with CommandError on a non-zero exit. */
export function run(file: string, args: readonly string[], options: RunOptions): Promise<RunResult> {
  const command = `(cd ${options.cwd} && ${[file, ...args].join(" ")})`;
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, {
      cwd: options.cwd,
      env: { ...process.env, ...options.env },
      stdio: ["ignore", "pipe", "pipe"],
      timeout: options.timeoutMs ?? 240_000,
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (s: string) => (stdout += s));
    child.stderr.setEncoding("utf8").on("data", (s: string) => (stderr += s));
    child.on("error", (e) => reject(new CommandError(command, null, stdout, `${stderr}\n${e.message}`)));
    child.on("close", (code) => {
      if (code === 0) resolve({ stdout, stderr });
      else reject(new CommandError(command, code, stdout, stderr));
    });
  });
}

/** Like run, but resolves with the failure instead of rejecting (for commands that must fail). */
export async function runExpectingFailure(file: string, args: readonly string[], options: RunOptions): Promise<CommandError> {
  try {
    const { stdout, stderr } = await run(file, args, options);
    throw new Error(`expected ${file} ${args.join(" ")} to fail, but it exited 0\n--- stdout ---\n${stdout}\n--- stderr ---\n${stderr}`);
  } catch (e) {
    if (e instanceof CommandError) return e;
    throw e;
  }
}

const created: string[] = [];

/** A new empty folder under the system temp dir (removed by removeFreshDirs). */
export async function freshDir(label: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), `aistats-pack-check-${label}-`));
  created.push(dir);
  return dir;
}

/** Removes every folder freshDir made. */
export async function removeFreshDirs(): Promise<void> {
  await Promise.all(created.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
}

/** Writes files (path relative to root → text), creating folders. */
export async function writeFiles(root: string, files: Record<string, string>): Promise<void> {
  for (const [path, text] of Object.entries(files)) {
    const file = join(root, path);
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, text);
  }
}

/**
 * npm as a user runs it, quiet about audits and funding — and offline: the published packages have
 * no runtime dependencies and the projects install only tarballs and folders, so nothing needs the
 * network (an unreachable or slow registry cannot slow the check, and a package that suddenly
 * needed a download would fail here, ENOTCACHED, instead of passing by fetching it).
 */
export function npm(args: readonly string[], cwd: string): Promise<RunResult> {
  return run("npm", [...args, "--offline", "--no-audit", "--no-fund", "--loglevel=error"], { cwd });
}

/**
 * pnpm: the one running this suite when it left its path in npm_execpath (pnpm sets it for the
 * scripts it runs), else the pnpm on PATH (the README's `npx --yes pnpm@10 …` puts it there).
 */
export function pnpm(args: readonly string[], cwd: string): Promise<RunResult> {
  const execPath = process.env.npm_execpath;
  if (execPath && /pnpm\.[cm]?js$/.test(execPath)) return run(process.execPath, [execPath, ...args], { cwd });
  return run("pnpm", args, { cwd });
}
