// What the example tests need around the examples: the code blocks of the root README (found by
// the HTML comment before each, `<!-- test: NAME -->`), a new project folder whose
// node_modules/@aistats/edge is this package (as `npm i @aistats/edge` would leave it: a user's
// bare import resolves to the built dist through the package's exports), and the record lines a
// runtime printed.
import { readFileSync } from "node:fs";
import { mkdir, mkdtemp, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const edgeDir = fileURLToPath(new URL("../..", import.meta.url));
export const readmePath = fileURLToPath(new URL("../../../../README.md", import.meta.url));

/** The fenced code block right after `<!-- test: name -->` in the root README. */
export function readmeExample(name: string): { lang: string; code: string } {
  const text = readFileSync(readmePath, "utf8");
  const marker = `<!-- test: ${name} -->`;
  const at = text.indexOf(marker);
  if (at < 0) throw new Error(`README.md has no ${marker}`);
  if (text.indexOf(marker, at + 1) >= 0) throw new Error(`README.md has ${marker} twice`);
  const m = /^[ \t]*\r?\n```([\w-]*)\r?\n([\s\S]*?)\r?\n```[ \t]*$/m.exec(text.slice(at + marker.length));
  if (m === null || m.index !== 0) throw new Error(`README.md: ${marker} is not followed by a fenced code block`);
  return { lang: m[1]!, code: `${m[2]!}\n` };
}

/** A new folder with package.json and node_modules/@aistats/edge → this package; `files` written into it. */
export async function userProject(label: string, files: Record<string, string> = {}): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), `aistats-edge-${label}-`));
  await mkdir(join(dir, "node_modules", "@aistats"), { recursive: true });
  await symlink(edgeDir, join(dir, "node_modules", "@aistats", "edge"), "dir");
  await writeFile(
    join(dir, "package.json"),
    `${JSON.stringify({ name: label, private: true, type: "module", dependencies: { "@aistats/edge": "*" } }, null, 2)}\n`,
  );
  for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text);
  return dir;
}

/** The lines of `output` that are JSON objects with an `ai_log` (a runtime's other output left out). */
export function recordLines(output: string): string[] {
  return output
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l.startsWith('{"ai_log":'));
}

/** Polls `read` until `done` holds of its value (or `ms` pass: then the last value, for the assertion to show). */
export async function eventually<T>(read: () => T, done: (value: T) => boolean, ms = 10_000): Promise<T> {
  const deadline = Date.now() + ms;
  let value = read();
  while (!done(value) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 25));
    value = read();
  }
  return value;
}
