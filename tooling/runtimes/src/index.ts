// @aistats/runtimes: test tooling that runs a module in workerd, Deno or Bun, the way a test needs
// it — bundled by esbuild without Node built-ins, served on a free loopback port, its console
// output kept, stopped for sure. The runtimes are this package's npm dependencies: their
// binaries ship inside per-platform packages (@cloudflare/workerd-*, @deno/*, @oven/bun-*) that
// are resolved directly, so nothing needs their install scripts and nothing is downloaded.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { createServer, type AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { build } from "esbuild";

const require = createRequire(import.meta.url);

/** The workerd compatibility date used when none is given (not after the binary's own date). */
export const DEFAULT_COMPATIBILITY_DATE = "2026-11-01";
/** How long a runtime may take to answer its first request. */
const START_TIMEOUT_MS = 20_000;

export interface BundleOptions {
  /** Where to write the bundle; default: `bundle.mjs` in a new temp dir. */
  outfile?: string;
  /** esbuild `define` (identifier → JS expression text). */
  define?: Record<string, string>;
}

/**
 * Bundles `entry` and everything it imports into one ES module for a web-platform runtime
 * (platform neutral, the `workerd` / `worker` / `browser` export conditions). A `node:` import —
 * or any Node built-in — fails the bundle: what bundles here runs without Node. Returns the
 * output file's path.
 */
export async function bundle(entry: string, options: BundleOptions = {}): Promise<string> {
  const outfile = options.outfile ?? join(await mkdtemp(join(tmpdir(), "aistats-bundle-")), "bundle.mjs");
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    format: "esm",
    platform: "neutral",
    target: "es2022",
    conditions: ["workerd", "worker", "browser", "import", "default"],
    mainFields: ["module", "main"],
    define: options.define ?? {},
    logLevel: "silent",
    sourcemap: false,
  });
  return outfile;
}

/** A runtime serving on loopback. */
export interface RunningServer {
  /** `http://127.0.0.1:PORT` (no trailing slash). */
  readonly url: string;
  /** Everything the runtime wrote to stdout and stderr so far (console.log lands here). */
  output(): string;
  /** Stops the runtime (SIGTERM, then SIGKILL) and removes its temp files. */
  stop(): Promise<void>;
}

const platformKey = `${process.platform}-${process.arch}`;
/** Per-platform package and the binary's path in it, per runtime. */
const BINARIES: Record<string, { owner: string; packages: Record<string, string[]>; file: string }> = {
  workerd: {
    owner: "workerd",
    packages: {
      "linux-x64": ["@cloudflare/workerd-linux-64"],
      "linux-arm64": ["@cloudflare/workerd-linux-arm64"],
      "darwin-x64": ["@cloudflare/workerd-darwin-64"],
      "darwin-arm64": ["@cloudflare/workerd-darwin-arm64"],
    },
    file: "bin/workerd",
  },
  deno: {
    owner: "deno",
    packages: {
      "linux-x64": ["@deno/linux-x64-glibc", "@deno/linux-x64-musl"],
      "linux-arm64": ["@deno/linux-arm64-glibc", "@deno/linux-arm64-musl"],
      "darwin-x64": ["@deno/darwin-x64"],
      "darwin-arm64": ["@deno/darwin-arm64"],
    },
    file: "deno",
  },
  bun: {
    owner: "bun",
    packages: {
      "linux-x64": ["@oven/bun-linux-x64", "@oven/bun-linux-x64-baseline", "@oven/bun-linux-x64-musl"],
      "linux-arm64": ["@oven/bun-linux-aarch64", "@oven/bun-linux-aarch64-musl"],
      "darwin-x64": ["@oven/bun-darwin-x64", "@oven/bun-darwin-x64-baseline"],
      "darwin-arm64": ["@oven/bun-darwin-aarch64"],
    },
    file: "bin/bun",
  },
};

/**
 * The path of a runtime's binary: from its per-platform package (an optional dependency of the
 * `workerd` / `deno` / `bun` package, which npm and pnpm install without any install script).
 */
