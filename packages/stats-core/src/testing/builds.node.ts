// The two builds of stats-core, side by side, for tests: `js` runs the portable sources as
// JavaScript (what tsup ships), `wasm` runs the same sources compiled by asc (build/core-test.wasm,
// made by `pnpm build`). Every trace function exists in both with the same signature, so a test
// written once runs on each build and can require their outputs to be identical.
import * as wasm from "../../build/core-test.js";
import * as js from "./trace-exports";

export type CoreBuild = typeof js & { readonly name: string };

export const jsBuild: CoreBuild = { name: "js", ...js };
export const wasmBuild: CoreBuild = { name: "wasm", ...(wasm as unknown as typeof js) };
export const builds: readonly CoreBuild[] = [jsBuild, wasmBuild];
