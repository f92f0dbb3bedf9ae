// The reference side of the JSON tests: prints what JSON.parse makes of a document in the format
// of jsonValueTrace (config-json-trace.ts), computed independently (numbers from their IEEE bits,
// strings from their UTF-16 units), so a property test can compare the portable parser with it.

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** The exact value of a double as `<odd integer>p<exponent>`, from its bits. */
export function referenceBinaryText(x: number): string {
  if (Number.isNaN(x)) return "nan";
  if (x === Infinity) return "inf";
  if (x === -Infinity) return "-inf";
  if (x === 0) return Object.is(x, -0) ? "-0" : "0";
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const bits = view.getBigUint64(0);
  const negative = bits >> 63n === 1n;
  const biased = Number((bits >> 52n) & 0x7ffn);
  let mantissa = bits & 0xfffffffffffffn;
  let exponent: number;
  if (biased === 0) {
    exponent = -1074;
  } else {
    mantissa |= 1n << 52n;
    exponent = biased - 1075;
  }
  while ((mantissa & 1n) === 0n) {
    mantissa >>= 1n;
    exponent++;
  }
  return (negative ? "-" : "") + mantissa.toString() + "p" + exponent;
}

/** JSON.parse(text) printed like jsonValueTrace, or null when JSON.parse throws. */
export function referenceJsonTrace(text: string): string | null {
  let value: Json;
  try {
    value = JSON.parse(text) as Json;
  } catch {
    return null;
  }
  return print(value);
}

function print(v: Json): string {
  if (v === null) return "null";
  if (v === true) return "true";
  if (v === false) return "false";
  if (typeof v === "number") return "num(" + referenceBinaryText(v) + ")";
  if (typeof v === "string") return quote(v);
  if (Array.isArray(v)) return "[" + v.map(print).join(",") + "]";
  return "{" + Object.keys(v).map((k) => quote(k) + ":" + print(v[k]!)).join(",") + "}";
}

function quote(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x22) out += '\\"';
    else if (c === 0x5c) out += "\\\\";
    else if (c >= 0x20 && c <= 0x7e) out += s[i];
    else out += "\\u" + c.toString(16).padStart(4, "0");
  }
  return out + '"';
}
