// What a built module graph needs from its runtime, read from the built files themselves:
//   - which files an entry reaches and what each one imports, as esbuild resolves them (platform
//     "node", so a Node built-in resolves as an external and is listed rather than failing the
//     build), for the ESM graph (`import` condition) and the CommonJS graph (`require`);
//   - in each reached file, parsed with acorn: every import / export-from / import() / require()
//     specifier, and every reference to a Node-only global.
// `problemsOf` turns that into one line per problem; the tests assert the list is empty for
// @aistats/edge's dist and non-empty for a deliberately Node-bound fixture.
import { builtinModules } from "node:module";
import { readFileSync } from "node:fs";
import { isAbsolute, join, relative } from "node:path";
import { parse, type Node } from "acorn";
import { nodeOnlyGlobals } from "@aistats/eslint-config/node-only";
import { build, type Metafile } from "esbuild";

const BUILTINS = new Set(builtinModules);

export const isNodeBuiltin = (specifier: string): boolean =>
  specifier.startsWith("node:") || BUILTINS.has(specifier) || BUILTINS.has(specifier.split("/")[0]!);

/** Globals that exist in Node but not in every one of workerd, Deno and Bun: the lint rule's list. */
export const NODE_ONLY_GLOBALS: readonly string[] = nodeOnlyGlobals;

/** In a CommonJS file the loader's own wrapper variables are not a dependency on Node. */
const CJS_WRAPPER = new Set(["require", "module", "exports"]);

export interface ReachedFile {
  file: string; // absolute path
  format: "esm" | "cjs";
  /** As esbuild resolved them: the import's specifier, where it went, and whether it was left external. */
  imports: { original: string; path: string; kind: string; external: boolean }[];
}

/** Every file `entry` reaches (itself included) as esbuild resolves the graph for `format`. */
export async function reachedFiles(entry: string, format: "esm" | "cjs"): Promise<ReachedFile[]> {
  const root = "/";
  const result = await build({
    absWorkingDir: root,
    entryPoints: [entry],
    bundle: true,
    write: false,
    metafile: true,
    platform: "node",
    format,
    logLevel: "silent",
    // `import` for import statements, `require` for require() calls: esbuild picks by the import's kind.
    mainFields: format === "esm" ? ["module", "main"] : ["main", "module"],
  });
  const inputs = (result.metafile as Metafile).inputs;
  return Object.entries(inputs).map(([path, input]) => {
    const file = isAbsolute(path) ? path : join(root, path);
    return {
      file,
      format: input.format === "cjs" || /\.cjs$/.test(file) ? "cjs" : "esm",
      imports: input.imports.map((i) => ({
        original: i.original ?? i.path,
        path: i.path,
        kind: i.kind,
        external: i.external === true,
      })),
    };
  });
}

interface AstNode extends Node {
  [key: string]: unknown;
}

const isNode = (value: unknown): value is AstNode =>
  typeof value === "object" && value !== null && typeof (value as { type?: unknown }).type === "string";

/** Calls visit(node, parent, key) for every node below `root`, depth first. */
function walk(root: AstNode, visit: (node: AstNode, parent: AstNode | null, key: string) => void): void {
  const stack: [AstNode, AstNode | null, string][] = [[root, null, ""]];
  while (stack.length > 0) {
    const [node, parent, key] = stack.pop()!;
    visit(node, parent, key);
    for (const [k, value] of Object.entries(node)) {
      if (Array.isArray(value)) {
        for (const v of value) if (isNode(v)) stack.push([v, node, k]);
      } else if (isNode(value)) stack.push([value, node, k]);
    }
  }
}

/** Names bound anywhere in the file (declarations, parameters, imports, catch clauses). */
function boundNames(program: AstNode): Set<string> {
  const names = new Set<string>();
  const addPattern = (p: unknown): void => {
    if (!isNode(p)) return;
    switch (p.type) {
      case "Identifier":
        names.add(p.name as string);
        break;
      case "ObjectPattern":
        for (const prop of p.properties as AstNode[]) addPattern(prop.type === "RestElement" ? prop.argument : prop.value);
        break;
      case "ArrayPattern":
        for (const el of p.elements as unknown[]) addPattern(el);
        break;
      case "RestElement":
        addPattern(p.argument);
        break;
      case "AssignmentPattern":
        addPattern(p.left);
        break;
    }
  };
  walk(program, (node) => {
    switch (node.type) {
      case "VariableDeclarator":
        addPattern(node.id);
        break;
      case "FunctionDeclaration":
      case "FunctionExpression":
      case "ArrowFunctionExpression":
        addPattern(node.id);
        for (const p of node.params as AstNode[]) addPattern(p);
        break;
      case "ClassDeclaration":
      case "ClassExpression":
        addPattern(node.id);
        break;
      case "CatchClause":
        addPattern(node.param);
        break;
      case "ImportSpecifier":
      case "ImportDefaultSpecifier":
      case "ImportNamespaceSpecifier":
        addPattern(node.local);
        break;
    }
  });
  return names;
}

/** Is this Identifier a reference to a variable (not a property name, label or export alias)? */
function isReference(parent: AstNode | null, key: string): boolean {
  if (parent === null) return true;
  switch (parent.type) {
    case "MemberExpression":
      return key !== "property" || parent.computed === true;
    case "Property":
    case "PropertyDefinition":
    case "MethodDefinition":
      return key !== "key" || parent.computed === true;
    case "LabeledStatement":
    case "BreakStatement":
    case "ContinueStatement":
      return false;
    case "ExportSpecifier":
      return key === "local";
    case "ImportSpecifier":
    case "ImportDefaultSpecifier":
    case "ImportNamespaceSpecifier":
    case "MetaProperty":
      return false;
    default:
      return true;
  }
}

