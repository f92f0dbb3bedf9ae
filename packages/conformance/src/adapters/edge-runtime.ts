// The `edge:workerd`, `edge:deno` and `edge:bun` adapters: the portable player (src/edge/player.ts)
// runs inside the runtime itself. setup() bundles that runtime's harness entry with esbuild (no
// Node built-ins: a `node:` import would fail the bundle) and starts the runtime once through
// @aistats/runtimes on a loopback port; each case is POSTed to it as JSON (bytes as base64,
// src/edge/wire.ts) and its ExchangeResult decoded from the answer; teardown() stops it.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { bundle, startBun, startDeno, startWorkerd, type RunningServer } from "@aistats/runtimes";
import { defineAdapter, type AdapterFactory } from "../adapter.js";
import { decodeAnswer, encodeScript } from "../edge/wire.js";

export type EdgeRuntime = "workerd" | "deno" | "bun";

/** workerd's compatibility date for the harness: recent, and no compatibility flags (no nodejs_compat). */
export const HARNESS_COMPATIBILITY_DATE = "2026-11-01";

const start: Record<EdgeRuntime, (script: string) => Promise<RunningServer>> = {
  workerd: (script) => startWorkerd({ script, compatibilityDate: HARNESS_COMPATIBILITY_DATE }),
  deno: (script) => startDeno(script),
  bun: (script) => startBun(script),
};

export function runtimeAdapter(runtime: EdgeRuntime): AdapterFactory {
  return defineAdapter(() => {
    let server: RunningServer | null = null;
    let dir: string | null = null;
    return {
      name: `edge:${runtime}`,
      async setup() {
        const entry = fileURLToPath(new URL(`../edge/harness-${runtime}.ts`, import.meta.url));
        dir = await mkdtemp(join(tmpdir(), `aistats-edge-${runtime}-`));
        server = await start[runtime](await bundle(entry, { outfile: join(dir, "harness.mjs") }));
      },
      async teardown() {
        await server?.stop();
        server = null;
        if (dir !== null) await rm(dir, { recursive: true, force: true });
        dir = null;
      },
      async run(script) {
        if (server === null) throw new Error(`edge:${runtime} is not running (setup failed)`);
        let text: string;
        try {
          const res = await fetch(server.url + "/case", { method: "POST", body: encodeScript(script), headers: { "content-type": "application/json" } });
          text = await res.text();
          if (!res.ok) throw new Error(`HTTP ${res.status}: ${text}`);
        } catch (error) {
          throw new Error(`${runtime} harness: ${(error as Error).message}\n${runtime} output:\n${server.output().slice(-4000)}`, { cause: error });
        }
        return decodeAnswer(text, runtime);
      },
    };
  });
}
