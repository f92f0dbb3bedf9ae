// What Node has that workerd, Deno and Bun do not all have: one list for the webRuntimeOnly lint
// rule (sources) and for @aistats/edge's test of its built output.
import { builtinModules } from "node:module";

/** Node's built-in modules by name (`fs`, `fs/promises`, …), without the internal `_` ones. */
export const nodeBuiltins = builtinModules.filter((m) => !m.startsWith("_"));

/** Node's globals that workerd, Deno and Bun do not all have (or have only behind a flag). */
export const nodeOnlyGlobals = [
  "Buffer",
  "process",
  "require",
  "module",
  "exports",
  "__dirname",
  "__filename",
  "global",
  "setImmediate",
  "clearImmediate",
];
