import { loadByte } from "../glue/target";
import { hexValue } from "./json-utf8";

// The streaming matcher's tokenizer states, number grammar states and consumer flags, shared by
// its layers (json-value-router.ts, json-value-decoder.ts, json-matcher.ts), and the escape table.

// Tokenizer states.
export const ST_VALUE: i32 = 0; // a value must come (root, after ':', after ',' in an array)
export const ST_ARR_FIRST: i32 = 1; // after '[': a value or ']'
export const ST_OBJ_FIRST: i32 = 2; // after '{': a key or '}'
export const ST_OBJ_KEY: i32 = 3; // after ',' in an object: a key
export const ST_COLON: i32 = 4;
export const ST_NEXT: i32 = 5; // after a value in a container: ',' or the closing bracket
export const ST_DONE: i32 = 6; // the root value is complete: whitespace only
export const ST_STRING: i32 = 7;
export const ST_ESCAPE: i32 = 8;
export const ST_UNICODE: i32 = 9;
export const ST_SURROGATE: i32 = 10; // a surrogate \uXXXX was read; a second \u escape may pair with it
export const ST_SURROGATE_U: i32 = 11; // … and its backslash
export const ST_NUMBER: i32 = 12;
export const ST_LITERAL: i32 = 13;
export const ST_SKIP: i32 = 14; // inside a string nobody decodes: only its closing quote matters

// Number grammar states.
export const N_SIGN: i32 = 0;
export const N_ZERO: i32 = 1;
export const N_INT: i32 = 2;
export const N_DOT: i32 = 3;
export const N_FRAC: i32 = 4;
export const N_E: i32 = 5;
export const N_ESIGN: i32 = 6;
export const N_EXP: i32 = 7;

// Consumer flags.
export const C_NONE: u8 = 0;
export const C_RAW: u8 = 1;
export const C_DECODED: u8 = 2;

/** Decoded string bytes are gathered here so short runs between escapes go out in one piece. */
export const SCRATCH: i32 = 256;
export const NONE: i32 = -1;

export const ESC_UNICODE: i32 = -2;

// The byte a one-character escape stands for; ESC_UNICODE for \u, -1 for an invalid escape.
export function escapedByte(c: i32): i32 {
  if (c == 0x22 || c == 0x5c || c == 0x2f) return c;
  if (c == 0x6e) return 0x0a;
  if (c == 0x74) return 0x09;
  if (c == 0x72) return 0x0d;
  if (c == 0x62) return 0x08;
  if (c == 0x66) return 0x0c;
  if (c == 0x75) return ESC_UNICODE;
  return -1;
}

// The four hex digits at buf[at, at + 4) (already validated).
export function hex4(buf: Uint8Array, at: i32): i32 {
  return (hexValue(loadByte(buf, at)) << 12) | (hexValue(loadByte(buf, at + 1)) << 8) | (hexValue(loadByte(buf, at + 2)) << 4) | hexValue(loadByte(buf, at + 3));
}

export const LIT_TRUE: Uint8Array = asciiBytes("true");
export const LIT_FALSE: Uint8Array = asciiBytes("false");
export const LIT_NULL: Uint8Array = asciiBytes("null");

function asciiBytes(s: string): Uint8Array {
  const b = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) b[i] = <u8>s.charCodeAt(i);
  return b;
}
