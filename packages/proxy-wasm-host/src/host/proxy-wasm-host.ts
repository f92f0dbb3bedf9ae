// The host: loads a Proxy-Wasm module, runs its VM and root context the way Envoy does
// (proxy-wasm-cpp-host WasmBase/ContextBase), hands out HTTP streams, and keeps what the plugin
// did observable — logs, metrics, memory, call counts, failures.
import { randomFillSync } from "node:crypto";
import { LOG_LEVEL_NAMES, type AbiVersion, type LogLevelName } from "../abi/abi-constants";
import { WASI_MODULES } from "../abi/signatures";
import { toBytes } from "../headers/header-map";
import { resolveProperty, type PropertyLookup } from "../properties/property-resolver";
import { stringNode, toPropertyNode, type PropertyInput, type PropertyNode } from "../properties/property-value";
import { GuestMemory } from "../wasm/guest-memory";
import { MetricRegistry } from "../metrics/metric-registry";
import { ManualClock, type HostClock } from "./clock";
import { ContextState } from "./context-state";
import { createEnvImports } from "./env-imports";
import { HttpStream, type HttpStreamOptions } from "./http-stream";
import { loadModule, ProxyWasmLoadError, type LoadedModule } from "./load-module";
import { LogStore, type LogEntry } from "./log-store";
import { MemoryObserver } from "./memory-observer";
import { createWasiImports } from "./wasi-imports";

/** A foreign function (proxy_call_foreign_function): argument bytes in, result bytes out. */
export type ForeignFunction = (
  args: Uint8Array,
  host: ProxyWasmHost,
) => Uint8Array | { readonly status: number; readonly result?: Uint8Array };

export interface ProxyWasmHostOptions {
  /** Plugin configuration (Envoy `configuration`), read by the plugin in proxy_on_configure. */
  readonly pluginConfig?: string | Uint8Array;
  /** VM configuration (Envoy `vm_config.configuration`), read in proxy_on_vm_start. */
  readonly vmConfig?: string | Uint8Array;
  /**
   * Host facts for proxy_get_property, by top-level name: route_name, cluster_name, node, …
   * Plain objects are maps and arrays lists, so a path can walk into them.
   */
  readonly properties?: Readonly<Record<string, PropertyInput>>;
  /** The clock the plugin reads (default: a ManualClock the caller advances). */
  readonly clock?: HostClock;
  /** The Envoy log level: what proxy_get_log_level and get_log_level report (default "info"). */
  readonly logLevel?: LogLevelName | number;
  /** Envoy < 1.32 body buffering: a callback after StopIterationAndBuffer sees only earlier chunks. */
  readonly legacyBodyBuffering?: boolean;
  /** After the VM fails, pass traffic on unchanged (true, default) or reply 503 (Envoy's fail_open: false). */
  readonly failOpen?: boolean;
  /** Higress's Envoy: trace_span_tag.* properties become span tags, ABI 0_2_100 loads (default true). */
  readonly higress?: boolean;
  /** Plugin name, root id and VM id (the plugin_name, plugin_root_id, plugin_vm_id properties). */
  readonly pluginName?: string;
  readonly rootId?: string;
  readonly vmId?: string;
  /** Environment variables the plugin sees through WASI environ_get (Envoy vm_config.environment_variables). */
  readonly env?: Readonly<Record<string, string>>;
  /** Extra foreign functions; get_log_level is registered by default. */
  readonly foreignFunctions?: Readonly<Record<string, ForeignFunction>>;
  /** Fills WASI random_get buffers (default: crypto random). */
  readonly random?: (buffer: Uint8Array) => void;
  /** Per-stream buffer limit in bytes (Envoy per_connection_buffer_limit_bytes, default 1 MiB). */
  readonly bufferLimitBytes?: number;
  /** request.protocol (default "HTTP/1.1"). */
  readonly protocol?: string;
  /** Cluster names proxy_http_call accepts (default: any). */
  readonly clusters?: readonly string[];
}

