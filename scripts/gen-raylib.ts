/**
 * `bun run gen:raylib` (`bun scripts/gen-raylib.ts`): generates hotloop's raylib binding from
 * raylib's own description of its API (`raylib_api.json`, see scripts/raylib-api.ts), as
 * node-raylib generates its own from the same parser:
 *
 *  - src/render/raylib.gen.ts: every function as a typed camelCase method of `RaylibBindings`,
 *    every struct as a TypeScript interface with its C layout (offsets checked by the C compiler),
 *    the enums and colors as constants, and the bun:ffi symbol tables;
 *  - src/render/shim.gen.c: a C wrapper for every function that takes or returns a struct by value
 *    (bun:ffi passes scalars and pointers only, oven-sh/bun#6139), which the shim library holds
 *    beside the hand-written src/render/shim.c.
 *
 * How a call crosses: scalars, strings (`const char *` as a NUL-terminated buffer, null as NULL) and pointers go
 * straight to libraylib. A `Color` is four bytes that travel in an integer register on x86-64 and
 * aarch64, so it is a packed u32 (`rgba()`) everywhere. Any other struct passed by value is written
 * into a scratch block and its address handed to the wrapper, which dereferences it; one returned
 * by value is written by the wrapper into the scratch block and read back into a new object. A
 * pointer to a struct (`Image *image`) takes either the object (copied in, and back out when the
 * pointer is not const, as C's `&image`) or a raw pointer/typed array (arrays of structs).
 *
 * `--check` writes nothing: it exits 1 with one line naming the stale file (test/render/binding.test.ts
 * checks the same).
 *
 * @module
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { raylibApi, raylibApiPath, type ApiField, type ApiFunction, type RaylibApi } from "./raylib-api.ts";

/** The repository root. */
const ROOT = join(import.meta.dir, "..");
/** The generated TypeScript binding. */
export const GEN_TS = join(ROOT, "src", "render", "raylib.gen.ts");
/** The generated C wrappers. */
export const GEN_C = join(ROOT, "src", "render", "shim.gen.c");

/**
 * Functions of raylib_api.json that are not bound, each with why. Everything else is: the
 * coverage test (test/render/binding.test.ts) fails on a function neither bound nor listed here.
 */
export const EXCLUDED: Readonly<Record<string, string>> = {
  TraceLog: "C varargs (printf-style): bun:ffi cannot call a variadic function; log from TypeScript instead",
  TextFormat: "C varargs (printf-style): bun:ffi cannot call a variadic function; use a template string",
};

/** Enums generated into src/core/keys.ts instead (core's one table of input codes), not here. */
export const ENUMS_IN_CORE = ["KeyboardKey", "MouseButton", "GamepadButton", "GamepadAxis"] as const;

/** The prefix of the generated C wrappers: `hlg_DrawTextureRec`. */
export const WRAPPER_PREFIX = "hlg_";

// ---------------------------------------------------------------------------------------------
// C types
// ---------------------------------------------------------------------------------------------

/** A scalar C type: its bun:ffi type, TypeScript type, size and DataView accessor. */
interface Scalar {
  ffi: string;
  ts: string;
  size: number;
  get: string;
  set: string;
}

const SCALARS: Record<string, Scalar> = {
  bool: { ffi: "bool", ts: "boolean", size: 1, get: "getUint8", set: "setUint8" },
  char: { ffi: "i8", ts: "number", size: 1, get: "getInt8", set: "setInt8" },
  "unsigned char": { ffi: "u8", ts: "number", size: 1, get: "getUint8", set: "setUint8" },
  short: { ffi: "i16", ts: "number", size: 2, get: "getInt16", set: "setInt16" },
  "unsigned short": { ffi: "u16", ts: "number", size: 2, get: "getUint16", set: "setUint16" },
  int: { ffi: "i32", ts: "number", size: 4, get: "getInt32", set: "setInt32" },
  "unsigned int": { ffi: "u32", ts: "number", size: 4, get: "getUint32", set: "setUint32" },
  long: { ffi: "i64_fast", ts: "number", size: 8, get: "", set: "" }, // results only: a struct field of it is refused below
  float: { ffi: "f32", ts: "number", size: 4, get: "getFloat32", set: "setFloat32" },
  double: { ffi: "f64", ts: "number", size: 8, get: "getFloat64", set: "setFloat64" },
};

