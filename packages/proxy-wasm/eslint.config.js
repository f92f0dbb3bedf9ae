import { base } from "@aistats/eslint-config";

// assembly/ is AssemblyScript, checked by asc (its decorators and builtins are not TypeScript).
export default [{ ignores: ["assembly/**", "build/**"] }, ...base];
