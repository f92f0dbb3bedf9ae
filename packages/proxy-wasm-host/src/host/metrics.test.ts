import { describe, expect, it } from "vitest";
import { WasmResult } from "../abi/abi-constants";
import { GuestBuilder, OUT_U32, OUT_U64, records } from "../testing/guest-builder";
import { ProxyWasmHost } from "./proxy-wasm-host";

describe("metrics (Envoy's id scheme and rules)", () => {
  it("hands out typed ids in steps of 4, a new id per define, one stat per name", async () => {
    const g = new GuestBuilder();
    const define = (type: number, name: string): string =>
      `(call $rec (call $proxy_define_metric (i32.const ${type}) ${g.str(name)} (i32.const ${OUT_U32}))) (call $rec (i32.load (i32.const ${OUT_U32})))`;
    const getMetric = (id: number): string =>
      `(call $rec (call $proxy_get_metric (i32.const ${id}) (i32.const ${OUT_U64}))) (call $rec (i32.load (i32.const ${OUT_U64})))`;
    g.on(
      "proxy_on_configure",
      `${define(0, "route.r.metric.input_token")} ${define(1, "g")} ${define(2, "h")} ${define(0, "route.r.metric.input_token")}
       ${define(3, "bad")}
       (call $rec (call $proxy_increment_metric (i32.const 4) (i64.const 5)))
       (call $rec (call $proxy_increment_metric (i32.const 8) (i64.const 2)))
       (call $rec (call $proxy_increment_metric (i32.const 4) (i64.const 0)))
       (call $rec (call $proxy_increment_metric (i32.const 4) (i64.const -1)))
       (call $rec (call $proxy_increment_metric (i32.const 12) (i64.const 1)))
       (call $rec (call $proxy_increment_metric (i32.const 5) (i64.const 10)))
       (call $rec (call $proxy_increment_metric (i32.const 5) (i64.const -3)))
       (call $rec (call $proxy_increment_metric (i32.const 6) (i64.const 1)))
       (call $rec (call $proxy_record_metric (i32.const 6) (i64.const 250)))
       (call $rec (call $proxy_record_metric (i32.const 6) (i64.const 750)))
       (call $rec (call $proxy_record_metric (i32.const 4) (i64.const 3)))
       ${getMetric(4)} ${getMetric(5)}
       (call $rec (call $proxy_get_metric (i32.const 6) (i32.const ${OUT_U64})))
       (call $rec (call $proxy_get_metric (i32.const 16) (i32.const ${OUT_U64})))
       (i32.const 1)`,
    );
    const host = await ProxyWasmHost.start(await g.build());
    expect(records(host)).toEqual([
      0, 4, 0, 5, 0, 6, 0, 8, // counter 4, gauge 5, histogram 6, the same counter again: 8
      WasmResult.BadArgument, 8, // unknown metric type; the id word is left as it was
      0, 0, // increment via either id of the counter
      WasmResult.BadArgument, WasmResult.BadArgument, // counters only go up
      WasmResult.NotFound, // id 12 was never handed out
      0, 0, // gauges go up and down
      WasmResult.BadArgument, // a histogram cannot be incremented
      0, 0, 0, // record: histogram samples, counter adds
      0, 10, 0, 7,
      WasmResult.BadArgument, // no get on histograms
      WasmResult.NotFound,
    ]);
    expect(host.metrics.counter("route.r.metric.input_token")).toBe(10);
    expect(host.metrics.gauge("g")).toBe(7);
    expect(host.metrics.histogram("h")).toEqual([250, 750]);
    expect(host.metrics.counters()).toEqual({ "route.r.metric.input_token": 10 });
    expect(host.metrics.snapshot().map((m) => [m.statName, m.kind])).toEqual([
      ["wasmcustom.route.r.metric.input_token", "counter"],
      ["wasmcustom.g", "gauge"],
      ["wasmcustom.h", "histogram"],
    ]);
    expect(host.metrics.definitions.map((d) => d.id)).toEqual([4, 5, 6, 8]);
  });
});
