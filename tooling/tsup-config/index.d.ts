import type { Options } from "tsup";

/** The shared dual ESM + CommonJS build (see index.js). */
export declare function dualBuild(options: { platform: "node" | "neutral" }): Options;
