/**
 * Runs the AssemblyScript compiler (`asc`, the optional peer dependency `assemblyscript` ~0.28)
 * with the given command-line arguments, serving stats-core's wasm glue wherever its portable
 * sources import `src/glue/<name>.ts`. Resolves to the exit code (0 on success); asc's
 * diagnostics go to stderr. Rejects when assemblyscript is not installed.
 *
 * @example
 * await compileWithWasmGlue(["assembly/index.ts", "--outFile", "build/plugin.wasm", "-O3"]);
 */
export declare function compileWithWasmGlue(args: readonly string[]): Promise<number>;
