import { Arena } from "../arena/arena";
import { ConfigResult } from "../config/config-result";
import { PluginConfig } from "../config/plugin-config";
import { DropCounters } from "../record/drop-counters";
import { JsonCanonicalizer } from "../record/json-canonical";
import { CompiledConfig } from "./compiled-config";
import { Exchange } from "./exchange";
import { LogBuilder } from "./log-builder";

// The engine of one VM / process / isolate: the fixed arena every exchange leases from, the
// configuration(s) compiled once, a pool of reusable exchanges per configuration, and the drop
// counters. Hosts: `const ex = engine.begin(route, authority, cluster)` → drive ex → `engine.end(ex)`.
export class Engine {
  readonly arena: Arena;
  readonly drops: DropCounters = new DropCounters();
  readonly result: ConfigResult;
  private readonly compiled: Array<CompiledConfig> = new Array<CompiledConfig>(0);
  private readonly pool: Array<Exchange> = new Array<Exchange>(0);
  /** Exchanges begun and not yet ended. */
  private active: i32 = 0;
  /** Checks and re-emits captured objects and arrays in canonical form (one value at a time). */
  readonly canonical: JsonCanonicalizer;
  /** Builds every exchange's records (one at a time: a record is written within one call). */
  readonly logBuilder: LogBuilder;
  /**
   * true: each log is `records.log`, a string. false: it is `records.logBytes[0, logLength)`,
   * UTF-8 valid until the next call into this engine — for a host that copies it out at once
   * (the Proxy-Wasm plugin), which saves a string as long as the log for every log written.
   */
  textLogs: bool = true;

  /** `result` must be ok (a rejected configuration has nothing to run). */
  constructor(result: ConfigResult) {
    const canonical = new JsonCanonicalizer();
    this.result = result;
    this.arena = new Arena(result.arenaBytes);
    this.canonical = canonical;
    this.logBuilder = new LogBuilder(canonical);
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
    const ex = new Exchange(this, compiled);
    ex.prepare(routeName, clusterName);
    return ex;
  }

  /**
   * Returns an exchange for reuse: its arena blocks go back and its records are emptied (read them
   * before). Ending the same exchange twice is harmless.
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
    const c = new CompiledConfig(config, this.arena);
    this.compiled.push(c);
    return c;
  }
}
