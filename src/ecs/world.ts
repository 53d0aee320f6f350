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

/** Initial values for some fields of a component. */
export type Values<S extends Schema> = { readonly [K in keyof S]?: number };

/** A component, optionally with initial values: what {@link spawn} takes. */
export type ComponentInit = Component | readonly [Component, Values<Schema>];

/** Creates an empty world. Entity ids start at 1 and are recycled last-in first-out. */
export function createWorld(): World {
  return bitecsCreateWorld();
}

/**
 * Adds a component to an entity, growing the component's columns first if the id does not fit
 * (so native code never sees an id beyond a column). An entity that did not have it starts from
 * zero (or the declared defaults), then the given field values are written.
 */
export function addComponent<S extends Schema>(world: World, eid: number, component: Component<S>, values?: Values<S>): void {
  ensureCapacity(component as Component, eid);
  if (!bitecsHasComponent(world, eid, component)) {
    bitecsAddComponent(world, eid, component);
    resetFields(component as Component, eid);
  }
  if (values) setValues(component, eid, values);
}

/** Writes field values of one entity; fields not named keep their value. */
export function setValues<S extends Schema>(component: Component<S>, eid: number, values: Values<S>): void {
  const columns = component as unknown as Record<string, { [i: number]: number }>;
  for (const field in values) {
    const value = values[field];
    if (value !== undefined) columns[field]![eid] = value;
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
 * Field values of a recycled id are reset (to 0, or the component's declared default) unless
 * given, so no state leaks from a despawned entity.
 */
export function spawn(world: World, ...components: readonly ComponentInit[]): number {
  const eid = addEntity(world);
  for (const init of components) {
    const [component, values] = Array.isArray(init) ? (init as readonly [Component, Values<Schema>]) : [init as Component, undefined];
    addComponent(world, eid, component, values);
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
