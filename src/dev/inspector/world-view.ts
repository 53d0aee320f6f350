/**
 * The world as the inspector shows it, read between frames: a page of entities with their
 * components' values, the resources' fields, and the page's edits checked against the schema and
 * written. With no filter a page costs its rows only (the ids are walked up to the page's end,
 * never copied); a filter walks every entity once a frame to count the matches.
 */
import type { App } from "../../core/app.ts";
import type { ResourceKey } from "../../core/resources.ts";
import { entityCount, entityExists, entityIds, hasComponent, NATIVE_BYTES, type Component, type FieldType, type NativeResourceClass, type StructLayout } from "../../ecs/index.ts";
import type { EntityRow, ResourceRow, SetRequest, ViewRequest } from "./protocol.ts";

/** Most entities one view may ask for. */
export const MAX_VIEW_ROWS = 500;

/** Which entities one page looks at: those with every `with` component and none of `without`, a page of them. */
export class EntityView {
  #offset = 0;
  #limit = 50;
  #with: Component[] = [];
  #without: Component[] = [];

  constructor(private readonly app: App) {}

  /** Takes the page's request (checked: it comes from the network); returns what was wrong with it, if anything. */
  set(request: ViewRequest): string | undefined {
    const names = (list: unknown) => (Array.isArray(list) ? [...new Set(list.filter((n): n is string => typeof n === "string"))] : []);
    const withNames = names(request.with);
    const withoutNames = names(request.without);
    const missing = [...withNames, ...withoutNames].filter((n) => !this.app.components.get(n));
    this.#with = withNames.flatMap((n) => this.app.components.get(n) ?? []);
    this.#without = withoutNames.flatMap((n) => this.app.components.get(n) ?? []);
    this.#offset = Number.isSafeInteger(request.offset) && request.offset > 0 ? request.offset : 0;
    this.#limit = Number.isSafeInteger(request.limit) ? Math.min(Math.max(request.limit, 1), MAX_VIEW_ROWS) : 50;
    return missing.length ? `no component named ${missing.join(", ")}` : undefined;
  }

