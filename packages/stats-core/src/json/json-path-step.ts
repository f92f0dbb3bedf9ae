import { JsonDecimal } from "./json-decimal";
import { GlobPattern } from "./json-glob";

// The compiled form of a gjson path (see json-path-parser.ts for the syntax): a list of steps,
// each applied to the value the previous step selected. Immutable once compiled, so one
// JsonPathSet can serve any number of matchers at once.

/** A member by name on objects; on arrays the element at `index` (when the name is a number). */
export const STEP_KEY: i32 = 1;
/** `#` (last component): the length of an array. */
export const STEP_COUNT: i32 = 2;
/** `#.rest`: `rest` evaluated on every element, the results joined into an array. */
export const STEP_MAP: i32 = 3;
/** `#(query)`: the first element the query accepts; the path goes on inside it. */
export const STEP_FIRST: i32 = 4;
/** `#(query)#`: every element the query accepts; the rest of the path maps over them. */
export const STEP_ALL: i32 = 5;
/** `@reverse`: the rest of the path sees the array (or object members) in reverse order. */
export const STEP_REVERSE: i32 = 6;

/** Query operators. OP_EXISTS is a query without operator: `#(key)`. */
export const OP_EXISTS: i32 = 0;
export const OP_EQ: i32 = 1;
export const OP_NE: i32 = 2;
export const OP_LT: i32 = 3;
export const OP_LE: i32 = 4;
export const OP_GT: i32 = 5;
export const OP_GE: i32 = 6;
export const OP_LIKE: i32 = 7;
export const OP_NOT_LIKE: i32 = 8;

/** gjson's `~` values: compare the value's truthiness instead of the value. */
export const TILDE_NONE: i32 = 0;
export const TILDE_TRUE: i32 = 1;
export const TILDE_FALSE: i32 = 2;
export const TILDE_NULL: i32 = 3;
export const TILDE_ANY: i32 = 4;

/** After @reverse an index keeps that many candidates in the arena: bounded by configuration. */
export const MAX_REVERSE_INDEX: i32 = 1023;

export class PathQuery {
  /** The query key: keys, indexes and an optional final `#`; empty means the element itself. */
  readonly steps: Array<PathStep>;
  readonly op: i32;
  /** Right-hand side as gjson compares it: unquoted, unescaped when it had escapes. */
  readonly value: Uint8Array;
  readonly tilde: i32;
  /** `value` read as a number the way Go's ParseFloat reads it (0 when it is not one). */
  readonly number: JsonDecimal;
  /** `value` as a `%` pattern (LIKE / NOT_LIKE only). */
  readonly pattern: GlobPattern | null;

  constructor(steps: Array<PathStep>, op: i32, value: Uint8Array, tilde: i32, pattern: GlobPattern | null) {
    const number = new JsonDecimal();
    number.parse(value);
    this.steps = steps;
    this.op = op;
    this.value = value;
    this.tilde = tilde;
    this.number = number;
    this.pattern = pattern;
  }
}

export class PathStep {
  readonly kind: i32;
  /** Member name (decoded bytes); "#" for COUNT and MAP, which match a "#" member on objects. */
  readonly name: Uint8Array;
  /** Array index the name spells (digits only), else -1. */
  readonly index: i32;
  /** Followed by a pipe (`a|b`, `a.@reverse`): the first matching member is taken even if the rest misses. */
  commit: bool = false;
  readonly query: PathQuery | null;

  constructor(kind: i32, name: Uint8Array, index: i32, query: PathQuery | null) {
    this.kind = kind;
    this.name = name;
    this.index = index;
    this.query = query;
  }
}

/** One configured path, compiled. */
export class CompiledPath {
  readonly text: string;
  readonly steps: Array<PathStep>;

  constructor(text: string, steps: Array<PathStep>) {
    this.text = text;
    this.steps = steps;
  }
}
