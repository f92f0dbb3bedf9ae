import { ConfigProblems, describeValue, fieldPath, keyPath } from "./config-problems";
import { readNonNegativeNumber } from "./field-reader";
import { JV_NULL, JV_OBJECT, JsonValue } from "./json-value";

// The `pricing` extension (not in Higress): a per-model price table, in USD per million tokens,
// keyed by the model as logged. The engine logs `cost` = (input_token × input + output_token ×
// output) / 1e6 for a priced model and nothing for another. Shape proposed by the conformance
// cases (packages/conformance/cases/README.md):
//
//   "pricing": { "gpt-4.1": { "input": 2, "output": 8 }, "gpt-4o-mini": { "input": 0.15, "output": 0.6 } }

export class ModelPrice {
  readonly model: string;
  /** USD per million input tokens. */
  readonly input: f64;
  /** USD per million output tokens. */
  readonly output: f64;

  constructor(model: string, input: f64, output: f64) {
    this.model = model;
    this.input = input;
    this.output = output;
  }
}

/** The table (null → empty); a repeated model keeps its last entry, with a warning. */
export function parsePricing(v: JsonValue, path: string, problems: ConfigProblems): Array<ModelPrice> {
  const out = new Array<ModelPrice>(0);
  if (v.kind == JV_NULL) return out;
  if (v.kind != JV_OBJECT) {
    problems.fail(path, "expected an object mapping model names to { \"input\": …, \"output\": … } prices, got " + describeValue(v));
    return out;
  }
  for (let i = 0; i < v.keys.length; i++) {
    const model = v.keys[i];
    const p = keyPath(path, model);
    const price = parsePrice(model, v.values[i], p, problems);
    if (price == null) return out;
    let replaced = false;
    for (let k = 0; k < out.length; k++) {
      if (out[k].model == model) {
        problems.warn(p, "repeated model: the last price is used");
        out[k] = price;
        replaced = true;
      }
    }
    if (!replaced) out.push(price);
  }
  return out;
}

function parsePrice(model: string, v: JsonValue, path: string, problems: ConfigProblems): ModelPrice | null {
  if (v.kind != JV_OBJECT) {
    problems.fail(path, "expected an object { \"input\": …, \"output\": … }, got " + describeValue(v));
    return null;
  }
  let input: f64 = -1;
  let output: f64 = -1;
  for (let m = 0; m < v.keys.length; m++) {
    const name = v.keys[m];
    const p = fieldPath(path, name);
    if (name == "input") input = readNonNegativeNumber(v.values[m], p, problems);
    else if (name == "output") output = readNonNegativeNumber(v.values[m], p, problems);
    else problems.warn(p, "unknown field, ignored (a price has input and output, USD per million tokens)");
    if (problems.failed) return null;
  }
  if (input < 0) {
    problems.fail(fieldPath(path, "input"), "missing (USD per million input tokens)");
    return null;
  }
  if (output < 0) {
    problems.fail(fieldPath(path, "output"), "missing (USD per million output tokens)");
    return null;
  }
  return new ModelPrice(model, input, output);
}
