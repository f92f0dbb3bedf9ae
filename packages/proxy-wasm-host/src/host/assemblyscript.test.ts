// A real AssemblyScript 0.28 build, not hand-written WAT: the default build imports env.abort,
// which Envoy (and so this host) refuses; `--use abort=` removes it and the plugin runs.
import { readFileSync } from "node:fs";
import asc from "assemblyscript/asc";
import { describe, expect, it } from "vitest";
import { ProxyWasmHost } from "./proxy-wasm-host";
import { ProxyWasmLoadError } from "./load-module";

const source = readFileSync(new URL("../testing/as/trap-plugin.as.txt", import.meta.url), "utf8");

async function compile(extra: string[]): Promise<Uint8Array> {
  const r = await asc.compileString({ "plugin.ts": source }, { runtime: "stub", optimizeLevel: 1, ...(extra.length ? { use: extra } : {}) });
  if (r.error || !r.binary) throw new Error(r.stderr.toString());
  return r.binary;
}

describe("an AssemblyScript-built plugin", () => {
  it("is refused when it imports env.abort (AssemblyScript's default)", async () => {
    const err = await ProxyWasmHost.load(await compile([])).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProxyWasmLoadError);
    expect((err as ProxyWasmLoadError).message).toBe("Failed to load Wasm module due to a missing import: env.abort");
  });

  it("loads with --use abort=, logs from configure, and its throw is a trap that fails open", async () => {
    const host = await ProxyWasmHost.start(await compile(["abort="]));
    expect(host.logs.messages("info")).toEqual(["configured from AssemblyScript"]);
    const s = host.newHttpStream();
    s.requestHeaders({ ":method": "POST", ":path": "/" }, false);
    s.requestBody("ok", false);
    expect(host.failed).toBe(false);
    s.requestBody("too long", true);
    expect(host.vmFailure?.message).toBe("Function: proxy_on_request_body failed: Uncaught RuntimeError: unreachable");
    expect(s.upstream.bodyText).toBe("oktoo long");
  });
});
