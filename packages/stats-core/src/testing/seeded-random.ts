// xorshift32: identical sequences in the JS and wasm builds (only 32-bit integer operations).
export class SeededRandom {
  private state: i32;

  constructor(seed: i32) {
    this.state = seed == 0 ? 0x2545f491 : seed;
  }

  next(): i32 {
    let x = this.state;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.state = x;
    return x & 0x7fffffff;
  }

  /** An integer in [0, n). */
  below(n: i32): i32 {
    return n <= 0 ? 0 : this.next() % n;
  }
}