/** TypeScript words a C parameter name may not be. */
const RESERVED = new Set(["default", "function", "delete", "new", "in", "var", "with", "class", "enum", "export", "import", "package", "interface", "static", "yield", "let"]);

/** A struct's layout as the C compiler makes it (natural alignment, x86-64/aarch64 LP64). */
export interface StructLayout {
  readonly size: number;
  readonly align: number;
  readonly fields: readonly { readonly name: string; readonly type: string; readonly offset: number; readonly count: number }[];
}

/** Splits `float[4]` into its element type and count (1 for a plain type). */
function arrayOf(type: string): { elem: string; count: number } {
  const m = /^(.*)\[(\d+)\]$/.exec(type);
  return m ? { elem: m[1]!, count: Number(m[2]) } : { elem: type, count: 1 };
}

const isPointer = (type: string) => type.endsWith("*");

class Model {
  readonly structs = new Map<string, { fields: readonly ApiField[]; description: string }>();
  /** Alias name to the struct it names (`Texture2D` to `Texture`). */
  readonly aliases = new Map<string, string>();
  readonly layouts = new Map<string, StructLayout>();
  readonly callbacks: Set<string>;

  constructor(readonly api: RaylibApi) {
    for (const s of api.structs) this.structs.set(s.name, s);
    for (const a of api.aliases) this.aliases.set(a.name, a.type);
    this.callbacks = new Set(api.callbacks.map((c) => c.name));
    for (const s of api.structs) this.layout(s.name);
  }

  /** The struct a name stands for (through aliases), or undefined for anything else. */
  struct(name: string): string | undefined {
    const real = this.aliases.get(name) ?? name;
    return this.structs.has(real) ? real : undefined;
  }

  /** Size and alignment of a non-array field type. */
  sizeAlign(type: string): { size: number; align: number } {
    if (isPointer(type)) return { size: 8, align: 8 };
    const scalar = SCALARS[type];
    if (scalar) return { size: scalar.size, align: scalar.size };
    const s = this.struct(type);
    if (s) {
      const l = this.layout(s);
      return { size: l.size, align: l.align };
    }
    throw new Error(`gen-raylib: unknown C type ${type}`);
  }

  layout(name: string): StructLayout {
    const known = this.layouts.get(name);
    if (known) return known;
    const fields: StructLayout["fields"][number][] = [];
    let offset = 0;
    let align = 1;
    for (const f of this.structs.get(name)!.fields) {
      const { elem, count } = arrayOf(f.type);
      const sa = this.sizeAlign(elem);
      offset = Math.ceil(offset / sa.align) * sa.align;
      fields.push({ name: f.name, type: elem, offset, count });
      offset += sa.size * count;
      align = Math.max(align, sa.align);
    }
    const layout = { size: Math.ceil(offset / align) * align, align, fields };
    this.layouts.set(name, layout);
    return layout;
  }
}

// ---------------------------------------------------------------------------------------------
// How each parameter and result crosses
// ---------------------------------------------------------------------------------------------

/** How one parameter crosses the boundary. */
type ParamKind =
  | { kind: "scalar"; c: string; s: Scalar }
  | { kind: "color" }
  | { kind: "string" }
  | { kind: "struct"; struct: string } // by value: through the scratch block and a wrapper
  | { kind: "structPointer"; struct: string; out: boolean } // T*: the object in (and out), or raw
  | { kind: "pointer"; c: string }; // anything else with a *: raw

/** How the result comes back. */
type ResultKind =
  | { kind: "void" }
  | { kind: "scalar"; s: Scalar }
  | { kind: "color" }
  | { kind: "string" } // const char *: read as text at once
  | { kind: "struct"; struct: string }
  | { kind: "pointer"; c: string };

/**
 * Whether a struct pointer parameter is an array (`const Vector2 *points, int pointCount`): named
 * in the plural, or followed by a count. Those take raw memory only (a typed array of the structs):
 * one object there would have raylib read `count` structs from the scratch block.
 */
function isArrayParam(name: string, next: string | undefined): boolean {
  return /s$/.test(name) || /count|instances/i.test(next ?? "");
}

