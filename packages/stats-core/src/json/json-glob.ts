import { decodeRuneAt } from "./json-rune-decoder";

// The `%` / `!%` patterns of gjson queries (github.com/tidwall/match): `*` matches any run of
// characters, `?` exactly one character (a UTF-8 code point, as Go decodes it), `\c` the character c
// itself. Compiled to tokens here and run as an NFA (GlobMatcher) over the string as it streams, so
// no string is buffered and no pattern can make matching slower than O(length × pattern).

export const GLOB_STAR: i32 = -1;
export const GLOB_ANY: i32 = -2;

export class GlobPattern {
  /** Code points to match literally, GLOB_STAR or GLOB_ANY. */
  readonly tokens: Int32Array;
  /**
   * False for a pattern ending in a lone `\`: Go's matcher treats it inconsistently (it never
   * matches, except right after a `*`), so such patterns are rejected when the path is compiled.
   */
  readonly valid: bool;

  constructor(pattern: Uint8Array) {
    const tmp = new Int32Array(pattern.length);
    let m = 0;
    let valid = true;
    let i = 0;
    while (i < pattern.length) {
      const c: i32 = pattern[i];
      if (c == 0x2a) {
        tmp[m++] = GLOB_STAR;
        i++;
        continue;
      }
      if (c == 0x3f) {
        tmp[m++] = GLOB_ANY;
        i++;
        continue;
      }
      if (c == 0x5c) {
        i++;
        if (i >= pattern.length) {
          valid = false;
          break;
        }
      }
      const r = decodeRuneAt(pattern, i);
      tmp[m++] = r >> 3;
      i += r & 7;
    }
    const tokens = new Int32Array(m);
    for (let k = 0; k < m; k++) tokens[k] = tmp[k];
    this.tokens = tokens;
    this.valid = valid;
  }
}

/** The running state of one GlobPattern over one string. */
export class GlobMatcher {
  private readonly tokens: Int32Array;
  private cur: Uint8Array;
  private next: Uint8Array;
  private alive: bool = true;

  constructor(pattern: GlobPattern) {
    this.tokens = pattern.tokens;
    this.cur = new Uint8Array(pattern.tokens.length + 1);
    this.next = new Uint8Array(pattern.tokens.length + 1);
  }

  start(): void {
    this.cur.fill(0);
    this.cur[0] = 1;
    this.alive = true;
    this.closure(this.cur);
  }

  step(rune: i32): void {
    if (!this.alive) return;
    const t = this.tokens;
    const m = t.length;
    const cur = this.cur;
    const next = this.next;
    next.fill(0);
    let alive = false;
    for (let p = 0; p < m; p++) {
      if (cur[p] == 0) continue;
      const tok = t[p];
      if (tok == GLOB_STAR) {
        next[p] = 1;
        alive = true;
      } else if (tok == GLOB_ANY || tok == rune) {
        next[p + 1] = 1;
        alive = true;
      }
    }
    this.closure(next);
    this.cur = next;
    this.next = cur;
    this.alive = alive;
  }

  matched(): bool {
    return this.alive && this.cur[this.tokens.length] != 0;
  }

  // A star may match nothing: whoever reaches it also stands past it.
  private closure(set: Uint8Array): void {
    const t = this.tokens;
    for (let p = 0; p < t.length; p++) if (set[p] != 0 && t[p] == GLOB_STAR) set[p + 1] = 1;
  }
}
