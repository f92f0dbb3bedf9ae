import { describe, expect, it } from "vitest";
import { GuestBuilder, records } from "../testing/guest-builder";
import { ProxyWasmHost } from "./proxy-wasm-host";
import { FilterHeadersStatus } from "../abi/abi-constants";

// Every callback appends (code, its arguments…) to the guest's record area.
function lifecycleGuest(opts: { configure?: number; vmStart?: number } = {}): GuestBuilder {
  return new GuestBuilder()
    .on("_initialize", `(call $rec (i32.const 40))`)
    .on("main", `(call $rec (i32.const 41)) (i32.const 0)`)
    .on("proxy_on_context_create", `(call $rec (i32.const 1)) (call $rec (local.get $ctx)) (call $rec (local.get $parent))`)
    .on("proxy_on_vm_start", `(call $rec (i32.const 2)) (call $rec (local.get $ctx)) (call $rec (local.get $size)) (i32.const ${opts.vmStart ?? 1})`)
    .on("proxy_on_configure", `(call $rec (i32.const 3)) (call $rec (local.get $ctx)) (call $rec (local.get $size)) (i32.const ${opts.configure ?? 1})`)
    .on("proxy_on_request_headers", `(call $rec (i32.const 10)) (call $rec (local.get $ctx)) (call $rec (local.get $n)) (call $rec (local.get $eos)) (i32.const 0)`)
    .on("proxy_on_request_body", `(call $rec (i32.const 11)) (call $rec (local.get $ctx)) (call $rec (local.get $size)) (call $rec (local.get $eos)) (i32.const 0)`)
    .on("proxy_on_request_trailers", `(call $rec (i32.const 12)) (call $rec (local.get $ctx)) (call $rec (local.get $n)) (i32.const 0)`)
    .on("proxy_on_response_headers", `(call $rec (i32.const 20)) (call $rec (local.get $ctx)) (call $rec (local.get $n)) (call $rec (local.get $eos)) (i32.const 0)`)
    .on("proxy_on_response_body", `(call $rec (i32.const 21)) (call $rec (local.get $ctx)) (call $rec (local.get $size)) (call $rec (local.get $eos)) (i32.const 0)`)
    .on("proxy_on_response_trailers", `(call $rec (i32.const 22)) (call $rec (local.get $ctx)) (call $rec (local.get $n)) (i32.const 0)`)
    .on("proxy_on_log", `(call $rec (i32.const 30)) (call $rec (local.get $ctx))`)
    .on("proxy_on_done", `(call $rec (i32.const 31)) (call $rec (local.get $ctx)) (i32.const 1)`)
    .on("proxy_on_delete", `(call $rec (i32.const 32)) (call $rec (local.get $ctx))`);
}

describe("lifecycle and context ids (as Envoy assigns them)", () => {
  it("starts the VM: _initialize, main, root context 1 created with parent 0, vm_start, configure with config sizes", async () => {
    const host = await ProxyWasmHost.load(await lifecycleGuest().build(), { vmConfig: "vm!", pluginConfig: '{"a":1}' });
    const r = host.start();
    expect(r).toMatchObject({ ok: true });
    expect(records(host)).toEqual([40, 41, 1, 1, 0, 2, 1, 3, 3, 1, 7]);
    expect(host.rootContextId).toBe(1);
  });

  it("runs a full exchange in Envoy's order: create(2,1), headers, body, trailers, then log, done, delete", async () => {
    const host = await ProxyWasmHost.start(await lifecycleGuest().build());
    const before = records(host).length;
    const s = host.newHttpStream();
    expect(s.contextId).toBe(2);
    s.requestHeaders({ ":method": "POST", ":path": "/x", ":authority": "h" }, false);
    s.requestBody("abc", false);
    s.requestTrailers({ "x-t": "1" });
    s.responseHeaders({ ":status": "200" }, false);
    s.responseBody("hello", true);
    s.complete();
    expect(records(host).slice(before)).toEqual([
      1, 2, 1, // on_context_create(2, root 1), lazily at request headers
      10, 2, 3, 0,
      11, 2, 3, 0,
      12, 2, 1,
      20, 2, 1, 0,
      21, 2, 5, 1,
      30, 2, // proxy_on_log first (access log phase) …
      31, 2, // … then proxy_on_done …
      32, 2, // … then proxy_on_delete
    ]);
    // A second stream gets the next id from the same counter.
    const s2 = host.newHttpStream();
    expect(s2.contextId).toBe(3);
    s2.requestHeaders({ ":path": "/" }, true);
    s2.complete();
    expect(records(host).slice(-8)).toEqual([10, 3, 1, 1, 30, 3, 31, 3, 32, 3].slice(2));
  });

  it("never calls the body callback for a request that ends with its headers", async () => {
    const host = await ProxyWasmHost.start(await lifecycleGuest().build());
    const s = host.newHttpStream();
    s.requestHeaders({ ":method": "GET", ":path": "/" }, true);
    expect(host.callCount("proxy_on_request_body")).toBe(0);
    expect(s.upstream.endStream).toBe(true);
  });

  it("fails to start when proxy_on_configure returns false, keeping what the plugin logged", async () => {
    const guest = new GuestBuilder();
    guest.on("proxy_on_configure", `(drop (call $proxy_log (i32.const 4) ${guest.str("bad config")})) (i32.const 0)`);
    const host = await ProxyWasmHost.load(await guest.build(), { pluginConfig: "{" });
    const r = host.start();
    expect(r.ok).toBe(false);
    expect(r.error).toBe("Failed to configure base Wasm plugin");
    expect(r.logs.map((l) => [l.levelName, l.message, l.contextId, l.callback])).toEqual([
      ["error", "bad config", 1, "proxy_on_configure"],
    ]);
    expect(() => host.newHttpStream()).toThrow(/not running/);
  });

  it("fails to start when proxy_on_vm_start returns false", async () => {
    const host = await ProxyWasmHost.load(await lifecycleGuest({ vmStart: 0 }).build());
    expect(host.startVm()).toMatchObject({ ok: false, error: "Failed to start base Wasm" });
  });

  it("calls _start when there is no _initialize, and allows only start-up hostcalls there", async () => {
    const g = new GuestBuilder();
    g.on("_start", `(drop (call $proxy_log (i32.const 2) ${g.str("starting")})) (drop (call $proxy_define_metric (i32.const 0) ${g.str("m")} (i32.const 32)))`);
    const host = await ProxyWasmHost.load(await g.build());
    const r = host.startVm();
    expect(r.ok).toBe(false);
    expect(host.logs.messages("info")).toEqual(["starting"]);
    expect(host.vmFailure?.message).toBe("Function: _start failed: Uncaught HostTrap: restricted_callback");
    expect(host.errors).toContain("restricted_callback: env.proxy_define_metric");
  });

  it("lets a headers-only request through unchanged when the plugin continues", async () => {
    const host = await ProxyWasmHost.start(await lifecycleGuest().build());
    const s = host.newHttpStream();
    const r = s.requestHeaders([["Host-Name", "A"], [":path", "/p"], [":method", "GET"]], true);
    expect(r).toEqual({ called: true, returned: 0, status: FilterHeadersStatus.Continue });
    // Keys are lowercased (the codec does that in Envoy) and pseudo-headers lead.
    expect(s.upstream.headers?.pairs()).toEqual([[":path", "/p"], [":method", "GET"], ["host-name", "A"]]);
  });
});
