import { GlobPattern } from "./json-glob";
import {
  MAX_REVERSE_INDEX,
  OP_EQ,
  OP_EXISTS,
  OP_GE,
  OP_GT,
  OP_LE,
  OP_LIKE,
  OP_LT,
  OP_NE,
  OP_NOT_LIKE,
  PathQuery,
  PathStep,
  STEP_ALL,
  STEP_COUNT,
  STEP_FIRST,
  STEP_KEY,
  STEP_MAP,
  STEP_REVERSE,
  TILDE_ANY,
  TILDE_FALSE,
  TILDE_NONE,
  TILDE_NULL,
  TILDE_TRUE,
} from "./json-path-step";
import { bytesEqualAscii, gjsonUnescape, sliceBytes, utf8Encode } from "./json-utf8";

// Compiles one gjson path into PathSteps. The supported subset (also in packages/stats-core/README.md,
// section "Paths"); everything else is a compile error naming the path and the byte position:
//
//   a.b.c            keys, separated by `.`; `\` escapes the next byte (`fav\.movie` is the key "fav.movie")
//   choices.0        a number is an array index (and, on objects, a key spelled that way)
//   a|b              `|` is accepted where it means the same as `.` except that the member before it
//                    is final: gjson takes the first "a" even if it has no "b" (a later duplicate "a"
//                    is not tried). After `#.…` or `#(…)#` a `|` would apply to the joined array:
//                    rejected.
//   items.#          `#` as the last component: the length of the array
//   items.#.name     `#.rest`: rest on every element, joined as a JSON array of the raw values found
//                    (elements where rest finds nothing are skipped; `[]` for none)
//   #(key op value)  the first element whose `key` compares true; the path may continue after it
//   #(key op value)# every such element; the rest of the path maps over them (`[]` for none)
//                    op: == (or =), !=, <, <=, >, >=, % (like: `*` any run, `?` one character,
//                    `\` escapes), !% (not like); no op at all tests that `key` exists. `key` is a
//                    path of keys/indexes (with an optional final `#`), empty for the element
//                    itself (`#(=="x")`). value: "quoted string" (JSON escapes), a number, true,
//                    false, null, or gjson's ~true ~false ~null ~* (truthiness). Comparisons follow
//                    gjson's queryMatches to the letter: the element's type decides (a string
//                    compares as bytes with the value's text, a number with the value read as a
//                    number, true/false only against true/false, null and objects/arrays never
//                    match an operator).
//   @reverse         as a component (`messages.@reverse.0.content`): the rest of the path sees
//                    the array, or the object's members, in reverse order; last, it yields the
//                    reversed array/object text. An index right after it is bounded (≤ 1023).
//
// Rejected: other modifiers (@this, @flatten, @pretty, … and modifier arguments `@x:arg`),
// wildcards `*` `?` in keys, multipaths `[…]` `{…}`, static values `!…`, JSON Lines `..`, nested
// queries, `#.` / @reverse inside a query key, empty keys, and text after a query's closing bracket.
// An `@name` that is not a gjson modifier is an ordinary key, as in gjson (`@type`).

const MODIFIERS = "pretty ugly reverse this valid flatten join keys values tostr fromstr group dig";

export class PathParser {
  error: string = "";
  private p: Uint8Array = new Uint8Array(0);
  private text: string = "";
  private queryEnd: i32 = 0;

  /** The compiled steps, or null with `error` set. */
  parse(text: string): Array<PathStep> | null {
    this.text = text;
    this.error = "";
    const p = utf8Encode(text);
    this.p = p;
    const n = p.length;
    if (n == 0) return this.fail(0, "empty path");
    if (n >= 2 && p[0] == 0x2e && p[1] == 0x2e) return this.fail(0, "JSON Lines paths (..) are not supported");
    return this.parseSteps(0, n, false);
  }

