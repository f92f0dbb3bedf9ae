#!/usr/bin/env node
// Runs the TypeScript CLI without a build step: tsx's loader compiles it on the fly (esbuild,
// well under a second), so `pnpm conformance` always runs the sources it sits next to.
import { register } from "tsx/esm/api";

register();
await import("../src/main.ts");
