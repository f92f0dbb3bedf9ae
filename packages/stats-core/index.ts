// The AssemblyScript entry of @aistats/stats-core: asc resolves `import … from "@aistats/stats-core"`
// to node_modules/@aistats/stats-core/index.ts (it does not read package.json), so this file points
// it at the portable sources. JavaScript consumers get dist/ through the package's exports map.
export * from "./src/index";
