// The `edge` adapter: every case through @aistats/edge's `stats.wrap(handler)` in this Node
// process, with Node's own fetch classes (Request, Response, Headers) and Web Streams — the
// portable player in src/edge/player.ts, the same module the runtime adapters run inside
// workerd, Deno and Bun (edge-runtime.ts).
import { defineAdapter } from "../adapter.js";
import { playCase } from "../edge/player.js";

export default defineAdapter(() => ({ name: "edge", run: playCase }));