/** @internal Options with defaults applied. */
export interface ResolvedOptions {
  readonly pluginConfig: Uint8Array;
  readonly vmConfig: Uint8Array;
  readonly logLevel: number;
  readonly legacyBodyBuffering: boolean;
  readonly failOpen: boolean;
  readonly higress: boolean;
  readonly pluginName: string;
  readonly rootId: string;
  readonly vmId: string;
  readonly env: Readonly<Record<string, string>>;
  readonly random: (buffer: Uint8Array) => void;
  readonly bufferLimitBytes: number;
  readonly protocol: string;
  readonly clusters: readonly string[] | undefined;
}

export interface VmFailure {
  /** Envoy's message, e.g. "Function: proxy_on_request_body failed: Uncaught RuntimeError: unreachable". */
  readonly message: string;
  readonly callback: string;
  readonly contextId: number;
  readonly error: unknown;
}

export interface StartResult {
  readonly ok: boolean;
  /** Envoy's message when starting failed ("Failed to configure base Wasm plugin", …). */
  readonly error?: string;
  /** What the plugin logged during this step (kept also in host.logs). */
  readonly logs: readonly LogEntry[];
}

export interface HttpCallRecord {
  readonly token: number;
  readonly contextId: number;
  readonly cluster: string;
  readonly headers: [string, string][];
  readonly body: Uint8Array;
  readonly trailers: [string, string][];
  readonly timeoutMs: number;
}

export interface InvokeResult {
  readonly called: boolean;
  readonly raw: number;
  /** proxy_send_local_response ran during the call (Envoy's isNextIterationStopped). */
  readonly stopNext: boolean;
}

/** Hostcalls allowed while _initialize/_start/main run (proxy-wasm-cpp-host startVm). */
const START_ALLOWED = new Set([
  "env.proxy_log",
  ...WASI_MODULES.flatMap((m) =>
    [
      "fd_write",
      "args_sizes_get",
      "args_get",
      "environ_sizes_get",
      "environ_get",
      "fd_prestat_get",
      "fd_prestat_dir_name",
      "clock_time_get",
      "random_get",
    ].map((f) => `${m}.${f}`),
  ),
]);

/** Hostcalls allowed while the host calls malloc (proxy-wasm-cpp-host allocMemory). */
const MALLOC_ALLOWED = new Set([
  "env.proxy_log",
  ...WASI_MODULES.flatMap((m) => [`${m}.fd_write`, `${m}.clock_time_get`]),
]);

/** Thrown inside a hostcall to trap the guest the way V8 traps for the host. */
export class HostTrap extends Error {
  override name = "HostTrap";
}

function resolveOptions(o: ProxyWasmHostOptions): ResolvedOptions {
  const level = typeof o.logLevel === "string" ? LOG_LEVEL_NAMES.indexOf(o.logLevel) : (o.logLevel ?? 2);
  return {
    pluginConfig: toBytes(o.pluginConfig ?? ""),
    vmConfig: toBytes(o.vmConfig ?? ""),
    logLevel: level < 0 ? 2 : level,
    legacyBodyBuffering: o.legacyBodyBuffering ?? false,
    failOpen: o.failOpen ?? true,
    higress: o.higress ?? true,
    pluginName: o.pluginName ?? "",
    rootId: o.rootId ?? "",
    vmId: o.vmId ?? "",
    env: o.env ?? {},
    random: o.random ?? ((b) => void randomFillSync(b)),
    bufferLimitBytes: o.bufferLimitBytes ?? 1024 * 1024,
    protocol: o.protocol ?? "HTTP/1.1",
    clusters: o.clusters,
  };
}

function describeError(e: unknown): string {
  if (e instanceof WebAssembly.RuntimeError) return `Uncaught RuntimeError: ${e.message}`;
  if (e instanceof Error) return `Uncaught ${e.name}: ${e.message}`;
  return `Uncaught ${String(e)}`;
}

