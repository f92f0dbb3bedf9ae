import { dualBuild } from "@aistats/tsup-config";

// Runs in workerd, Deno and Bun too: neutral, no Node built-ins (the lint rule enforces it).
export default dualBuild({ platform: "neutral" });