export function runtimeBinary(name: "workerd" | "deno" | "bun"): string {
  const spec = BINARIES[name]!;
  const ownerRequire = createRequire(require.resolve(`${spec.owner}/package.json`));
  for (const pkg of spec.packages[platformKey] ?? []) {
    let dir: string;
    try {
      dir = dirname(ownerRequire.resolve(`${pkg}/package.json`));
    } catch {
      continue;
    }
    const file = join(dir, spec.file);
    if (existsSync(file)) return file;
  }
  throw new Error(`no ${name} binary for ${platformKey}: none of ${JSON.stringify(spec.packages[platformKey] ?? [])} is installed next to the ${spec.owner} package`);
}

/** A port that was free a moment ago (the OS's pick for port 0 on 127.0.0.1). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((res, rej) => {
    server.once("error", rej);
    server.listen(0, "127.0.0.1", () => res());
  });
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((res) => server.close(() => res()));
  return port;
}

const live = new Set<ChildProcess>();
let exitHook = false;
function track(child: ChildProcess): void {
  live.add(child);
  child.once("exit", () => live.delete(child));
  if (!exitHook) {
    exitHook = true;
    process.once("exit", () => {
      for (const c of live) c.kill("SIGKILL");
    });
  }
}

interface Launch {
  readonly what: string;
  readonly command: string;
  readonly args: readonly string[];
  readonly env: Record<string, string>;
  readonly cwd: string;
  /**
   * Up when the runtime's output contains this (it says so once its socket is bound), instead of
   * when `url` answers a probe request — which a Worker under test would handle like any other.
   */
  readonly readyOutput?: string;
}

/** Spawns the runtime and waits until it is up: `readyOutput` seen, or else `url` answering any HTTP request. */
async function launch(make: (port: number) => Promise<Launch>, cleanup: () => Promise<void>): Promise<RunningServer> {
  let lastError: Error | null = null;
  // A port picked free can be taken before the runtime binds it (parallel tests): try again.
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const spec = await make(port);
    const url = `http://127.0.0.1:${port}`;
    let out = "";
    const child = spawn(spec.command, spec.args, { cwd: spec.cwd, env: spec.env, stdio: ["ignore", "pipe", "pipe"] });
    track(child);
    child.stdout!.setEncoding("utf8").on("data", (s: string) => void (out += s));
    child.stderr!.setEncoding("utf8").on("data", (s: string) => void (out += s));
    let exited: string | null = null;
    const exitedPromise = new Promise<void>((res) => {
      child.once("exit", (code, signal) => {
        exited = `exited with ${signal ?? `code ${code}`}`;
        res();
      });
      child.once("error", (e) => {
        exited = `failed to start: ${e.message}`;
        res();
      });
    });
    const stop = async (): Promise<void> => {
      if (exited === null) {
        child.kill("SIGTERM");
        const timer = setTimeout(() => child.kill("SIGKILL"), 2_000);
        await exitedPromise;
        clearTimeout(timer);
      }
      await cleanup();
    };
    const deadline = Date.now() + START_TIMEOUT_MS;
    let up = false;
    while (exited === null && Date.now() < deadline) {
      if (spec.readyOutput !== undefined) {
        if (out.includes(spec.readyOutput)) {
          up = true;
          break;
        }
        await new Promise((r) => setTimeout(r, 25));
        continue;
      }
      try {
        const res = await fetch(url + "/", { signal: AbortSignal.timeout(1_000) });
        await res.body?.cancel();
        up = true;
        break;
      } catch {
        await new Promise((r) => setTimeout(r, 50));
      }
    }
    if (up) return { url, output: () => out, stop };
    const reason = exited ?? `did not answer on ${url} within ${START_TIMEOUT_MS / 1000} s`;
    await stop().catch(() => {});
    lastError = new Error(`${spec.what} ${reason}; its output:\n${out}`);
    if (exited === null || !/address (already )?in use|EADDRINUSE/i.test(out)) break;
  }
  throw lastError!;
}

const baseEnv = (): Record<string, string> => {
  const env: Record<string, string> = {};
  for (const k of ["PATH", "HOME", "TMPDIR", "LANG", "TZ"]) if (process.env[k] !== undefined) env[k] = process.env[k]!;
  return env;
};