export class ProxyWasmHost {
  readonly metrics = new MetricRegistry();
  readonly logs = new LogStore();
  readonly memory = new MemoryObserver();
  /** Error lines the host (as Envoy) logged: failures, proc_exit, restricted calls. */
  readonly errors: string[] = [];
  readonly clock: HostClock;
  readonly httpCalls: HttpCallRecord[] = [];
  /** @internal */
  readonly options: ResolvedOptions;
  /** @internal */
  mem!: GuestMemory;
  /** @internal The context of the callback now running. */
  current: ContextState;
  /** @internal Set by proxy_set_effective_context for the rest of the current callback. */
  effectiveId = 0;
  /** @internal */
  stopNext = false;
  /** @internal Hostcalls allowed right now, or null for all. */
  restricted: ReadonlySet<string> | null = null;
  /** @internal The top-level callback now running ("" outside callbacks). */
  callbackName = "";
  /** @internal Shared data (proxy_{get,set}_shared_data): value and CAS. */
  readonly sharedData = new Map<string, { value: Uint8Array; cas: number }>();
  /** @internal */
  nextCas = 1;
  /** @internal Shared queues by token. */
  readonly queues = new Map<number, { name: string; items: Uint8Array[] }>();
  /** @internal */
  tickPeriod = 0;
  /** @internal The response being delivered by respondToHttpCall. */
  httpCallResponse: { headers: [Uint8Array, Uint8Array][]; body: Uint8Array; trailers: [Uint8Array, Uint8Array][] } | null =
    null;

  private instance!: WebAssembly.Instance;
  private exportsByName = new Map<string, (...args: number[]) => unknown>();
  private readonly callCounts = new Map<string, number>();
  private readonly contexts = new Map<number, ContextState>();
  private readonly vmContext = new ContextState(0, "vm");
  private root: ContextState | null = null;
  private nextContextId = 1;
  private nextHttpCallToken = 1;
  private failure: VmFailure | null = null;
  private deferred: (() => void)[] = [];
  private depth = 0;
  private started = false;
  private configured = false;
  private readonly hostProperties = new Map<string, PropertyNode>();
  private readonly foreign = new Map<string, ForeignFunction>();
  private readonly loaded: LoadedModule;

  private constructor(loaded: LoadedModule, options: ProxyWasmHostOptions) {
    this.loaded = loaded;
    this.options = resolveOptions(options);
    this.clock = options.clock ?? new ManualClock();
    this.current = this.vmContext;
    for (const [k, v] of Object.entries(options.properties ?? {})) this.hostProperties.set(k, toPropertyNode(v));
    this.foreign.set("get_log_level", () => {
      const out = new Uint8Array(4);
      new DataView(out.buffer).setUint32(0, this.options.logLevel, true);
      return out;
    });
    for (const [k, f] of Object.entries(options.foreignFunctions ?? {})) this.foreign.set(k, f);
  }

  /**
   * Compiles, checks and instantiates a module like Envoy loading a plugin. Throws
   * ProxyWasmLoadError with Envoy's messages for a module Envoy would refuse.
   */
  static async load(wasm: Uint8Array, options: ProxyWasmHostOptions = {}): Promise<ProxyWasmHost> {
    const loaded = await loadModule(wasm, options.higress ?? true);
    const host = new ProxyWasmHost(loaded, options);
    host.instantiate();
    return host;
  }

  /** load + startVm + configure; throws ProxyWasmLoadError if any step fails. */
  static async start(wasm: Uint8Array, options: ProxyWasmHostOptions = {}): Promise<ProxyWasmHost> {
    const host = await ProxyWasmHost.load(wasm, options);
    const r = host.start();
    if (!r.ok) throw new ProxyWasmLoadError([...host.errors, r.error ?? "failed to start"]);
    return host;
  }

