import {
  $internal,
  addComponent as bitecsAddComponent,
  addEntity,
  createWorld as bitecsCreateWorld,
  entityExists,
  getAllEntities,
  hasComponent as bitecsHasComponent,
  removeComponent as bitecsRemoveComponent,
  removeEntity,
  type World as BitecsWorld,
} from "bitecs";
import { ensureCapacity, type Component, type Schema } from "./component.ts";

/** A bitecs world: entity ids and component bitmasks; the data lives in the components. */
export type World = BitecsWorld;

/**
 * Values for some fields of a component, typed from its schema: `{ x: 1 }` for
 * `Velocity{x,y}`; a name that is not a field is a type error. A tag takes none (`{}` only);
 * the open {@link Component} takes any name, checked at run time.
 */
export type Values<S extends Schema> = [keyof S] extends [never] ? { readonly [field: string]: never } : { readonly [K in keyof S]?: number };

/**
 * A component, optionally with values for its fields: one argument of {@link spawn}, such as
 * `Player` or `[Position, { x: 10 }]`. The values are checked against that component's own schema
 * (`ComponentInit<S>`); the default, `ComponentInit`, is any component with any values.
 */
export type ComponentInit<S extends Schema = Schema> = Component<S> | readonly [Component<S>, Values<NoInfer<S>>];

/**
 * The arguments of {@link spawn}, one schema each: `ComponentInits<[PositionSchema, PlayerSchema]>`
 * is `[ComponentInit<PositionSchema>, ComponentInit<PlayerSchema>]`, so each tuple's values are
 * checked against its own component. The schemas are inferred from the components passed.
 * Why the array case: an array spread in (`spawn(world, ...inits)`) mixes components, which one
 * schema cannot describe; it takes any {@link ComponentInit}, its names checked at run time.
 */
export type ComponentInits<L extends readonly Schema[]> = number extends L["length"] ? readonly ComponentInit[] : { readonly [I in keyof L]: ComponentInit<L[I]> };

/** Creates an empty world. Entity ids start at 1 and are recycled last-in first-out. */
export function createWorld(): World {
  return bitecsCreateWorld();
}

/**
 * Adds a component to an entity, growing the component's columns first if the id does not fit
 * (so native code never sees an id beyond a column). An entity that did not have it starts from
 * zero (or the declared defaults), then the given field values are written.
 */
export function addComponent<S extends Schema>(world: World, eid: number, component: Component<S>, values?: Values<NoInfer<S>>): void {
  if (values) checkFields(component as Component, values as Values<Schema>, "addComponent");
  add(world, eid, component as Component, values as Values<Schema> | undefined);
}

/**
 * Writes field values of one entity; fields not named keep their value. A name that is not a
 * field (from JavaScript, or through a cast) throws one line naming the component and its fields.
 */
export function setValues<S extends Schema>(component: Component<S>, eid: number, values: Values<NoInfer<S>>): void {
  checkFields(component as Component, values as Values<Schema>, "setValues");
  write(component as Component, eid, values as Values<Schema>);
}

/** Adds `component` with `values` whose names were checked: nothing changes before a check throws. */
function add(world: World, eid: number, component: Component, values: Values<Schema> | undefined): void {
  ensureCapacity(component, eid);
  if (!bitecsHasComponent(world, eid, component)) {
    bitecsAddComponent(world, eid, component);
    resetFields(component, eid);
  }
  if (values) write(component, eid, values);
}

function write(component: Component, eid: number, values: Values<Schema>): void {
  const columns = component as unknown as Record<string, { [i: number]: number }>;
  for (const field in values) {
    const value = values[field];
    if (value !== undefined) columns[field]![eid] = value;
  }
}

/**
 * Throws `spawn: Enemy has no field "speed" (fields: velocity, hp)` for a name that is not a field
 * (JavaScript callers, casts: the types refuse it). Why `schema` and not the column: `name` or
 * `layout` are properties too, and the column of a field a live migration removed is gone.
 */
function checkFields(component: Component, values: Values<Schema>, caller: string): void {
  for (const field in values) {
    if (Object.hasOwn(component.schema, field)) continue;
    const fields = component.fieldNames.length === 0 ? "a tag: it has no fields" : `fields: ${component.fieldNames.join(", ")}`;
    throw new Error(`${caller}: ${component.name} has no field "${field}" (${fields})`);
  }
}

/** Removes a component from an entity. Queries drop it at their next read. */
export function removeComponent(world: World, eid: number, component: Component): void {
  bitecsRemoveComponent(world, eid, component);
}

/** Whether the entity has the component. */
export function hasComponent(world: World, eid: number, component: Component): boolean {
  return bitecsHasComponent(world, eid, component);
}

/**
 * Creates an entity with components: `spawn(world, Player, [Position, { x: 10, y: 5 }])`.
 * Each component's values are typed from its schema (a misspelt field is a type error, and at run
 * time one line: `spawn: Position has no field "z" (fields: x, y)`). Field values of a recycled id
 * are reset (to 0, or the component's declared default) unless given, so no state leaks from a
 * despawned entity.
 */
export function spawn<const L extends readonly Schema[]>(world: World, ...components: ComponentInits<L>): number {
  const inits = components as readonly ComponentInit[];
  for (const init of inits) if (Array.isArray(init)) checkFields(init[0] as Component, init[1] as Values<Schema>, "spawn"); // before the entity exists
  const eid = addEntity(world);
  for (const init of inits) {
    const [component, values] = Array.isArray(init) ? (init as readonly [Component, Values<Schema>]) : [init as Component, undefined];
    add(world, eid, component, values);
  }
  return eid;
}

function resetFields(component: Component, eid: number): void {
  const columns = component as unknown as Record<string, { [i: number]: number }>;
  const defaults = component.options.defaults;
  for (const field of component.fieldNames) columns[field]![eid] = defaults?.[field] ?? 0;
}

/** Removes an entity and all its components; its id is reused by the next spawn. */
export function despawn(world: World, eid: number): void {
  if (entityExists(world, eid)) removeEntity(world, eid);
}

export { entityExists, getAllEntities };

/** bitecs's bookkeeping of a world: each entity's components, keyed by id in creation order. */
function entityMap(world: World): Map<number, unknown> {
  return (world as unknown as Record<typeof $internal, { entityComponents: Map<number, unknown> }>)[$internal].entityComponents;
}

/** How many entities the world has, without copying its ids. */
export function entityCount(world: World): number {
  return entityMap(world).size;
}

/** The world's entity ids, in creation order, without copying them first (an inspector reads a page of them). */
export function entityIds(world: World): IterableIterator<number> {
  return entityMap(world).keys();
}
