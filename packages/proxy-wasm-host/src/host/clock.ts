// The time a plugin sees. Envoy reads the system clock; a test host needs time it controls, so
// proxy_get_current_time_nanoseconds and WASI clock_time_get read a HostClock instead.

export interface HostClock {
  /** Wall-clock time, unix epoch nanoseconds (WASI realtime clock). */
  nowNanos(): bigint;
  /** Monotonic time in nanoseconds (WASI monotonic clock). */
  monotonicNanos(): bigint;
}

/** A clock that only moves when told to. Starts at `startUnixMs` (default 2024-01-01T00:00:00Z). */
export class ManualClock implements HostClock {
  private nanos: bigint;
  private monotonic = 0n;

  constructor(startUnixMs = 1_704_067_200_000) {
    this.nanos = BigInt(startUnixMs) * 1_000_000n;
  }

  nowNanos(): bigint {
    return this.nanos;
  }

  monotonicNanos(): bigint {
    return this.monotonic;
  }

  /** Current wall-clock time in milliseconds. */
  nowMs(): number {
    return Number(this.nanos / 1_000_000n);
  }

  advanceMs(ms: number): void {
    this.advanceNanos(BigInt(Math.round(ms * 1_000_000)));
  }

  advanceNanos(ns: bigint): void {
    if (ns < 0n) throw new RangeError("a clock cannot go back");
    this.nanos += ns;
    this.monotonic += ns;
  }

  /** Moves the wall clock to `unixMs` (monotonic time advances by the same amount). */
  setMs(unixMs: number): void {
    this.advanceNanos(BigInt(unixMs) * 1_000_000n - this.nanos);
  }
}

/** The machine's clocks, for benchmarks and interactive use. */
export const systemClock: HostClock = {
  nowNanos: () => BigInt(Date.now()) * 1_000_000n,
  monotonicNanos: () => process.hrtime.bigint(),
};