export interface ParsedFile {
  /** Every static specifier: import / export … from, import("x"), require("x"). */
  specifiers: string[];
  /** import(expr) / require(expr) whose argument is not a string literal: a dependency no tool can see. */
  computed: string[];
  /** Node-only globals referred to: free identifiers, and globalThis.X (not behind `?.`). */
  nodeGlobals: string[];
}

export function parseFile(file: string, format: "esm" | "cjs"): ParsedFile {
  const text = readFileSync(file, "utf8");
  const program = parse(text, {
    ecmaVersion: "latest",
    sourceType: format === "esm" ? "module" : "script",
    allowHashBang: true,
    allowReturnOutsideFunction: format === "cjs",
    locations: true,
  }) as unknown as AstNode;
  const bound = boundNames(program);
  const allowed = format === "cjs" ? CJS_WRAPPER : new Set<string>();
  const specifiers: string[] = [];
  const computed: string[] = [];
  const nodeGlobals: string[] = [];
  const where = (n: AstNode): string => `${relative(process.cwd(), file)}:${(n.loc as { start: { line: number } }).start.line}`;
  const literal = (n: unknown): string | null =>
    isNode(n) && n.type === "Literal" && typeof n.value === "string" ? (n.value as string) : null;

  walk(program, (node, parent, key) => {
    switch (node.type) {
      case "ImportDeclaration":
      case "ExportNamedDeclaration":
      case "ExportAllDeclaration": {
        const s = literal(node.source);
        if (s !== null) specifiers.push(s);
        break;
      }
      case "ImportExpression": {
        const s = literal(node.source);
        if (s !== null) specifiers.push(s);
        else computed.push(`${where(node)}: import() of a computed specifier`);
        break;
      }
      case "CallExpression": {
        const callee = node.callee as AstNode;
        if (callee.type === "Identifier" && callee.name === "require" && !bound.has("require")) {
          const s = literal((node.arguments as AstNode[])[0]);
          if (s !== null) specifiers.push(s);
          else computed.push(`${where(node)}: require() of a computed specifier`);
        }
        break;
      }
      case "Identifier": {
        const name = node.name as string;
        if (!NODE_ONLY_GLOBALS.includes(name) || allowed.has(name) || bound.has(name)) break;
        if (!isReference(parent, key)) break;
        // `typeof process !== "undefined"` is a probe that works everywhere.
        if (parent?.type === "UnaryExpression" && parent.operator === "typeof") break;
        nodeGlobals.push(`${where(node)}: ${name}`);
        break;
      }
      case "MemberExpression": {
        const object = node.object as AstNode;
        const property = node.property as AstNode;
        if (object.type !== "Identifier" || object.name !== "globalThis" || node.computed === true || node.optional === true) break;
        const name = property.name as string;
        if (!NODE_ONLY_GLOBALS.includes(name)) break;
        // A probe: `globalThis.Buffer?.…`, `typeof globalThis.process` — it works where the global is missing.
        const probed =
          (parent?.type === "MemberExpression" && key === "object" && parent.optional === true) ||
          (parent?.type === "CallExpression" && key === "callee" && parent.optional === true) ||
          (parent?.type === "UnaryExpression" && parent.operator === "typeof");
        if (!probed) nodeGlobals.push(`${where(node)}: globalThis.${name}`);
        break;
      }
    }
  });
  return { specifiers, computed, nodeGlobals };
}

/** One line per way the graph from `entry` depends on Node (empty: it does not). */
export async function problemsOf(entry: string, format: "esm" | "cjs"): Promise<{ problems: string[]; files: string[] }> {
  const problems: string[] = [];
  const files = await reachedFiles(entry, format);
  for (const f of files) {
    const rel = relative(process.cwd(), f.file);
    for (const i of f.imports) {
      if (isNodeBuiltin(i.original) || isNodeBuiltin(i.path)) problems.push(`${rel}: ${i.kind} of the Node built-in "${i.original}"`);
      else if (i.external) problems.push(`${rel}: ${i.kind} of "${i.original}" left unresolved`);
    }
    const parsed = parseFile(f.file, f.format);
    for (const s of parsed.specifiers) {
      if (isNodeBuiltin(s)) problems.push(`${rel}: imports the Node built-in "${s}"`);
    }
    problems.push(...parsed.computed, ...parsed.nodeGlobals.map((g) => `uses Node's global ${g}`));
  }
  return { problems: [...new Set(problems)], files: files.map((f) => f.file) };
}

/**
 * Bundles `source` (an ES module) for Cloudflare Workers the way wrangler does without
 * nodejs_compat: esbuild, platform "neutral" (no Node built-in is known, so importing one fails
 * the build), the workerd / worker / browser conditions, ESM out. `resolveDir` is where its bare
 * imports resolve from. Returns the bundle's text and what it left external.
 */
export async function bundleForWorkers(source: string, resolveDir: string): Promise<{ text: string; externals: string[]; warnings: string[] }> {
  const result = await build({
    stdin: { contents: source, resolveDir, sourcefile: "worker.js", loader: "js" },
    bundle: true,
    write: false,
    metafile: true,
    outfile: join(resolveDir, "out", "worker.js"),
    platform: "neutral",
    format: "esm",
    target: "es2022",
    conditions: ["workerd", "worker", "browser"],
    mainFields: ["browser", "module", "main"],
    logLevel: "silent",
  });
  const outputs = Object.values((result.metafile as Metafile).outputs);
  return {
    text: result.outputFiles[0]!.text,
    externals: outputs.flatMap((o) => o.imports.filter((i) => i.external).map((i) => i.path)),
    warnings: result.warnings.map((w) => w.text),
  };
}
