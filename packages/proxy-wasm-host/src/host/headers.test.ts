import { describe, expect, it } from "vitest";
import { MapType, WasmResult } from "../abi/abi-constants";
import { serializePairs } from "../headers/pairs-codec";
import { GuestBuilder, OUT_PTR, OUT_SIZE, OUT_U32, outBytes, records } from "../testing/guest-builder";
import { ProxyWasmHost } from "./proxy-wasm-host";

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const RQ = MapType.RequestHeaders;

describe("header map hostcalls", () => {
  it("gets, adds, replaces and removes request headers, lowercasing keys, and the upstream sees the result", async () => {
    const g = new GuestBuilder();
    g.on(
      "proxy_on_request_headers",
      `(call $rec (call $proxy_get_header_map_value (i32.const ${RQ}) ${g.str("Content-Type")} (i32.const ${OUT_PTR}) (i32.const ${OUT_SIZE})))
       (call $log_out)
       (call $rec (call $proxy_get_header_map_value (i32.const ${RQ}) ${g.str("x-missing")} (i32.const ${OUT_PTR}) (i32.const ${OUT_SIZE})))
       (call $rec (call $proxy_add_header_map_value (i32.const ${RQ}) ${g.str("X-Added")} ${g.str("1")}))
       (call $rec (call $proxy_replace_header_map_value (i32.const ${RQ}) ${g.str("x-multi")} ${g.str("one")}))
       (call $rec (call $proxy_remove_header_map_value (i32.const ${RQ}) ${g.str("x-drop")}))
       (call $rec (call $proxy_get_header_map_size (i32.const ${RQ}) (i32.const ${OUT_U32})))
       (call $rec (i32.load (i32.const ${OUT_U32})))
       (call $rec (call $proxy_get_header_map_value (i32.const 8) ${g.str("a")} (i32.const ${OUT_PTR}) (i32.const ${OUT_SIZE})))
       (i32.const 0)`,
    );
    const host = await ProxyWasmHost.start(await g.build());
    const s = host.newHttpStream();
    s.requestHeaders(
      [[":path", "/v1"], ["content-type", "application/json"], ["x-multi", "a"], ["x-multi", "b"], ["x-drop", "z"]],
      true,
    );
    // size is Envoy's byteSize(): key+value bytes of the map after the changes above
    const expectedSize = ":path/v1content-typeapplication/jsonx-added1x-multione".length;
    expect(records(host)).toEqual([0, WasmResult.NotFound, 0, 0, 0, 0, expectedSize, WasmResult.BadArgument]);
    expect(host.logs.messages("info")).toEqual(["application/json"]);
    expect(s.upstream.headers?.pairs()).toEqual([
      [":path", "/v1"],
      ["content-type", "application/json"],
      ["x-added", "1"],
      ["x-multi", "one"],
    ]);
    expect(s.routeCacheClears).toBe(3);
  });

  it("serializes the whole map for get_header_map_pairs, byte for byte", async () => {
    const g = new GuestBuilder();
    g.on("proxy_on_request_headers", `(call $rec (call $proxy_get_header_map_pairs (i32.const 0) (i32.const ${OUT_PTR}) (i32.const ${OUT_SIZE}))) (i32.const 1)`);
    const host = await ProxyWasmHost.start(await g.build());
    host.newHttpStream().requestHeaders({ a: "1", b: "22" }, true);
    expect(records(host)).toEqual([0]);
    // The spec's example, with the byte values right.
    expect([...outBytes(host)]).toEqual([
      2, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 0x61, 0, 0x31, 0, 0x62, 0, 0x32, 0x32, 0,
    ]);
  });

  it("replaces the map from serialized pairs (set_header_map_pairs), and ignores malformed input", async () => {
    const good = serializePairs([
      [enc(":path"), enc("/new")],
      [enc("X-One"), enc("1")],
    ]);
    const bad = good.slice(0, good.length - 1); // missing the final NUL
    const g = new GuestBuilder();
    g.on(
      "proxy_on_request_headers",
      `(call $rec (call $proxy_set_header_map_pairs (i32.const 0) ${g.bytes(good)}))
       (i32.const 0)`,
    );
    g.on("proxy_on_response_headers", `(call $rec (call $proxy_set_header_map_pairs (i32.const 2) ${g.bytes(bad)})) (i32.const 0)`);
    const host = await ProxyWasmHost.start(await g.build());
    const s = host.newHttpStream();
    s.requestHeaders({ ":path": "/old", "x-gone": "1" }, true);
    s.responseHeaders({ ":status": "200", "x-r": "1" }, true);
    expect(records(host)).toEqual([0, 0]);
    expect(s.upstream.headers?.pairs()).toEqual([[":path", "/new"], ["x-one", "1"]]);
    // Envoy parses malformed pairs as an empty map: the response headers are cleared.
    expect(s.downstream.headers?.pairs()).toEqual([]);
  });

  it("makes headers unavailable after Continue: BAD_ARGUMENT, empty pairs (ptr 0, size 0), size BAD_ARGUMENT", async () => {
    const g = new GuestBuilder();
    const probe = `
       (i32.store (i32.const ${OUT_PTR}) (i32.const 77)) (i32.store (i32.const ${OUT_SIZE}) (i32.const 77))
       (call $rec (call $proxy_get_header_map_value (i32.const 0) ${g.str(":path")} (i32.const ${OUT_PTR}) (i32.const ${OUT_SIZE})))
       (call $rec (call $proxy_add_header_map_value (i32.const 0) ${g.str("x")} ${g.str("y")}))
       (call $rec (call $proxy_get_header_map_pairs (i32.const 0) (i32.const ${OUT_PTR}) (i32.const ${OUT_SIZE})))
       (call $rec (i32.load (i32.const ${OUT_PTR}))) (call $rec (i32.load (i32.const ${OUT_SIZE})))
       (call $rec (call $proxy_get_header_map_size (i32.const 0) (i32.const ${OUT_U32})))`;
    g.on("proxy_on_request_body", `${probe} (i32.const 0)`);
    g.on("proxy_on_log", `(call $rec (i32.const -1)) ${probe}
       (call $rec (call $proxy_get_header_map_value (i32.const 1) ${g.str("t")} (i32.const ${OUT_PTR}) (i32.const ${OUT_SIZE})))
       (call $rec (call $proxy_get_header_map_value (i32.const 2) ${g.str(":status")} (i32.const ${OUT_PTR}) (i32.const ${OUT_SIZE})))
       (call $log_out)`);
    const host = await ProxyWasmHost.start(await g.build());
    const s = host.newHttpStream();
    s.requestHeaders({ ":path": "/p" }, false);
    s.requestBody("x", false);
    s.requestTrailers({ t: "1" });
    s.responseHeaders({ ":status": "201" }, true);
    s.complete();
    const bad = WasmResult.BadArgument;
    expect(records(host)).toEqual([
      bad, bad, 0, 0, 0, bad,
      // In the access-log phase Envoy reads the logged headers: readable again, but not mutable,
      // and maps it has no copy of (request trailers) are NOT_FOUND.
      -1, 0, bad, 0, expect.any(Number), expect.any(Number), bad, WasmResult.NotFound, 0,
    ]);
    expect(host.logs.messages("info")).toEqual(["201"]);
  });

  it("holds headers under StopIteration until the plugin continues the stream from another context", async () => {
    const g = new GuestBuilder();
    g.on("proxy_on_request_headers", `(i32.const 1)`);
    g.on("proxy_on_request_body", `(call $rec (i32.const 11)) (call $rec (local.get $size)) (call $rec (local.get $eos)) (i32.const 0)`);
    g.on(
      "proxy_on_tick",
      `(call $rec (call $proxy_set_effective_context (i32.const 2)))
       (call $rec (call $proxy_add_header_map_value (i32.const 0) ${g.str("x-late")} ${g.str("1")}))
       (call $rec (call $proxy_continue_stream (i32.const 0)))
       (call $rec (call $proxy_add_header_map_value (i32.const 0) ${g.str("x-later")} ${g.str("1")}))
       (call $rec (call $proxy_set_effective_context (i32.const 99)))`,
    );
    const host = await ProxyWasmHost.start(await g.build());
    const s = host.newHttpStream();
    const h = s.requestHeaders({ ":path": "/" }, false);
    // StopIteration (1) is widened to StopAllIterationAndWatermark (4) by default.
    expect(h).toEqual({ called: true, returned: 1, status: 4 });
    const b = s.requestBody("data", true);
    expect(b.called).toBe(false); // held by the filter manager under StopAllIteration
    expect(s.upstream.headers).toBeNull();
    expect(s.stoppedAt("request")).toBe("headers");
    host.tick();
    // continue_stream drops the plugin's access to the request at once; the rest runs after the
    // VM call: headers go upstream, then the held body is handed to the plugin, then passed on.
    expect(records(host)).toEqual([0, 0, 0, WasmResult.BadArgument, WasmResult.BadArgument, 11, 4, 1]);
    expect(s.upstream.headers?.pairs()).toEqual([[":path", "/"], ["x-late", "1"]]);
    expect(s.upstream.bodyText).toBe("data");
    expect(s.upstream.endStream).toBe(true);
  });
});
