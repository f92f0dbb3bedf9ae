// Loads every `*.json` case under a directory tree, validates it (validate-case.ts) and
// normalizes it (normalize-case.ts). All malformed files are reported together in one
// CaseLoadError, each problem naming the file and the field.
import { readdir, readFile } from "node:fs/promises";
import { join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import type { CaseScript } from "./case-format.js";
import { normalizeCase } from "./normalize-case.js";
import { validateCase, type CaseProblem } from "./validate-case.js";

/** The package's own case set: packages/conformance/cases. */
export const DEFAULT_CASES_DIR = fileURLToPath(new URL("../cases", import.meta.url));

export interface FileProblem extends CaseProblem {
  /** Path of the case file relative to the cases directory. */
  readonly file: string;
}

export class CaseLoadError extends Error {
  constructor(readonly problems: readonly FileProblem[]) {
    super(
      `${problems.length} problem(s) in the conformance cases:\n` +
        problems.map((p) => `  ${p.file}: ${p.field === "" ? "" : `${p.field}: `}${p.message}`).join("\n"),
    );
    this.name = "CaseLoadError";
  }
}

async function listJsonFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const files: string[] = [];
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) files.push(...(await listJsonFiles(path)));
    else if (entry.isFile() && entry.name.endsWith(".json")) files.push(path);
  }
  return files;
}

/** Parses, validates and normalizes one case file's text. */
export function parseCase(text: string, id: string, file: string): CaseScript | FileProblem[] {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (error) {
    return [{ file: id, field: "", message: `is not valid JSON: ${(error as Error).message}` }];
  }
  const checked = validateCase(doc);
  if (!checked.ok) return checked.problems.map((p) => ({ file: id, ...p }));
  return normalizeCase(checked.value, id, file);
}

export interface CaseSet {
  /** Every well-formed case, sorted by id. */
  readonly scripts: CaseScript[];
  /** Every problem found: malformed files and duplicate names. */
  readonly problems: FileProblem[];
}

/**
 * Every case under `dir` (recursively) plus every problem, without throwing for malformed files:
 * the runner reports them as failures and still runs the rest. Two cases may not share a name
 * (names identify cases in reports and fixtures).
 */
export async function loadCaseSet(dir: string = DEFAULT_CASES_DIR): Promise<CaseSet> {
  const root = resolve(dir);
  let files: string[];
  try {
    files = await listJsonFiles(root);
  } catch (error) {
    const problem = { file: root, field: "", message: `cannot read the cases directory: ${(error as Error).message}` };
    return { scripts: [], problems: [problem] };
  }
  files.sort();
  const problems: FileProblem[] = [];
  const scripts: CaseScript[] = [];
  const byName = new Map<string, string>();
  for (const file of files) {
    const id = relative(root, file).split(sep).join("/");
    const parsed = parseCase(await readFile(file, "utf8"), id, file);
    if (Array.isArray(parsed)) {
      problems.push(...parsed);
      continue;
    }
    const other = byName.get(parsed.name);
    if (other !== undefined) {
      problems.push({ file: id, field: "name", message: `"${parsed.name}" is also the name of ${other}` });
      continue;
    }
    byName.set(parsed.name, id);
    scripts.push(parsed);
  }
  return { scripts, problems };
}

/** Every case under `dir`, sorted by id; throws CaseLoadError listing every problem if any. */
export async function loadCases(dir: string = DEFAULT_CASES_DIR): Promise<CaseScript[]> {
  const { scripts, problems } = await loadCaseSet(dir);
  if (problems.length > 0) throw new CaseLoadError(problems);
  return scripts;
}