  private instantiate(): void {
    const imports: WebAssembly.Imports = {};
    const table = this.loaded.importTable;
    const env = createEnvImports(this);
    const wasi = createWasiImports(this);
    for (const imp of this.loaded.info.imports) {
      const moduleImports = (imports[imp.module] ??= {});
      const qualified = `${imp.module}.${imp.name}`;
      if (imp.kind === "memory") {
        const l = imp.limits ?? { initial: 0 };
        moduleImports[imp.name] = new WebAssembly.Memory(
          l.maximum === undefined ? { initial: l.initial } : { initial: l.initial, maximum: l.maximum },
        );
      } else if (imp.kind === "table") {
        const l = imp.limits ?? { initial: 0 };
        moduleImports[imp.name] = new WebAssembly.Table(
          l.maximum === undefined
            ? { initial: l.initial, element: "anyfunc" }
            : { initial: l.initial, maximum: l.maximum, element: "anyfunc" },
        );
      } else if (table.has(qualified)) {
        const impl = imp.module === "env" ? env[imp.name] : wasi[imp.name];
        if (impl === undefined) throw new Error(`host bug: no implementation for ${qualified}`);
        moduleImports[imp.name] = this.guard(qualified, impl);
      }
    }
    // A wasm start section runs now, before any context exists; Envoy has no context to give a
    // hostcall made there, so such calls trap here.
    this.restricted = new Set();
    try {
      this.instance = new WebAssembly.Instance(this.loaded.module, imports);
    } catch (e) {
      throw new ProxyWasmLoadError([
        `Failed to create new Wasm instance: ${describeError(e)}`,
        "Failed to initialize Wasm code",
      ]);
    } finally {
      this.restricted = null;
    }
    for (const [name, value] of Object.entries(this.instance.exports)) {
      if (typeof value === "function") this.exportsByName.set(name, value as (...args: number[]) => unknown);
    }
    let memory = this.instance.exports["memory"];
    if (!(memory instanceof WebAssembly.Memory)) {
      const imported = this.loaded.info.imports.find((i) => i.kind === "memory");
      memory = imported === undefined ? undefined : (imports[imported.module]?.[imported.name] as WebAssembly.Memory);
    }
    this.mem = new GuestMemory(memory instanceof WebAssembly.Memory ? memory : undefined);
    this.memory.start(this.mem.byteLength);
  }

  private guard(qualified: string, impl: (...args: never[]) => unknown): (...args: never[]) => unknown {
    return (...args: never[]) => {
      if (this.restricted !== null && !this.restricted.has(qualified)) {
        this.errors.push(`restricted_callback: ${qualified}`);
        throw new HostTrap("restricted_callback");
      }
      return impl(...args);
    };
  }

  // ---- public state ---------------------------------------------------------------------------

  get abiVersion(): AbiVersion {
    return this.loaded.abi;
  }

  /** The failure that stopped the VM (a trap in a callback), or null. */
  get vmFailure(): VmFailure | null {
    return this.failure;
  }

  get failed(): boolean {
    return this.failure !== null;
  }

  /** The root context's id (1 once started: Envoy's first allocated id). */
  get rootContextId(): number | null {
    return this.root?.id ?? null;
  }

  /** How often each export was called by the host. */
  callCount(exportName: string): number {
    return this.callCounts.get(exportName) ?? 0;
  }

  callCountsSnapshot(): Record<string, number> {
    return Object.fromEntries(this.callCounts);
  }

  /** The tick period the plugin asked for (proxy_set_tick_period_milliseconds), 0 if none. */
  get tickPeriodMs(): number {
    return this.tickPeriod;
  }

  /** Raw access to an export of the instance (e.g. a test reading plugin state). */
  exportedFunction(name: string): ((...args: number[]) => unknown) | undefined {
    return this.exportsByName.get(name);
  }

  /** A copy of guest memory [ptr, ptr+len) (empty if out of bounds), for tests inspecting plugin state. */
  readGuestMemory(ptr: number, len: number): Uint8Array {
    return this.mem.read(ptr, len) ?? new Uint8Array(0);
  }

  /** Current size of the guest's linear memory in bytes. */
  get memoryBytes(): number {
    return this.mem.byteLength;
  }

  registerForeignFunction(name: string, fn: ForeignFunction): void {
    this.foreign.set(name, fn);
  }

  // ---- lifecycle ------------------------------------------------------------------------------

