// What every runtime harness serves (harness-workerd.ts, harness-deno.ts, harness-bun.ts): POST a
// CaseScript (wire.ts) → the player replays it through @aistats/edge in this runtime → its
// ExchangeResult as JSON, or `{ "error": … }` when the player threw. Any other request answers
// 200, so the launcher can see the server is up. Portable: no Node built-ins.
import { playCase } from "./player.js";
import { decodeScript, encodeResult } from "./wire.js";

const json = (body: string, status = 200): Response => new Response(body, { status, headers: { "content-type": "application/json" } });

export async function handleHarnessRequest(request: Request): Promise<Response> {
  if (request.method !== "POST") return new Response("aistats edge harness\n");
  try {
    return json(encodeResult(await playCase(decodeScript(await request.text()))));
  } catch (error) {
    return json(JSON.stringify({ error: error instanceof Error ? (error.stack ?? error.message) : String(error) }));
  }
}
