import { describe, expect, it } from "vitest";
import { FilterDataStatus, FilterHeadersStatus, FilterTrailersStatus } from "../abi/abi-constants";
import { serializePairs } from "../headers/pairs-codec";
import { GuestBuilder, records } from "../testing/guest-builder";
import { ProxyWasmHost } from "./proxy-wasm-host";

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

async function trappingGuest(): Promise<Uint8Array> {
  const g = new GuestBuilder();
  g.on("proxy_on_request_headers", `(call $rec (i32.const 10)) (i32.const 0)`);
  g.on("proxy_on_request_body", `(call $rec (i32.const 11)) (unreachable)`);
  g.on("proxy_on_response_headers", `(call $rec (i32.const 20)) (i32.const 0)`);
  g.on("proxy_on_log", `(call $rec (i32.const 30))`);
  return g.build();
}

describe("a plugin that traps", () => {
  it("fails the VM, skips every later callback and passes the traffic on unchanged (fail-open)", async () => {
    const host = await ProxyWasmHost.start(await trappingGuest());
    const s = host.newHttpStream();
    s.requestHeaders({ ":method": "POST", ":path": "/" }, false);
    const b = s.requestBody("payload", true);
    expect(b).toMatchObject({ called: true, status: FilterDataStatus.Continue });
    expect(host.vmFailure?.message).toBe("Function: proxy_on_request_body failed: Uncaught RuntimeError: unreachable");
    expect(host.vmFailure?.contextId).toBe(2);
    s.responseHeaders({ ":status": "200" }, false);
    s.responseBody("answer", true);
    s.complete();
    expect(records(host)).toEqual([10, 11]); // no response headers, no log
    expect(host.callCount("proxy_on_log")).toBe(0);
    expect(s.upstream.bodyText).toBe("payload");
    expect(s.downstream.bodyText).toBe("answer");
    expect(s.downstream.headers?.get(":status")).toBe("200");
    // New streams get no filter at all.
    const next = host.newHttpStream();
    expect(next.contextId).toBeNull();
    next.requestHeaders({ ":path": "/" }, true);
    expect(next.upstream.endStream).toBe(true);
  });

  it("answers 503 instead when fail-open is off (Envoy's fail_open: false)", async () => {
    const host = await ProxyWasmHost.start(await trappingGuest(), { failOpen: false });
    const s = host.newHttpStream();
    s.requestHeaders({ ":method": "POST", ":path": "/" }, false);
    s.requestBody("payload", true);
    expect(s.downstream.headers?.get(":status")).toBe("503");
    expect(s.upstream.reset).toBe(true);
    expect(s.finished).toBe(true);
    const next = host.newHttpStream();
    next.requestHeaders({ ":path": "/" }, true);
    expect(next.downstream.headers?.get(":status")).toBe("503");
    expect(next.upstream.headers).toBeNull();
  });
});

describe("return values, converted as proxy-wasm-cpp-host does", () => {
  it("widens headers StopIteration and out-of-range values, caps data and trailer statuses", async () => {
    const g = new GuestBuilder();
    g.raw(`(global $n (mut i32) (i32.const 0))`);
    // Returns 1, then 7, then 2 from the headers callback of successive streams.
    g.on("proxy_on_request_headers", `(global.set $n (i32.add (global.get $n) (i32.const 1)))
      (if (result i32) (i32.eq (global.get $n) (i32.const 1)) (then (i32.const 1))
        (else (if (result i32) (i32.eq (global.get $n) (i32.const 2)) (then (i32.const 7)) (else (i32.const 2)))))`);
    g.on("proxy_on_response_body", `(i32.const -1)`);
    g.on("proxy_on_response_trailers", `(i32.const 5)`);
    const host = await ProxyWasmHost.start(await g.build());
    const a = host.newHttpStream().requestHeaders({ ":path": "/" }, false);
    const b = host.newHttpStream().requestHeaders({ ":path": "/" }, false);
    const c = host.newHttpStream();
    const cr = c.requestHeaders({ ":path": "/" }, false);
    expect([a, b, cr].map((r) => [r.returned, r.status])).toEqual([
      [1, FilterHeadersStatus.StopAllIterationAndWatermark],
      [7, FilterHeadersStatus.StopAllIterationAndWatermark],
      [2, FilterHeadersStatus.ContinueAndEndStream],
    ]);
    // ContinueAndEndStream: the headers go on as the end of the request; its body is dropped.
    expect(c.upstream.endStream).toBe(true);
    expect(c.requestBody("x", true).called).toBe(false);
    c.responseHeaders({ ":status": "200" }, false);
    expect(c.responseBody("y", false)).toMatchObject({ returned: -1, status: FilterDataStatus.StopIterationNoBuffer });
    expect(c.responseTrailers({ t: "1" })).toMatchObject({ returned: 5, status: FilterTrailersStatus.StopIteration });
  });
});

describe("proxy_send_local_response", () => {
  it("records the reply, stops the stream, and sends the reply through the plugin's response callbacks", async () => {
    const g = new GuestBuilder();
    const headers = serializePairs([[enc("x-reason"), enc("quota")]]);
    g.on(
      "proxy_on_request_headers",
      `(call $rec (call $proxy_send_local_response (i32.const 429) ${g.str("quota exceeded")} ${g.str("slow down")} ${g.bytes(headers)} (i32.const -1)))
       (i32.const 0)`,
    );
    g.on("proxy_on_response_headers", `(call $rec (i32.const 20)) (call $rec (local.get $n)) (i32.const 0)`);
    g.on("proxy_on_response_body", `(call $rec (i32.const 21)) (call $rec (local.get $size)) (i32.const 0)`);
    g.on("proxy_on_log", `(call $rec (i32.const 30))`);
    const host = await ProxyWasmHost.start(await g.build());
    const s = host.newHttpStream();
    const r = s.requestHeaders({ ":path": "/" }, false);
    // Continue (0) returned after a local response still stops the stream.
    expect(r).toEqual({ called: true, returned: 0, status: FilterHeadersStatus.StopAllIterationAndWatermark });
    expect(records(host)).toEqual([0, 20, 4, 21, 9, 30]);
    expect(s.localResponses).toMatchObject([
      { statusCode: 429, details: "quota_exceeded", headers: [["x-reason", "quota"]], grpcStatus: -1, callback: "proxy_on_request_headers" },
    ]);
    expect(s.downstream.headers?.pairs()).toEqual([
      [":status", "429"],
      ["content-length", "9"],
      ["content-type", "text/plain"],
      ["x-reason", "quota"],
    ]);
    expect(s.downstream.bodyText).toBe("slow down");
    expect(s.upstream.headers).toBeNull();
    expect(s.finished).toBe(true);
    expect(s.requestBody("late", true).called).toBe(false);
  });
});