  /**
   * Starts the VM as Envoy does: `_initialize` (then `main`) or `_start` with only logging,
   * clock, random and environment hostcalls allowed; then the root context (id 1):
   * proxy_on_context_create(1, 0) and proxy_on_vm_start(1, vm_configuration_size).
   */
  startVm(): StartResult {
    const logsBefore = this.logs.all().length;
    const result = (error?: string): StartResult => ({
      ok: error === undefined,
      ...(error === undefined ? {} : { error }),
      logs: this.logs.all().slice(logsBefore),
    });
    if (this.started) return result(this.failure === null ? undefined : "Failed to start base Wasm");
    this.started = true;
    this.restricted = START_ALLOWED;
    try {
      if (this.exportsByName.has("_initialize")) {
        this.invoke(this.vmContext, "_initialize");
        if (this.exportsByName.has("main")) this.invoke(this.vmContext, "main", 0, 0);
      } else if (this.exportsByName.has("_start")) {
        this.invoke(this.vmContext, "_start");
      }
    } finally {
      this.restricted = null;
    }
    if (this.failure !== null) {
      this.errors.push("Failed to initialize Wasm code");
      return result("Failed to initialize Wasm code");
    }
    const root = new ContextState(this.allocContextId(), "root");
    this.contexts.set(root.id, root);
    this.root = root;
    root.pluginConfigVisible = true;
    this.invoke(root, "proxy_on_context_create", root.id, 0);
    root.pluginConfigVisible = false;
    root.createdInVm = true;
    let ok = true;
    if (this.exportsByName.has("proxy_on_vm_start")) {
      const r = this.invoke(root, "proxy_on_vm_start", root.id, this.options.vmConfig.length);
      ok = r.called && r.raw !== 0;
    }
    this.runDeferred();
    if (!ok || this.failure !== null) {
      this.errors.push("Failed to start base Wasm");
      return result("Failed to start base Wasm");
    }
    return result();
  }

  /** proxy_on_configure(root, plugin_configuration_size); false or a trap fails the plugin. */
  configure(): StartResult {
    const logsBefore = this.logs.all().length;
    const result = (error?: string): StartResult => ({
      ok: error === undefined,
      ...(error === undefined ? {} : { error }),
      logs: this.logs.all().slice(logsBefore),
    });
    const root = this.root;
    if (root === null) return result("the VM has not been started");
    if (this.failure !== null) return result("Failed to configure base Wasm plugin");
    let ok = true;
    if (this.exportsByName.has("proxy_on_configure")) {
      root.pluginConfigVisible = true;
      const r = this.invoke(root, "proxy_on_configure", root.id, this.options.pluginConfig.length);
      root.pluginConfigVisible = false;
      ok = r.called && r.raw !== 0;
    }
    this.runDeferred();
    if (!ok || this.failure !== null) {
      this.errors.push("Failed to configure base Wasm plugin");
      return result("Failed to configure base Wasm plugin");
    }
    this.configured = true;
    return result();
  }

  /** startVm then configure; the first failure is returned. */
  start(): StartResult {
    const vm = this.startVm();
    if (!vm.ok) return vm;
    const cfg = this.configure();
    return { ...cfg, logs: [...vm.logs, ...cfg.logs] };
  }

  /** Whether the plugin started and was configured (new streams get the filter). */
  get running(): boolean {
    return this.configured;
  }

  /**
   * A new HTTP stream through the plugin. Its context id is allocated now (Envoy creates the
   * filter per stream); proxy_on_context_create runs when the request headers arrive. With a
   * failed VM the stream passes through untouched (fail-open) or gets a 503 (fail-closed).
   */
  newHttpStream(options: HttpStreamOptions = {}): HttpStream {
    if (!this.configured) throw new Error("the plugin is not running: call start() (or startVm() and configure()) first");
    if (this.failure !== null) {
      return new HttpStream(this, null, !this.options.failOpen, this.hostProperties, options);
    }
    const ctx = new ContextState(this.allocContextId(), "stream");
    const stream = new HttpStream(this, ctx, false, this.hostProperties, options);
    ctx.stream = stream;
    this.contexts.set(ctx.id, ctx);
    return stream;
  }

