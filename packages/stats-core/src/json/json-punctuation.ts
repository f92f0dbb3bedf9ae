// One-byte arrays for the punctuation the matcher writes around values it builds (`[a,b]`,
// reversed `{"k":v}`), so writing them is a plain bytes() call with no allocation.

export const PUNCT: Uint8Array = makePunctuation();
export const AT_COMMA: i32 = 0;
export const AT_OPEN_ARRAY: i32 = 1;
export const AT_CLOSE_ARRAY: i32 = 2;
export const AT_OPEN_OBJECT: i32 = 3;
export const AT_CLOSE_OBJECT: i32 = 4;
export const AT_COLON: i32 = 5;

function makePunctuation(): Uint8Array {
  const b = new Uint8Array(6);
  b[0] = 0x2c;
  b[1] = 0x5b;
  b[2] = 0x5d;
  b[3] = 0x7b;
  b[4] = 0x7d;
  b[5] = 0x3a;
  return b;
}
