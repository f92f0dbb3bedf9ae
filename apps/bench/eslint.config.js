import { base, coreInternalsAllowed } from "@aistats/eslint-config";
import { portable } from "@aistats/eslint-config/portable";

export default [
  ...base,
  // The bench measures stats-core's pieces (arena, framer, matcher) as well as the engine: the
  // public API and the documented internal subpath, never its sources or dist files.
  coreInternalsAllowed,
  // The probe is compiled by asc too, so it keeps to the portable subset.
  { files: ["src/probe/llm-stream-probe.ts"], ...portable },
];
