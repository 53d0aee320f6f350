/**
 * Field types a component column can hold. Each maps to a typed array (the TS view) and a Rust
 * scalar of the same width (the native view), so a column can cross bun:ffi as one pointer.
 */
export const FieldTypes = {
  /** 32-bit float: Rust `f32`. */
  f32: Float32Array,
  /** 64-bit float: Rust `f64`. */
  f64: Float64Array,
  /** 8-bit signed integer: Rust `i8`. */
  i8: Int8Array,
  /** 8-bit unsigned integer: Rust `u8`. */
  u8: Uint8Array,
  /** 16-bit signed integer: Rust `i16`. */
  i16: Int16Array,
  /** 16-bit unsigned integer: Rust `u16`. */
  u16: Uint16Array,
  /** 32-bit signed integer: Rust `i32`. */
  i32: Int32Array,
  /** 32-bit unsigned integer: Rust `u32`. */
  u32: Uint32Array,
} as const;

/** The name of a field type, as written in a schema and in the Rust layout. */
export type FieldType = keyof typeof FieldTypes;

/** The typed array that stores a column of the given field type. */
export type ColumnOf<T extends FieldType> = InstanceType<(typeof FieldTypes)[T]>;

/** True for the names in {@link FieldTypes}; schemas are checked with it at definition time. */
export function isFieldType(value: unknown): value is FieldType {
  return typeof value === "string" && Object.hasOwn(FieldTypes, value);
}

/** Bytes per element of a field type. */
export function fieldSize(type: FieldType): number {
  return FieldTypes[type].BYTES_PER_ELEMENT;
}
