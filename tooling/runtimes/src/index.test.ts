import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { bundle, startBun, startDeno, startWorkerd, type RunningServer } from "./index.js";

async function tempFile(name: string, text: string): Promise<string> {
  const file = join(await mkdtemp(join(tmpdir(), "aistats-runtimes-test-")), name);
  await writeFile(file, text);
  return file;
}

// A fetch handler that uses only web APIs, imported across a module boundary so bundling matters.
const handlerModule = `export async function handle(request, greeting) {
  const body = await request.text();
  console.log("handled " + request.method + " " + new URL(request.url).pathname);
  return new Response(greeting + ":" + body, { headers: { "x-runtime": "yes" } });
}
`;

let server: RunningServer | null = null;
afterEach(async () => {
  await server?.stop();
  server = null;
});

async function hello(s: RunningServer, expected: string): Promise<void> {
  const res = await fetch(s.url + "/path", { method: "POST", body: "ping" });
  expect(res.status).toBe(200);
  expect(res.headers.get("x-runtime")).toBe("yes");
  expect(await res.text()).toBe(expected);
  for (let i = 0; i < 50 && !s.output().includes("handled POST /path"); i++) await new Promise((r) => setTimeout(r, 100));
  expect(s.output()).toContain("handled POST /path");
}

describe("bundle", () => {
  it("bundles web-only code into one module", async () => {
    const dir = await mkdtemp(join(tmpdir(), "aistats-runtimes-test-"));
    await writeFile(join(dir, "handler.js"), handlerModule);
    await writeFile(join(dir, "entry.ts"), `import { handle } from "./handler.js";\nexport default { fetch: (r: Request) => handle(r, GREETING) };\ndeclare const GREETING: string;\n`);
    const out = await bundle(join(dir, "entry.ts"), { define: { GREETING: '"hi"' } });
    expect(out).toMatch(/\.mjs$/);
  });

  it("fails on a Node built-in", async () => {
    const entry = await tempFile("entry.js", `import { readFileSync } from "node:fs";\nexport default { fetch: () => new Response(readFileSync("x")) };\n`);
    await expect(bundle(entry)).rejects.toThrow(/node:fs/);
  });
});

describe("runtimes over loopback HTTP", () => {
  it("workerd serves a bundled ES module worker with text bindings", async () => {
    const dir = await mkdtemp(join(tmpdir(), "aistats-runtimes-test-"));
    await writeFile(join(dir, "handler.js"), handlerModule);
    await writeFile(join(dir, "entry.js"), `import { handle } from "./handler.js";\nexport default { fetch: (request, env) => handle(request, env.GREETING) };\n`);
    server = await startWorkerd({ script: await bundle(join(dir, "entry.js")), bindings: { GREETING: 'workerd "quoted"' } });
    await hello(server, 'workerd "quoted":ping');
  });

  it("deno serves a script on the PORT it is given", async () => {
    const dir = await mkdtemp(join(tmpdir(), "aistats-runtimes-test-"));
    await writeFile(join(dir, "handler.js"), handlerModule);
    await writeFile(join(dir, "entry.js"), `import { handle } from "./handler.js";\nDeno.serve({ hostname: "127.0.0.1", port: Number(Deno.env.get("PORT")), onListen() {} }, (r) => handle(r, Deno.env.get("GREETING")));\n`);
    server = await startDeno(await bundle(join(dir, "entry.js")), { env: { GREETING: "deno" } });
    await hello(server, "deno:ping");
  });

  it("bun serves a script on the PORT it is given", async () => {
    const dir = await mkdtemp(join(tmpdir(), "aistats-runtimes-test-"));
    await writeFile(join(dir, "handler.js"), handlerModule);
    await writeFile(join(dir, "entry.js"), `import { handle } from "./handler.js";\nBun.serve({ hostname: "127.0.0.1", port: Number(process.env.PORT), fetch: (r) => handle(r, process.env.GREETING) });\n`);
    server = await startBun(await bundle(join(dir, "entry.js")), { env: { GREETING: "bun" } });
    await hello(server, "bun:ping");
  });

  it("a runtime that exits at once is a clear error with its output", async () => {
    const file = await tempFile("bad.js", `console.error("boom before serving"); Deno.exit(3);\n`);
    await expect(startDeno(file)).rejects.toThrow(/deno exited with code 3[\s\S]*boom before serving/);
  });
});