function paramKind(m: Model, type: string, name = "", next?: string): ParamKind {
  if (type === "Color") return { kind: "color" };
  if (type === "const char *") return { kind: "string" };
  if (m.callbacks.has(type)) return { kind: "pointer", c: type };
  if (isPointer(type)) {
    const base = type.replace(/^const /, "").replace(/\s*\*$/, "");
    const s = !base.includes("*") ? m.struct(base) : undefined;
    if (s && base !== "Color" && !isArrayParam(name, next)) return { kind: "structPointer", struct: base, out: !type.startsWith("const ") };
    return { kind: "pointer", c: type };
  }
  const scalar = SCALARS[type];
  if (scalar) return { kind: "scalar", c: type, s: scalar };
  if (m.struct(type)) return { kind: "struct", struct: type };
  throw new Error(`gen-raylib: unknown parameter type ${type}`);
}

function resultKind(m: Model, type: string): ResultKind {
  if (type === "void") return { kind: "void" };
  if (type === "Color") return { kind: "color" };
  if (type === "const char *") return { kind: "string" };
  if (isPointer(type)) return { kind: "pointer", c: type };
  const scalar = SCALARS[type];
  if (scalar) return { kind: "scalar", s: scalar };
  if (m.struct(type)) return { kind: "struct", struct: type };
  throw new Error(`gen-raylib: unknown result type ${type}`);
}

/** One function as the generator binds it. */
interface Bound {
  fn: ApiFunction;
  params: { name: string; type: string; k: ParamKind }[];
  result: ResultKind;
  /** Called through a generated C wrapper (a struct by value somewhere), else straight. */
  wrapped: boolean;
}

function bind(m: Model, fn: ApiFunction): Bound {
  const all = fn.params ?? [];
  const params = all.map((p, i) => ({ name: RESERVED.has(p.name) ? `${p.name}_` : p.name, type: p.type, k: paramKind(m, p.type, p.name, all[i + 1]?.name) }));
  const result = resultKind(m, fn.returnType);
  const wrapped = params.some((p) => p.k.kind === "struct") || result.kind === "struct";
  return { fn, params, result, wrapped };
}

/** raylib's PascalCase name as a method name: `DrawTextureRec` to `drawTextureRec`. */
export function methodName(name: string): string {
  return name[0]!.toLowerCase() + name.slice(1);
}

// ---------------------------------------------------------------------------------------------
// C
// ---------------------------------------------------------------------------------------------

function cWrapper(m: Model, b: Bound): string {
  const cParams: string[] = [];
  const args: string[] = [];
  if (b.result.kind === "struct") cParams.push(`${b.fn.returnType} *out`);
  for (const p of b.params) {
    if (p.k.kind === "struct") {
      cParams.push(`const ${p.type} *${p.name}`);
      args.push(`*${p.name}`);
    } else if (p.k.kind === "color") {
      cParams.push(`uint32_t ${p.name}`);
      args.push(`hlg_color(${p.name})`);
    } else {
      cParams.push(`${p.type} ${p.name}`);
      args.push(p.name);
    }
  }
  const call = `${b.fn.name}(${args.join(", ")})`;
  const name = `${WRAPPER_PREFIX}${b.fn.name}`;
  const params = cParams.length ? cParams.join(", ") : "void";
  if (b.result.kind === "struct") return `void ${name}(${params}) { *out = ${call}; }`;
  if (b.result.kind === "color") return `uint32_t ${name}(${params}) { return hlg_pack(${call}); }`;
  if (b.result.kind === "void") return `void ${name}(${params}) { ${call}; }`;
  return `${b.fn.returnType} ${name}(${params}) { return ${call}; }`;
}