  /** The page of entities the request names, with every registered component each has. */
  rows(): { total: number; matched: number; offset: number; rows: EntityRow[] } {
    const { world, components } = this.app;
    const total = entityCount(world);
    const registered = components.all();
    const rows: EntityRow[] = [];
    const filtered = this.#with.length + this.#without.length > 0;
    const end = this.#offset + this.#limit;
    let matched = 0;
    for (const id of entityIds(world)) {
      if (filtered && (this.#with.some((c) => !hasComponent(world, id, c)) || this.#without.some((c) => hasComponent(world, id, c)))) continue;
      matched++;
      if (matched > this.#offset && matched <= end) rows.push({ id, components: valuesOf(world, id, registered) });
      if (!filtered && matched >= end) break; // unfiltered, every entity matches: the count is the total
    }
    return { total, matched: filtered ? matched : total, offset: this.#offset, rows };
  }
}

function valuesOf(world: App["world"], id: number, components: readonly Component[]): Record<string, Record<string, number>> {
  const out: Record<string, Record<string, number>> = {};
  for (const component of components) {
    if (!hasComponent(world, id, component)) continue;
    const columns = component as unknown as Record<string, ArrayLike<number>>;
    const values: Record<string, number> = {};
    for (const field of component.fieldNames) values[field] = columns[field]![id]!;
    out[component.name] = values;
  }
  return out;
}

/** hotloop's machinery, kept as resources: not shown at all. */
const INTERNAL = new Set(["HotReloader", "GameReloader", "Watchdog", "Inspector", "HostParams"]);

/**
 * Every resource with its readable fields. Only the game's own are editable (those its code
 * inserted: Resources.insertedBy): hotloop's (Time, Input, the draw list's native pointers, the
 * window) are shown and never written, so a page cannot corrupt what native code reads.
 */
export function resourceRows(app: App): ResourceRow[] {
  const rows: ResourceRow[] = [];
  for (const [key, value] of app.resources.entries()) {
    if (INTERNAL.has(key.name) || typeof value !== "object" || value === null) continue;
    const editable = isEditable(app, key);
    const struct = structOf(key, value);
    if (struct) {
      const fields: Record<string, number> = {};
      const types: Record<string, FieldType> = {};
      const view = new DataView((value as { [NATIVE_BYTES]: ArrayBuffer })[NATIVE_BYTES]);
      for (const f of struct.fields) {
        if (f.count !== 1 || f.scalar === "u64") continue; // arrays and pointers: not a value to read or type
        fields[f.name] = readScalar(view, f.offset, f.scalar);
        if (editable) types[f.name] = f.scalar;
      }
      rows.push({ name: key.name, fields, types });
      continue;
    }
    const fields: Record<string, number | string | boolean> = {};
    for (const [field, v] of Object.entries(value)) if (typeof v === "number" || typeof v === "string" || typeof v === "boolean") fields[field] = v;
    if (Object.keys(fields).length > 0) rows.push({ name: key.name, fields, ...(editable ? {} : { types: {} }) });
  }
  return rows;
}

/** Whether the page may write the resource: the game's code inserted it, and it is not one hotloop writes (Time, Input). */
function isEditable(app: App, key: ResourceKey<unknown>): boolean {
  return app.resources.insertedBy(key) !== undefined && !(key as unknown as Partial<NativeResourceClass>).readOnly;
}

function structOf(key: ResourceKey<unknown>, value: object): StructLayout | undefined {
  const struct = (key as unknown as Partial<NativeResourceClass>).struct;
  return struct && NATIVE_BYTES in value ? struct : undefined;
}

function readScalar(view: DataView, offset: number, scalar: FieldType): number {
  switch (scalar) {
    case "f32": return view.getFloat32(offset, true);
    case "f64": return view.getFloat64(offset, true);
    case "i8": return view.getInt8(offset);
    case "u8": return view.getUint8(offset);
    case "i16": return view.getInt16(offset, true);
    case "u16": return view.getUint16(offset, true);
    case "i32": return view.getInt32(offset, true);
    case "u32": return view.getUint32(offset, true);
  }
}

/** The range of each integer type. */
const RANGES: Partial<Record<FieldType, readonly [number, number]>> = {
  i8: [-128, 127], u8: [0, 255], i16: [-32768, 32767], u16: [0, 65535], i32: [-(2 ** 31), 2 ** 31 - 1], u32: [0, 2 ** 32 - 1],
};

/** `value` as a number of `type`, or why it cannot be one. */
export function typedValue(value: unknown, type: FieldType): number | string {
  const n = typeof value === "number" ? value : typeof value === "string" && value.trim() !== "" ? Number(value) : Number.NaN;
  if (!Number.isFinite(n)) return `${JSON.stringify(value)} is not a number`;
  const range = RANGES[type];
  if (!range) {
    const value = type === "f32" ? Math.fround(n) : n;
    return Number.isFinite(value) ? value : `${n} is beyond ${type}'s range`;
  }
  if (!Number.isInteger(n)) return `${type} takes whole numbers, not ${n}`;
  if (n < range[0] || n > range[1]) return `${n} is out of ${type}'s range ${range[0]}..${range[1]}`;
  return n;
}

/** Writes one edit of the page (between frames); returns the notice the page shows. */
export function applyEdit(app: App, edit: SetRequest): string {
  if (edit.target === "entity") {
    const component = app.components.get(String(edit.component));
    const where = `${edit.component}.${edit.field} of entity ${edit.id}`;
    if (!component) return `not set: no component named ${edit.component}`;
    const field = component.layout.fields.find((f) => f.name === edit.field);
    if (!field) return `not set: ${edit.component} has no field ${edit.field}`;
    if (!Number.isInteger(edit.id) || !entityExists(app.world, edit.id) || !hasComponent(app.world, edit.id, component)) return `not set: entity ${edit.id} has no ${edit.component} (despawned?)`;
    const value = typedValue(edit.value, field.type);
    if (typeof value === "string") return `not set: ${where}: ${value}`;
    (component as unknown as Record<string, { [i: number]: number }>)[field.name]![edit.id] = value;
    return `set ${where} to ${value}`;
  }
  const entry = app.resources.entries().find(([key]) => key.name === edit.name);
  if (!entry || INTERNAL.has(String(edit.name))) return `not set: no resource named ${edit.name}`;
  const [key, resource] = entry;
  const where = `${edit.name}.${edit.field}`;
  if (!isEditable(app, key)) return `not set: ${edit.name} is hotloop's own (read-only)`;
  const struct = structOf(key, resource as object);
  if (struct) {
    const field = Object.hasOwn(struct.byName, edit.field) ? struct.byName[edit.field] : undefined;
    if (!field || field.count !== 1 || field.scalar === "u64") return `not set: ${edit.name} has no number field ${edit.field}`;
    const value = typedValue(edit.value, field.scalar);
    if (typeof value === "string") return `not set: ${where}: ${value}`;
    (resource as Record<string, number>)[edit.field] = value; // its accessor writes the native bytes
    return `set ${where} to ${value}`;
  }
  const record = resource as Record<string, unknown>;
  // Only a field the value has of its own, with a plain value: never a method, an accessor or the prototype.
  const now = Object.hasOwn(record, edit.field) ? record[edit.field] : undefined;
  if (typeof now === "number") {
    const value = typedValue(edit.value, "f64");
    if (typeof value === "string") return `not set: ${where}: ${value}`;
    record[edit.field] = value;
    return `set ${where} to ${value}`;
  }
  if (typeof now === "string" || typeof now === "boolean") {
    if (typeof edit.value !== typeof now) return `not set: ${where} is a ${typeof now}`;
    record[edit.field] = edit.value;
    return `set ${where} to ${JSON.stringify(edit.value)}`;
  }
  return `not set: ${edit.name} has no number, string or boolean field ${edit.field}`;
}