  private parseSteps(start: i32, end: i32, inQuery: bool): Array<PathStep> | null {
    const p = this.p;
    const steps = new Array<PathStep>(0);
    if (p[start] == 0x21) return this.fail(start, "static values (!…) are not supported");
    let i = start;
    let fanOut = false;
    for (;;) {
      if (i >= end) return this.fail(i, "the path ends with a separator");
      const c: i32 = p[i];
      let step: PathStep | null = null;
      if (c == 0x5b || c == 0x7b) return this.fail(i, "multipaths ([…] or {…}) are not supported");
      if (c == 0x40) {
        let j = i + 1;
        while (j < end && p[j] != 0x2e && p[j] != 0x7c && p[j] != 0x3a) j++;
        if (isModifier(p, i + 1, j)) {
          if (!bytesEqualAscii(p, i + 1, j, "reverse")) {
            return this.fail(i, "modifier @" + asciiText(p, i + 1, j) + " is not supported (only @reverse)");
          }
          if (j < end && p[j] == 0x3a) return this.fail(j, "modifier arguments are not supported");
          if (inQuery) return this.fail(i, "@reverse is not supported inside a query");
          if (steps.length > 0 && steps[steps.length - 1].kind == STEP_REVERSE) {
            return this.fail(i, "@reverse twice in a row is not supported");
          }
          step = new PathStep(STEP_REVERSE, new Uint8Array(0), -1, null);
          i = j;
        }
      }
      if (step == null && c == 0x23) {
        if (i + 1 >= end) {
          step = new PathStep(STEP_COUNT, hashName(), -1, null);
          i++;
        } else if (p[i + 1] == 0x2e) {
          if (inQuery) return this.fail(i, "#. is not supported inside a query");
          if (i + 2 >= end) return this.fail(i, "#. needs a path after it");
          step = new PathStep(STEP_MAP, hashName(), -1, null);
          i++;
        } else if (p[i + 1] == 0x7c) {
          return this.fail(i + 1, "| after # is not supported");
        } else if (p[i + 1] == 0x28 || p[i + 1] == 0x5b) {
          if (inQuery) return this.fail(i, "nested queries are not supported");
          const q = this.parseQuery(i, end);
          if (q == null) return null;
          i = this.queryEnd;
          let kind = STEP_FIRST;
          if (i < end && p[i] == 0x23) {
            kind = STEP_ALL;
            i++;
          }
          if (i < end && p[i] != 0x2e && p[i] != 0x7c) return this.fail(i, "unexpected text after the query");
          step = new PathStep(kind, hashName(), -1, q);
        }
      }
      if (step == null) {
        const name = new Uint8Array(end - i);
        let len = 0;
        let j = i;
        while (j < end) {
          const b: i32 = p[j];
          if (b == 0x5c) {
            j++;
            if (j < end) name[len++] = p[j++];
            continue;
          }
          if (b == 0x2e || b == 0x7c) break;
          if (b == 0x2a || b == 0x3f) return this.fail(j, "wildcards (* and ?) in keys are not supported");
          name[len++] = <u8>b;
          j++;
        }
        if (len == 0) return this.fail(i, "empty key");
        const key = sliceBytes(name, 0, len);
        step = new PathStep(STEP_KEY, key, digitsIndex(key), null);
        if (steps.length > 0 && steps[steps.length - 1].kind == STEP_REVERSE && step.index > MAX_REVERSE_INDEX) {
          return this.fail(i, "an index after @reverse must be at most " + MAX_REVERSE_INDEX.toString());
        }
        i = j;
      }
      const s: PathStep = step;
      if (inQuery && s.kind != STEP_KEY && s.kind != STEP_COUNT) return this.fail(i, "unsupported inside a query");
      steps.push(s);
      if (i >= end) break;
      if (p[i] == 0x7c) {
        if (fanOut || s.kind == STEP_ALL) {
          return this.fail(i, "| after #. or #(…)# is not supported (gjson applies it to the joined array)");
        }
        if (s.kind == STEP_KEY) s.commit = true;
      } else if (s.kind == STEP_KEY && i + 1 < end && p[i + 1] == 0x40 && isModifierAt(p, i + 1, end)) {
        // gjson reads `.@modifier` as a pipe: the member before it is final.
        s.commit = true;
      }
      if (s.kind == STEP_MAP || s.kind == STEP_ALL) fanOut = true;
      i++;
    }
    return steps;
  }