function generateC(m: Model, bound: Bound[], version: string): string {
  const out: string[] = [
    `// @generated by scripts/gen-raylib.ts from raylib_api.json (raylib ${version}) — do not edit; run \`bun run gen:raylib\`.`,
    "//",
    "// A wrapper for every raylib function that takes or returns a struct by value, which bun:ffi",
    "// cannot pass (oven-sh/bun#6139): a struct argument arrives as a pointer to it, a struct result",
    "// is written through `out`, a Color travels as a packed u32 (r in the lowest byte). The static",
    "// asserts below fail the build when raylib.h's layouts differ from those raylib.gen.ts reads.",
    "",
    "#include <stddef.h>",
    "#include <stdint.h>",
    "#include <string.h>",
    "",
    '#include "raylib.h"',
    "",
    "static inline Color hlg_color(uint32_t packed) {",
    "    Color c;",
    "    memcpy(&c, &packed, sizeof c);",
    "    return c;",
    "}",
    "",
    "static inline uint32_t hlg_pack(Color c) {",
    "    uint32_t packed;",
    "    memcpy(&packed, &c, sizeof packed);",
    "    return packed;",
    "}",
    "",
    "// Layouts, as raylib.gen.ts lays the structs out.",
  ];
  for (const [name, l] of m.layouts) {
    out.push(`_Static_assert(sizeof(${name}) == ${l.size}, "${name}: size");`);
    for (const f of l.fields) out.push(`_Static_assert(offsetof(${name}, ${f.name}) == ${f.offset}, "${name}.${f.name}: offset");`);
  }
  out.push("", "// The wrappers, in raylib.h's order.");
  for (const b of bound) if (b.wrapped) out.push(cWrapper(m, b));
  return out.join("\n") + "\n";
}

// ---------------------------------------------------------------------------------------------
// TypeScript
// ---------------------------------------------------------------------------------------------

/** A struct field's TypeScript type. */
function fieldTs(m: Model, type: string, count: number): string {
  let t: string;
  if (type === "Color") t = "Color";
  else if (isPointer(type)) t = "number";
  else if (type === "char" && count > 1) return "string";
  else if (SCALARS[type]) t = SCALARS[type]!.ts;
  else t = m.struct(type) ? type : "number";
  return count > 1 ? `${t}[]` : t;
}

/** The statement that writes one value of `type` from expression `e` at `o` (view `v`). */
function writeOne(m: Model, type: string, o: string, e: string): string {
  if (type === "long") throw new Error("gen-raylib: a struct field of C type long: no reader or writer for it yet");
  if (type === "Color") return `v.setUint32(${o}, ${e}, true);`;
  if (isPointer(type)) return `writeAddress(v, ${o}, ${e});`;
  if (type === "bool") return `v.setUint8(${o}, ${e} ? 1 : 0);`;
  const s = SCALARS[type];
  if (s) return `v.${s.set}(${o}, ${e}${s.size > 1 ? ", true" : ""});`;
  return `write${m.struct(type)}(v, ${o}, ${e});`;
}

/** The expression that reads one value of `type` at `o` (view `v`). */
function readOne(m: Model, type: string, o: string): string {
  if (type === "long") throw new Error("gen-raylib: a struct field of C type long: no reader or writer for it yet");
  if (type === "Color") return `v.getUint32(${o}, true)`;
  if (isPointer(type)) return `readAddress(v, ${o})`;
  if (type === "bool") return `v.getUint8(${o}) !== 0`;
  const s = SCALARS[type];
  if (s) return `v.${s.get}(${o}${s.size > 1 ? ", true" : ""})`;
  return `read${m.struct(type)}(v, ${o})`;
}

