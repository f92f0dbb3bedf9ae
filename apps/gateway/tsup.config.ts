import { defineConfig } from "tsup";

// One runnable build: dist/cli.js (the gateway's command) and dist/index.js (the API the tests and
// embedders use). Workspace packages stay external (resolved from node_modules at run time).
export default defineConfig({
  entry: ["src/cli.ts", "src/index.ts", "src/mock/cli.ts"],
  format: ["esm"],
  clean: true,
  sourcemap: true,
  platform: "node",
  target: "node20",
  dts: false,
});