export interface WorkerdOptions {
  /** Path of an ES module (bundled: one file) whose default export has `fetch(request, env, ctx)`. */
  script: string;
  /** Text bindings: each becomes `env.NAME` in the worker. */
  bindings?: Record<string, string>;
  /** Default DEFAULT_COMPATIBILITY_DATE. No compatibility flags are set (no nodejs_compat). */
  compatibilityDate?: string;
  /**
   * Let the worker's fetch reach loopback and private addresses (a test upstream on 127.0.0.1).
   * Default false: workerd's own default outbound, public addresses only.
   */
  allowLocalNetwork?: boolean;
}

const capnpString = (s: string): string => JSON.stringify(s);

/**
 * Serves `script` from `workerd serve` (a generated capnp config in a temp dir: one service with
 * the ES module worker, one HTTP socket on 127.0.0.1). `--verbose` makes console.log visible
 * in output().
 */
export async function startWorkerd(options: WorkerdOptions): Promise<RunningServer> {
  const dir = await mkdtemp(join(tmpdir(), "aistats-workerd-"));
  const script = resolve(options.script);
  const bindings = Object.entries(options.bindings ?? {});
  for (const [i, [, value]] of bindings.entries()) await writeFile(join(dir, `binding-${i}.txt`), value);
  const bindingList = bindings.map(([name], i) => `(name = ${capnpString(name)}, text = embed "binding-${i}.txt")`).join(", ");
  return launch(
    async (port) => {
      const config = `using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [(name = "main", worker = .worker)${options.allowLocalNetwork === true ? ', (name = "internet", network = (allow = ["public", "private", "local"]))' : ""}],
  sockets = [(name = "http", address = ${capnpString(`127.0.0.1:${port}`)}, http = (), service = "main")],
);

const worker :Workerd.Worker = (
  modules = [(name = "worker.mjs", esModule = embed ${capnpString(relative(dir, script))})],
  compatibilityDate = ${capnpString(options.compatibilityDate ?? DEFAULT_COMPATIBILITY_DATE)},
  bindings = [${bindingList}],
);
`;
      await writeFile(join(dir, "config.capnp"), config);
      // workerd binds its socket before it says "Listening on": no probe request reaches the worker.
      return { what: "workerd", command: runtimeBinary("workerd"), args: ["serve", "--verbose", join(dir, "config.capnp")], env: baseEnv(), cwd: dir, readyOutput: "Listening on" };
    },
    () => rm(dir, { recursive: true, force: true }),
  );
}

export interface ProcessOptions {
  /** Extra environment variables for the script (PORT is set by the launcher). */
  env?: Record<string, string>;
}

/**
 * Runs `deno run --allow-net --allow-env --no-prompt FILE` with a temp DENO_DIR. The script must
 * serve HTTP on 127.0.0.1 at the port in the PORT environment variable
 * (`Deno.serve({ hostname: "127.0.0.1", port: Number(Deno.env.get("PORT")) }, handler)`).
 */
export async function startDeno(file: string, options: ProcessOptions & { args?: string[] } = {}): Promise<RunningServer> {
  const dir = await mkdtemp(join(tmpdir(), "aistats-deno-"));
  return launch(
    async (port) => ({
      what: "deno",
      command: runtimeBinary("deno"),
      args: ["run", "--allow-net", "--allow-env", "--no-prompt", resolve(file), ...(options.args ?? [])],
      env: { ...baseEnv(), ...options.env, PORT: String(port), DENO_DIR: dir, DENO_NO_UPDATE_CHECK: "1", NO_COLOR: "1" },
      cwd: dir,
    }),
    () => rm(dir, { recursive: true, force: true }),
  );
}

/**
 * Runs `bun run --no-install FILE` with a temp install cache. The script must serve HTTP on
 * 127.0.0.1 at the port in the PORT environment variable
 * (`Bun.serve({ hostname: "127.0.0.1", port: Number(process.env.PORT), fetch })`).
 */
export async function startBun(file: string, options: ProcessOptions = {}): Promise<RunningServer> {
  const dir = await mkdtemp(join(tmpdir(), "aistats-bun-"));
  return launch(
    async (port) => ({
      what: "bun",
      command: runtimeBinary("bun"),
      args: ["run", "--no-install", resolve(file)],
      env: { ...baseEnv(), ...options.env, PORT: String(port), BUN_INSTALL_CACHE_DIR: dir, DO_NOT_TRACK: "1", NO_COLOR: "1" },
      cwd: dir,
    }),
    () => rm(dir, { recursive: true, force: true }),
  );
}
