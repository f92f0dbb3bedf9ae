// SHA-256 (FIPS 180-4) over bytes, for `redact`: a redacted value keeps only its length and a
// digest prefix so equal secrets can be correlated without being stored. Written with i32
// arithmetic and explicit `| 0` so the JavaScript and wasm builds compute the same words.

const K: Array<i32> = [
  0x428a2f98, 0x71374491, -0x4a3f0431, -0x164a245b, 0x3956c25b, 0x59f111f1, -0x6dc07d5c, -0x54e3a12b,
  -0x27f85568, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, -0x7f214e02, -0x6423f959, -0x3e640e8c,
  -0x1b64963f, -0x1041b87a, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  -0x67c1aeae, -0x57ce3993, -0x4ffcd838, -0x40a68039, -0x391ff40d, -0x2a586eb9, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, -0x7e3d36d2, -0x6d8dd37b,
  -0x5d40175f, -0x57e599b5, -0x3db47490, -0x3893ae5d, -0x2e6d17e7, -0x2966f9dc, -0xbf1ca7b, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, -0x7b3787ec, -0x7338fdf8, -0x6f410006, -0x5baf9315, -0x41065c09, -0x398e870e,
];

const HEX: string = "0123456789abcdef";

/** The SHA-256 of b[start, end) as 64 lower-case hex digits. */
export function sha256Hex(b: Uint8Array, start: i32, end: i32): string {
  const h = new Int32Array(8);
  h[0] = 0x6a09e667;
  h[1] = -0x4498517b;
  h[2] = 0x3c6ef372;
  h[3] = -0x5ab00ac6;
  h[4] = 0x510e527f;
  h[5] = -0x64fa9774;
  h[6] = 0x1f83d9ab;
  h[7] = 0x5be0cd19;
  const n = end - start;
  // Padded length: data, 0x80, zeros, 8-byte big-endian bit length; a multiple of 64.
  const total = (((n + 9 + 63) / 64) | 0) * 64;
  const block = new Uint8Array(64);
  const w = new Int32Array(64);
  for (let off = 0; off < total; off += 64) {
    for (let k = 0; k < 64; k++) {
      const p = off + k;
      let v = 0;
      if (p < n) v = <i32>b[start + p];
      else if (p == n) v = 0x80;
      else if (p >= total - 8) v = lengthByte(n, total - 1 - p);
      block[k] = <u8>v;
    }
    compress(h, block, w);
  }
  let out = "";
  for (let i = 0; i < 8; i++) {
    const x = h[i];
    for (let s = 28; s >= 0; s -= 4) out += HEX.charAt((x >>> s) & 15);
  }
  return out;
}

// Byte `k` (0 = least significant) of the message length in bits, n × 8.
function lengthByte(n: i32, k: i32): i32 {
  if (k == 0) return (n << 3) & 0xff;
  if (k == 1) return (n >>> 5) & 0xff;
  if (k == 2) return (n >>> 13) & 0xff;
  if (k == 3) return (n >>> 21) & 0xff;
  if (k == 4) return (n >>> 29) & 0xff;
  return 0;
}

function rotr(x: i32, n: i32): i32 {
  return (x >>> n) | (x << (32 - n));
}

function compress(h: Int32Array, block: Uint8Array, w: Int32Array): void {
  for (let t = 0; t < 16; t++) {
    const j = t * 4;
    w[t] = ((<i32>block[j]) << 24) | ((<i32>block[j + 1]) << 16) | ((<i32>block[j + 2]) << 8) | (<i32>block[j + 3]);
  }
  for (let t = 16; t < 64; t++) {
    const x = w[t - 15];
    const y = w[t - 2];
    const s0 = rotr(x, 7) ^ rotr(x, 18) ^ (x >>> 3);
    const s1 = rotr(y, 17) ^ rotr(y, 19) ^ (y >>> 10);
    w[t] = (((w[t - 16] + s0) | 0) + ((w[t - 7] + s1) | 0)) | 0;
  }
  let a = h[0];
  let b = h[1];
  let c = h[2];
  let d = h[3];
  let e = h[4];
  let f = h[5];
  let g = h[6];
  let hh = h[7];
  for (let t = 0; t < 64; t++) {
    const S1 = rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25);
    const ch = (e & f) ^ (~e & g);
    const t1 = (((((hh + S1) | 0) + ((ch + K[t]) | 0)) | 0) + w[t]) | 0;
    const S0 = rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22);
    const maj = (a & b) ^ (a & c) ^ (b & c);
    const t2 = (S0 + maj) | 0;
    hh = g;
    g = f;
    f = e;
    e = (d + t1) | 0;
    d = c;
    c = b;
    b = a;
    a = (t1 + t2) | 0;
  }
  h[0] = (h[0] + a) | 0;
  h[1] = (h[1] + b) | 0;
  h[2] = (h[2] + c) | 0;
  h[3] = (h[3] + d) | 0;
  h[4] = (h[4] + e) | 0;
  h[5] = (h[5] + f) | 0;
  h[6] = (h[6] + g) | 0;
  h[7] = (h[7] + hh) | 0;
}
