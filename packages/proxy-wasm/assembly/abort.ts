// AssemblyScript's abort handler (`--use abort=assembly/abort/pluginAbort`). The default one is an
// import of env.abort, which Envoy does not provide: a module importing it fails to load. This
// one logs through proxy_log and traps, so Envoy marks the VM failed and (fail-open) lets traffic
// pass, instead of the module never loading at all.
import { LOG_CRITICAL, logText } from "./host";

export function pluginAbort(message: string | null, fileName: string | null, line: u32, column: u32): void {
  const what = message == null ? "abort" : message;
  const where = fileName == null ? "?" : fileName;
  logText(LOG_CRITICAL, "aistats: " + what + " at " + where + ":" + line.toString() + ":" + column.toString());
  unreachable();
}
