import { FieldTypes, isFieldType, type ColumnOf, type FieldType } from "./field.ts";
import { layoutOf, type Layout } from "./layout.ts";
import { nativeBuffer } from "./native-buffer.ts";

/** A component's fields and their types, in declaration order: `{ x: "f32", y: "f32" }`. */
export type Schema = Readonly<Record<string, FieldType>>;

/** The metadata every component carries beside its columns. */
export interface ComponentInfo<S extends Schema = Schema> {
  /** The component's name: a Rust type name, since generated Rust views use it. */
  readonly name: string;
  readonly schema: S;
  /** Field names in declaration order: the order of columns handed to native code. */
  readonly fieldNames: readonly (keyof S & string)[];
  readonly layout: Layout;
  /** Elements per column; every entity id stored must be below it. */
  readonly capacity: number;
  /** Spawn defaults and live-migration rules (see {@link ComponentOptions}). */
  readonly options: ComponentOptions;
}

/**
 * A component: bitecs-style SoA storage, one typed-array column per field (`Position.x[eid]`),
 * each over its own explicit ArrayBuffer so native code can take a stable pointer to it.
 * Columns are replaced when storage grows: read `Position.x` inside the system, don't cache it.
 */
export type Component<S extends Schema = Schema> = ComponentInfo<S> & Columns<S>;

/** The typed columns of a schema; nothing for the open `Schema`, so any component fits `Component`. */
export type Columns<S extends Schema> = string extends keyof S ? unknown : { readonly [K in keyof S]: ColumnOf<S[K]> };

/** A component with no fields, used to mark entities (`Player`) and to filter queries. */
export type Tag = Component<Record<never, never>>;

/**
 * Options for {@link defineComponent}, typed from the new layout `S`: `defaults`, the keys of
 * `renamed` and what `migrate` returns may name only its fields. `Old` names the fields of the
 * running layout `migrate` reads, inferred from its parameter's annotation; `R` is what `migrate`
 * returns (inferred, to refuse names that are not fields). The defaults, `ComponentOptions`, are
 * the options of any component.
 */
export interface ComponentOptions<S extends Schema = Schema, Old extends string = string, R = Fields<S>> {
  /** Initial elements per column (default 4096, `DEFAULT_CAPACITY`); grows by doubling. */
  readonly capacity?: number;
  /**
   * The value a field starts at, instead of 0: when an entity gets the component without a value
   * for it, and when a live migration adds the field to entities that have the component.
   */
  readonly defaults?: Fields<S>;
  /**
   * Fields renamed since the layout the running game has, `{ new_name: "old_name" }`: a live
   * migration copies the old field's data into the new one instead of dropping it. `new_name`
   * must be a field of this definition; `old_name` one of the running layout.
   */
  readonly renamed?: { readonly [K in keyof S]?: string };
  /**
   * Converts one entity's values from the running layout to this one, for a change a live
   * migration refuses on its own (narrowing a type, removing a field the game still reads):
   * receives the old values by old field name, returns new values by new field name (fields it
   * leaves out get what the automatic copy gave them).
   *
   * The running layout is not known to the new definition, so `old` is `Readonly<Record<string,
   * number>>` (a field is `number | undefined` under `noUncheckedIndexedAccess`: `old.x ?? 0`),
   * or what its annotation says the running layout has: `migrate: (old: { x: number }) => ({ z:
   * old.x * 2 })`. The annotation is a claim about the running game, not checked: a field the
   * running layout lacks reads `undefined`.
   */
  readonly migrate?: (old: OldValues<Old>) => MigratedValues<S, R>;
}

/** Values by field name, every one optional; no name outside the schema. */
type Fields<S extends Schema> = { readonly [K in keyof S]?: number };

/** What `migrate` receives: the running layout's values, by the names `Old` (any name when `Old` is `string`). */
export type OldValues<Old extends string> = string extends Old ? Readonly<Record<string, number>> : { readonly [K in Old]: number };

/** What `migrate` returns: numbers for fields of `S`, and any other name (a key of `R` not in `S`) typed `never`, an error. */
export type MigratedValues<S extends Schema, R> = R & Fields<S> & { readonly [K in Exclude<keyof R, keyof S>]: never };

/** Default column capacity: above the 1000-element inline-typed-array hazard of bun:ffi. */
export const DEFAULT_CAPACITY = 4096;

const RESERVED = new Set(["name", "schema", "fieldNames", "layout", "capacity", "options"]);
const RUST_TYPE_NAME = /^[A-Z][A-Za-z0-9]*$/;
const FIELD_NAME = /^[a-z_][a-z0-9_]*$/;

let epoch = 0;

/**
 * A counter bumped whenever any column is reallocated (grown, or replaced by a live migration).
 * Native callers compare it with the value they saw when they took their column pointers and
 * re-take them when it differs.
 */
