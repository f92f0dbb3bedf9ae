import { JsonDecimal } from "./json-decimal";
import { GlobMatcher } from "./json-glob";
import { KIND_ARRAY, KIND_FALSE, KIND_NULL, KIND_NUMBER, KIND_OBJECT, KIND_STRING, KIND_TRUE } from "./json-kinds";
import { MatchTarget, TAKE_BYTES, TAKE_NO_BYTES, TAKE_REFUSED } from "./json-match-target";
import {
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
  TILDE_ANY,
  TILDE_FALSE,
  TILDE_NONE,
  TILDE_NULL,
  TILDE_TRUE,
} from "./json-path-step";
import { RUNE_ERROR, RUNE_MORE, RuneDecoder } from "./json-rune-decoder";
import { MatchRouter, StepFrame } from "./json-step-frame";

// Evaluates one query condition (`#(key op value)`) against the value its key selects in the
// current element, as the value streams: strings are compared byte by byte (or run through the `%`
// pattern's automaton), numbers are read as exact decimals, so nothing is buffered. The result
// follows gjson's queryMatches exactly; the owner frame hears it as soon as it is known.

const MODE_NONE: i32 = 0;
const MODE_COMPARE: i32 = 1; // string vs value, bytewise
const MODE_GLOB: i32 = 2; // string vs % pattern
const MODE_NUMBER: i32 = 3; // number vs value as a number
const MODE_TRUTH: i32 = 4; // string's truthiness for ~true / ~false (ParseBool after lower-casing)

export class ConditionTarget extends MatchTarget {
  readonly q: PathQuery;
  readonly router: MatchRouter;
  owner: StepFrame | null = null;
  /**
   * The query key's steps, applied to an object or array element. For an empty key gjson looks up
   * the member "" (a key step with an empty name): the element itself only counts when it is a
   * scalar.
   */
  chain: StepFrame | null = null;
  /** The query key is empty. */
  empty: bool = false;
  decided: bool = false;
  private mode: i32 = MODE_NONE;
  // MODE_COMPARE: -1 / 1 once the string differs from the value; 0 while it is a prefix of it.
  private cmp: i32 = 0;
  private cmpAt: i32 = 0;
  private readonly num: JsonDecimal = new JsonDecimal();
  private readonly glob: GlobMatcher | null;
  private readonly runes: RuneDecoder = new RuneDecoder();
  // MODE_TRUTH: the string lower-cased, if it is short enough to be a ParseBool word.
  private readonly word: Uint8Array = new Uint8Array(5);
  private wordLen: i32 = 0;

  constructor(q: PathQuery, router: MatchRouter) {
    super();
    const pattern = q.pattern;
    this.q = q;
    this.router = router;
    this.glob = pattern != null ? new GlobMatcher(pattern) : null;
  }

  override reset(): void {
    super.reset();
    this.decided = false;
    this.mode = MODE_NONE;
  }

  begin(kind: i32): i32 {
    if (this.taken) return TAKE_REFUSED;
    this.taken = true;
    const q = this.q;
    if (q.tilde != TILDE_NONE) {
      if (q.tilde == TILDE_ANY) return this.decideNow(applyBool(q.op, true));
      if (q.tilde == TILDE_NULL) return this.decideNow(applyBool(q.op, kind == KIND_NULL));
      if (kind == KIND_STRING) return this.want(MODE_TRUTH);
      if (kind == KIND_NUMBER) return this.want(MODE_NUMBER);
      if (q.tilde == TILDE_TRUE) return this.decideNow(applyBool(q.op, kind == KIND_TRUE));
      return this.decideNow(applyBool(q.op, kind == KIND_FALSE || kind == KIND_NULL));
    }
    if (q.op == OP_EXISTS) return this.decideNow(true);
    if (kind == KIND_STRING) return this.want(q.op == OP_LIKE || q.op == OP_NOT_LIKE ? MODE_GLOB : MODE_COMPARE);
    if (kind == KIND_NUMBER) {
      if (q.op == OP_LIKE || q.op == OP_NOT_LIKE) return this.decideNow(false);
      return this.want(MODE_NUMBER);
    }
    if (kind == KIND_TRUE || kind == KIND_FALSE) return this.decideNow(boolMatches(kind == KIND_TRUE, q.op, q.value));
    // null, objects and arrays match no operator (gjson's switch has no case for them).
    if (kind == KIND_NULL || kind == KIND_OBJECT || kind == KIND_ARRAY) return this.decideNow(false);
    return this.decideNow(false);
  }

  bytes(src: Uint8Array, start: i32, end: i32): void {
    const mode = this.mode;
    if (mode == MODE_COMPARE) {
      if (this.cmp != 0) return;
      const v = this.q.value;
      let at = this.cmpAt;
      for (let i = start; i < end; i++) {
        if (at >= v.length) {
          this.cmp = 1;
          return;
        }
        const a: i32 = src[i];
        const b: i32 = v[at];
        if (a != b) {
          this.cmp = a < b ? -1 : 1;
          return;
        }
        at++;
      }
      this.cmpAt = at;
    } else if (mode == MODE_GLOB) {
      const g = this.glob!;
      const runes = this.runes;
      for (let i = start; i < end; i++) {
        const b: i32 = src[i];
        let r = runes.feed(b);
        if (r == -2) {
          for (let k = 0; k < runes.errors; k++) g.step(RUNE_ERROR);
          r = runes.feed(b);
        }
        if (r != RUNE_MORE) g.step(r);
      }
    } else if (mode == MODE_NUMBER) {
      for (let i = start; i < end; i++) this.num.push(src[i]);
    } else if (mode == MODE_TRUTH) {
      for (let i = start; i < end; i++) {
        if (this.wordLen >= 5) {
          this.wordLen = 6;
          return;
        }
        let c: i32 = src[i];
        if (c >= 0x41 && c <= 0x5a) c += 0x20;
        this.word[this.wordLen++] = <u8>c;
      }
    }
  }

