import { describe, expect, it } from "vitest";
import { BufferType, FilterDataStatus, WasmResult } from "../abi/abi-constants";
import { GuestBuilder, OUT_PTR, OUT_SIZE, OUT_U32, outBytes, records } from "../testing/guest-builder";
import { ProxyWasmHost } from "./proxy-wasm-host";

const chunk = (n: number, fill: number): Uint8Array => new Uint8Array(n).fill(fill);

/** Records body_size and the length get_buffer_bytes(0, body_size) returned; buffers until eos. */
async function bufferingGuest(): Promise<Uint8Array> {
  const g = new GuestBuilder();
  g.on(
    "proxy_on_request_body",
    `(call $rec (local.get $size))
     (call $rec (call $proxy_get_buffer_bytes (i32.const 0) (i32.const 0) (local.get $size) (i32.const ${OUT_PTR}) (i32.const ${OUT_SIZE})))
     (call $rec (i32.load (i32.const ${OUT_SIZE})))
     (if (result i32) (local.get $eos) (then (i32.const 0)) (else (i32.const 1)))`,
  );
  return g.build();
}

const CHUNKS = [chunk(8192, 1), chunk(8192, 2), chunk(8192, 3), chunk(670, 4)];
const ALL = new Uint8Array(CHUNKS.reduce((n, c) => n + c.length, 0));
CHUNKS.reduce((at, c) => (ALL.set(c, at), at + c.length), 0);

function sendChunks(host: ProxyWasmHost) {
  const s = host.newHttpStream();
  s.requestHeaders({ ":method": "POST", ":path": "/" }, false);
  const results = CHUNKS.map((c, i) => s.requestBody(c, i === CHUNKS.length - 1));
  return { s, results };
}

describe("request body buffering (StopIterationAndBuffer)", () => {
  it("Envoy >= 1.32: each callback sees every byte so far, the current chunk included", async () => {
    const host = await ProxyWasmHost.start(await bufferingGuest());
    const { s, results } = sendChunks(host);
    expect(records(host)).toEqual([8192, 0, 8192, 16384, 0, 16384, 24576, 0, 24576, 25246, 0, 25246]);
    expect(results.map((r) => [r.status, r.bodySize])).toEqual([
      [FilterDataStatus.StopIterationAndBuffer, 8192],
      [FilterDataStatus.StopIterationAndBuffer, 16384],
      [FilterDataStatus.StopIterationAndBuffer, 24576],
      [FilterDataStatus.Continue, 25246],
    ]);
    expect(outBytes(host)).toEqual(ALL);
    // Continue at the end releases the whole buffered body as one chunk.
    expect(s.upstream.chunks.length).toBe(1);
    expect(s.upstream.body).toEqual(ALL);
    expect(s.upstream.endStream).toBe(true);
  });

  it("legacy (Envoy < 1.32): a callback after a stop sees only the earlier chunks", async () => {
    const host = await ProxyWasmHost.start(await bufferingGuest(), { legacyBodyBuffering: true });
    const { s } = sendChunks(host);
    // envoyproxy/envoy#35884: sizes 8192, 8192, 16384, 24576 for chunks 8192×3 + 670.
    expect(records(host).filter((_, i) => i % 3 === 0)).toEqual([8192, 8192, 16384, 24576]);
    expect(outBytes(host)).toEqual(ALL.subarray(0, 24576));
    // The filter manager still appends the last chunk before passing the body on.
    expect(s.upstream.body).toEqual(ALL);
  });
});

