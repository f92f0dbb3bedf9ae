import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** bench-results/ at the repository root, whatever directory the bench runs from. */
export const resultsDir = resolve(dirname(fileURLToPath(import.meta.url)), "../../../../bench-results");

export function writeResult(name: string, contents: string): string {
  mkdirSync(resultsDir, { recursive: true });
  const file = join(resultsDir, name);
  writeFileSync(file, contents);
  return file;
}
