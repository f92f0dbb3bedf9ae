import { Arena } from "../arena/arena";
import { ConfigResult } from "../config/config-result";
import { PluginConfig } from "../config/plugin-config";
import { DropCounters } from "../record/drop-counters";
import { CompiledConfig } from "./compiled-config";
import { EngineShared } from "./engine-shared";
import { Exchange } from "./exchange";

// The engine of one VM / process / isolate: the fixed arena every exchange leases from, the
// configuration(s) compiled once, a pool of reusable exchanges per configuration, and the drop
// counters. Hosts: `const ex = engine.begin(route, authority, cluster)` → drive ex → `engine.end(ex)`.
//
// Exchange objects are pooled: after engine.end(ex) the next begin() may hand out the same object
// for another request. A host that keeps a reference past end must compare ex.generation with the
// value it saw at begin before every call (the @aistats/host handles do).
export class Engine {
  readonly result: ConfigResult;
  private readonly shared: EngineShared;
  private readonly compiled: Array<CompiledConfig> = new Array<CompiledConfig>(0);
  private readonly pool: Array<Exchange> = new Array<Exchange>(0);
  /** Exchanges begun and not yet ended. */
  private active: i32 = 0;

  /**
   * An engine for a loaded configuration. The portable core cannot throw: a rejected `result`
   * gives an engine whose every exchange is skipped, and `configError` says why — a host checks
   * it (or result.ok) and refuses to start, as the Proxy-Wasm plugin fails proxy_on_configure.
   */
  constructor(result: ConfigResult) {
    this.result = result;
    this.shared = new EngineShared(result.arenaBytes);
  }

  /** "" for a loaded configuration, else the error that rejected it. */
  get configError(): string {
    return this.result.ok ? "" : this.result.error;
  }

  get arena(): Arena {
    return this.shared.arena;
  }

  /** What could not be recorded, by reason, over every exchange so far. */
  get drops(): DropCounters {
    return this.shared.drops;
  }

  /**
   * true: each log is `records.log`, a string. false: it is `records.logBytes[0, logLength)`,
   * UTF-8 valid until the next call into this engine — for a host that copies it out at once
   * (the Proxy-Wasm plugin), which saves a string as long as the log for every log written.
   */
  get textLogs(): bool {
    return this.shared.textLogs;
  }

  set textLogs(on: bool) {
    this.shared.textLogs = on;
  }

  /** Exchanges begun and not yet ended. */
  get activeExchanges(): i32 {
    return this.active;
  }

  /**
   * An exchange for a request on `routeName` / `authority` / `clusterName` (Higress `_rules_`
   * matching), ready for its request headers. When no configuration applies the exchange is
   * already skipped (records.skipped) and ignores every call.
   */
  begin(routeName: string, authority: string, clusterName: string): Exchange {
    const config = this.result.ok ? this.result.select(routeName, authority, clusterName) : null;
    let compiled: CompiledConfig | null = null;
    if (config != null) compiled = this.compiledFor(config);
    this.active++;
    for (let i = 0; i < this.pool.length; i++) {
      const ex = this.pool[i];
      if (ex.compiled == compiled) {
        this.pool.splice(i, 1);
        ex.prepare(routeName, clusterName);
        return ex;
      }
    }
    const ex = new Exchange(this.shared, compiled);
    ex.prepare(routeName, clusterName);
    return ex;
  }

  /**
   * Returns an exchange for reuse: its arena blocks go back and its records are emptied (read them
   * before). Ending the same exchange twice is harmless; ending it after it was handed out again
   * is not (see ex.generation).
   */
  end(ex: Exchange): void {
    if (ex.isReleased) return;
    ex.release();
    if (this.pool.length < 64) this.pool.push(ex);
    if (this.active > 0) this.active--;
    // Idle: the units kept warm between streamed events give their blocks back too.
    if (this.active == 0) {
      for (let i = 0; i < this.compiled.length; i++) {
        const c = this.compiled[i];
        c.requestUnits.releaseBlocks();
        c.responseUnits.releaseBlocks();
        c.streamUnits.releaseBlocks();
      }
    }
  }

  private compiledFor(config: PluginConfig): CompiledConfig {
    for (let i = 0; i < this.compiled.length; i++) if (this.compiled[i].config == config) return this.compiled[i];
    const c = new CompiledConfig(config, this.shared.arena);
    this.compiled.push(c);
    return c;
  }
}
