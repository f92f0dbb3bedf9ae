import { parsePluginConfig } from "@aistats/stats-core";
import { describe, expect, it } from "vitest";
import { engineFor, loadConfig, type LoadedConfig } from "./config.js";
import { AistatsConfigError, createRecorder } from "./index.js";

const encode = (text: string): Uint8Array => new TextEncoder().encode(text);

function configError(config: Parameters<typeof createRecorder>[0]): AistatsConfigError {
  try {
    createRecorder(config);
  } catch (error) {
    expect(error).toBeInstanceOf(AistatsConfigError);
    return error as AistatsConfigError;
  }
  throw new Error(`accepted ${JSON.stringify(config)}`);
}

const badRule = { attributes: [{ key: "a", value_source: "response_streaming_body", value: "x", rule: "first" }, { key: "b", value_source: "response_streaming_body", value: "y", rule: "middle" }] };

describe("a rejected configuration throws AistatsConfigError, the field path first", () => {
  it.each([
    ["text", JSON.stringify(badRule)],
    ["bytes", encode(JSON.stringify(badRule))],
    ["an object", badRule],
  ])("attributes[i] given as %s", (_form, config) => {
    const e = configError(config);
    expect(e.message).toBe('attributes[1].rule: "middle" is not one of first, replace, append');
    expect(e.field).toBe("attributes[1].rule");
    expect(e.name).toBe("AistatsConfigError");
    expect(e).toBeInstanceOf(Error);
  });

  it.each([
    [{ value_length_limit: "x" }, "value_length_limit", /^value_length_limit: expected an integer/],
    [{ arena_bytes: 10 }, "arena_bytes", /^arena_bytes: expected an integer ≥ 65536, got 10$/],
    [{ attributes: [{ key: "a", value_source: "request_body", value: "a.@this" }] }, "attributes[0].value", /^attributes\[0\]\.value: path "a\.@this": modifier @this/],
    [{ _rules_: [{ _match_route_: ["r"], attributes: [{ key: 1 }] }] }, "_rules_[0].attributes[0].key", /^_rules_\[0\]\.attributes\[0\]\.key: expected a string, got 1$/],
    [{ attributes: [{ key: "a", apply_to_log: "yes" }] }, "attributes[0].apply_to_log", /^attributes\[0\]\.apply_to_log: /],
  ])("top-level and nested fields: %j", (config, field, message) => {
    for (const form of [config, JSON.stringify(config), encode(JSON.stringify(config))]) {
      const e = configError(form);
      expect(e.field).toBe(field);
      expect(e.message).toMatch(message);
    }
  });

  it("a document that is not a JSON object names no field", () => {
    expect(configError("{").field).toBe("");
    expect(configError("{").message).toMatch(/^invalid JSON at byte 1/);
    expect(configError("[]").message).toBe("expected a JSON object at the top level, got an array");
    expect(configError([] as unknown as Record<string, unknown>).field).toBe("");
    expect(configError(42 as unknown as string).message).toMatch(/got number/);
  });

  it("an object that JSON cannot write is rejected, not half-read", () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(configError(cyclic).message).toMatch(/cannot be written as JSON/);
    expect(configError({ value_length_limit: 10n } as unknown as Record<string, unknown>).message).toMatch(/cannot be written as JSON/);
  });
});

describe("an accepted configuration", () => {
  it("empty (no configuration, empty text, empty bytes) means every default, as Higress", () => {
    for (const config of [undefined, "", new Uint8Array(0), {}]) {
      const recorder = createRecorder(config);
      expect(recorder.warnings).toEqual([]);
      expect(recorder.settings.arenaBytes).toBe(4 * 1024 * 1024);
      const h = recorder.start({ method: "POST", path: "/anything" });
      expect(h.state).toBe("open");
      h.abort();
    }
  });

  it("warnings surface in recorder.warnings and through onWarning, each naming its field", () => {
    const seen: string[] = [];
    const recorder = createRecorder(
      { Attributes: [], attributes: { key: "a", value_source: "fixed_value", value: "x", apply_to_log: true } },
      { onWarning: (w) => seen.push(w) },
    );
    expect(recorder.warnings).toEqual([
      expect.stringMatching(/^Attributes: unknown field, ignored; did you mean attributes\?/),
      expect.stringMatching(/^attributes: a single object is read as a one-element list/),
    ]);
    expect(seen).toEqual(recorder.warnings);
    expect(Object.isFrozen(recorder.warnings)).toBe(true);
  });
});

describe("an engine is made only for an accepted configuration", () => {
  it("loadConfig throws before any engine exists; engineFor refuses anything loadConfig did not make", () => {
    expect(() => loadConfig(badRule)).toThrow(AistatsConfigError);
    const rejected = parsePluginConfig(encode(JSON.stringify(badRule)));
    expect(rejected.ok).toBe(false);
    // A forged LoadedConfig (what a cast could smuggle in) is refused at run time too.
    const forged = { result: rejected, warnings: [] } as unknown as LoadedConfig;
    expect(() => engineFor(forged)).toThrow(/attributes\[1\]\.rule/);
    const accepted = loadConfig({});
    expect(engineFor(accepted).configError).toBe("");
  });
});