function structTs(m: Model, name: string, description: string): string {
  const l = m.layout(name);
  const lines = [`/** ${description} (raylib's \`${name}\`, ${l.size} bytes). */`, `export interface ${name} {`];
  const api = m.structs.get(name)!.fields;
  l.fields.forEach((f, i) => {
    const d = api[i]!.description;
    if (d) lines.push(`  /** ${d} */`);
    lines.push(`  ${f.name}: ${fieldTs(m, f.type, f.count)};`);
  });
  lines.push("}", "");
  // writer
  lines.push(`/** Writes a {@link ${name}} at byte \`o\` of \`v\` as raylib lays it out. */`);
  lines.push(`export function write${name}(v: DataView, o: number, s: ${name}): void {`);
  for (const f of l.fields) {
    if (f.count === 1) lines.push(`  ${writeOne(m, f.type, `o + ${f.offset}`, `s.${f.name}`)}`);
    else if (f.type === "char") lines.push(`  writeChars(v, o + ${f.offset}, ${f.count}, s.${f.name});`);
    else {
      const step = m.sizeAlign(f.type).size;
      lines.push(`  for (let i = 0; i < ${f.count}; i++) ${writeOne(m, f.type, `o + ${f.offset} + i * ${step}`, `(s.${f.name}[i] ?? 0${m.struct(f.type) ? ` as unknown as ${f.type}` : ""})`)}`);
    }
  }
  lines.push("}", "");
  // reader
  lines.push(`/** Reads a {@link ${name}} at byte \`o\` of \`v\`. */`);
  lines.push(`export function read${name}(v: DataView, o: number): ${name} {`);
  lines.push("  return {");
  for (const f of l.fields) {
    if (f.count === 1) lines.push(`    ${f.name}: ${readOne(m, f.type, `o + ${f.offset}`)},`);
    else if (f.type === "char") lines.push(`    ${f.name}: readChars(v, o + ${f.offset}, ${f.count}),`);
    else {
      const step = m.sizeAlign(f.type).size;
      lines.push(`    ${f.name}: Array.from({ length: ${f.count} }, (_, i) => ${readOne(m, f.type, `o + ${f.offset} + i * ${step}`)}),`);
    }
  }
  lines.push("  };", "}", "");
  return lines.join("\n");
}

/** A scratch offset for each struct argument and the result, 8-aligned, from 0. */
function scratchPlan(m: Model, b: Bound): { result: number; params: Map<string, number>; size: number } {
  let at = 0;
  const take = (struct: string) => {
    const o = at;
    at += Math.ceil(m.layout(m.struct(struct)!).size / 8) * 8;
    return o;
  };
  const result = b.result.kind === "struct" ? take(b.result.struct) : -1;
  const params = new Map<string, number>();
  for (const p of b.params) {
    if (p.k.kind === "struct" || p.k.kind === "structPointer") params.set(p.name, take(p.k.struct));
  }
  return { result, params, size: at };
}

function paramTs(m: Model, p: Bound["params"][number]): string {
  switch (p.k.kind) {
    case "scalar":
      return p.k.s.ts;
    case "color":
      return "Color";
    case "string":
      return "string | null"; // null is C's NULL (LoadShader's "use the default vertex shader")
    case "struct":
      return m.struct(p.k.struct) === p.k.struct ? p.k.struct : p.type;
    case "structPointer":
      return `${p.k.struct} | PointerLike`;
    case "pointer":
      return "PointerLike";
  }
}

function resultTs(m: Model, r: ResultKind, type: string): string {
  switch (r.kind) {
    case "void":
      return "void";
    case "scalar":
      return r.s.ts;
    case "color":
      return "Color";
    case "string":
      return "string";
    case "struct":
      return type;
    case "pointer":
      return "Pointer | null";
  }
}

