// Everything the plugin logged (proxy_log, and stdout/stderr through WASI fd_write, which Envoy
// turns into info/error log lines), with the context it was logged from, queryable by level.
import { LOG_LEVEL_NAMES, type LogLevelName } from "../abi/abi-constants";

export interface LogEntry {
  readonly level: number;
  readonly levelName: LogLevelName;
  readonly message: string;
  /** Id of the context the call was made in (0 = VM context, during start-up). */
  readonly contextId: number;
  /** The callback running when the line was logged, e.g. "proxy_on_configure". */
  readonly callback: string;
  readonly via: "proxy_log" | "fd_write";
  /** Whether Envoy would print it at the host's configured log level. */
  readonly emitted: boolean;
}

export class LogStore {
  private readonly entries: LogEntry[] = [];

  /** @internal */
  push(entry: LogEntry): void {
    this.entries.push(entry);
  }

  all(): readonly LogEntry[] {
    return this.entries;
  }

  /** Messages at exactly this level, in order. */
  messages(level: LogLevelName): string[] {
    return this.entries.filter((e) => e.levelName === level).map((e) => e.message);
  }

  /** Messages at this level or above. */
  atLeast(level: LogLevelName): LogEntry[] {
    const min = LOG_LEVEL_NAMES.indexOf(level);
    return this.entries.filter((e) => e.level >= min);
  }

  clear(): void {
    this.entries.length = 0;
  }
}