describe("streaming bodies and buffer hostcalls", () => {
  it("passes each chunk on as it came when the plugin continues", async () => {
    const g = new GuestBuilder();
    g.on("proxy_on_response_body", `(call $rec (local.get $size)) (i32.const 0)`);
    const host = await ProxyWasmHost.start(await g.build());
    const s = host.newHttpStream();
    s.requestHeaders({ ":path": "/" }, true);
    s.responseHeaders({ ":status": "200", "content-type": "text/event-stream" }, false);
    for (const [i, c] of ["data: a\n\n", "data: b", "\n\n"].entries()) s.responseBody(c, i === 2);
    expect(records(host)).toEqual([9, 7, 2]);
    expect(s.downstream.chunks.map((c) => new TextDecoder().decode(c))).toEqual(["data: a\n\n", "data: b", "\n\n"]);
    expect(s.downstream.endStream).toBe(true);
  });

  it("clamps get_buffer_bytes, writes 0/0 for nothing, and reports unknown or absent buffers", async () => {
    const g = new GuestBuilder();
    const get = (type: number, start: number, len: number): string =>
      `(call $rec (call $proxy_get_buffer_bytes (i32.const ${type}) (i32.const ${start}) (i32.const ${len}) (i32.const ${OUT_PTR}) (i32.const ${OUT_SIZE})))
       (call $rec (i32.load (i32.const ${OUT_SIZE})))`;
    g.on(
      "proxy_on_request_body",
      `(i32.store (i32.const ${OUT_SIZE}) (i32.const 99))
       ${get(0, 11, 5)} ${get(0, 3, 100)} (call $log_out) ${get(0, 10, 5)}
       (call $rec (call $proxy_get_buffer_status (i32.const 0) (i32.const ${OUT_U32}) (i32.const ${OUT_SIZE})))
       (call $rec (i32.load (i32.const ${OUT_U32})))
       (call $rec (call $proxy_get_buffer_bytes (i32.const 9) (i32.const 0) (i32.const 1) (i32.const ${OUT_PTR}) (i32.const ${OUT_SIZE})))
       (call $rec (call $proxy_get_buffer_bytes (i32.const ${BufferType.PluginConfiguration}) (i32.const 0) (i32.const 9) (i32.const ${OUT_PTR}) (i32.const ${OUT_SIZE})))
       (call $rec (call $proxy_get_buffer_bytes (i32.const ${BufferType.HttpCallResponseBody}) (i32.const 0) (i32.const 9) (i32.const ${OUT_PTR}) (i32.const ${OUT_SIZE})))
       ${get(BufferType.VmConfiguration, 0, 100)} (call $log_out)
       ${get(BufferType.HttpResponseBody, 0, 100)}
       (i32.const 0)`,
    );
    g.on(
      "proxy_on_configure",
      `${get(BufferType.PluginConfiguration, 0, 1000)} (call $log_out) (i32.const 1)`,
    );
    const host = await ProxyWasmHost.start(await g.build(), { vmConfig: "vm-config", pluginConfig: '{"k":1}' });
    const s = host.newHttpStream();
    s.requestHeaders({ ":path": "/" }, false);
    s.requestBody("0123456789", true);
    expect(records(host)).toEqual([
      0, 7, // configure: plugin configuration is readable there
      0, 0, // start past the end: OK, nothing (size written as 0)
      0, 7, // clamped to the 7 bytes after start 3
      0, 0, // start == size: nothing
      0, 10, // buffer status: length 10
      WasmResult.BadArgument, // buffer type > max
      WasmResult.NotFound, // plugin configuration outside proxy_on_configure
      WasmResult.NotFound, // no HTTP call response
      0, 9, // VM configuration is always readable
      0, 0, // the response body does not exist yet: empty
    ]);
    expect(host.logs.messages("info")).toEqual(['{"k":1}', "3456789", "vm-config"]);
  });

  it("set_buffer_bytes prepends, replaces, appends, and refuses anything else (Envoy's Buffer::copyFrom)", async () => {
    const g = new GuestBuilder();
    const set = (start: number, len: number, text: string): string =>
      `(call $rec (call $proxy_set_buffer_bytes (i32.const 0) (i32.const ${start}) (i32.const ${len}) ${g.str(text)}))`;
    g.on(
      "proxy_on_request_body",
      `(if (i32.eqz (local.get $eos))
         (then ${set(0, 0, "<")} ${set(99, 0, ">")} ${set(2, 1, "!")})
         (else ${set(0, 100, "replaced")}))
       (i32.const 0)`,
    );
    const host = await ProxyWasmHost.start(await g.build());
    const s = host.newHttpStream();
    s.requestHeaders({ ":path": "/" }, false);
    s.requestBody("abc", false);
    s.requestBody("def", true);
    expect(records(host)).toEqual([0, 0, WasmResult.BadArgument, 0]);
    expect(s.upstream.chunks.map((c) => new TextDecoder().decode(c))).toEqual(["<abc>", "replaced"]);
  });

  it("drops a chunk the plugin answers with StopIterationNoBuffer (or an out-of-range value)", async () => {
    const g = new GuestBuilder();
    g.on("proxy_on_request_body", `(if (result i32) (local.get $eos) (then (i32.const 0)) (else (i32.const 9)))`);
    const host = await ProxyWasmHost.start(await g.build());
    const s = host.newHttpStream();
    s.requestHeaders({ ":path": "/" }, false);
    const r = s.requestBody("lost", false);
    expect(r).toMatchObject({ returned: 9, status: FilterDataStatus.StopIterationNoBuffer });
    s.requestBody("kept", true);
    expect(s.upstream.bodyText).toBe("kept");
    expect(s.droppedBytes("request")).toBe(4);
  });

  it("answers 413 when buffering a request body past the buffer limit", async () => {
    const host = await ProxyWasmHost.start(await bufferingGuest(), { bufferLimitBytes: 10_000 });
    const s = host.newHttpStream();
    s.requestHeaders({ ":method": "POST", ":path": "/" }, false);
    s.requestBody(chunk(8192, 1), false);
    s.requestBody(chunk(8192, 2), false);
    expect(s.downstream.headers?.get(":status")).toBe("413");
    expect(s.downstream.bodyText).toBe("Payload Too Large");
    expect(s.finished).toBe(true);
    // The headers had gone upstream already; the upstream request is reset, its body never sent.
    expect(s.upstream.reset).toBe(true);
    expect(s.upstream.chunks).toEqual([]);
  });
});
