// A parsed JSON document as a small tree (see json-value-parser.ts). Only configuration is parsed
// this way: it is small and read once. Bodies never are: they go through the streaming matcher.

export const JV_NULL: i32 = 1;
export const JV_BOOL: i32 = 2;
export const JV_NUMBER: i32 = 3;
export const JV_STRING: i32 = 4;
export const JV_ARRAY: i32 = 5;
export const JV_OBJECT: i32 = 6;

export class JsonValue {
  readonly kind: i32;
  /** Byte range of the value's text in the parsed input. */
  readonly start: i32;
  end: i32 = 0;
  /** JV_BOOL: the value. */
  boolValue: bool = false;
  /** JV_NUMBER: the value (see json-number.ts for how exactly it is computed). */
  number: f64 = 0;
  /** JV_STRING: the decoded text. JV_NUMBER: the number as written (for messages). */
  text: string = "";
  /** JV_ARRAY: the elements, in order. */
  readonly items: Array<JsonValue> = new Array<JsonValue>(0);
  /**
   * JV_OBJECT: member names in document order, duplicates kept (callers choose: gjson, which
   * Higress uses for top-level fields, takes the first; Go's json.Unmarshal takes the last).
   */
  readonly keys: Array<string> = new Array<string>(0);
  /** JV_OBJECT: member values, parallel to `keys`. */
  readonly values: Array<JsonValue> = new Array<JsonValue>(0);

  constructor(kind: i32, start: i32) {
    this.kind = kind;
    this.start = start;
  }

  /** Elements of an array, members of an object, else 0. */
  get size(): i32 {
    if (this.kind == JV_ARRAY) return this.items.length;
    if (this.kind == JV_OBJECT) return this.keys.length;
    return 0;
  }

  /** The first member named `key` (gjson's choice among duplicates), or null. */
  member(key: string): JsonValue | null {
    for (let i = 0; i < this.keys.length; i++) if (this.keys[i] == key) return this.values[i];
    return null;
  }

  /** The last member named `key` (encoding/json's choice among duplicates), or null. */
  lastMember(key: string): JsonValue | null {
    for (let i = this.keys.length - 1; i >= 0; i--) if (this.keys[i] == key) return this.values[i];
    return null;
  }

  /** How many members are named `key`. */
  memberCount(key: string): i32 {
    let n = 0;
    for (let i = 0; i < this.keys.length; i++) if (this.keys[i] == key) n++;
    return n;
  }
}

/** "null", "boolean", "number", "string", "array" or "object". */
export function jsonKindName(kind: i32): string {
  if (kind == JV_NULL) return "null";
  if (kind == JV_BOOL) return "boolean";
  if (kind == JV_NUMBER) return "number";
  if (kind == JV_STRING) return "string";
  if (kind == JV_ARRAY) return "array";
  if (kind == JV_OBJECT) return "object";
  return "unknown";
}
