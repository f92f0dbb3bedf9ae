import { base } from "@aistats/eslint-config";
import { portable } from "@aistats/eslint-config/portable";

export default [
  ...base,
  {
    // Everything compiled by both tsc and asc follows the portable subset.
    files: ["src/**/*.ts"],
    ignores: ["src/**/*.test.ts", "src/testing/*.node.ts", "src/glue/js/**", "src/index.ts"],
    ...portable,
  },
  {
    // The wasm glue is AssemblyScript proper (decorators, builtins); asc type-checks it.
    ignores: ["src/glue/wasm/**"],
  },
];
