// workerd for a Worker that fetches a loopback upstream. @aistats/runtimes' startWorkerd leaves
// the global outbound at workerd's default (`internet`: public addresses only), where a fetch to
// 127.0.0.1 fails with "connecting to 127.0.0.1:… is not allowed"; this config is the same but
// declares `internet` itself with loopback and private addresses allowed. Binary, free port and
// the wait for the first answer as @aistats/runtimes has them.
import { spawn } from "node:child_process";
import { copyFile, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DEFAULT_COMPATIBILITY_DATE, freePort, runtimeBinary, type RunningServer } from "@aistats/runtimes";

export async function startWorkerdWithLoopback(options: { script: string; bindings?: Record<string, string> }): Promise<RunningServer> {
  const dir = await mkdtemp(join(tmpdir(), "aistats-edge-workerd-"));
  await copyFile(options.script, join(dir, "worker.mjs"));
  const bindings = Object.entries(options.bindings ?? {});
  for (const [i, [, value]] of bindings.entries()) await writeFile(join(dir, `binding-${i}.txt`), value);
  const port = await freePort();
  await writeFile(
    join(dir, "config.capnp"),
    `using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [
    (name = "main", worker = .worker),
    (name = "internet", network = (allow = ["public", "private", "local"])),
  ],
  sockets = [(name = "http", address = "127.0.0.1:${port}", http = (), service = "main")],
);

const worker :Workerd.Worker = (
  modules = [(name = "worker.mjs", esModule = embed "worker.mjs")],
  compatibilityDate = ${JSON.stringify(DEFAULT_COMPATIBILITY_DATE)},
  bindings = [${bindings.map(([name], i) => `(name = ${JSON.stringify(name)}, text = embed "binding-${i}.txt")`).join(", ")}],
);
`,
  );
  let out = "";
  let exited: string | null = null;
  const child = spawn(runtimeBinary("workerd"), ["serve", "--verbose", join(dir, "config.capnp")], {
    cwd: dir,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? dir, PWD: dir },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const kill = (): void => void child.kill("SIGKILL");
  process.once("exit", kill); // never left running after the test process
  child.once("exit", () => process.off("exit", kill));
  child.stdout.setEncoding("utf8").on("data", (s: string) => void (out += s));
  child.stderr.setEncoding("utf8").on("data", (s: string) => void (out += s));
  const gone = new Promise<void>((resolve) => child.once("exit", (code, signal) => ((exited = `exited with ${signal ?? code}`), resolve())));
  const stop = async (): Promise<void> => {
    if (exited === null) {
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 2_000);
      await gone;
      clearTimeout(timer);
    }
    await rm(dir, { recursive: true, force: true });
  };
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 20_000;
  // Up when workerd says it listens (it binds the socket first): no probe request, which the
  // example would forward upstream and record.
  while (exited === null && Date.now() < deadline) {
    if (out.includes("Listening on")) return { url, output: () => out, stop };
    await new Promise((r) => setTimeout(r, 25));
  }
  await stop();
  throw new Error(`workerd ${exited ?? "did not start within 20 s"}; its output:\n${out}`);
}
