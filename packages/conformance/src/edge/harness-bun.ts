// The Bun harness: Bun.serve on 127.0.0.1 at $PORT (set by @aistats/runtimes' startBun).
import { handleHarnessRequest } from "./harness.js";

declare const Bun: {
  serve(options: { hostname: string; port: number; fetch: (request: Request) => Promise<Response> }): unknown;
  env: { readonly [name: string]: string | undefined };
};

Bun.serve({ hostname: "127.0.0.1", port: Number(Bun.env.PORT), fetch: handleHarnessRequest });
