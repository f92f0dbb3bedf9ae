import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["src/**/*.test.ts"],
    // npm installs, tsc and one asc compile per project: slow steps, run once each in beforeAll.
    testTimeout: 180_000,
    hookTimeout: 300_000,
    reporters: ["default", ["json", { outputFile: "test-results.json" }]],
  },
});
