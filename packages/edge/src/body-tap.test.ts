import { describe, expect, it } from "vitest";
import { tapBody, type TapObserver } from "./body-tap.js";

const enc = new TextEncoder();

/** A source that hands out `chunks` one per pull and counts the pulls. */
function source(chunks: Uint8Array[], opts: { failAt?: number } = {}) {
  const state = { pulls: 0, cancelled: undefined as unknown, locked: () => stream.locked };
  let i = 0;
  const stream = new ReadableStream<Uint8Array>(
    {
      pull(c) {
        state.pulls++;
        if (opts.failAt === i) return c.error(new Error("upstream reset"));
        if (i < chunks.length) c.enqueue(chunks[i++]!);
        else c.close();
      },
      cancel(reason) {
        state.cancelled = reason;
      },
    },
    { highWaterMark: 0 },
  );
  return { stream, state };
}

function recorder() {
  const events: string[] = [];
  const seen: Uint8Array[] = [];
  const observer: TapObserver = {
    chunk: (c) => void (seen.push(c), events.push(`chunk ${c.length}`)),
    end: () => void events.push("end"),
    cancel: (r) => void events.push(`cancel ${String(r)}`),
    error: (e) => void events.push(`error ${(e as Error).message}`),
  };
  return { events, seen, observer };
}

describe("tapBody", () => {
  it("forwards the same chunk objects in order, and reports the end before the consumer sees it", async () => {
    const chunks = [enc.encode("data: a\n\n"), enc.encode("data: b\n\n"), enc.encode("")];
    const { stream } = source(chunks);
    const r = recorder();
    const reader = tapBody(stream, r.observer).getReader();
    const got: Uint8Array[] = [];
    for (;;) {
      const next = await reader.read();
      if (next.done) {
        expect(r.events.at(-1)).toBe("end");
        break;
      }
      got.push(next.value);
    }
    expect(got).toHaveLength(3);
    for (let i = 0; i < 3; i++) expect(got[i]).toBe(chunks[i]); // identity: not a copy
    expect(r.seen).toEqual(got);
    expect(r.events).toEqual(["chunk 9", "chunk 9", "chunk 0", "end"]);
  });

  it("reads the source only when its consumer reads (back-pressure, nothing read ahead)", async () => {
    const { stream, state } = source([enc.encode("1"), enc.encode("2"), enc.encode("3")]);
    const tapped = tapBody(stream, recorder().observer);
    await new Promise((r) => setTimeout(r, 10));
    expect(state.pulls).toBe(0);
    expect(state.locked()).toBe(false); // not even locked before the first read
    const reader = tapped.getReader();
    await reader.read();
    await new Promise((r) => setTimeout(r, 10));
    expect(state.pulls).toBe(1);
    await reader.read();
    await new Promise((r) => setTimeout(r, 10));
    expect(state.pulls).toBe(2);
  });

  it("a consumer's cancel reaches the observer once and the source with its reason; nothing after it", async () => {
    const { stream, state } = source([enc.encode("1"), enc.encode("2")]);
    const r = recorder();
    const reader = tapBody(stream, r.observer).getReader();
    await reader.read();
    await reader.cancel("gone");
    await reader.cancel("again").catch(() => {});
    expect(state.cancelled).toBe("gone");
    expect(r.events).toEqual(["chunk 1", "cancel gone"]);
  });

  it("a cancel before any read cancels the source directly", async () => {
    const { stream, state } = source([enc.encode("1")]);
    const r = recorder();
    await tapBody(stream, r.observer).cancel("early");
    expect(state.cancelled).toBe("early");
    expect(r.events).toEqual(["cancel early"]);
  });

  it("a source that fails errors the consumer with the same error and tells the observer once", async () => {
    const { stream } = source([enc.encode("1")], { failAt: 1 });
    const r = recorder();
    const reader = tapBody(stream, r.observer).getReader();
    await reader.read();
    await expect(reader.read()).rejects.toThrow("upstream reset");
    expect(r.events).toEqual(["chunk 1", "error upstream reset"]);
  });

  it("an observer that throws changes nothing for the consumer", async () => {
    const chunks = [enc.encode("x"), enc.encode("y")];
    const { stream } = source(chunks);
    const boom = () => {
      throw new Error("sink");
    };
    const text = await new Response(tapBody(stream, { chunk: boom, end: boom, cancel: boom, error: boom })).text();
    expect(text).toBe("xy");
  });
});
