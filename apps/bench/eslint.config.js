import { base } from "@aistats/eslint-config";
import { portable } from "@aistats/eslint-config/portable";

export default [
  ...base,
  // The probe is compiled by asc too, so it keeps to the portable subset.
  { files: ["src/probe/openai-stream-probe.ts"], ...portable },
];
