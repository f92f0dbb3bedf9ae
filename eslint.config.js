// Root-level files only (scripts/); every package has its own eslint.config.js.
import { base } from "@aistats/eslint-config";

export default [...base, { ignores: ["packages/**", "apps/**", "tooling/**"] }];
