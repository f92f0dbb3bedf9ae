// The adapter registry: name → lazily imported module whose default export is an AdapterFactory
// (see adapter.ts). Lazy, so `--adapter fixture` never loads a wasm host and a host's
// dependencies are only needed when it runs. To add a host, add one entry here.
import type { AdapterFactory, AdapterOptions, ConformanceAdapter } from "../adapter.js";

export interface AdapterEntry {
  /** One line for `--help` and for the unknown-adapter error. */
  readonly description: string;
  /** Imports the adapter module. */
  readonly load: () => Promise<{ default: AdapterFactory }>;
  /** Whether `--adapter all` runs it (test-only adapters say false). */
  readonly inAll: boolean;
}

export const ADAPTERS: Readonly<Record<string, AdapterEntry>> = {
  fixture: {
    description: "replays results recorded in a JSON file (--fixture FILE); tests the runner itself",
    load: () => import("./fixture.js"),
    inAll: false,
  },
  core: {
    description: "the stats-core engine, JavaScript build, driven through @aistats/host (what Node and edge hosts use)",
    load: () => import("./core.js"),
    inAll: true,
  },
  "core-wasm": {
    description: "the stats-core engine, wasm build (stats-core's build/core-test.wasm, made by its build; no concurrent mode)",
    load: () => import("./core-wasm.js"),
    inAll: true,
  },
  "proxy-wasm": {
    description: "@aistats/proxy-wasm's plugin.wasm in the Envoy-faithful @aistats/proxy-wasm-host (made by their builds)",
    load: () => import("./proxy-wasm.js"),
    inAll: true,
  },
  node: {
    description: "@aistats/node's middleware in a real node:http proxy, over loopback HTTP between a real client and upstream",
    load: () => import("./node.js"),
    inAll: true,
  },
  edge: {
    description: "@aistats/edge's stats.wrap(handler) in this Node process: Node's fetch (Request, Response) and Web Streams, all in-process",
    load: () => import("./edge.js"),
    inAll: true,
  },
  "edge:workerd": {
    description: "@aistats/edge inside workerd (an ES module worker, no nodejs_compat; the player bundled by esbuild, the runtime from npm, started once per run)",
    load: async () => ({ default: (await import("./edge-runtime.js")).runtimeAdapter("workerd") }),
    inAll: true,
  },
  "edge:deno": {
    description: "@aistats/edge inside Deno (Deno.serve, --allow-net --allow-env only; the player bundled by esbuild, the runtime from npm, started once per run)",
    load: async () => ({ default: (await import("./edge-runtime.js")).runtimeAdapter("deno") }),
    inAll: true,
  },
  "edge:bun": {
    description: "@aistats/edge inside Bun (Bun.serve, --no-install; the player bundled by esbuild, the runtime from npm, started once per run)",
    load: async () => ({ default: (await import("./edge-runtime.js")).runtimeAdapter("bun") }),
    inAll: true,
  },
};

export class UnknownAdapterError extends Error {
  constructor(name: string) {
    const known = Object.entries(ADAPTERS).map(([n, e]) => `  ${n}: ${e.description}`);
    super(`unknown adapter "${name}"; known adapters:\n${known.join("\n")}\n  all: every adapter above that is not test-only`);
    this.name = "UnknownAdapterError";
  }
}

/** `all` → every registered adapter that runs in `all`; otherwise the one name, if known. */
export function resolveAdapterNames(name: string): string[] {
  if (name === "all") {
    const names = Object.keys(ADAPTERS).filter((n) => ADAPTERS[n]!.inAll);
    if (names.length === 0) {
      throw new Error(`--adapter all found no adapters to run: only test-only ones are registered (${Object.keys(ADAPTERS).join(", ")})`);
    }
    return names;
  }
  if (!Object.hasOwn(ADAPTERS, name)) throw new UnknownAdapterError(name);
  return [name];
}

export async function createAdapter(name: string, options: AdapterOptions): Promise<ConformanceAdapter> {
  const entry = ADAPTERS[name];
  if (entry === undefined || !Object.hasOwn(ADAPTERS, name)) throw new UnknownAdapterError(name);
  const module = await entry.load();
  return module.default(options);
}
