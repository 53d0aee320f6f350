/**
 * Field types a component column can hold. Each maps to a typed array (the TS view) and a Rust
 * scalar of the same width (the native view), so a column can cross bun:ffi as one pointer.
 */
export const FieldTypes = {
  f32: Float32Array,
  f64: Float64Array,
  i8: Int8Array,
  u8: Uint8Array,
  i16: Int16Array,
  u16: Uint16Array,
  i32: Int32Array,
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
