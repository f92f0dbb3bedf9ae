import { base, publicCoreOnly, webRuntimeOnly } from "@aistats/eslint-config";

export default [
  ...base,
  // A host: stats-core's public API only, never its internal subpath, sources or dist files.
  publicCoreOnly,
  // It runs in Node and in workerd, Deno and Bun: no Node built-in module, no Node global.
  webRuntimeOnly("@aistats/host"),
];
