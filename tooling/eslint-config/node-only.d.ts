/** Node's built-in modules by name (`fs`, `fs/promises`, …), without the internal `_` ones. */
export declare const nodeBuiltins: readonly string[];
/** Node's globals that workerd, Deno and Bun do not all have (or have only behind a flag). */
export declare const nodeOnlyGlobals: readonly string[];
