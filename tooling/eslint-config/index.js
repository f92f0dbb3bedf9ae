// Base flat config for every package: typescript-eslint's recommended rules plus a few
// that keep published code honest. Packages add their own `files`/`ignores` on top.
import js from "@eslint/js";
import globals from "globals";
import tseslint from "typescript-eslint";
import { nodeBuiltins, nodeOnlyGlobals } from "./node-only.js";

export { nodeBuiltins, nodeOnlyGlobals };

export const base = tseslint.config(
  { ignores: ["**/dist/**", "**/build/**", "**/node_modules/**", "**/coverage/**"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      "@typescript-eslint/consistent-type-imports": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "no-console": "off",
    },
  },
);

/**
 * Adapters (node, edge, proxy-wasm glue) may use only stats-core's public entry points (the
 * package and its `asc-build` export), never a deep import into its sources or build output.
 * AssemblyScript sources, which ESLint cannot parse, are checked by check-core-imports.js.
 */
const coreImports = (allowed) => ({
  rules: {
    "no-restricted-imports": [
      "error",
      {
        patterns: [
          {
            group: [
              "@aistats/stats-core/*",
              "!@aistats/stats-core/asc-build",
              "!@aistats/stats-core/package.json",
              ...allowed.map((subpath) => `!@aistats/stats-core/${subpath}`),
              "**/stats-core/src/**",
              "**/stats-core/dist/**",
            ],
            message: "Use only the public API of @aistats/stats-core.",
          },
        ],
      },
    ],
  },
});

/** Hosts and adapters: stats-core's public API only. */
export const publicCoreOnly = coreImports([]);

/** Benchmarks and test harnesses measure the core's pieces: the documented internal subpath too. */
export const coreInternalsAllowed = coreImports(["internal"]);

/**
 * Runtime code that runs in Node and in workerd, Deno and Bun (the host and edge packages): it
 * uses only what every one of them has — ECMAScript plus the web globals they share
 * (TextEncoder, console, fetch's classes). No Node built-in module (`node:*` or a bare name in
 * `module.builtinModules`, subpaths too), and none of Node's globals. Applies to `src/**` except
 * tests and test helpers (`*.test.ts`, `src/testing/**`), which run under vitest on Node.
 *
 * It is typescript-eslint's copy of no-restricted-imports, a rule of its own, so that
 * `publicCoreOnly`'s no-restricted-imports stays in force beside it.
 */
export const webRuntimeOnly = (packageName) => ({
  files: ["src/**/*.ts"],
  ignores: ["src/**/*.test.ts", "src/testing/**"],
  rules: {
    "@typescript-eslint/no-restricted-imports": [
      "error",
      {
        patterns: [
          {
            group: ["node:*", ...nodeBuiltins, ...nodeBuiltins.map((m) => `${m}/*`)],
            message: `${packageName} runs in workerd, Deno and Bun too: no Node built-in modules.`,
          },
        ],
      },
    ],
    "no-restricted-globals": [
      "error",
      ...nodeOnlyGlobals.map((name) => ({ name, message: `${packageName} runs in workerd, Deno and Bun too: no Node globals.` })),
    ],
  },
});

export default base;
