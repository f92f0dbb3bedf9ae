/* eslint-disable -- AssemblyScript source compiled by asc, not TypeScript run by Node. */
// @ts-nocheck -- AssemblyScript, checked by asc (its builtins are not TypeScript).
// The comparison plugin for `pnpm bench memory`: what Higress's Go ai-statistics plugin does with
// a streaming body — append every chunk to a growing per-stream buffer (Go's `append`, which
// doubles the capacity when it runs out) and look at it later. It is the charitable version: the
// buffer is freed the moment the stream is deleted (Go frees it only at some later collection),
// so whatever its linear memory grows to comes from holding bodies, not from a lazy collector.
// Every callback returns Continue; nothing is parsed, so it can only be faster than a real one.
import { proxy_get_buffer_bytes } from "./env";

const ACTION_CONTINUE: i32 = 0;
const STATUS_OK: i32 = 0;
const BUFFER_REQUEST_BODY: i32 = 0;
const BUFFER_RESPONSE_BODY: i32 = 1;

// (pointer, size) out-parameters of proxy_get_buffer_bytes: a static data segment.
const OUT: usize = memory.data(8);

/** One stream's bodies, appended as they arrive. */
class Buffered {
  ptr: usize = 0;
  length: i32 = 0;
  capacity: i32 = 0;

  append(src: usize, n: i32): void {
    const need = this.length + n;
    if (need > this.capacity) {
      let cap = this.capacity < 512 ? 512 : this.capacity * 2;
      if (cap < need) cap = need;
      this.ptr = this.ptr == 0 ? heap.alloc(<usize>cap) : heap.realloc(this.ptr, <usize>cap);
      this.capacity = cap;
    }
    memory.copy(this.ptr + <usize>this.length, src, <usize>n);
    this.length = need;
  }

  release(): void {
    if (this.ptr != 0) heap.free(this.ptr);
    this.ptr = 0;
    this.length = 0;
    this.capacity = 0;
  }
}

let streams: Map<i32, Buffered> | null = null;

function streamMap(): Map<i32, Buffered> {
  let m = streams;
  if (m == null) {
    m = new Map<i32, Buffered>();
    streams = m;
  }
  return m;
}

export function proxy_abi_version_0_2_1(): void {}

export function malloc(size: usize): usize {
  return heap.alloc(size);
}

export function proxy_on_context_create(contextId: i32, parentId: i32): void {
  if (parentId != 0) streamMap().set(contextId, new Buffered());
}

export function proxy_on_vm_start(_rootId: i32, _size: i32): i32 {
  return 1;
}

export function proxy_on_configure(_rootId: i32, _size: i32): i32 {
  return 1;
}

/** Appends the chunk the callback announced to the stream's buffer. */
function appendChunk(contextId: i32, type: i32, size: i32): void {
  const m = streamMap();
  if (size <= 0 || !m.has(contextId)) return;
  store<u64>(OUT, 0);
  if (proxy_get_buffer_bytes(type, 0, size, OUT, OUT + 4) != STATUS_OK) return;
  const ptr = <usize>load<u32>(OUT);
  const n = <i32>load<u32>(OUT, 4);
  if (ptr == 0) return;
  m.get(contextId).append(ptr, n);
  heap.free(ptr);
}

export function proxy_on_request_body(contextId: i32, bodySize: i32, _endOfStream: i32): i32 {
  appendChunk(contextId, BUFFER_REQUEST_BODY, bodySize);
  return ACTION_CONTINUE;
}

export function proxy_on_response_body(contextId: i32, bodySize: i32, _endOfStream: i32): i32 {
  appendChunk(contextId, BUFFER_RESPONSE_BODY, bodySize);
  return ACTION_CONTINUE;
}

export function proxy_on_delete(contextId: i32): void {
  const m = streamMap();
  if (!m.has(contextId)) return;
  m.get(contextId).release();
  m.delete(contextId);
  __collect();
}
