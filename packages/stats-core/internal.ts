// The AssemblyScript entry of @aistats/stats-core/internal (see index.ts): asc resolves
// `import … from "@aistats/stats-core/internal"` to this file.
export * from "./src/internal";
