// Reads a whole header map from the host (proxy_get_header_map_pairs) into name/value lists. Envoy
// drops the map once the headers callback returns Continue, so everything the engine needs is
// taken here, in the headers phase.
import { STATUS_OK, getHeaderPairs, outPtr, outSize } from "./host";

export class HeaderList {
  readonly names: Array<string> = new Array<string>(0);
  readonly values: Array<string> = new Array<string>(0);

  /** The first value of `name` (lower case), or "". */
  get(name: string): string {
    for (let i = 0; i < this.names.length; i++) if (this.names[i] == name) return this.values[i];
    return "";
  }
}

/** The map `type` as a list; empty when the host has none (or sent a malformed one). */
export function readHeaders(type: i32): HeaderList {
  const list = new HeaderList();
  if (getHeaderPairs(type) != STATUS_OK) return list;
  const ptr = outPtr();
  const size = outSize();
  if (ptr == 0) return list;
  if (size >= 4) {
    const count = <i32>load<u32>(ptr);
    // Each pair needs 8 bytes of sizes and 2 NULs: a count that cannot fit is a broken map.
    if (count >= 0 && count <= (size - 4) / 10) {
      let data = ptr + 4 + <usize>count * 8;
      const end = ptr + <usize>size;
      for (let i = 0; i < count; i++) {
        const k = <usize>load<u32>(ptr + 4 + <usize>i * 8);
        const v = <usize>load<u32>(ptr + 8 + <usize>i * 8);
        if (data + k + v + 2 > end) break;
        list.names.push(String.UTF8.decodeUnsafe(data, k));
        data += k + 1;
        list.values.push(String.UTF8.decodeUnsafe(data, v));
        data += v + 1;
      }
    }
  }
  heap.free(ptr);
  return list;
}
