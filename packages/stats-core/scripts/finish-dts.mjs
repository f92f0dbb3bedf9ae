// The portable sources type numbers as i32/u8/… (type aliases declared in src/glue/js).
// Consumers of the JS build should see plain `number`/`boolean` and need no ambient types,
// so the emitted declarations (index.d.ts for ESM, index.d.cts for CommonJS) get the aliases
// rewritten here.
import { readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const aliases = { i8: "number", i16: "number", i32: "number", isize: "number", u8: "number", u16: "number",
  u32: "number", usize: "number", f32: "number", f64: "number", bool: "boolean" };
const pattern = new RegExp(`(?<![\\w$."'])(${Object.keys(aliases).join("|")})(?![\\w$"'])`, "g");

const dist = new URL("../dist/", import.meta.url).pathname;
const declarations = readdirSync(dist).filter((name) => name.endsWith(".d.ts") || name.endsWith(".d.cts"));
if (!declarations.includes("index.d.ts") || !declarations.includes("index.d.cts")) {
  console.error(`finish-dts: expected dist/index.d.ts and dist/index.d.cts, found ${declarations.join(", ") || "none"}`);
  process.exit(1);
}
for (const name of declarations) {
  const file = join(dist, name);
  const text = readFileSync(file, "utf8");
  writeFileSync(file, text.replace(pattern, (alias) => aliases[alias]));
}
