import { PathParser } from "./json-path-parser";
import { CompiledPath, PathStep } from "./json-path-step";

// The configured gjson paths, compiled once (from configuration) and shared by every matcher that
// scans documents for them. The supported subset is described in json-path-parser.ts and in the
// package README ("Paths"); anything outside it is refused here with a message naming the path and
// position, so a configuration never silently selects nothing.
export class JsonPathSet {
  readonly paths: Array<CompiledPath> = new Array<CompiledPath>(0);
  /** The last compile error (empty when the last add succeeded). */
  error: string = "";
  /** Longest member name any step compares (bounds the matcher's key buffer). */
  maxNameBytes: i32 = 1;

  /** Compiles `path`; returns its id (0, 1, …), or -1 with `error` set. */
  add(path: string): i32 {
    const parser = new PathParser();
    const steps = parser.parse(path);
    if (steps == null) {
      this.error = parser.error;
      return -1;
    }
    this.error = "";
    this.noteNames(steps);
    this.paths.push(new CompiledPath(path, steps));
    return this.paths.length - 1;
  }

  get size(): i32 {
    return this.paths.length;
  }

  private noteNames(steps: Array<PathStep>): void {
    for (let i = 0; i < steps.length; i++) {
      const s = steps[i];
      if (s.name.length > this.maxNameBytes) this.maxNameBytes = s.name.length;
      const q = s.query;
      if (q != null) this.noteNames(q.steps);
    }
  }
}
