// Test helper: writes case files (and a fixture) into a fresh temporary directory.
import { mkdir, mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

/** A minimal valid case; `overrides` replace top-level fields. */
export function sampleCase(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name: "sample",
    description: "a small valid case",
    config: {},
    request: {
      headers: { ":method": "POST", ":path": "/v1/chat/completions" },
      body: { model: "gpt-4o", messages: [{ role: "user", content: "Hi" }] },
    },
    response: {
      headers: { ":status": "200", "content-type": "text/event-stream" },
      at_ms: 10,
      chunks: ['data: {"id":"c1"}\n\n', { text: "data: [DONE]\n\n", at_ms: 40 }],
    },
    expect: { log: { model: "gpt-4o" } },
    ...overrides,
  };
}

/** Writes `files` (relative path → JSON value or raw text) under a new temp dir; returns the dir. */
export async function writeTempFiles(files: Record<string, unknown>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "aistats-conformance-"));
  for (const [path, content] of Object.entries(files)) {
    const full = join(dir, path);
    await mkdir(dirname(full), { recursive: true });
    await writeFile(full, typeof content === "string" ? content : JSON.stringify(content, null, 2));
  }
  return dir;
}
