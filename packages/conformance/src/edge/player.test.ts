import { describe, expect, it } from "vitest";
import { parseCase } from "../load-cases.js";
import { sampleCase } from "../testing/temp-cases.js";
import type { CaseScript } from "../case-format.js";
import { NotExpressibleError, playCase } from "./player.js";
import { decodeAnswer, decodeScript, encodeResult, encodeScript, fromBase64, toBase64 } from "./wire.js";

function script(overrides: Record<string, unknown> = {}): CaseScript {
  const s = parseCase(JSON.stringify(sampleCase(overrides)), "s.json", "/s.json");
  if (Array.isArray(s)) throw new Error(JSON.stringify(s));
  return s;
}

describe("the edge player (in Node)", () => {
  it("replays a streamed case through @aistats/edge: the record, and each side's bytes per sent chunk", async () => {
    const result = await playCase(script());
    expect(result.configError).toBeUndefined();
    expect(result.skipped).toBe(false);
    expect(result.log).toMatchObject({ model: "gpt-4o", response_type: "stream" });
    expect(result.clientChunks.map((c) => new TextDecoder().decode(c))).toEqual(['data: {"id":"c1"}\n\n', "data: [DONE]\n\n"]);
    expect(result.upstreamChunks).toHaveLength(1);
    expect(result.records?.logs.length).toBeGreaterThan(0);
  });

  it("an aborted case cancels the client's reader: the exchange ends aborted with what was delivered", async () => {
    const result = await playCase(
      script({
        config: { attributes: [{ key: "answer", apply_to_log: true, rule: "append" }] },
        response: {
          headers: { ":status": "200", "content-type": "text/event-stream" },
          chunks: ['data: {"choices":[{"delta":{"content":"Hel"}}]}\n\n', 'data: {"choices":[{"delta":{"content":"lo"}}]}\n\n'],
          abort_after_chunks: 1,
        },
      }),
    );
    expect(result.log).toMatchObject({ answer: "Hel" });
    expect(result.clientChunks).toHaveLength(1);
  });

  it("a configuration @aistats/edge rejects is a configError, not a throw", async () => {
    const result = await playCase(script({ config: { attributes: "nope" } }));
    expect(result.configError).toMatch(/attributes/);
  });

  it("names what the Fetch API cannot express instead of passing it", async () => {
    const noContent = script({ response: { headers: { ":status": "204" }, body: "not allowed" } });
    await expect(playCase(noContent)).rejects.toThrow(NotExpressibleError);
    await expect(playCase(noContent)).rejects.toThrow(/status 204 with a response body/);
    const badStatus = script({ response: { headers: { ":status": "99" }, body: "x" } });
    await expect(playCase(badStatus)).rejects.toThrow(/not expressible through the Fetch API: response status 99/);
  });
});

describe("the harness wire format", () => {
  it("base64 round-trips every byte value, also past one String.fromCharCode batch", () => {
    const bytes = new Uint8Array(70_000).map((_, i) => i % 256);
    expect(fromBase64(toBase64(bytes))).toEqual(bytes);
  });

  it("a script and a result survive the trip unchanged", async () => {
    const s = script();
    expect(decodeScript(encodeScript(s))).toEqual(s);
    const result = await playCase(s);
    expect(decodeAnswer(encodeResult(result), "test")).toEqual(result);
  });

  it("a harness error answer is thrown with the runtime's name", () => {
    expect(() => decodeAnswer(JSON.stringify({ error: "Error: boom" }), "deno")).toThrow("in deno: Error: boom");
  });
});
