// The Deno harness: Deno.serve on 127.0.0.1 at $PORT (set by @aistats/runtimes' startDeno).
import { handleHarnessRequest } from "./harness.js";

declare const Deno: {
  serve(options: { hostname: string; port: number; onListen?: () => void }, handler: (request: Request) => Promise<Response>): unknown;
  env: { get(name: string): string | undefined };
};

Deno.serve({ hostname: "127.0.0.1", port: Number(Deno.env.get("PORT")), onListen() {} }, handleHarnessRequest);