function methodTs(m: Model, b: Bound): string {
  const plan = scratchPlan(m, b);
  const sig = b.params.map((p) => `${p.name}: ${paramTs(m, p)}`).join(", ");
  const body: string[] = [];
  const args: string[] = [];
  const after: string[] = [];
  if (b.result.kind === "struct") args.push(`s + ${plan.result}`);
  for (const p of b.params) {
    const k = p.k;
    if (k.kind === "struct") {
      const o = plan.params.get(p.name)!;
      body.push(`write${m.struct(k.struct)}(v, ${o}, ${p.name});`);
      args.push(`s + ${o}`);
    } else if (k.kind === "structPointer") {
      const o = plan.params.get(p.name)!;
      const real = m.struct(k.struct)!;
      body.push(`const ${p.name}Object = isStructObject(${p.name});`);
      body.push(`if (${p.name}Object) write${real}(v, ${o}, ${p.name} as ${real});`);
      args.push(`${p.name}Object ? s + ${o} : (${p.name} as PointerLike)`);
      if (k.out) after.push(`if (${p.name}Object) Object.assign(${p.name} as ${real}, read${real}(v, ${o}));`);
    } else if (k.kind === "string") {
      args.push(`${p.name} === null ? null : cstr(${p.name})`);
    } else {
      args.push(p.name);
    }
  }
  const needScratch = plan.size > 0;
  const lines: string[] = [];
  const desc = b.fn.description.replace(/\*\//g, "*\\/");
  lines.push(`  /** ${desc}${desc.endsWith(".") ? "" : "."} (raylib: \`${b.fn.name}\`${b.wrapped ? ", through the generated wrapper" : ""}) */`);
  lines.push(`  ${methodName(b.fn.name)}(${sig}): ${resultTs(m, b.result, b.fn.returnType)} {`);
  if (needScratch) lines.push("    const v = this.scratchView;", "    const s = this.scratch;");
  for (const l of body) lines.push(`    ${l}`);
  const table = b.wrapped ? "this.wrappers" : "this.raw";
  const fnName = b.wrapped ? `${WRAPPER_PREFIX}${b.fn.name}` : b.fn.name;
  const call = `${table}.${fnName}(${args.join(", ")})`;
  const r = b.result;
  const ret = (e: string) => {
    if (after.length === 0) lines.push(`    return ${e};`);
    else {
      lines.push(`    const result = ${e};`);
      for (const a of after) lines.push(`    ${a}`);
      lines.push("    return result;");
    }
  };
  if (r.kind === "void") {
    lines.push(`    ${call};`);
    for (const a of after) lines.push(`    ${a}`);
  } else if (r.kind === "struct") {
    lines.push(`    ${call};`);
    for (const a of after) lines.push(`    ${a}`);
    lines.push(`    return read${m.struct(r.struct)}(v, ${plan.result});`);
  } else if (r.kind === "string") ret(`textAt(${call})`);
  else if (r.kind === "pointer") ret(`(${call}) as Pointer | null`);
  else if (r.kind === "scalar" && r.s.ffi === "i64_fast") ret(`Number(${call})`);
  else if (r.kind === "color") ret(`(${call}) >>> 0`);
  else ret(call);
  lines.push("  }");
  return lines.join("\n");
}

function ffiArgs(m: Model, b: Bound): string[] {
  const out: string[] = [];
  if (b.wrapped && b.result.kind === "struct") out.push("ptr");
  for (const p of b.params) {
    const k = p.k;
    if (k.kind === "scalar") out.push(k.s.ffi);
    else if (k.kind === "color") out.push("u32");
    else out.push("ptr");
  }
  return out;
}

function ffiReturn(b: Bound): string {
  const r = b.result;
  if (r.kind === "void" || r.kind === "struct") return "void";
  if (r.kind === "scalar") return r.s.ffi;
  if (r.kind === "color") return "u32";
  return "ptr";
}

function enumName(values: readonly { name: string }[]): string {
  // The longest prefix ending in "_" that every value shares.
  const names = values.map((v) => v.name);
  let prefix = names[0]!;
  for (const n of names) while (!n.startsWith(prefix)) prefix = prefix.slice(0, -1);
  const cut = prefix.lastIndexOf("_") + 1;
  return names[0]!.slice(0, cut);
}

/** Parses `CLITERAL(Color){ 200, 200, 200, 255 }`. */
function colorOf(value: string): [number, number, number, number] {
  const m = /\{\s*(\d+),\s*(\d+),\s*(\d+),\s*(\d+)\s*\}/.exec(value);
  if (!m) throw new Error(`gen-raylib: cannot read color ${value}`);
  return [Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4])];
}