  end(): void {
    this.done = true;
    if (this.decided) return;
    const q = this.q;
    const mode = this.mode;
    if (mode == MODE_COMPARE) {
      let c = this.cmp;
      if (c == 0 && this.cmpAt < q.value.length) c = -1;
      this.decide(orderMatches(c, q.op));
    } else if (mode == MODE_GLOB) {
      const g = this.glob!;
      const errors = this.runes.finish();
      for (let k = 0; k < errors; k++) g.step(RUNE_ERROR);
      const like = g.matched();
      this.decide(q.op == OP_LIKE ? like : !like);
    } else if (mode == MODE_NUMBER) {
      this.num.finish();
      if (q.tilde == TILDE_TRUE) this.decide(applyBool(q.op, !this.num.isZero()));
      else if (q.tilde == TILDE_FALSE) this.decide(applyBool(q.op, this.num.isZero()));
      else this.decide(numberMatches(this.num.compare(q.number), q.op));
    } else if (mode == MODE_TRUTH) {
      const w = this.truthWord();
      // ParseBool accepts 1 t true / 0 f false (case folded by gjson); anything else is neither.
      if (q.tilde == TILDE_TRUE) this.decide(applyBool(q.op, w == 1));
      else this.decide(applyBool(q.op, w == 0));
    }
  }

  /**
   * Evaluates the condition on the element starting at `pos`. gjson applies the query key to
   * objects and arrays only; a scalar element is compared itself when the key is empty, and fails
   * the query outright otherwise (that is not the "missing value" case: `~null` does not match).
   */
  start(m: MatchRouter, kind: i32, pos: i32): void {
    if (kind == KIND_OBJECT || kind == KIND_ARRAY) m.evalChild(this.chain, this, kind, pos);
    else if (this.empty) m.evalChild(null, this, kind, pos);
    else this.decide(false);
  }

  /** The element ended and the key selected nothing: gjson's queryMatches on a missing value. */
  missing(): bool {
    const t = this.q.tilde;
    // A missing value has gjson's Null type: nullish and falsy, not truthy, not existing.
    if (t == TILDE_NULL || t == TILDE_FALSE) return applyBool(this.q.op, true);
    if (t == TILDE_TRUE || t == TILDE_ANY) return applyBool(this.q.op, false);
    return false;
  }

  private want(mode: i32): i32 {
    this.mode = mode;
    this.cmp = 0;
    this.cmpAt = 0;
    this.wordLen = 0;
    if (mode == MODE_NUMBER) this.num.reset();
    if (mode == MODE_GLOB) {
      this.runes.reset();
      this.glob!.start();
    }
    return TAKE_BYTES;
  }

  private decideNow(result: bool): i32 {
    this.mode = MODE_NONE;
    this.decide(result);
    return TAKE_NO_BYTES;
  }

  private decide(result: bool): void {
    if (this.decided) return;
    this.decided = true;
    const owner = this.owner;
    if (owner != null) owner.condDecided(this.router, result);
  }

  // 1: a true word, 0: a false word, -1: neither.
  private truthWord(): i32 {
    const n = this.wordLen;
    const w = this.word;
    if (n == 1) {
      if (w[0] == 0x31 || w[0] == 0x74) return 1;
      if (w[0] == 0x30 || w[0] == 0x66) return 0;
      return -1;
    }
    if (n == 4 && w[0] == 0x74 && w[1] == 0x72 && w[2] == 0x75 && w[3] == 0x65) return 1;
    if (n == 5 && w[0] == 0x66 && w[1] == 0x61 && w[2] == 0x6c && w[3] == 0x73 && w[4] == 0x65) return 0;
    return -1;
  }
}

// gjson compares a true/false value only through the value's text: the rules of its queryMatches.
function boolMatches(isTrue: bool, op: i32, value: Uint8Array): bool {
  if (isTrue) {
    if (op == OP_EQ) return isWord(value, "true");
    if (op == OP_NE) return !isWord(value, "true");
    if (op == OP_GT) return isWord(value, "false");
    return op == OP_GE;
  }
  if (op == OP_EQ) return isWord(value, "false");
  if (op == OP_NE) return !isWord(value, "false");
  if (op == OP_LT) return isWord(value, "true");
  return op == OP_LE;
}

// With a ~ value gjson turns the value into true/false and compares it with "true".
function applyBool(op: i32, truth: bool): bool {
  if (truth) return op == OP_EQ || op == OP_GE;
  return op == OP_NE || op == OP_LT || op == OP_LE;
}

function orderMatches(c: i32, op: i32): bool {
  if (op == OP_EQ) return c == 0;
  if (op == OP_NE) return c != 0;
  if (op == OP_LT) return c < 0;
  if (op == OP_LE) return c <= 0;
  if (op == OP_GT) return c > 0;
  if (op == OP_GE) return c >= 0;
  return false;
}

// Like orderMatches, but a NaN (c == 2) is unordered: only != holds.
function numberMatches(c: i32, op: i32): bool {
  if (c == 2) return op == OP_NE;
  return orderMatches(c, op);
}

function isWord(value: Uint8Array, word: string): bool {
  if (value.length != word.length) return false;
  for (let i = 0; i < word.length; i++) if (<i32>value[i] != word.charCodeAt(i)) return false;
  return true;
}