  /** Calls proxy_on_tick on the root context. */
  tick(): void {
    if (this.root === null || this.failure !== null) return;
    this.invoke(this.root, "proxy_on_tick", this.root.id);
    this.runDeferred();
  }

  /**
   * Delivers the response to a proxy_http_call: proxy_on_http_call_response(root, token,
   * headers, body_size, trailers), with the response readable through the usual hostcalls.
   */
  respondToHttpCall(
    token: number,
    response: { headers?: Readonly<Record<string, string>>; body?: string | Uint8Array; trailers?: Readonly<Record<string, string>> },
  ): void {
    const root = this.root;
    if (root === null || this.failure !== null) return;
    const pairs = (r: Readonly<Record<string, string>> | undefined): [Uint8Array, Uint8Array][] =>
      Object.entries(r ?? {}).map(([k, v]) => [toBytes(k), toBytes(v)]);
    this.httpCallResponse = { headers: pairs(response.headers), body: toBytes(response.body ?? ""), trailers: pairs(response.trailers) };
    try {
      const r = this.httpCallResponse;
      this.invoke(root, "proxy_on_http_call_response", root.id, token, r.headers.length, r.body.length, r.trailers.length);
    } finally {
      this.httpCallResponse = null;
    }
    this.runDeferred();
  }

  /**
   * Shuts the plugin down (Envoy startShutdown): proxy_on_done(root); if it returns true,
   * proxy_on_delete(root). Returns whether the root context is done.
   */
  shutdown(): boolean {
    const root = this.root;
    if (root === null) return true;
    if (this.failure !== null) return true;
    const r = this.invoke(root, "proxy_on_done", root.id);
    const done = !r.called || r.raw !== 0;
    if (done) this.deleteRoot(root);
    else this.pendingDone = true;
    this.runDeferred();
    return done;
  }

  private pendingDone = false;

  private deleteRoot(root: ContextState): void {
    this.invoke(root, "proxy_on_delete", root.id);
    this.contexts.delete(root.id);
    this.root = null;
  }

  // ---- internals used by streams and hostcalls ------------------------------------------------

  /** @internal proxy_done from the plugin: finishes a shutdown that proxy_on_done postponed. */
  done(ctx: ContextState): number {
    if (!this.pendingDone || ctx.kind !== "root") return 1; // NOT_FOUND
    this.pendingDone = false;
    this.defer(() => this.deleteRoot(ctx));
    return 0;
  }

  /** @internal */
  allocContextId(): number {
    while (this.contexts.has(this.nextContextId)) this.nextContextId++;
    return this.nextContextId++;
  }

  /** @internal */
  context(id: number): ContextState | undefined {
    return id === 0 ? this.vmContext : this.contexts.get(id);
  }

  /** @internal The context hostcalls act on: the effective context if one was set. */
  ctx(): ContextState {
    if (this.effectiveId !== 0) {
      const c = this.contexts.get(this.effectiveId);
      if (c !== undefined) return c;
    }
    return this.current;
  }

  /** @internal Envoy's onCreate: proxy_on_context_create(id, root) once per stream. */
  createContext(ctx: ContextState): void {
    if (ctx.createdInVm) return;
    if (this.failure === null) this.invoke(ctx, "proxy_on_context_create", ctx.id, this.root?.id ?? 0);
    ctx.createdInVm = true;
    this.runDeferred();
  }

  /** @internal */
  removeContext(ctx: ContextState): void {
    this.contexts.delete(ctx.id);
  }

  /** @internal Queues an action to run after the outermost VM call returns. */
  defer(action: () => void): void {
    this.deferred.push(action);
  }

  /** @internal Runs deferred actions (Envoy's doAfterVmCallActions). */
  runDeferred(): void {
    if (this.depth > 0) return;
    while (this.deferred.length > 0) {
      const action = this.deferred.shift() as () => void;
      action();
    }
  }

