import { base, publicCoreOnly } from "@aistats/eslint-config";
import { portable } from "@aistats/eslint-config/portable";

export default [
  ...base,
  // The bench measures stats-core as users get it: its public API only.
  publicCoreOnly,
  // The probe is compiled by asc too, so it keeps to the portable subset.
  { files: ["src/probe/openai-stream-probe.ts"], ...portable },
];
