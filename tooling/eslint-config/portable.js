// The portable subset: stats-core sources are compiled by tsc to JavaScript and by asc
// (AssemblyScript 0.28) to WebAssembly. These rules reject, at lint time, the TypeScript
// constructs that AssemblyScript does not compile or compiles with different meaning, so a
// divergence is caught before the wasm build (which remains the final word).
const restricted = [
  ["ArrowFunctionExpression", "closures are not portable: use a class method or a plain function"],
  ["FunctionExpression:not(MethodDefinition > FunctionExpression)", "closures are not portable: use a class method or a plain function"],
  ["TSUnionType:not(:has(> TSNullKeyword))", "union types are not portable (only `T | null` is)"],
  ["TSIntersectionType", "intersection types are not portable"],
  ["ThrowStatement", "no exceptions in core: return a status code or an error record"],
  ["TryStatement", "no exceptions in core: return a status code or an error record"],
  ["Literal[regex]", "no regex in core: scan bytes"],
  ["NewExpression[callee.name='RegExp']", "no regex in core: scan bytes"],
  ["Identifier[name='JSON']", "no JSON in core: use the streaming matcher"],
  ["Identifier[name='Date']", "no clock in core: the host supplies timestamps"],
  ["MemberExpression[object.name='Math'][property.name='random']", "no randomness in core"],
  ["Identifier[name='console']", "no I/O in core"],
  ["Identifier[name='globalThis']", "no globals in core"],
  ["ForOfStatement", "for-of is not portable: use an index loop"],
  ["ForInStatement", "for-in is not portable: use an index loop"],
  ["ChainExpression", "optional chaining is not portable"],
  ["LogicalExpression[operator='??']", "?? is not portable"],
  ["ObjectPattern", "destructuring is not portable"],
  ["ArrayPattern", "destructuring is not portable"],
  ["SpreadElement", "spread is not portable"],
  ["ObjectExpression", "object literals are not portable: instantiate a class"],
  ["TemplateLiteral", "template literals are not portable: concatenate"],
  ["UnaryExpression[operator='typeof']", "typeof is not portable"],
  ["UnaryExpression[operator='delete']", "delete is not portable"],
  ["AwaitExpression", "no async in core"],
  ["FunctionDeclaration[async=true]", "no async in core"],
  ["FunctionDeclaration[generator=true]", "no generators in core"],
  ["MethodDefinition[value.async=true]", "no async in core"],
  ["TSAnyKeyword", "any is not portable"],
  ["ImportDeclaration[importKind='type']", "asc cannot parse `import type`: import the class"],
  ["ImportSpecifier[importKind='type']", "asc cannot parse `import type`: import the class"],
  ["TSUnknownKeyword", "unknown is not portable"],
  ["TSInterfaceDeclaration", "use an abstract class: interfaces are not portable"],
  ["TSTypeAliasDeclaration", "type aliases are not portable in core (numeric aliases live in glue/js)"],
  ["TSEnumDeclaration", "enums compile differently: use exported consts"],
  ["TSParameterProperty", "parameter properties are not portable: declare the field"],
  ["Program > VariableDeclaration[kind!='const']", "no mutable module state in core"],
  ["Program > ExportNamedDeclaration > VariableDeclaration[kind!='const']", "no mutable module state in core"],
  ["PropertyDefinition[key.type='PrivateIdentifier']", "#private is not portable: use `private`"],
  ["BinaryExpression[operator='in']", "the in operator is not portable"],
  ["BinaryExpression[operator='**']", "** is not portable"],
  [
    "TSTypeAssertion[typeAnnotation.typeName.name=/^(i8|u8|i16|u16|i32|u32|i64|u64|isize|usize)$/][expression.type='CallExpression']:not([expression.callee.name=/^(loadByte|loadI32|ctz|clz|popcnt|f64ToI32)$/]):not([expression.callee.property.name=/^(charCodeAt|indexOf|codePointAt)$/])",
    "an integer cast of a call's result converts in wasm and does nothing in JS (0.5 stays 0.5): convert an f64 with f64ToI32 from glue/target",
  ],
  [
    "TSTypeAssertion[typeAnnotation.typeName.name=/^(i8|u8|i16|u16|i32|u32|i64|u64|isize|usize)$/][expression.type='MemberExpression'][expression.computed=false]:not([expression.property.name=/^(length|byteLength)$/])",
    "an integer cast of a field converts in wasm and does nothing in JS (0.5 stays 0.5): convert an f64 with f64ToI32 from glue/target",
  ],
  [
    "Literal[value>=9223372036854775807][raw=/^[0-9_]+$/]",
    "asc reads a bare integer literal as an i64 (wrapping past 2^63) where JS reads a double: write it as a float literal (e.g. `9223372036854775808.0`)",
  ],
  [
    "BinaryExpression[operator='/']:not(BinaryExpression[operator='|'] > BinaryExpression)",
    "`/` is integer division on i32 in wasm and float division in JS: write `(a / b) | 0`",
  ],
];

export const portable = {
  rules: {
    "no-restricted-syntax": ["error", ...restricted.map(([selector, message]) => ({ selector, message }))],
    "no-restricted-globals": ["error", "process", "Buffer", "TextDecoder", "TextEncoder", "setTimeout", "fetch"],
    "prefer-const": "error",
    // asc cannot parse `import type`; importing a class used only as a type is fine in both builds.
    "@typescript-eslint/consistent-type-imports": "off",
    "no-restricted-imports": ["error", { patterns: [{ group: ["node:*"], message: "no I/O in core" }] }],
    eqeqeq: "off",
  },
};

export default portable;