  // `#(…)` / `#[…]` at q, scanned exactly as gjson's parseQuery does.
  private parseQuery(q: i32, end: i32): PathQuery | null {
    const p = this.p;
    let i = q + 2;
    let j = -1;
    let depth = 1;
    let escaped = false;
    while (i < end) {
      const b: i32 = p[i];
      if (depth == 1 && j < 0 && (b == 0x21 || b == 0x3d || b == 0x3c || b == 0x3e || b == 0x25)) {
        j = i;
        i++;
        continue;
      }
      if (b == 0x5c) {
        i += 2;
        continue;
      }
      if (b == 0x5b || b == 0x28) {
        depth++;
      } else if (b == 0x5d || b == 0x29) {
        depth--;
        if (depth == 0) break;
      } else if (b == 0x22) {
        i++;
        while (i < end) {
          if (p[i] == 0x5c) {
            escaped = true;
            i += 2;
            continue;
          }
          if (p[i] == 0x22) break;
          i++;
        }
      }
      i++;
    }
    if (i >= end) {
      this.fail(q, "unterminated query");
      return null;
    }
    const close = i;
    this.queryEnd = close + 1;
    let op = OP_EXISTS;
    let value: Uint8Array = new Uint8Array(0);
    let keyStart = q + 2;
    let keyEnd = close;
    if (j >= 0) {
      keyEnd = j;
      let vs = j;
      let ve = trimEnd(p, vs, close);
      const len = ve - vs;
      const v0: i32 = p[vs];
      const v1: i32 = len > 1 ? p[vs + 1] : 0;
      let size = 1;
      if (len == 1) {
        op = singleOp(v0);
      } else if (v0 == 0x21 && v1 == 0x3d) {
        op = OP_NE;
        size = 2;
      } else if (v0 == 0x21 && v1 == 0x25) {
        op = OP_NOT_LIKE;
        size = 2;
      } else if (v0 == 0x3c && v1 == 0x3d) {
        op = OP_LE;
        size = 2;
      } else if (v0 == 0x3e && v1 == 0x3d) {
        op = OP_GE;
        size = 2;
      } else if (v0 == 0x3d && v1 == 0x3d) {
        op = OP_EQ;
        size = 2;
      } else {
        op = singleOp(v0);
      }
      if (op < 0) {
        this.fail(j, "unsupported query operator");
        return null;
      }
      vs = trimStart(p, vs + size, ve);
      ve = trimEnd(p, vs, ve);
      value = sliceBytes(p, vs, ve);
      const n = value.length;
      if (n >= 2 && value[0] == 0x22 && value[n - 1] == 0x22) {
        value = sliceBytes(value, 1, n - 1);
        if (escaped) value = gjsonUnescape(value);
      }
    }
    keyStart = trimStart(p, keyStart, keyEnd);
    keyEnd = trimEnd(p, keyStart, keyEnd);
    let tilde = TILDE_NONE;
    if (value.length > 0 && value[0] == 0x7e) {
      const n = value.length;
      if (bytesEqualAscii(value, 1, n, "true")) tilde = TILDE_TRUE;
      else if (bytesEqualAscii(value, 1, n, "false")) tilde = TILDE_FALSE;
      else if (bytesEqualAscii(value, 1, n, "null")) tilde = TILDE_NULL;
      else if (bytesEqualAscii(value, 1, n, "*")) tilde = TILDE_ANY;
      else {
        this.fail(j, "unknown ~ value (gjson knows ~true, ~false, ~null and ~*)");
        return null;
      }
    }
    let pattern: GlobPattern | null = null;
    if (tilde == TILDE_NONE && (op == OP_LIKE || op == OP_NOT_LIKE)) {
      const g = new GlobPattern(value);
      if (!g.valid) {
        this.fail(j, "a % pattern must not end with a lone backslash");
        return null;
      }
      pattern = g;
    }
    let steps = new Array<PathStep>(0);
    if (keyEnd > keyStart) {
      const sub = this.parseSteps(keyStart, keyEnd, true);
      if (sub == null) return null;
      steps = sub;
    }
    return new PathQuery(steps, op, value, tilde, pattern);
  }

  private fail(at: i32, message: string): Array<PathStep> | null {
    this.error = "path \"" + this.text + "\": " + message + " at byte " + at.toString();
    return null;
  }
}

function singleOp(c: i32): i32 {
  if (c == 0x3d) return OP_EQ;
  if (c == 0x3c) return OP_LT;
  if (c == 0x3e) return OP_GT;
  if (c == 0x25) return OP_LIKE;
  return -1;
}

function hashName(): Uint8Array {
  const b = new Uint8Array(1);
  b[0] = 0x23;
  return b;
}

// The array index a component spells (ASCII digits only, like gjson's parseUint), else -1.
function digitsIndex(name: Uint8Array): i32 {
  if (name.length == 0) return -1;
  let v = 0;
  for (let i = 0; i < name.length; i++) {
    const c: i32 = name[i];
    if (c < 0x30 || c > 0x39) return -1;
    // No array has a billion elements; a larger index simply never matches.
    if (v > 100000000) return -1;
    v = v * 10 + (c - 0x30);
  }
  return v;
}

function isModifier(p: Uint8Array, start: i32, end: i32): bool {
  const names = MODIFIERS;
  let s = 0;
  while (s < names.length) {
    let e = s;
    while (e < names.length && names.charCodeAt(e) != 0x20) e++;
    if (end - start == e - s) {
      let same = true;
      for (let k = 0; k < e - s; k++) {
        if (<i32>p[start + k] != names.charCodeAt(s + k)) {
          same = false;
          break;
        }
      }
      if (same) return true;
    }
    s = e + 1;
  }
  return false;
}

// `@name` at p[at] where name is a modifier: gjson's isDotPiperChar.
function isModifierAt(p: Uint8Array, at: i32, end: i32): bool {
  let j = at + 1;
  while (j < end && p[j] != 0x2e && p[j] != 0x7c && p[j] != 0x3a) j++;
  return isModifier(p, at + 1, j);
}

function asciiText(p: Uint8Array, start: i32, end: i32): string {
  let s = "";
  for (let i = start; i < end; i++) s += String.fromCharCode(p[i]);
  return s;
}

function trimStart(p: Uint8Array, start: i32, end: i32): i32 {
  let i = start;
  while (i < end && p[i] <= 0x20) i++;
  return i;
}

function trimEnd(p: Uint8Array, start: i32, end: i32): i32 {
  let e = end;
  while (e > start && p[e - 1] <= 0x20) e--;
  return e;
}
