import { builtinModules } from "node:module";
import { base, publicCoreOnly } from "@aistats/eslint-config";

// The runtime code runs in Node and in workerd, Deno and Bun (the edge host), so it uses only what
// every one of them has: ECMAScript plus the web globals they share (TextEncoder, console). No
// Node built-in module, and none of Node's globals.
const nodeBuiltins = builtinModules.filter((m) => !m.startsWith("_"));
const portableRuntime = {
  files: ["src/**/*.ts"],
  ignores: ["src/**/*.test.ts", "src/testing/**"],
  rules: {
    // A rule of its own (typescript-eslint's copy), so that publicCoreOnly's no-restricted-imports stays in force.
    "@typescript-eslint/no-restricted-imports": [
      "error",
      {
        patterns: [
          {
            group: ["node:*", ...nodeBuiltins, ...nodeBuiltins.map((m) => `${m}/*`)],
            message: "@aistats/host runs in workerd, Deno and Bun too: no Node built-in modules.",
          },
        ],
      },
    ],
    "no-restricted-globals": [
      "error",
      ...["Buffer", "process", "require", "module", "exports", "__dirname", "__filename", "global", "setImmediate", "clearImmediate"].map(
        (name) => ({ name, message: "@aistats/host runs in workerd, Deno and Bun too: no Node globals." }),
      ),
    ],
  },
};

export default [
  ...base,
  // A host: stats-core's public API only, never its internal subpath, sources or dist files.
  publicCoreOnly,
  portableRuntime,
];
