// Byte-level text helpers for compiling paths: gjson works on the bytes of Go strings, so path
// components, query values and patterns are compared as UTF-8 bytes.

/** UTF-8 encoding of a JS string; a lone surrogate becomes U+FFFD (as TextEncoder does). */
export function utf8Encode(s: string): Uint8Array {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && isLow(s.charCodeAt(i + 1))) {
      n += 4;
      i++;
    } else n += 3;
  }
  const out = new Uint8Array(n);
  let o = 0;
  for (let i = 0; i < s.length; i++) {
    let c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && isLow(s.charCodeAt(i + 1))) {
      c = 0x10000 + ((c - 0xd800) << 10) + (s.charCodeAt(i + 1) - 0xdc00);
      i++;
    } else if (c >= 0xd800 && c <= 0xdfff) {
      c = 0xfffd;
    }
    o = putUtf8(out, o, c);
  }
  return out;
}

/** Writes code point `cp` as UTF-8 at out[at]; returns the offset after it. Surrogates become U+FFFD. */
export function putUtf8(out: Uint8Array, at: i32, cp: i32): i32 {
  let c = cp;
  if ((c >= 0xd800 && c <= 0xdfff) || c > 0x10ffff || c < 0) c = 0xfffd;
  if (c < 0x80) {
    out[at] = <u8>c;
    return at + 1;
  }
  if (c < 0x800) {
    out[at] = <u8>(0xc0 | (c >> 6));
    out[at + 1] = <u8>(0x80 | (c & 0x3f));
    return at + 2;
  }
  if (c < 0x10000) {
    out[at] = <u8>(0xe0 | (c >> 12));
    out[at + 1] = <u8>(0x80 | ((c >> 6) & 0x3f));
    out[at + 2] = <u8>(0x80 | (c & 0x3f));
    return at + 3;
  }
  out[at] = <u8>(0xf0 | (c >> 18));
  out[at + 1] = <u8>(0x80 | ((c >> 12) & 0x3f));
  out[at + 2] = <u8>(0x80 | ((c >> 6) & 0x3f));
  out[at + 3] = <u8>(0x80 | (c & 0x3f));
  return at + 4;
}

/** Bytes [start, end) of `b` as a new array. */
export function sliceBytes(b: Uint8Array, start: i32, end: i32): Uint8Array {
  const n = end > start ? end - start : 0;
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = b[start + i];
  return out;
}

/** True when b[start, end) holds exactly the ASCII text `s`. */
export function bytesEqualAscii(b: Uint8Array, start: i32, end: i32, s: string): bool {
  if (end - start != s.length) return false;
  for (let i = 0; i < s.length; i++) if (<i32>b[start + i] != s.charCodeAt(i)) return false;
  return true;
}

/**
 * Resolves JSON escapes exactly like gjson's unescape (used on quoted query values): an unknown
 * escape or a control character ends the text there, `\u` with bad hex reads as U+0000, a surrogate
 * followed by another `\u` escape pairs with it (U+FFFD unless high + low), a lone one is U+FFFD.
 */
export function gjsonUnescape(b: Uint8Array): Uint8Array {
  const n = b.length;
  const out = new Uint8Array(n * 2 + 4);
  let o = 0;
  let i = 0;
  while (i < n) {
    const c: i32 = b[i];
    if (c != 0x5c) {
      if (c < 0x20) break;
      out[o++] = <u8>c;
      i++;
      continue;
    }
    i++;
    if (i >= n) break;
    const e: i32 = b[i];
    if (e == 0x5c || e == 0x2f || e == 0x22) out[o++] = <u8>e;
    else if (e == 0x62) out[o++] = 0x08;
    else if (e == 0x66) out[o++] = 0x0c;
    else if (e == 0x6e) out[o++] = 0x0a;
    else if (e == 0x72) out[o++] = 0x0d;
    else if (e == 0x74) out[o++] = 0x09;
    else if (e == 0x75) {
      if (i + 5 > n) break;
      let r = hex4(b, i + 1);
      i += 5;
      if (r >= 0xd800 && r <= 0xdfff && n - i >= 6 && b[i] == 0x5c && b[i + 1] == 0x75) {
        const r2 = hex4(b, i + 2);
        r = r <= 0xdbff && r2 >= 0xdc00 && r2 <= 0xdfff ? 0x10000 + ((r - 0xd800) << 10) + (r2 - 0xdc00) : 0xfffd;
        i += 6;
      }
      o = putUtf8(out, o, r);
      continue;
    } else break;
    i++;
  }
  return sliceBytes(out, 0, o);
}

/** Value of a hex digit, or -1. */
export function hexValue(c: i32): i32 {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  return -1;
}

// Go's strconv.ParseUint(s[:4], 16): any non-hex digit makes it fail, which gjson reads as 0.
function hex4(b: Uint8Array, at: i32): i32 {
  let v = 0;
  for (let k = 0; k < 4; k++) {
    const h = hexValue(b[at + k]);
    if (h < 0) return 0;
    v = v * 16 + h;
  }
  return v;
}

function isLow(c: i32): bool {
  return c >= 0xdc00 && c <= 0xdfff;
}
