import { describe, expect, it } from "vitest";
import { WasmResult } from "../abi/abi-constants";
import { GuestBuilder, OUT_PTR, OUT_SIZE, OUT_U32, OUT_U64, outBytes, records } from "../testing/guest-builder";
import { ManualClock } from "./clock";
import { ProxyWasmHost } from "./proxy-wasm-host";

describe("observing the guest", () => {
  it("samples linear memory after every callback: initial, changes, peak, current", async () => {
    const g = new GuestBuilder({ initialPages: 2 });
    // Each body callback allocates `size` bytes and never frees: memory grows with the traffic.
    g.on("proxy_on_request_body", `(drop (call $malloc (i32.mul (local.get $size) (i32.const 1024)))) (i32.const 0)`);
    const host = await ProxyWasmHost.start(await g.build());
    expect(host.memory.initial).toBe(2 * 65536);
    const s = host.newHttpStream();
    s.requestHeaders({ ":path": "/" }, false);
    for (let i = 0; i < 3; i++) s.requestBody(new Uint8Array(100), i === 2);
    s.complete();
    // 100 KiB per call: pages 2 -> 4 -> 6 -> 7 (page-rounded growth).
    expect(host.memory.changes.map((c) => [c.callback, c.bytes])).toEqual([
      ["proxy_on_request_body", 4 * 65536],
      ["proxy_on_request_body", 6 * 65536],
      ["proxy_on_request_body", 7 * 65536],
    ]);
    expect(host.memory.peak).toBe(7 * 65536);
    expect(host.memory.current).toBe(7 * 65536);
    expect(host.memory.samples).toBe(host.callCount("proxy_on_request_body"));
    expect(host.callCount("proxy_on_request_body")).toBe(3);
    expect(host.callCountsSnapshot()).toEqual({ proxy_on_request_body: 3 });
    expect(host.memory.bytesAfterCall(1)).toBe(4 * 65536);
  });

  it("counts every export call, malloc included", async () => {
    const g = new GuestBuilder();
    g.on("proxy_on_request_headers", `(drop (call $proxy_get_header_map_value (i32.const 0) ${g.str(":path")} (i32.const ${OUT_PTR}) (i32.const ${OUT_SIZE}))) (i32.const 0)`);
    g.on("proxy_on_context_create", ``);
    const host = await ProxyWasmHost.start(await g.build());
    for (let i = 0; i < 2; i++) {
      const s = host.newHttpStream();
      s.requestHeaders({ ":path": "/p" }, true);
      s.complete();
    }
    expect(host.callCountsSnapshot()).toEqual({ proxy_on_context_create: 3, proxy_on_request_headers: 2, malloc: 2 });
  });

  it("captures proxy_log by level and WASI stdout/stderr as info/error lines (one trailing newline dropped)", async () => {
    const g = new GuestBuilder();
    const iov = (text: string, at: number): string => {
      const [ptr, len] = [...g.str(text).matchAll(/const (\d+)/g)].map((m) => m[1]) as [string, string];
      return `(i32.store (i32.const ${at}) (i32.const ${ptr})) (i32.store (i32.const ${at + 4}) (i32.const ${len}))`;
    };
    g.on(
      "proxy_on_configure",
      `(drop (call $proxy_log (i32.const 0) ${g.str("trace line")}))
       (drop (call $proxy_log (i32.const 3) ${g.str("warn line")}))
       (call $rec (call $proxy_log (i32.const 6) ${g.str("bad level")}))
       (call $rec (call $proxy_log (i32.const 2) (i32.const 2000000000) (i32.const 4)))
       ${iov("to stdout\n", 256)}
       (call $rec (call $fd_write (i32.const 1) (i32.const 256) (i32.const 1) (i32.const ${OUT_U32})))
       (call $rec (i32.load (i32.const ${OUT_U32})))
       ${iov("to ", 256)} ${iov("stderr", 264)}
       (call $rec (call $fd_write (i32.const 2) (i32.const 256) (i32.const 2) (i32.const ${OUT_U32})))
       (call $rec (call $fd_write (i32.const 5) (i32.const 256) (i32.const 1) (i32.const ${OUT_U32})))
       (call $rec (call $proxy_get_log_level (i32.const ${OUT_U32})))
       (call $rec (i32.load (i32.const ${OUT_U32})))
       (i32.const 1)`,
    );
    const host = await ProxyWasmHost.start(await g.build(), { logLevel: "warn" });
    expect(records(host)).toEqual([WasmResult.BadArgument, WasmResult.InvalidMemoryAccess, 0, 10, 0, 8, 0, 3]);
    expect(host.logs.all().map((l) => [l.levelName, l.message, l.via, l.emitted])).toEqual([
      ["trace", "trace line", "proxy_log", false],
      ["warn", "warn line", "proxy_log", true],
      ["info", "to stdout", "fd_write", false],
      ["error", "to stderr", "fd_write", true],
    ]);
    expect(host.logs.atLeast("warn").map((l) => l.message)).toEqual(["warn line", "to stderr"]);
  });

  it("reads time from the caller's clock, through the ABI and WASI", async () => {
    const clock = new ManualClock(1_000);
    const g = new GuestBuilder();
    g.on(
      "proxy_on_request_headers",
      `(call $rec (call $proxy_get_current_time_nanoseconds (i32.const ${OUT_U64})))
       (call $rec (i32.load (i32.const ${OUT_U64}))) (call $rec (i32.load (i32.const ${OUT_U64 + 4})))
       (call $rec (call $clock_time_get (i32.const 1) (i64.const 0) (i32.const ${OUT_U64})))
       (call $rec (i32.load (i32.const ${OUT_U64})))
       (call $rec (call $clock_time_get (i32.const 2) (i64.const 0) (i32.const ${OUT_U64})))
       (i32.const 0)`,
    );
    const host = await ProxyWasmHost.start(await g.build(), { clock });
    clock.advanceMs(1.5);
    host.newHttpStream().requestHeaders({ ":path": "/" }, true);
    const ns = 1_000n * 1_000_000n + 1_500_000n;
    expect(records(host)).toEqual([0, Number(ns & 0xffffffffn) | 0, Number(ns >> 32n), 0, 1_500_000, 58]);
  });

  it("calls foreign functions: get_log_level by default (u32 LE), registered ones, NOT_FOUND otherwise", async () => {
    const g = new GuestBuilder();
    const call = (name: string, args: string): string =>
      `(call $rec (call $proxy_call_foreign_function ${g.str(name)} ${g.str(args)} (i32.const ${OUT_PTR}) (i32.const ${OUT_SIZE})))`;
    g.on(
      "proxy_on_configure",
      `${call("get_log_level", "")} (call $rec (i32.load (i32.load (i32.const ${OUT_PTR})))) (call $rec (i32.load (i32.const ${OUT_SIZE})))
       ${call("reverse", "abc")} (call $log_out)
       ${call("nope", "")}
       (i32.const 1)`,
    );
    const host = await ProxyWasmHost.start(await g.build(), {
      logLevel: "debug",
      foreignFunctions: { reverse: (args) => Uint8Array.from(args).reverse() },
    });
    expect(records(host)).toEqual([0, 1, 4, 0, WasmResult.NotFound]);
    expect(host.logs.messages("info")).toEqual(["cba"]);
    expect(outBytes(host)).toEqual(new TextEncoder().encode("cba"));
  });

  it("serves WASI environ, random_get (bounded) and records proc_exit without trapping", async () => {
    const g = new GuestBuilder();
    g.on(
      "proxy_on_configure",
      `(call $rec (call $environ_sizes_get (i32.const ${OUT_PTR}) (i32.const ${OUT_SIZE})))
       (call $rec (i32.load (i32.const ${OUT_PTR}))) (call $rec (i32.load (i32.const ${OUT_SIZE})))
       (call $rec (call $environ_get (i32.const 256) (i32.const 512)))
       (drop (call $proxy_log (i32.const 2) (i32.load (i32.const 256)) (i32.const 7)))
       (call $rec (call $random_get (i32.const 600) (i32.const 4)))
       (call $rec (i32.load8_u (i32.const 600)))
       (call $rec (call $random_get (i32.const 600) (i32.const 65537)))
       (call $proc_exit (i32.const 3))
       (i32.const 1)`,
    );
    const host = await ProxyWasmHost.start(await g.build(), { env: { MODE: "test" }, random: (b) => b.fill(7) });
    expect(records(host)).toEqual([0, 1, 10, 0, 0, 7, 28]);
    expect(host.logs.messages("info")).toEqual(["MODE=te"]);
    expect(host.errors).toEqual(["wasi_unstable proc_exit(3)"]);
    expect(host.failed).toBe(false);
  });

  it("records proxy_http_call and delivers the response to the root context", async () => {
    const g = new GuestBuilder();
    const headers = (await import("../headers/pairs-codec")).serializePairs(
      [[":method", "GET"], [":path", "/q"], [":authority", "svc"]].map(([k, v]) => [new TextEncoder().encode(k), new TextEncoder().encode(v)] as const),
    );
    g.on(
      "proxy_on_tick",
      `(call $rec (call $proxy_http_call ${g.str("outbound|80||svc")} ${g.bytes(headers)} ${g.str("ping")} (i32.const 0) (i32.const 0) (i32.const 500) (i32.const ${OUT_U32})))
       (call $rec (i32.load (i32.const ${OUT_U32})))
       (call $rec (call $proxy_http_call ${g.str("unknown")} ${g.bytes(headers)} ${g.str("")} (i32.const 0) (i32.const 0) (i32.const 500) (i32.const ${OUT_U32})))`,
    );
    g.on(
      "proxy_on_http_call_response",
      `(call $rec (local.get $token)) (call $rec (local.get $nh)) (call $rec (local.get $body))
       (call $rec (call $proxy_get_buffer_bytes (i32.const 4) (i32.const 0) (local.get $body) (i32.const ${OUT_PTR}) (i32.const ${OUT_SIZE})))
       (call $log_out)
       (call $rec (call $proxy_get_header_map_value (i32.const 6) ${g.str(":status")} (i32.const ${OUT_PTR}) (i32.const ${OUT_SIZE})))
       (call $log_out)`,
    );
    const host = await ProxyWasmHost.start(await g.build(), { clusters: ["outbound|80||svc"] });
    host.tick();
    expect(host.httpCalls).toMatchObject([{ token: 1, cluster: "outbound|80||svc", timeoutMs: 500, headers: [[":method", "GET"], [":path", "/q"], [":authority", "svc"]] }]);
    host.respondToHttpCall(1, { headers: { ":status": "200" }, body: "pong" });
    expect(records(host)).toEqual([0, 1, WasmResult.BadArgument, 1, 1, 4, 0, 0]);
    expect(host.logs.messages("info")).toEqual(["pong", "200"]);
  });

  it("keeps shared data with CAS and shared queues, and reports an empty status", async () => {
    const g = new GuestBuilder();
    g.on(
      "proxy_on_configure",
      `(call $rec (call $proxy_get_shared_data ${g.str("k")} (i32.const ${OUT_PTR}) (i32.const ${OUT_SIZE}) (i32.const ${OUT_U32})))
       (call $rec (call $proxy_set_shared_data ${g.str("k")} ${g.str("v1")} (i32.const 0)))
       (call $rec (call $proxy_get_shared_data ${g.str("k")} (i32.const ${OUT_PTR}) (i32.const ${OUT_SIZE}) (i32.const ${OUT_U32})))
       (call $log_out) (call $rec (i32.load (i32.const ${OUT_U32})))
       (call $rec (call $proxy_set_shared_data ${g.str("k")} ${g.str("v2")} (i32.const 99)))
       (call $rec (call $proxy_set_shared_data ${g.str("k")} ${g.str("v2")} (i32.load (i32.const ${OUT_U32}))))
       (call $rec (call $proxy_register_shared_queue ${g.str("q")} (i32.const ${OUT_U32})))
       (call $rec (call $proxy_dequeue_shared_queue (i32.load (i32.const ${OUT_U32})) (i32.const ${OUT_PTR}) (i32.const ${OUT_SIZE})))
       (call $rec (call $proxy_enqueue_shared_queue (i32.load (i32.const ${OUT_U32})) ${g.str("item")}))
       (call $rec (call $proxy_dequeue_shared_queue (i32.load (i32.const ${OUT_U32})) (i32.const ${OUT_PTR}) (i32.const ${OUT_SIZE})))
       (call $log_out)
       (call $rec (call $proxy_enqueue_shared_queue (i32.const 77) ${g.str("x")}))
       (call $rec (call $proxy_get_status (i32.const ${OUT_U32}) (i32.const ${OUT_PTR}) (i32.const ${OUT_SIZE})))
       (call $rec (i32.load (i32.const ${OUT_SIZE})))
       (i32.const 1)`,
    );
    const host = await ProxyWasmHost.start(await g.build());
    expect(records(host)).toEqual([
      WasmResult.NotFound, 0, 0, 1, WasmResult.CasMismatch, 0, // get missing, set, get (cas 1), stale CAS, right CAS
      0, WasmResult.Empty, 0, 0, WasmResult.NotFound, // queue: register, empty, enqueue, dequeue, unknown token
      0, 0, // status: code 0, empty message
    ]);
    expect(host.logs.messages("info")).toEqual(["v1", "item"]);
  });
});
