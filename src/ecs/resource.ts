/**
 * Resources with a schema: one `#[repr(C)]` struct in native memory, read and written by
 * TypeScript through a class instance and by hot Rust systems through `Res<T>` / `ResMut<T>`.
 *
 *     export const Score = defineResource("Score", { value: "u32", best: "u32" });
 *     app.insertResource(new Score({ best: 10 }));
 *     resource(Score).value += 1;            // in a TypeScript system
 *     fn score(mut s: ResMut<Score>) { s.value += 1; }   // in Rust (generated view)
 *
 * Why a class: resources are keyed by class (as in Bevy, by type), so a defined resource is used
 * exactly like a hand-written one; its fields are accessors over the native bytes.
 */
import { isFieldType, FieldTypes, type FieldType } from "./field.ts";
import { nativeBuffer } from "./native-buffer.ts";
import { structLayout, type StructLayout, type StructSchema } from "./struct-layout.ts";

/** The native bytes of a resource instance (a symbol, so no field name can collide with it). */
export const NATIVE_BYTES: unique symbol = Symbol.for("hotloop.nativeBytes") as never;

/** What a class whose instances live in native memory carries: its C layout. */
export interface NativeResourceClass {
  /** The struct both sides agree on; `struct.layout.hash` is checked against a library's. */
  readonly struct: StructLayout;
  /** True for resources the host writes (Time, Input): a `ResMut` of them is refused. */
  readonly readOnly?: boolean;
}

/** An instance of a {@link NativeResourceClass}. */
export interface NativeResourceValue {
  readonly [NATIVE_BYTES]: ArrayBuffer;
}

/** A resource's fields, as numbers. */
export type ResourceFields<S extends Readonly<Record<string, FieldType>>> = { -readonly [K in keyof S]: number };

/** The class {@link defineResource} returns. */
export interface ResourceClass<S extends Readonly<Record<string, FieldType>>> extends NativeResourceClass {
  new (values?: Partial<ResourceFields<S>>): ResourceFields<S> & NativeResourceValue;
  /** The resource's name, as `defineResource` got it (and Rust's `resource!` names it). */
  readonly name: string;
  /** Its fields and their types, in order. */
  readonly schema: S;
  /** Field values a new instance starts with (before `values`). */
  readonly defaults: Readonly<Partial<ResourceFields<S>>>;
  /** The options it was defined with (a live edit reads `renamed` and `migrate`). */
  readonly options: ResourceOptions<S>;
}

/** Options of {@link defineResource}. */
export interface ResourceOptions<S extends Readonly<Record<string, FieldType>>> {
  /** What a new instance's fields start at, instead of 0. */
  readonly defaults?: Partial<ResourceFields<S>>;
  /**
   * For a live edit of the schema (`hotloop dev --features reload`): new field name → its old name,
   * so the running value keeps its data under the new name. Applies while the running layout has
   * the old name and not the new one, so it may stay in the definition.
   */
  readonly renamed?: { readonly [K in keyof S]?: string };
  /** For a live edit that would lose data (a narrowed type): the new fields from the old values. */
  readonly migrate?: (old: Readonly<Record<string, number>>) => Partial<ResourceFields<S>>;
}

const RUST_TYPE_NAME = /^[A-Z][A-Za-z0-9]*$/;
const FIELD_NAME = /^[a-z_][a-z0-9_]*$/;
/** The DataView accessor of each field type (`get${name}` / `set${name}`). */
const ACCESSORS = {
  f32: "Float32", f64: "Float64", i8: "Int8", u8: "Uint8", i16: "Int16", u16: "Uint16", i32: "Int32", u32: "Uint32",
} as const satisfies Record<FieldType, string>;

/**
 * Defines a resource with numeric fields, stored as one C struct. Returns a class: insert an
 * instance with `app.insertResource(new Score())`, read it with `resource(Score)`. Throws a
 * one-line error on a bad name or field type.
 */
