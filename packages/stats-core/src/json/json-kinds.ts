// Kinds of value a JSON path selects, and the matcher's document statuses. Shared by the matcher,
// its result targets and step frames; src/json/json-matcher.ts re-exports them as the public API.

export const KIND_STRING: i32 = 1;
export const KIND_NUMBER: i32 = 2;
export const KIND_TRUE: i32 = 3;
export const KIND_FALSE: i32 = 4;
export const KIND_NULL: i32 = 5;
export const KIND_OBJECT: i32 = 6;
export const KIND_ARRAY: i32 = 7;

/** The document so far is well-formed (after finish(): it is complete). */
export const JSON_OK: i32 = 0;
/** finish() came before the document was complete (also: nothing but whitespace). */
export const JSON_INCOMPLETE: i32 = 1;
/** The bytes are not JSON (bad token, bad escape, control character in a string, trailing data…). */
export const JSON_MALFORMED: i32 = 2;
/** Containers nest deeper than the matcher's maxDepth. */
export const JSON_TOO_DEEP: i32 = 3;

/** A short upper-case name for a kind, for traces and messages. */
export function kindName(kind: i32): string {
  if (kind == KIND_STRING) return "STRING";
  if (kind == KIND_NUMBER) return "NUMBER";
  if (kind == KIND_TRUE) return "TRUE";
  if (kind == KIND_FALSE) return "FALSE";
  if (kind == KIND_NULL) return "NULL";
  if (kind == KIND_OBJECT) return "OBJECT";
  if (kind == KIND_ARRAY) return "ARRAY";
  return "?";
}

/** A short upper-case name for a status, for traces and messages. */
export function jsonStatusName(status: i32): string {
  if (status == JSON_OK) return "OK";
  if (status == JSON_INCOMPLETE) return "INCOMPLETE";
  if (status == JSON_MALFORMED) return "MALFORMED";
  if (status == JSON_TOO_DEEP) return "TOO_DEEP";
  return "?";
}
