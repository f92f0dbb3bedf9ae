// Base flat config for every package: typescript-eslint's recommended rules plus a few
// that keep published code honest. Packages add their own `files`/`ignores` on top.
import js from "@eslint/js";
import globals from "globals";
import tseslint from "typescript-eslint";

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

export default base;
