import { LogMerger, MERGE_MERGED, MERGE_OWN, MERGE_TOO_LARGE, logMergeLimit } from "../record/log-merge";

// Drives one LogMerger through a sequence of ai_log writes the way the Proxy-Wasm plugin does, and
// renders each result. `steps` is a byte string (one character per byte, 0–255) of records
//   <kind><existing length>,<own length>:<existing bytes><own bytes>
// where kind `n` starts a new stream (aistats has written nothing on it yet) and `c` is a later
// write on the same stream (the limit counts from the previous result's length); an existing
// length of -1 means the stream has no ai_log. Each result is one line: the status (own, merged,
// too_large, unparsable), a space, and the stored value as a byte string. A stored value never
// holds a byte below 0x20, so lines cannot be confused.
export function logMergeTrace(steps: string): string {
  const merger = new LogMerger();
  const lines = new Array<string>(0);
  let previous = 0;
  let i = 0;
  while (i < steps.length) {
    const kind = steps.charCodeAt(i++);
    if (kind == 0x6e) previous = 0;
    let negative = false;
    if (steps.charCodeAt(i) == 0x2d) {
      negative = true;
      i++;
    }
    let existingLength = 0;
    while (steps.charCodeAt(i) != 0x2c) existingLength = existingLength * 10 + (steps.charCodeAt(i++) - 0x30);
    i++;
    let ownLength = 0;
    while (steps.charCodeAt(i) != 0x3a) ownLength = ownLength * 10 + (steps.charCodeAt(i++) - 0x30);
    i++;
    if (negative) existingLength = 0;
    const existingAt = i;
    i += existingLength;
    const own = bytesOf(steps, i, i + ownLength);
    i += ownLength;
    let status: i32;
    if (existingLength > logMergeLimit(previous)) {
      status = merger.replaceTooLarge(own, ownLength);
    } else if (existingLength > 0 && merger.reserve(existingLength)) {
      const e = merger.existing;
      for (let k = 0; k < existingLength; k++) e[k] = <u8>(steps.charCodeAt(existingAt + k) & 0xff);
      status = merger.merge(existingLength, own, ownLength);
    } else {
      status = merger.writeOwn(own, ownLength);
    }
    previous = merger.outputLength;
    lines.push(statusName(status) + " " + byteString(merger.output, merger.outputLength));
  }
  return lines.join("\n");
}

function statusName(status: i32): string {
  if (status == MERGE_OWN) return "own";
  if (status == MERGE_MERGED) return "merged";
  if (status == MERGE_TOO_LARGE) return "too_large";
  return "unparsable";
}

function bytesOf(s: string, start: i32, end: i32): Uint8Array {
  const b = new Uint8Array(end - start);
  for (let k = start; k < end; k++) b[k - start] = <u8>(s.charCodeAt(k) & 0xff);
  return b;
}

function byteString(b: Uint8Array, n: i32): string {
  const parts = new Array<string>(0);
  for (let k = 0; k < n; k++) parts.push(String.fromCharCode(b[k]));
  return parts.join("");
}
