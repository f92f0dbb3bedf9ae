// Reads the import, export and type sections of a wasm binary. The JS WebAssembly API reports an
// import's kind but not its function type, and Envoy checks both, so the host reads them itself.
import type { FuncSignature, ValType } from "../abi/signatures";

export type ExternKind = "function" | "table" | "memory" | "global" | "tag";

export interface ModuleImport {
  readonly module: string;
  readonly name: string;
  readonly kind: ExternKind;
  /** For function imports. `null` params/results entries mean a type the host cannot provide. */
  readonly signature?: FuncSignature | undefined;
  /** For memory and table imports: the declared limits. */
  readonly limits?: { readonly initial: number; readonly maximum?: number | undefined } | undefined;
}

export interface ModuleExport {
  readonly name: string;
  readonly kind: ExternKind;
  readonly signature?: FuncSignature | undefined;
}

export interface WasmModuleInfo {
  readonly imports: readonly ModuleImport[];
  readonly exports: readonly ModuleExport[];
}

export class CorruptModuleError extends Error {}

const KINDS: readonly ExternKind[] = ["function", "table", "memory", "global", "tag"];

const VAL_TYPES: Record<number, ValType | "v128" | "funcref" | "externref"> = {
  0x7f: "i32",
  0x7e: "i64",
  0x7d: "f32",
  0x7c: "f64",
  0x7b: "v128",
  0x70: "funcref",
  0x6f: "externref",
};

class Reader {
  pos = 0;
  constructor(
    private readonly bytes: Uint8Array,
    readonly end: number = bytes.length,
  ) {}

  byte(): number {
    if (this.pos >= this.end) throw new CorruptModuleError("unexpected end of module");
    return this.bytes[this.pos++] as number;
  }

  u32(): number {
    let result = 0;
    let shift = 0;
    for (;;) {
      const b = this.byte();
      result += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) break;
      shift += 7;
      if (shift > 35) throw new CorruptModuleError("LEB128 too long");
    }
    return result;
  }

  name(): string {
    const len = this.u32();
    if (this.pos + len > this.end) throw new CorruptModuleError("name past end of section");
    const s = new TextDecoder().decode(this.bytes.subarray(this.pos, this.pos + len));
    this.pos += len;
    return s;
  }

  limits(): { initial: number; maximum?: number } {
    const flags = this.byte();
    const initial = this.u32();
    return (flags & 1) !== 0 ? { initial, maximum: this.u32() } : { initial };
  }
}

/** Parses the sections the host needs; throws CorruptModuleError on a malformed binary. */
export function readModuleInfo(bytes: Uint8Array): WasmModuleInfo {
  const r = new Reader(bytes);
  const magic = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
  for (const b of magic) {
    if (r.byte() !== b) throw new CorruptModuleError("not a wasm 1.0 binary");
  }

  const types: (FuncSignature | null)[] = [];
  const imports: ModuleImport[] = [];
  const functionTypes: number[] = []; // type index of every function, imported ones first
  const rawExports: { name: string; kind: ExternKind; index: number }[] = [];

  while (r.pos < bytes.length) {
    const id = r.byte();
    const size = r.u32();
    const end = r.pos + size;
    if (end > bytes.length) throw new CorruptModuleError("section past end of module");
    const s = new Reader(bytes, end);
    s.pos = r.pos;
    if (id === 1) {
      for (let n = s.u32(); n > 0; n--) {
        if (s.byte() !== 0x60) throw new CorruptModuleError("unsupported type form");
        const params = readValTypes(s);
        const results = readValTypes(s);
        types.push(params && results ? { params, results } : null);
      }
    } else if (id === 2) {
      for (let n = s.u32(); n > 0; n--) {
        const module = s.name();
        const name = s.name();
        const kind = KINDS[s.byte()];
        if (kind === undefined) throw new CorruptModuleError("unknown import kind");
        if (kind === "function") {
          const typeIndex = s.u32();
          functionTypes.push(typeIndex);
          imports.push({ module, name, kind, signature: types[typeIndex] ?? undefined });
        } else if (kind === "table") {
          s.byte();
          imports.push({ module, name, kind, limits: s.limits() });
        } else if (kind === "memory") {
          imports.push({ module, name, kind, limits: s.limits() });
        } else if (kind === "global") {
          s.byte();
          s.byte();
          imports.push({ module, name, kind });
        } else {
          s.byte();
          s.u32();
          imports.push({ module, name, kind });
        }
      }
    } else if (id === 3) {
      for (let n = s.u32(); n > 0; n--) functionTypes.push(s.u32());
    } else if (id === 7) {
      for (let n = s.u32(); n > 0; n--) {
        const name = s.name();
        const kind = KINDS[s.byte()];
        if (kind === undefined) throw new CorruptModuleError("unknown export kind");
        rawExports.push({ name, kind, index: s.u32() });
      }
    }
    r.pos = end;
  }

  const exports: ModuleExport[] = rawExports.map((e) => {
    if (e.kind !== "function") return { name: e.name, kind: e.kind };
    const typeIndex = functionTypes[e.index];
    return { name: e.name, kind: e.kind, signature: typeIndex === undefined ? undefined : (types[typeIndex] ?? undefined) };
  });
  return { imports, exports };
}

/** The value types of a params/results vector, or null if one is not a number type. */
function readValTypes(s: Reader): ValType[] | null {
  const out: ValType[] = [];
  let ok = true;
  for (let n = s.u32(); n > 0; n--) {
    const t = VAL_TYPES[s.byte()];
    if (t === "i32" || t === "i64" || t === "f32" || t === "f64") out.push(t);
    else ok = false;
  }
  return ok ? out : null;
}
