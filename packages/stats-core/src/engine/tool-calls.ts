import { ArenaLease } from "../arena/arena-lease";
import { JV_ARRAY, JV_NUMBER, JV_OBJECT, JV_STRING, JsonValue } from "../config/json-value";
import { f64ToI32 } from "../glue/target";
import { utf8Encode } from "../json/json-utf8";
import { JsonCanonicalizer } from "../record/json-canonical";
import { ValueBuffer } from "./value-buffer";

// Tool calls assembled from a response into OpenAI's shape, for every provider (PRODUCT §3):
// OpenAI stream deltas merge by `index` (id, type and name from the first delta that has them,
// argument fragments joined); Anthropic tool_use content blocks become calls keyed by their block
// index, their input_json_delta fragments joined into `arguments`. At most MAX_TOOL_CALLS calls
// are kept (more are counted as dropped); arguments live in the arena, bounded like any value.

export const MAX_TOOL_CALLS: i32 = 64;
/** Ids, names and types longer than this are cut (they are identifiers, never long). */
const NAME_LIMIT: i32 = 256;

export class ToolCalls {
  count: i32 = 0;
  /** Calls that did not fit in MAX_TOOL_CALLS. */
  dropped: i32 = 0;
  private readonly keys: Int32Array = new Int32Array(MAX_TOOL_CALLS);
  private readonly order: Int32Array = new Int32Array(MAX_TOOL_CALLS);
  private readonly ids: Array<string> = new Array<string>(0);
  private readonly names: Array<string> = new Array<string>(0);
  private readonly types: Array<string> = new Array<string>(0);
  // Per call, created the first time an exchange has that many calls and kept for reuse: most
  // exchanges have none, and an idle exchange should cost little.
  private readonly argBufs: Array<ValueBuffer> = new Array<ValueBuffer>(0);
  private readonly lease: ArenaLease;
  private readonly argumentLimit: i32;

  constructor(lease: ArenaLease, argumentLimit: i32) {
    this.lease = lease;
    this.argumentLimit = argumentLimit;
  }

  reset(): void {
    for (let i = 0; i < this.count; i++) {
      this.ids[i] = "";
      this.names[i] = "";
      this.types[i] = "";
      this.argBufs[i].kind = 0;
      this.argBufs[i].total = 0;
    }
    this.count = 0;
    this.dropped = 0;
  }

  release(): void {
    for (let i = 0; i < this.argBufs.length; i++) this.argBufs[i].release();
    this.count = 0;
  }

  /** One OpenAI `delta.tool_calls` array. */
  addOpenAiDeltas(deltas: JsonValue): void {
    if (deltas.kind != JV_ARRAY) return;
    for (let i = 0; i < deltas.items.length; i++) {
      const d = deltas.items[i];
      if (d.kind != JV_OBJECT) continue;
      const index = d.member("index");
      const slot = this.slot(index != null && index.kind == JV_NUMBER ? f64ToI32(index.number) : i);
      if (slot < 0) continue;
      this.mergeIdentity(slot, d);
      const fn = d.member("function");
      if (fn != null && fn.kind == JV_OBJECT) {
        const name = fn.member("name");
        if (name != null && name.kind == JV_STRING && this.names[slot].length == 0) this.names[slot] = cut(name.text);
        const args = fn.member("arguments");
        if (args != null && args.kind == JV_STRING) this.appendText(slot, args.text);
      }
    }
  }

  /** An Anthropic content_block_start's block: a tool_use block opens a call under `blockIndex`. */
  startAnthropicBlock(blockIndex: i32, block: JsonValue): void {
    if (block.kind != JV_OBJECT) return;
    const type = block.member("type");
    if (type == null || type.kind != JV_STRING || type.text != "tool_use") return;
    const slot = this.slot(blockIndex);
    if (slot < 0) return;
    this.mergeIdentity(slot, block);
    this.types[slot] = "function";
    const name = block.member("name");
    if (name != null && name.kind == JV_STRING) this.names[slot] = cut(name.text);
  }

  /** An input_json_delta fragment for the block `blockIndex` (ignored when it is not a tool call). */
  appendAnthropicFragment(blockIndex: i32, fragment: ValueBuffer): void {
    const slot = this.find(blockIndex);
    if (slot < 0) return;
    const a = this.argBufs[slot];
    if (a.kind == 0) a.start(1);
    a.appendValue(fragment);
  }

  /**
   * A complete Anthropic tool_use block from a JSON body: `input` becomes `arguments` as its
   * compact canonical JSON text (however the body was formatted), as Go's json.Marshal writes it.
   */
  addAnthropicBlock(block: JsonValue, text: Uint8Array, canonical: JsonCanonicalizer): void {
    const slot = this.slot(this.count);
    if (slot < 0) return;
    this.mergeIdentity(slot, block);
    this.types[slot] = "function";
    const name = block.member("name");
    if (name != null && name.kind == JV_STRING) this.names[slot] = cut(name.text);
    const input = block.member("input");
    const a = this.argBufs[slot];
    a.start(1);
    if (input != null) {
      const n = canonical.toBytes(text, input.start, input.end);
      a.append(canonical.bytes, 0, n);
    }
  }

  /**
   * The calls in index order (PRODUCT §3), as positions for id() / name() / args(): OpenAI's
   * `index`, Anthropic's content block index. Usually the order they appeared in.
   */
  inIndexOrder(): Int32Array {
    const order = this.order;
    for (let i = 0; i < this.count; i++) {
      let j = i - 1;
      while (j >= 0 && this.keys[order[j]] > this.keys[i]) {
        order[j + 1] = order[j];
        j--;
      }
      order[j + 1] = i;
    }
    return order;
  }

  id(i: i32): string {
    return this.ids[i];
  }

  name(i: i32): string {
    return this.names[i];
  }

  type(i: i32): string {
    return this.types[i].length > 0 ? this.types[i] : "function";
  }

  args(i: i32): ValueBuffer {
    return this.argBufs[i];
  }

  private mergeIdentity(slot: i32, o: JsonValue): void {
    const id = o.member("id");
    if (id != null && id.kind == JV_STRING && this.ids[slot].length == 0) this.ids[slot] = cut(id.text);
    const type = o.member("type");
    if (type != null && type.kind == JV_STRING && this.types[slot].length == 0 && type.text != "tool_use") this.types[slot] = cut(type.text);
  }

  private appendText(slot: i32, s: string): void {
    const a = this.argBufs[slot];
    if (a.kind == 0) a.start(1);
    const b = utf8Encode(s);
    a.append(b, 0, b.length);
  }

  private find(key: i32): i32 {
    for (let i = 0; i < this.count; i++) if (this.keys[i] == key) return i;
    return -1;
  }

  // The call under `key`, opened if new; -1 when the table is full.
  private slot(key: i32): i32 {
    const found = this.find(key);
    if (found >= 0) return found;
    if (this.count == MAX_TOOL_CALLS) {
      this.dropped++;
      return -1;
    }
    const i = this.count;
    if (i == this.argBufs.length) {
      this.ids.push("");
      this.names.push("");
      this.types.push("");
      this.argBufs.push(new ValueBuffer(this.lease, this.argumentLimit));
    }
    this.keys[i] = key;
    this.count++;
    return i;
  }
}

function cut(s: string): string {
  return s.length > NAME_LIMIT ? s.substring(0, NAME_LIMIT) : s;
}
