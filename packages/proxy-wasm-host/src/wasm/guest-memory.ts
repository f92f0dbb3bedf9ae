// Bounds-checked access to the guest's linear memory. Every address comes from the plugin, so
// each read and write is checked and reports failure instead of throwing, like proxy-wasm-cpp-host's
// getMemory/setWord (a bad pointer becomes INVALID_MEMORY_ACCESS, not a host crash).

export class GuestMemory {
  constructor(private readonly memory: WebAssembly.Memory | undefined) {}

  get byteLength(): number {
    return this.memory?.buffer.byteLength ?? 0;
  }

  /** A view of [ptr, ptr+len) (valid until the next call into the guest), or null if out of bounds. */
  view(ptr: number, len: number): Uint8Array | null {
    if (this.memory === undefined || ptr + len > this.memory.buffer.byteLength) return null;
    return new Uint8Array(this.memory.buffer, ptr, len);
  }

  /** A copy of [ptr, ptr+len), or null if out of bounds. */
  read(ptr: number, len: number): Uint8Array | null {
    return this.view(ptr, len)?.slice() ?? null;
  }

  write(ptr: number, data: Uint8Array): boolean {
    const target = this.view(ptr, data.length);
    if (target === null) return false;
    target.set(data);
    return true;
  }

  writeU32(ptr: number, value: number): boolean {
    const target = this.view(ptr, 4);
    if (target === null) return false;
    new DataView(target.buffer, target.byteOffset, 4).setUint32(0, value >>> 0, true);
    return true;
  }

  writeU64(ptr: number, value: bigint): boolean {
    const target = this.view(ptr, 8);
    if (target === null) return false;
    new DataView(target.buffer, target.byteOffset, 8).setBigUint64(0, BigInt.asUintN(64, value), true);
    return true;
  }

  readU32(ptr: number): number | null {
    const source = this.view(ptr, 4);
    return source === null ? null : new DataView(source.buffer, source.byteOffset, 4).getUint32(0, true);
  }
}