export function storageEpoch(): number {
  return epoch;
}

/** Marks every column pointer taken so far as stale (see {@link storageEpoch}). */
export function bumpStorageEpoch(): void {
  epoch++;
}

/**
 * Decides what `defineComponent` returns for a definition it just made. The dev runner sets one
 * while it re-imports a game's modules, so a component defined again keeps its identity (and its
 * entities' data) instead of starting empty; see {@link withDefinitionHook}.
 */
export type DefinitionHook = (defined: Component) => Component;

let definitionHook: DefinitionHook | undefined;

/** Runs `body` (an import) with `hook` deciding what each `defineComponent` call returns. */
export async function withDefinitionHook<T>(hook: DefinitionHook, body: () => Promise<T>): Promise<T> {
  const outer = definitionHook;
  definitionHook = hook;
  try {
    return await body();
  } finally {
    definitionHook = outer;
  }
}

/** Defines a component with numeric fields. Throws a one-line error on a bad name or type. */
export function defineComponent<const S extends Schema, Old extends string = string, R = Fields<S>>(
  name: string,
  schema: S,
  options: ComponentOptions<S, Old, R> = {},
): Component<S> {
  if (!RUST_TYPE_NAME.test(name)) {
    throw new Error(`component name "${name}" must be a Rust type name (UpperCamelCase, ASCII letters and digits)`);
  }
  const fieldNames = Object.keys(schema) as (keyof S & string)[];
  for (const field of fieldNames) {
    if (!FIELD_NAME.test(field)) throw new Error(`component ${name}: field "${field}" must be snake_case (a-z, 0-9, _)`);
    if (RESERVED.has(field)) throw new Error(`component ${name}: field name "${field}" is reserved`);
    if (!isFieldType(schema[field])) {
      throw new Error(`component ${name}: field "${field}" has unknown type "${String(schema[field])}" (use ${Object.keys(FieldTypes).join(", ")})`);
    }
  }
  const capacity = options.capacity ?? DEFAULT_CAPACITY;
  if (!Number.isInteger(capacity) || capacity < 1) throw new Error(`component ${name}: capacity must be a positive integer`);
  for (const [field, value] of Object.entries(options.defaults ?? {})) {
    if (!fieldNames.includes(field)) throw new Error(`component ${name}: a default is given for "${field}", which is not one of its fields`);
    if (typeof value !== "number" || !Number.isFinite(value)) throw new Error(`component ${name}: the default of "${field}" must be a finite number`);
  }
  for (const [field, old] of Object.entries<string | undefined>(options.renamed ?? {})) {
    if (!fieldNames.includes(field)) throw new Error(`component ${name}: renamed names "${field}", which is not one of its fields ({ new_name: "old_name" })`);
    if (old !== undefined && fieldNames.includes(old)) throw new Error(`component ${name}: "${field}" is renamed from "${old}", which is still a field`);
  }
  const component: Record<string, unknown> = {
    name,
    schema,
    fieldNames,
    layout: layoutOf(name, fieldNames.map((f) => ({ name: f, type: schema[f]! }))),
    capacity,
    // Why the cast: `migrate` is called with the running layout's values, whatever its annotation says.
    options: options as unknown as ComponentOptions,
  };
  for (const field of fieldNames) component[field] = allocateColumn(schema[field]!, capacity);
  const defined = component as Component<S>;
  return definitionHook ? (definitionHook(defined as Component) as Component<S>) : defined;
}

/** Defines a tag: a component without fields. */
export function defineTag(name: string): Tag {
  return defineComponent(name, {});
}

/** A zeroed column of `capacity` elements over its own native-ready buffer. */
export function allocateColumn<T extends FieldType>(type: T, capacity: number): ColumnOf<T> {
  const Ctor = FieldTypes[type];
  return new Ctor(nativeBuffer(capacity * Ctor.BYTES_PER_ELEMENT), 0, capacity) as ColumnOf<T>;
}

/** The columns of a component in field order: what a native system receives. */
export function columnsOf(component: Component): ColumnOf<FieldType>[] {
  const record = component as unknown as Record<string, ColumnOf<FieldType>>;
  return component.fieldNames.map((f) => record[f]!);
}

/**
 * Makes room for entity `eid`: doubles the columns until `eid < capacity`, copying the data and
 * bumping {@link storageEpoch}. A no-op (one comparison) when there is room already.
 */
export function ensureCapacity(component: Component, eid: number): void {
  if (eid < component.capacity) return;
  let capacity = component.capacity;
  while (capacity <= eid) capacity *= 2;
  const record = component as unknown as Record<string, unknown>;
  for (const field of component.fieldNames) {
    const old = record[field] as ColumnOf<FieldType>;
    const grown = allocateColumn(component.schema[field]!, capacity);
    grown.set(old);
    record[field] = grown;
  }
  record.capacity = capacity;
  epoch++;
}
