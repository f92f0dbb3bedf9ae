// Process entry of the CLI (bin/aistats-conformance.mjs loads it through tsx).
import { runCli } from "./cli.js";

process.exitCode = await runCli(process.argv.slice(2), {
  cwd: process.cwd(),
  env: process.env,
  stdout: (line) => console.log(line),
  stderr: (line) => console.error(line),
});