function generateTs(m: Model, bound: Bound[], version: string): string {
  const api = m.api;
  const out: string[] = [];
  out.push(
    `// @generated by scripts/gen-raylib.ts from raylib_api.json (raylib ${version}) — do not edit; run \`bun run gen:raylib\`.`,
    "/**",
    " * raylib, bound whole: every function of raylib_api.json but those scripts/gen-raylib.ts's EXCLUDED",
    " * names with the reason, as a method of {@link RaylibBindings}; every struct as an interface with",
    " * its reader and writer; the enums and colors as constants. How each argument crosses is said in",
    " * scripts/gen-raylib.ts. Use it through `Raylib` (src/render/raylib.ts), which adds the safe",
    " * window opening, headless mode and hotloop's own calls.",
    " *",
    " * @module",
    " */",
    "/* eslint-disable */",
    'import { CString, FFIType, type Pointer } from "bun:ffi";',
    'import { cstr, isStructObject, readAddress, readChars, textAt, writeAddress, writeChars, type Color, type PointerLike } from "./ffi-values.ts";',
    "",
    "const { i8, u8, i16, u16, i32, u32, i64_fast, f32, f64, bool, ptr, void: voidT } = FFIType;",
    "void CString;",
    "void [i8, u8, i16, u16, i64_fast, f64];",
    "",
    `/** The raylib version raylib_api.json describes. */`,
    `export const RAYLIB_API_VERSION = ${JSON.stringify(version)};`,
    "",
    "// ---------------------------------------------------------------------------------------------",
    "// Structs",
    "// ---------------------------------------------------------------------------------------------",
    "",
  );
  for (const s of api.structs) {
    if (s.name === "Color") continue; // a packed u32 (see ffi-values.ts)
    out.push(structTs(m, s.name, s.description));
  }
  for (const a of api.aliases) out.push(`/** ${a.description}. */`, `export type ${a.name} = ${a.type};`, "");
  out.push("/** Every struct's C layout, as the generated C asserts it: size, alignment, field offsets. */");
  out.push("export const STRUCT_LAYOUTS = {");
  for (const [name, l] of m.layouts) {
    out.push(`  ${name}: { size: ${l.size}, align: ${l.align}, offsets: { ${l.fields.map((f) => `${f.name}: ${f.offset}`).join(", ")} } },`);
  }
  out.push("} as const;", "");

  out.push(
    "// ---------------------------------------------------------------------------------------------",
    "// Enums, colors and defines",
    "// ---------------------------------------------------------------------------------------------",
    "",
  );
  for (const e of api.enums) {
    if ((ENUMS_IN_CORE as readonly string[]).includes(e.name)) continue;
    const prefix = enumName(e.values);
    out.push(`/** ${e.description} (raylib's \`${e.name}\`, \`${prefix}*\`). */`, `export const ${e.name} = {`);
    for (const v of e.values) {
      const key = v.name.slice(prefix.length);
      out.push(`  /** ${v.description} */`, `  ${/^\d/.test(key) ? `_${key}` : key}: ${v.value},`);
    }
    out.push("} as const;", "");
  }
  out.push("/** raylib's named colors (raylib.h), packed as `rgba()` packs them. */", "export const Colors = {");
  for (const d of api.defines) {
    if (d.type !== "COLOR") continue;
    const [r, g, b, a] = colorOf(String(d.value));
    const packed = ((r & 255) | ((g & 255) << 8) | ((b & 255) << 16) | ((a & 255) << 24)) >>> 0;
    out.push(`  /** ${d.description} */`, `  ${d.name}: ${packed},`);
  }
  out.push("} as const;", "");
  out.push("/** raylib.h's numeric and text defines. */", "export const Defines = {");
  for (const d of api.defines) {
    const doc = `  /** ${d.description || `raylib.h's \`${d.name}\``} */`;
    if (d.type === "INT" || d.type === "FLOAT" || d.type === "DOUBLE") out.push(doc, `  ${d.name}: ${Number(d.value)},`);
    else if (d.type === "FLOAT_MATH") {
      const v = String(d.value).replace(/f$/, "").replace(/PI/g, "Math.PI").replace(/(\d+\.\d+)f/g, "$1");
      out.push(doc, `  ${d.name}: ${v},`);
    } else if (d.type === "STRING") out.push(doc, `  ${d.name}: ${JSON.stringify(String(d.value))},`);
  }
  out.push("} as const;", "");

  out.push(
    "// ---------------------------------------------------------------------------------------------",
    "// Symbol tables",
    "// ---------------------------------------------------------------------------------------------",
    "",
    "/** libraylib's functions bound straight (no struct by value but Color, which is a u32). */",
    "export const RAYLIB_FUNCTIONS = {",
  );
  for (const b of bound) if (!b.wrapped) out.push(`  ${b.fn.name}: { args: [${ffiArgs(m, b).join(", ")}], returns: ${ffiReturn(b).replace("void", "voidT")} },`);
  out.push("} as const;", "", "/** The generated wrappers of src/render/shim.gen.c, in the shim library. */", "export const WRAPPER_FUNCTIONS = {");
  for (const b of bound) if (b.wrapped) out.push(`  ${WRAPPER_PREFIX}${b.fn.name}: { args: [${ffiArgs(m, b).join(", ")}], returns: ${ffiReturn(b).replace("void", "voidT")} },`);
  out.push("} as const;", "");
  out.push("/** Bytes of the scratch block each wrapper writes its struct result into (from 0): what a headless stand-in zeroes. */", "export const WRAPPER_RESULT_BYTES: Readonly<Record<string, number>> = {");
  for (const b of bound) if (b.wrapped && b.result.kind === "struct") out.push(`  ${WRAPPER_PREFIX}${b.fn.name}: ${m.layout(m.struct(b.result.struct)!).size},`);
  out.push("};", "");
  const maxScratch = Math.max(...bound.map((b) => scratchPlan(m, b).size));
  out.push(`/** Bytes of scratch the largest call needs (its struct arguments and result). */`, `export const SCRATCH_BYTES = ${Math.ceil(maxScratch / 64) * 64};`, "");
  out.push(
    "/** The bound raylib functions, as bun:ffi types them. */",
    "export type RaylibFunctions = { [K in keyof typeof RAYLIB_FUNCTIONS]: (...args: any[]) => any };",
    "/** The generated wrappers, as bun:ffi types them. */",
    "export type WrapperFunctions = { [K in keyof typeof WRAPPER_FUNCTIONS]: (...args: any[]) => any };",
    "",
    "// ---------------------------------------------------------------------------------------------",
    "// The methods",
    "// ---------------------------------------------------------------------------------------------",
    "",
    "/**",
    " * Every bound raylib function as a camelCase method (`DrawTextureRec` is `drawTextureRec`), over",
    " * the two symbol tables and a scratch block in native memory the struct arguments pass through.",
    " */",
    "export class RaylibBindings {",
    "  /** libraylib's functions, bound straight. */",
    "  readonly raw: RaylibFunctions;",
    "  /** The generated wrappers (shim.gen.c). */",
    "  readonly wrappers: WrapperFunctions;",
    "  /** The scratch block's address: struct arguments and results pass through it. */",
    "  protected readonly scratch: number;",
    "  /** The scratch block, for the generated readers and writers. */",
    "  protected readonly scratchView: DataView;",
    "",
    "  /** Binds the methods over symbol tables and a scratch block of at least `SCRATCH_BYTES`. */",
    "  constructor(raw: RaylibFunctions, wrappers: WrapperFunctions, scratch: { address: number; view: DataView }) {",
    "    this.raw = raw;",
    "    this.wrappers = wrappers;",
    "    this.scratch = scratch.address;",
    "    this.scratchView = scratch.view;",
    "  }",
    "",
  );
  for (const b of bound) out.push(methodTs(m, b), "");
  out.push("}", "");
  return out.join("\n");
}

