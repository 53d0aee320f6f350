/**
 * C struct layouts: the one place TypeScript decides where a field of a shared struct lies.
 *
 * Why: resources, events and the host's own blocks (Time, Input, the command queue, the draw
 * list) are `#[repr(C)]` structs on the Rust side and byte offsets on this side. Both follow C's
 * rule — each field at the next multiple of its alignment, the size rounded up to the largest
 * alignment — and an approval test checks the offsets computed here against the Rust compiler's
 * (systems-rs/hotloop-sdk/abi.golden.json).
 */
import { layoutOf, type Layout } from "./layout.ts";

/** Scalar types a struct field can have: the component field types, plus `u64` for pointers and ids. */
export const StructScalars = { f32: 4, f64: 8, i8: 1, u8: 1, i16: 2, u16: 2, i32: 4, u32: 4, u64: 8 } as const;

/** A scalar type name of {@link StructScalars}. */
export type StructScalar = keyof typeof StructScalars;

/** A struct field's type: a scalar, or a fixed array of one (`"u8[512]"`). */
export type StructFieldType = StructScalar | `${StructScalar}[${number}]`;

/** A struct's fields and their types, in declaration order. */
export type StructSchema = Readonly<Record<string, StructFieldType>>;

/** Where one field lies. */
export interface StructField {
  readonly name: string;
  readonly type: StructFieldType;
  /** The scalar element type (the type itself, or an array's element). */
  readonly scalar: StructScalar;
  /** Elements: 1 for a scalar, N for `T[N]`. */
  readonly count: number;
  /** Byte offset from the start of the struct. */
  readonly offset: number;
}

/** A struct's C layout, and its layout hash (the same rule as components: `Name{field:type,...}`). */
export interface StructLayout {
  readonly name: string;
  readonly fields: readonly StructField[];
  readonly byName: Readonly<Record<string, StructField>>;
  /** Bytes, a multiple of {@link align}. */
  readonly size: number;
  readonly align: number;
  readonly layout: Layout;
}

const ARRAY = /^([a-z0-9]+)\[(\d+)\]$/;

/** Parses a field type; undefined when it is none of {@link StructFieldType}. */
export function parseStructFieldType(type: string): { scalar: StructScalar; count: number } | undefined {
  if (Object.hasOwn(StructScalars, type)) return { scalar: type as StructScalar, count: 1 };
  const m = ARRAY.exec(type);
  if (!m || !Object.hasOwn(StructScalars, m[1]!)) return undefined;
  const count = Number(m[2]);
  return count >= 1 && count <= 1 << 20 ? { scalar: m[1] as StructScalar, count } : undefined;
}

/** Lays out a struct as C (and `#[repr(C)]`) does. Throws a one-line error naming a bad field type. */
export function structLayout(name: string, schema: StructSchema): StructLayout {
  let offset = 0;
  let align = 1;
  const fields: StructField[] = [];
  for (const [field, type] of Object.entries(schema)) {
    const parsed = parseStructFieldType(type);
    if (!parsed) throw new Error(`${name}: field "${field}" has unknown type "${type}" (use ${Object.keys(StructScalars).join(", ")}, or an array like u8[16])`);
    const size = StructScalars[parsed.scalar];
    offset = roundUp(offset, size);
    align = Math.max(align, size);
    fields.push({ name: field, type, scalar: parsed.scalar, count: parsed.count, offset });
    offset += size * parsed.count;
  }
  return {
    name,
    fields,
    byName: Object.fromEntries(fields.map((f) => [f.name, f])),
    size: roundUp(offset, align),
    align,
    layout: layoutOf(name, fields.map((f) => ({ name: f.name, type: f.type as never }))),
  };
}

function roundUp(n: number, to: number): number {
  return Math.ceil(n / to) * to;
}
