import { describe, expect, it } from "vitest";
import { WasmResult } from "../abi/abi-constants";
import { parsePairs } from "../headers/pairs-codec";
import { GuestBuilder, OUT_PTR, OUT_SIZE, outBytes, records } from "../testing/guest-builder";
import { property } from "../properties/property-value";
import { ManualClock } from "./clock";
import { ProxyWasmHost } from "./proxy-wasm-host";

const dec = (b: Uint8Array): string => new TextDecoder().decode(b);
const le64 = (n: bigint): number[] => {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigInt64(0, n, true);
  return [...b];
};

/** A guest whose request-headers callback reads the properties at `paths` ("\0"-joined). */
async function readingGuest(paths: string[], phase = "proxy_on_request_headers"): Promise<{ host: ProxyWasmHost; values: () => (number[] | number)[] }> {
  const g = new GuestBuilder();
  const body = paths
    .map(
      (p) => `(call $rec (call $proxy_get_property ${g.str(p)} (i32.const ${OUT_PTR}) (i32.const ${OUT_SIZE})))
              (call $rec (i32.load (i32.const ${OUT_PTR}))) (call $rec (i32.load (i32.const ${OUT_SIZE})))`,
    )
    .join("\n");
  g.on(phase, `${body} ${phase === "proxy_on_log" ? "" : "(i32.const 0)"}`);
  const host = await ProxyWasmHost.start(await g.build(), {
    properties: {
      route_name: "llm-route",
      cluster_name: "outbound|443||api.openai.com",
      node: { id: "gw-1", metadata: { region: "eu" } },
      answer: 42,
      ratio: 0.5,
      enabled: true,
      big: property.uint64(2n ** 63n + 1n),
      list: ["a", "bb"],
    },
    pluginName: "ai-statistics",
  });
  // Each path's value is the bytes at (ptr, size), or the status when not OK.
  const values = (): (number[] | number)[] => {
    const r = records(host);
    const out: (number[] | number)[] = [];
    for (let i = 0; i < r.length; i += 3) {
      const [status, ptr, size] = [r[i] as number, r[i + 1] as number, r[i + 2] as number];
      out.push(status === 0 ? [...host.readGuestMemory(ptr, size)] : status);
    }
    return out;
  };
  return { host, values };
}

