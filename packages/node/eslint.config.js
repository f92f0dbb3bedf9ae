import { base, publicCoreOnly } from "@aistats/eslint-config";

export default [
  ...base,
  // A host: stats-core's public API only, never its internal subpath, sources or dist files.
  publicCoreOnly,
];