  /**
   * @internal Calls an export in a context, as proxy-wasm-cpp-host's wrappers do: sets the current
   * context, records a trap as the VM failure (every later callback is then skipped), counts the
   * call and samples memory.
   */
  invoke(ctx: ContextState, name: string, ...args: number[]): InvokeResult {
    const fn = this.exportsByName.get(name);
    if (fn === undefined || this.failure !== null) return { called: false, raw: 0, stopNext: false };
    const saved = { current: this.current, effectiveId: this.effectiveId, callback: this.callbackName };
    this.current = ctx;
    this.effectiveId = 0;
    if (this.depth === 0) this.callbackName = name;
    this.depth++;
    let raw = 0;
    try {
      const r = fn(...args);
      raw = typeof r === "number" ? r : 0;
    } catch (e) {
      this.fail(name, ctx.id, e);
    } finally {
      this.depth--;
      this.current = saved.current;
      this.effectiveId = saved.effectiveId;
      this.callbackName = saved.callback;
    }
    this.callCounts.set(name, (this.callCounts.get(name) ?? 0) + 1);
    this.memory.sample(name, this.mem.byteLength);
    const stopNext = this.stopNext;
    if (this.depth === 0) this.stopNext = false;
    return { called: true, raw, stopNext };
  }

  /** @internal */
  fail(callback: string, contextId: number, error: unknown): void {
    if (this.failure !== null) return;
    const message = `Function: ${callback} failed: ${describeError(error)}`;
    this.failure = { message, callback, contextId, error };
    this.errors.push(message);
  }

  /**
   * @internal proxy-wasm-cpp-host copyToPointerSize: malloc in the guest, copy, then write the
   * pointer and size words. An empty value writes 0/0 without calling malloc. False means
   * INVALID_MEMORY_ACCESS.
   */
  copyOut(bytes: Uint8Array, ptrPtr: number, sizePtr: number): boolean {
    let ptr = 0;
    if (bytes.length > 0) {
      ptr = this.alloc(bytes.length);
      if (ptr === 0 || !this.mem.write(ptr, bytes)) return false;
    }
    return this.mem.writeU32(ptrPtr, ptr) && this.mem.writeU32(sizePtr, bytes.length);
  }

  /** @internal Calls the guest's malloc with Envoy's restricted hostcall set; 0 on failure. */
  alloc(size: number): number {
    const malloc = this.exportsByName.get(this.loaded.mallocExport);
    if (malloc === undefined || this.failure !== null) return 0;
    const savedRestricted = this.restricted;
    this.restricted = MALLOC_ALLOWED;
    this.depth++;
    try {
      const r = malloc(size);
      this.callCounts.set(this.loaded.mallocExport, (this.callCounts.get(this.loaded.mallocExport) ?? 0) + 1);
      return typeof r === "number" ? r >>> 0 : 0;
    } catch (e) {
      this.fail(this.loaded.mallocExport, this.current.id, e);
      return 0;
    } finally {
      this.depth--;
      this.restricted = savedRestricted;
    }
  }

  /** @internal */
  foreignFunction(name: string): ForeignFunction | undefined {
    return this.foreign.get(name);
  }

  /** @internal get_property for a context. */
  getProperty(ctx: ContextState, path: Uint8Array): PropertyLookup {
    const stream = ctx.stream;
    return resolveProperty(path, {
      topLevel: (name) => {
        if (name === "plugin_name") return stringNode(this.options.pluginName);
        if (name === "plugin_root_id") return stringNode(this.options.rootId);
        if (name === "plugin_vm_id") return stringNode(this.options.vmId);
        if (stream !== null) return stream.topLevelProperty(name);
        if (HttpStream.isStreamScoped(name)) return undefined;
        return this.hostProperties.get(name);
      },
    });
  }

  /** @internal */
  nextHttpCallId(): number {
    return this.nextHttpCallToken++;
  }

  /** @internal The root context (for calls Envoy routes to it, like http_call). */
  rootContext(): ContextState | null {
    return this.root;
  }
}
