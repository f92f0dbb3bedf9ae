import { base, webRuntimeOnly } from "@aistats/eslint-config";

export default [
  ...base,
  // The edge player and what it imports are bundled into workerd, Deno and Bun: no Node built-in
  // module, no Node global (the bundle would fail too; this says where, before it is built).
  {
    ...webRuntimeOnly("the edge player (src/edge)"),
    files: ["src/edge/**/*.ts", "src/host-result.ts", "src/exchange-steps.ts", "src/case-format.ts", "src/adapter.ts"],
  },
];
