// The portable sources type numbers as i32/u8/… (type aliases declared in src/glue/js).
// Consumers of the JS build should see plain `number`/`boolean` and need no ambient types,
// so the emitted declarations get the aliases rewritten here.
import { readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const aliases = { i8: "number", i16: "number", i32: "number", isize: "number", u8: "number", u16: "number",
  u32: "number", usize: "number", f32: "number", f64: "number", bool: "boolean" };
const pattern = new RegExp(`(?<![\\w$."'])(${Object.keys(aliases).join("|")})(?![\\w$"'])`, "g");

const dist = new URL("../dist/", import.meta.url).pathname;
for (const name of readdirSync(dist)) {
  if (!name.endsWith(".d.ts")) continue;
  const file = join(dist, name);
  const text = readFileSync(file, "utf8");
  writeFileSync(file, text.replace(pattern, (alias) => aliases[alias]));
}
