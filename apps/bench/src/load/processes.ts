// The processes of `pnpm bench load`: the gateway's mock upstream and the gateway itself (statistics
// on or off), each its own `node` process started from apps/gateway's build, pinned to a core with
// taskset where the machine allows; the gateway's RSS read from /proc while it runs.
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { once } from "node:events";
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { availableParallelism, tmpdir } from "node:os";
import { dirname, join } from "node:path";

/** apps/gateway's dist/ (built by `pnpm build`). */
export function gatewayDist(): string {
  return join(dirname(createRequire(import.meta.url).resolve("@aistats/gateway/package.json")), "dist");
}

/** Which cores the client (this process), the gateway and the upstream run on; null: not pinned. */
export interface Pinning {
  cores: number;
  client: number | null;
  gateway: number | null;
  upstream: number | null;
  /** What was done, in words, for the report. */
  note: string;
}

function hasTaskset(): boolean {
  return spawnSync("taskset", ["-p", String(process.pid)], { stdio: "ignore" }).status === 0;
}

/**
 * ≥ 3 cores: client 0, gateway 1, upstream 2. 2 cores: the gateway alone on core 1, the client and
 * the upstream sharing core 0. 1 core or no taskset: nothing pinned. `pinSelf` pins this process
 * (every thread) to the client's core.
 */
export function planPinning(pinSelf: boolean, cores = availableParallelism()): Pinning {
  if (!hasTaskset()) return { cores, client: null, gateway: null, upstream: null, note: "taskset not available: nothing pinned" };
  let p: Pinning;
  if (cores >= 3) p = { cores, client: 0, gateway: 1, upstream: 2, note: `${cores} cores: client on core 0, gateway on core 1, upstream on core 2` };
  else if (cores === 2) p = { cores, client: 0, gateway: 1, upstream: 0, note: "2 cores: the gateway alone on core 1; the client (autocannon, this process) and the mock upstream share core 0" };
  else return { cores, client: null, gateway: null, upstream: null, note: "1 core: nothing pinned" };
  if (pinSelf && p.client !== null) spawnSync("taskset", ["-a", "-p", "-c", String(p.client), String(process.pid)], { stdio: "ignore" });
  return p;
}

export interface Started {
  child: ChildProcess;
  pid: number;
  url: string;
  stderr(): string;
  stop(): Promise<void>;
}

function command(core: number | null, args: string[]): [string, string[]] {
  return core === null ? [process.execPath, args] : ["taskset", ["-c", String(core), process.execPath, ...args]];
}

async function waitFor(child: ChildProcess, pattern: RegExp, what: string, text: { value: string }): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    const onData = (c: Buffer) => {
      text.value += c.toString();
      const m = pattern.exec(text.value);
      if (m) {
        child.stderr!.off("data", onData);
        child.stderr!.on("data", (more: Buffer) => (text.value = (text.value + more.toString()).slice(-20_000)));
        resolve(m[1]!);
      }
    };
    child.stderr!.on("data", onData);
    child.once("exit", (code) => reject(new Error(`${what} exited (${code}) before it was ready: ${text.value.trim()}`)));
  });
}

function stopper(child: ChildProcess): () => Promise<void> {
  return async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const closed = once(child, "exit");
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), 15_000);
    await closed;
    clearTimeout(timer);
  };
}

/** `node dist/mock/cli.js 0` with MOCK_DELAY_MS=`delay` ("0": no delays; "20-40"). */
export async function startMock(delay: string, core: number | null): Promise<Started> {
  const [cmd, args] = command(core, [join(gatewayDist(), "mock/cli.js"), "0"]);
  const child = spawn(cmd, args, { env: { ...process.env, MOCK_DELAY_MS: delay }, stdio: ["ignore", "ignore", "pipe"] });
  const text = { value: "" };
  const url = await waitFor(child, /mock upstream on (http:\/\/\S+)/, "the mock upstream", text);
  return { child, pid: child.pid!, url, stderr: () => text.value, stop: stopper(child) };
}

export interface GatewayProcess extends Started {
  statistics: boolean;
  /** The file the gateway's stdout (one line per record) goes to; removed by stop(). */
  logFile: string;
}

/**
 * `node dist/cli.js --config <generated> --statistics on|off` routing everything to `upstreamUrl`,
 * with room for `streams` requests in flight (limits and the upstream pool). stdout goes to a file.
 */
export async function startGatewayProcess(upstreamUrl: string, statistics: boolean, core: number | null, streams = 4096): Promise<GatewayProcess> {
  const dir = mkdtempSync(join(tmpdir(), "aistats-load-"));
  const config = join(dir, "gateway.yaml");
  writeFileSync(
    config,
    [
      "upstreams:",
      "  - name: mock",
      `    url: ${upstreamUrl}`,
      `    connections: ${streams}`,
      "routes:",
      "  - upstream: mock",
      "limits:",
      `  max_concurrent_streams: ${streams}`,
      "",
    ].join("\n"),
  );
  const logFile = join(dir, "records.jsonl");
  const out = openSync(logFile, "w");
  const [cmd, args] = command(core, [join(gatewayDist(), "cli.js"), "--config", config, "--port", "0", "--statistics", statistics ? "on" : "off"]);
  const child = spawn(cmd, args, { env: { ...process.env, OTEL_EXPORTER_OTLP_ENDPOINT: "" }, stdio: ["ignore", out, "pipe"] });
  closeSync(out);
  const text = { value: "" };
  const url = await waitFor(child, /listening on (http:\/\/\S+)/, `the gateway (statistics ${statistics ? "on" : "off"})`, text);
  const stop = stopper(child);
  return {
    child,
    pid: child.pid!,
    url,
    statistics,
    logFile,
    stderr: () => text.value,
    async stop() {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Resident set size of a process in bytes (Linux /proc), or null when it cannot be read. */
export function rssBytes(pid: number): number | null {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) * 1024 : null;
  } catch {
    return null;
  }
}

/** Samples a process's RSS every `everyMs` until stopped: [ms since start, bytes][]. */
export function sampleRss(pid: number, everyMs = 250): { samples: [number, number][]; mark(): number; stop(): [number, number][] } {
  const t0 = performance.now();
  const samples: [number, number][] = [];
  const take = () => {
    const b = rssBytes(pid);
    if (b !== null) samples.push([Math.round(performance.now() - t0), b]);
  };
  take();
  const timer = setInterval(take, everyMs);
  return {
    samples,
    /** ms since the sampler started, for phase boundaries. */
    mark: () => Math.round(performance.now() - t0),
    stop() {
      clearInterval(timer);
      take();
      return samples;
    },
  };
}
