import { copyBytes, f64ToI32, findByte } from "../glue/target";
import { SeededRandom } from "./seeded-random";

// Runs `rounds` random findByte searches and overlapping copyBytes moves over a seeded buffer of
// `size` bytes, checking each against a plain loop; returns "ok <checks>" or the first mismatch.
export function glueTrace(size: i32, rounds: i32, seed: i32): string {
  const rnd = new SeededRandom(seed);
  const buf = new Uint8Array(size);
  for (let i = 0; i < size; i++) buf[i] = <u8>(rnd.below(4) == 0 ? 10 + rnd.below(4) : 32 + rnd.below(90));
  let checks = 0;
  for (let r = 0; r < rounds; r++) {
    const from = rnd.below(size + 1);
    const to = from + rnd.below(size - from + 1);
    const byte = 10 + rnd.below(4);
    let expected = to;
    for (let i = from; i < to; i++) {
      if (buf[i] == byte) {
        expected = i;
        break;
      }
    }
    const got = findByte(buf, byte, from, to);
    if (got != expected) {
      return "findByte(" + byte.toString() + ", " + from.toString() + ", " + to.toString() + ") = " + got.toString() +
        ", expected " + expected.toString();
    }
    checks++;
  }
  // Overlapping moves must behave like memmove.
  const a = new Uint8Array(64);
  for (let i = 0; i < 64; i++) a[i] = <u8>i;
  copyBytes(a, 8, a, 0, 32);
  copyBytes(a, 0, a, 20, 40);
  let sum = 0;
  for (let i = 0; i < 64; i++) sum = sum * 31 + a[i] - ((sum * 31 + a[i]) / 1000003 | 0) * 1000003;
  return "ok " + checks.toString() + " memmove " + sum.toString();
}

/** f64ToI32 of each value, space-separated. */
export function glueIntTrace(values: Float64Array): string {
  const out = new Array<string>(0);
  for (let i = 0; i < values.length; i++) out.push(f64ToI32(values[i]).toString());
  return out.join(" ");
}