describe("properties", () => {
  it("encodes values as Envoy does: strings raw, ints 8-byte LE, doubles, bools 1 byte, maps and lists as pairs", async () => {
    const { host, values } = await readingGuest([
      "route_name",
      "cluster_name",
      "answer",
      "ratio",
      "enabled",
      "big",
      "node\0id",
      "node\0metadata\0region",
      "node\0metadata",
      "list\0" + "1",
      "list",
      "plugin_name",
      "nope",
      "node\0nope",
      "route_name\0deeper",
      "",
    ]);
    host.newHttpStream().requestHeaders({ ":path": "/" }, true);
    const v = values();
    const enc = (s: string): number[] => [...new TextEncoder().encode(s)];
    const f64 = new Uint8Array(8);
    new DataView(f64.buffer).setFloat64(0, 0.5, true);
    expect(v.slice(0, 8)).toEqual([
      enc("llm-route"),
      enc("outbound|443||api.openai.com"),
      le64(42n),
      [...f64],
      [1],
      le64(2n ** 63n + 1n), // uint64 bit pattern
      enc("gw-1"),
      enc("eu"),
    ]);
    expect(parsePairs(Uint8Array.from(v[8] as number[])).map(([k, x]) => [dec(k), dec(x)])).toEqual([["region", "eu"]]);
    expect(v[9]).toEqual(enc("bb"));
    expect(parsePairs(Uint8Array.from(v[10] as number[])).map(([k, x]) => [dec(k), dec(x)])).toEqual([["a", ""], ["bb", ""]]);
    expect(v[11]).toEqual(enc("ai-statistics"));
    expect(v.slice(12)).toEqual([WasmResult.NotFound, WasmResult.NotFound, WasmResult.NotFound, WasmResult.SerializationFailure]);
  });

  it("computes request.* from the headers while they are available, and only then", async () => {
    const paths = ["request\0path", "request\0url_path", "request\0query", "request\0method", "request\0host", "request\0time", "request\0headers\0x-id", "request\0protocol"];
    const clock = new ManualClock(1_700_000_000_000);
    const g = new GuestBuilder();
    const read = paths
      .map((p) => `(call $rec (call $proxy_get_property ${g.str(p)} (i32.const ${OUT_PTR}) (i32.const ${OUT_SIZE}))) (call $log_out)`)
      .join(" ");
    g.on("proxy_on_request_headers", `${read} (i32.const 0)`);
    g.on("proxy_on_request_body", `${read} (i32.const 0)`);
    g.on("proxy_on_log", `(call $rec (call $proxy_get_property ${g.str("request\0duration")} (i32.const ${OUT_PTR}) (i32.const ${OUT_SIZE}))) (call $rec (call $proxy_get_property ${g.str("request\0path")} (i32.const ${OUT_PTR}) (i32.const ${OUT_SIZE}))) (call $log_out)`);
    const host = await ProxyWasmHost.start(await g.build(), { clock });
    const s = host.newHttpStream();
    s.requestHeaders({ ":method": "POST", ":path": "/v1/chat?x=1#f", ":authority": "api", "x-id": "7" }, false);
    s.requestBody("{}", true);
    clock.advanceMs(250);
    s.complete();
    const r = records(host);
    expect(r.slice(0, 8)).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
    // After the headers callback continued, Envoy no longer has the request headers for CEL:
    // request.path & co. are NOT_FOUND in the body callback; time and protocol remain.
    expect(r.slice(8, 16)).toEqual([1, 1, 1, 1, 1, 0, 1, 0]);
    expect(r.slice(16)).toEqual([0, 0]); // in the access-log phase they are back
    const info = host.logs.messages("info");
    expect(info.slice(0, 5)).toEqual(["/v1/chat?x=1#f", "/v1/chat", "x=1", "POST", "api"]);
    expect(info.slice(6, 8)).toEqual(["7", "HTTP/1.1"]);
    expect(info.at(-1)).toBe("/v1/chat?x=1#f");
    expect(outBytes(host)).toEqual(new TextEncoder().encode("/v1/chat?x=1#f"));
  });

  it("stores set_property values as filter state wasm.<name>, readable back and by the access log", async () => {
    const g = new GuestBuilder();
    const aiLog = '{\\"model\\":\\"gpt-4\\",\\"input_token\\":10}';
    g.on(
      "proxy_on_response_body",
      `(call $rec (call $proxy_set_property ${g.str("ai_log")} ${g.str(aiLog)}))
       (call $rec (call $proxy_set_property ${g.str("trace_span_tag.gen_ai.model_name")} ${g.str("gpt-4")}))
       (call $rec (call $proxy_get_property ${g.str("ai_log")} (i32.const ${OUT_PTR}) (i32.const ${OUT_SIZE})))
       (call $log_out)
       (call $rec (call $proxy_get_property ${g.str("trace_span_tag.gen_ai.model_name")} (i32.const ${OUT_PTR}) (i32.const ${OUT_SIZE})))
       (i32.const 0)`,
    );
    g.on("proxy_on_configure", `(call $rec (call $proxy_set_property ${g.str("x")} ${g.str("y")})) (i32.const 1)`);
    const host = await ProxyWasmHost.start(await g.build());
    const s = host.newHttpStream();
    s.requestHeaders({ ":path": "/" }, true);
    s.responseHeaders({ ":status": "200" }, false);
    s.responseBody("{}", true);
    s.complete();
    // Root context: no stream info, NOT_FOUND. Stream: OK; the span tag is not stored.
    expect(records(host)).toEqual([WasmResult.NotFound, 0, 0, 0, WasmResult.NotFound]);
    expect(host.logs.messages("info")).toEqual([aiLog]);
    expect(s.accessLogFilterState("wasm.ai_log")).toBe(aiLog);
    expect(`{"ai_log":"${s.accessLogFilterState("wasm.ai_log")}"}`).toBe('{"ai_log":"{\\"model\\":\\"gpt-4\\",\\"input_token\\":10}"}');
    expect(JSON.parse(JSON.parse(`{"ai_log":"${s.accessLogFilterState("wasm.ai_log")}"}`).ai_log)).toEqual({ model: "gpt-4", input_token: 10 });
    expect(s.accessLogFilterState("wasm.missing")).toBe("-");
    expect(Object.fromEntries(s.spanTags)).toEqual({ "gen_ai.model_name": "gpt-4" });
    expect(s.filterState.has("wasm.trace_span_tag.gen_ai.model_name")).toBe(false);
  });

  it("reads filter state another filter stored on the stream, before and between callbacks, as Envoy resolves it", async () => {
    // Another Wasm plugin earlier in the chain (ai-cache) did proxy_set_property("ai_log", …):
    // Envoy keeps it as filter state "wasm.ai_log"; a get_property("ai_log") that names no
    // attribute or token resolves to it, and so does filter_state.<full name>.
    const theirs = '{\\"cache_status\\":\\"hit\\"}';
    // Each read records its status; `shown` reads also log the bytes they got.
    const read = (g: GuestBuilder, path: string, shown = false): string =>
      `(call $rec (call $proxy_get_property ${g.str(path)} (i32.const ${OUT_PTR}) (i32.const ${OUT_SIZE})))${shown ? " (call $log_out)" : ""}`;
    const g = new GuestBuilder();
    g.on("proxy_on_configure", `${read(g, "ai_log")} (i32.const 1)`);
    g.on(
      "proxy_on_request_headers",
      `${read(g, "ai_log", true)} ${read(g, "filter_state\0wasm.ai_log", true)} ${read(g, "filter_state")} ${read(g, "filter_state\0wasm.nope")} ${read(g, "ai_log\0deeper")} (i32.const 0)`,
    );
    g.on(
      "proxy_on_response_body",
      `${read(g, "ai_log", true)} (call $rec (call $proxy_set_property ${g.str("ai_log")} ${g.str("mine")})) ${read(g, "ai_log", true)} (i32.const 0)`,
    );
    const host = await ProxyWasmHost.start(await g.build());
    const s = host.newHttpStream({ filterState: { "wasm.ai_log": theirs } });
    s.requestHeaders({ ":path": "/" }, true);
    s.responseHeaders({ ":status": "200" }, false);
    // Between this filter's callbacks another one merges its own key in (ai-security-guard).
    s.setFilterState("wasm.ai_log", '{\\"cache_status\\":\\"hit\\",\\"safecheck_status\\":\\"request pass\\"}');
    s.responseBody("{}", true);
    const r = records(host);
    // configure: no stream, NOT_FOUND; headers: OK, OK, whole filter_state not serializable,
    // a missing key NOT_FOUND, bytes have no members; body: OK, set OK, OK.
    expect(r).toEqual([
      WasmResult.NotFound,
      0,
      0,
      WasmResult.SerializationFailure,
      WasmResult.NotFound,
      WasmResult.NotFound,
      0,
      0,
      0,
    ]);
    expect(host.logs.messages("info")).toEqual([theirs, theirs, '{\\"cache_status\\":\\"hit\\",\\"safecheck_status\\":\\"request pass\\"}', "mine"]);
    expect(s.accessLogFilterState("wasm.ai_log")).toBe("mine");
    // A write after this filter's last callback is what the access log prints.
    s.setFilterState("wasm.ai_log", new TextEncoder().encode("later"));
    s.complete();
    expect(s.accessLogFilterState("wasm.ai_log")).toBe("later");
  });

  it("answers INVALID_MEMORY_ACCESS when the plugin's malloc refuses a property's bytes (copyToPointerSize)", async () => {
    const g = new GuestBuilder({ mallocRefusesAbove: 8 });
    g.on(
      "proxy_on_request_headers",
      `(call $rec (call $proxy_get_property ${g.str("ai_log")} (i32.const ${OUT_PTR}) (i32.const ${OUT_SIZE})))
       (call $rec (call $proxy_get_property ${g.str("short")} (i32.const ${OUT_PTR}) (i32.const ${OUT_SIZE})))
       (call $rec (call $proxy_get_property ${g.str("empty")} (i32.const ${OUT_PTR}) (i32.const ${OUT_SIZE})))
       (call $rec (i32.load (i32.const ${OUT_PTR}))) (call $rec (i32.load (i32.const ${OUT_SIZE})))
       (i32.const 0)`,
    );
    const host = await ProxyWasmHost.start(await g.build());
    const s = host.newHttpStream({ filterState: { "wasm.ai_log": "x".repeat(9), "wasm.short": "12345678", "wasm.empty": "" } });
    s.requestHeaders({ ":path": "/" }, true);
    // An empty value is OK with (0, 0) and no malloc call at all.
    expect(records(host)).toEqual([WasmResult.InvalidMemoryAccess, 0, 0, 0, 0]);
    expect(host.vmFailure).toBeNull();
  });

  it("stores trace_span_tag.* as plain filter state on upstream Envoy (higress: false)", async () => {
    const g = new GuestBuilder();
    g.on("proxy_on_request_headers", `(call $rec (call $proxy_set_property ${g.str("trace_span_tag.k")} ${g.str("v")})) (i32.const 0)`);
    const host = await ProxyWasmHost.start(await g.build(), { higress: false });
    const s = host.newHttpStream();
    s.requestHeaders({ ":path": "/" }, true);
    expect(s.spanTags.size).toBe(0);
    expect(s.filterStateText("wasm.trace_span_tag.k")).toBe("v");
  });

  it("exposes response.code and response.code_details once the upstream answered", async () => {
    const { host, values } = await readingGuest(
      ["response\0code", "response\0code_details", "response\0headers\0content-type", "request\0time"],
      "proxy_on_response_headers",
    );
    const s = host.newHttpStream();
    s.requestHeaders({ ":path": "/" }, true);
    s.responseHeaders({ ":status": "429", "content-type": "application/json" }, true);
    expect(values()).toEqual([
      le64(429n),
      [...new TextEncoder().encode("via_upstream")],
      [...new TextEncoder().encode("application/json")],
      le64(1_704_067_200_000n * 1_000_000n), // request start on the default ManualClock, unix ns
    ]);
  });
});
