// A tiny deterministic generator (Marsaglia xorshift32) so a `--resplit N --seed S` run cuts every
// case the same way on every machine. Quality only needs to be good enough to spread cut points.
export class SeededRandom {
  private state: number;

  constructor(seed: number) {
    // xorshift has one bad state, 0; any other 32-bit value works.
    this.state = seed >>> 0 || 0x9e3779b9;
    for (let i = 0; i < 4; i++) this.nextU32(); // let nearby seeds drift apart
  }

  /** A uniformly distributed unsigned 32-bit integer. */
  nextU32(): number {
    let x = this.state;
    x = (x ^ (x << 13)) >>> 0;
    x = (x ^ (x >>> 17)) >>> 0;
    x = (x ^ (x << 5)) >>> 0;
    this.state = x;
    return x;
  }

  /** An integer in [0, n). */
  below(n: number): number {
    return Math.floor((this.nextU32() / 0x1_0000_0000) * n);
  }
}

/** FNV-1a over a string's UTF-16 code units: a stable per-case salt for the run's seed. */
export function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}
