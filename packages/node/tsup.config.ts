import { defineConfig } from "tsup";

// Two builds of one entry: ESM (dist/index.js, index.d.ts) for `import`, CommonJS (index.cjs,
// index.d.cts) for `require`. @aistats/host, @aistats/stats-core and prom-client stay external
// (dependencies and a peer, resolved by the user's loader), so one process has one prom-client
// registry and one core build.
export default defineConfig({
  entry: ["src/index.ts"],
  format: ["esm", "cjs"],
  dts: { compilerOptions: { stripInternal: true } },
  clean: true,
  sourcemap: false,
  platform: "node",
  target: "es2022",
  tsconfig: "tsconfig.build.json",
});