export function defineResource<const S extends Readonly<Record<string, FieldType>>>(name: string, schema: S, options: ResourceOptions<S> = {}): ResourceClass<S> {
  checkSchema("resource", name, schema);
  const struct = structLayout(name, schema as StructSchema);
  const defaults = { ...(options.defaults ?? {}) } as Partial<ResourceFields<S>>;
  for (const field of Object.keys(defaults)) {
    if (!Object.hasOwn(schema, field)) throw new Error(`resource ${name}: a default is given for "${field}", which is not one of its fields`);
  }
  const NativeResource = class {
    readonly [NATIVE_BYTES]: ArrayBuffer;
    readonly #view: DataView;
    constructor(values: Partial<ResourceFields<S>> = {}) {
      this[NATIVE_BYTES] = nativeBuffer(struct.size);
      this.#view = new DataView(this[NATIVE_BYTES]);
      Object.assign(this, defaults, values);
    }
    static readonly struct = struct;
    static readonly schema = schema;
    static readonly defaults = defaults;
    static readonly options = options;
    /** The field values as a plain object, for logs and tests. */
    toJSON(): Record<string, number> {
      return Object.fromEntries(struct.fields.map((f) => [f.name, (this as unknown as Record<string, number>)[f.name]!]));
    }
    static view(value: InstanceType<typeof NativeResource>): DataView {
      return value.#view;
    }
  };
  Object.defineProperty(NativeResource, "name", { value: name });
  for (const field of struct.fields) {
    const { get, set } = fieldAccess(field.scalar as FieldType);
    const offset = field.offset;
    Object.defineProperty(NativeResource.prototype, field.name, {
      get(this: InstanceType<typeof NativeResource>) {
        return get.call(NativeResource.view(this), offset, true);
      },
      set(this: InstanceType<typeof NativeResource>, value: number) {
        set.call(NativeResource.view(this), offset, value, true);
      },
      enumerable: true,
    });
  }
  return NativeResource as unknown as ResourceClass<S>;
}

/** DataView's reader and writer of one field type (call them with the view as `this`, little-endian). */
export function fieldAccess(type: FieldType): {
  readonly get: (this: DataView, offset: number, littleEndian?: boolean) => number;
  readonly set: (this: DataView, offset: number, value: number, littleEndian?: boolean) => void;
} {
  return {
    get: DataView.prototype[`get${ACCESSORS[type]}`] as (this: DataView, offset: number, littleEndian?: boolean) => number,
    set: DataView.prototype[`set${ACCESSORS[type]}`] as (this: DataView, offset: number, value: number, littleEndian?: boolean) => void,
  };
}

/** The native layout and bytes of a resource value, when its class has one (Time, Input, defined resources). */
export function nativeResourceOf(value: unknown): { struct: StructLayout; bytes: ArrayBuffer; readOnly: boolean } | undefined {
  if (typeof value !== "object" || value === null || !(NATIVE_BYTES in value)) return undefined;
  const cls = value.constructor as Partial<NativeResourceClass>;
  if (!cls.struct) return undefined;
  return { struct: cls.struct, bytes: (value as NativeResourceValue)[NATIVE_BYTES], readOnly: cls.readOnly === true };
}

/** Checks a resource's or event's name and scalar fields; throws one line naming the problem. */
export function checkSchema(kind: string, name: string, schema: Readonly<Record<string, string>>): void {
  if (!RUST_TYPE_NAME.test(name)) throw new Error(`${kind} name "${name}" must be a Rust type name (UpperCamelCase, ASCII letters and digits)`);
  for (const [field, type] of Object.entries(schema)) {
    if (!FIELD_NAME.test(field)) throw new Error(`${kind} ${name}: field "${field}" must be snake_case (a-z, 0-9, _)`);
    if (!isFieldType(type)) throw new Error(`${kind} ${name}: field "${field}" has unknown type "${type}" (use ${Object.keys(FieldTypes).join(", ")})`);
  }
}