// ---------------------------------------------------------------------------------------------
// Entry
// ---------------------------------------------------------------------------------------------

/** The two generated files' text. */
export function generateRaylib(api: RaylibApi = raylibApi()): { ts: string; c: string; bound: string[]; excluded: string[] } {
  const m = new Model(api);
  const version = String(api.defines.find((d) => d.name === "RAYLIB_VERSION")?.value ?? "?");
  const bound = api.functions.filter((f) => !(f.name in EXCLUDED)).map((f) => bind(m, f));
  return {
    ts: generateTs(m, bound, version),
    c: generateC(m, bound, version),
    bound: bound.map((b) => b.fn.name),
    excluded: api.functions.filter((f) => f.name in EXCLUDED).map((f) => f.name),
  };
}

if (import.meta.main) {
  const check = process.argv.includes("--check");
  const { ts, c, bound } = generateRaylib();
  let stale = false;
  for (const [file, text] of [
    [GEN_TS, ts],
    [GEN_C, c],
  ] as const) {
    let current = "";
    try {
      current = readFileSync(file, "utf8");
    } catch {}
    if (current === text) continue;
    if (check) {
      console.error(`gen-raylib: ${relative(ROOT, file)} is out of date with ${raylibApiPath()}: run \`bun run gen:raylib\``);
      stale = true;
    } else {
      writeFileSync(file, text);
      console.log(`gen-raylib: wrote ${relative(ROOT, file)}`);
    }
  }
  if (stale) process.exit(1);
  if (!check) console.log(`gen-raylib: ${bound.length} of ${raylibApi().functions.length} raylib functions bound`);
}
