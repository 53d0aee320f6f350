/**
 * Snapshots of a world: every component column and bitecs' own bookkeeping (the entity index with
 * its recycling order, the component masks, which entity has what, every query's members in their
 * order) copied out, and written back exactly; and a checksum of what a game can observe.
 *
 * Why exact: a replay from a snapshot must give the same ids to the same spawns and visit entities
 * in the same order, or it diverges at the first spawn after a despawn (bitecs recycles ids last in,
 * first out, from the dead tail of its entity index) or at the first query that iterates. So the
 * entity index's dead tail is kept, and each query is refilled in its saved order (a bitecs query's
 * length lives in a closure: it can only be emptied and added to, which is what restoring does).
 * Restoring writes into the buffers that exist (columns, the index's arrays) rather than replacing
 * them, so what holds a pointer to them (a hot system's call context) stays valid.
 *
 * The first piece of rewind and replay (issue 26): the timeline, input recording and the
 * determinism check are built on it.
 *
 *     const before = snapshotWorld(world);
 *     stepTheGame();
 *     restoreWorld(world, before); // the world is as it was, ids and query order included
 *     worldChecksum(world) === before.checksum;
 *
 * @module
 */
import { $internal } from "bitecs";
import { columnsOf, ensureCapacity, type Component } from "./component.ts";
import { presenceRefresh } from "./presence.ts";
import type { World } from "./world.ts";

/** bitecs' per-world state, the parts a snapshot copies (bitecs 0.4's `WorldContext`). */
interface BitecsContext {
  entityIndex: { aliveCount: number; dense: number[]; sparse: number[]; maxId: number };
  entityMasks: number[][];
  entityComponents: Map<number, Set<unknown>>;
  componentMap: Map<unknown, unknown>;
  queries: Set<BitecsQuery>;
  dirtyQueries: Set<BitecsQuery>;
  entitiesWithRelations: Set<number>;
}

/** A bitecs query's member sets (`dense` is a view of its first `length` ids). */
interface BitecsQuery {
  dense: ArrayLike<number>;
  reset(): void;
  add(eid: number): void;
  toRemove: { dense: number[]; reset(): void; add(eid: number): void };
}

/** One query's members, in order, and those marked for removal at the next commit. */
interface QueryState {
  readonly query: BitecsQuery;
  readonly members: Uint32Array;
  readonly toRemove: Uint32Array;
  readonly dirty: boolean;
}

/** A world as it was: restore it with {@link restoreWorld}. */
export interface WorldSnapshot {
  /** The world it was taken of: a snapshot restores into that world only. */
  readonly world: World;
  /** {@link worldChecksum} of the world when the snapshot was taken. */
  readonly checksum: bigint;
  /** Bytes the snapshot holds (columns, index, masks, queries), for a memory budget. */
  readonly bytes: number;
  readonly aliveCount: number;
  readonly maxId: number;
  readonly dense: Uint32Array;
  /** `sparse`, a hole as 0xffffffff (bitecs leaves holes, where 0 would mean a dense index). */
  readonly sparse: Uint32Array;
  readonly masks: readonly Int32Array[];
  /** Each entity of bitecs' `entityComponents`, in its order, with its components. */
  readonly entityComponents: readonly (readonly [number, readonly unknown[]])[];
  readonly columns: ReadonlyMap<Component, readonly ArrayLike<number>[]>;
  readonly queries: readonly QueryState[];
}

const HOLE = 0xffff_ffff;

function contextOf(world: World): BitecsContext {
  return (world as unknown as Record<symbol, BitecsContext>)[$internal]!;
}

/** The hotloop components bitecs knows in this world (tags included: they have no columns). */
function componentsOf(ctx: BitecsContext): Component[] {
  return [...ctx.componentMap.keys()].filter((c): c is Component => typeof c === "object" && c !== null && "fieldNames" in c && "layout" in c);
}

/**
 * Copies the world out. Pending query removals are copied as they stand, not committed first:
 * committing changes the order later adds land in, and a snapshot must not change the run it is
 * taken of. A world with relations (bitecs' pairs; hotloop uses none) is refused with one line.
 */
export function snapshotWorld(world: World): WorldSnapshot {
  const ctx = contextOf(world);
  if (ctx.entitiesWithRelations.size > 0) throw new Error("snapshotWorld: the world has bitecs relations, which a snapshot does not hold");
  const index = ctx.entityIndex;
  const rows = index.maxId + 1;
  let bytes = 0;
  const dense = Uint32Array.from(index.dense);
  const sparse = new Uint32Array(index.sparse.length);
  for (let i = 0; i < sparse.length; i++) sparse[i] = index.sparse[i] ?? HOLE;
  bytes += dense.byteLength + sparse.byteLength;
  const masks = ctx.entityMasks.map((generation) => {
    const m = new Int32Array(rows);
    for (let i = 0; i < rows; i++) m[i] = generation[i] ?? 0;
    bytes += m.byteLength;
    return m;
  });
  const entityComponents = [...ctx.entityComponents].map(([eid, set]) => [eid, [...set]] as const);
  const columns = new Map<Component, ArrayLike<number>[]>();
  for (const component of componentsOf(ctx)) {
    const saved = columnsOf(component).map((column) => {
      const copy = (column as unknown as { slice(a: number, b: number): ArrayLike<number> & { byteLength: number } }).slice(0, Math.min(rows, column.length));
      bytes += copy.byteLength;
      return copy;
    });
    columns.set(component, saved);
  }
  const queries = [...ctx.queries].map((query) => {
    const members = Uint32Array.from(query.dense);
    const toRemove = Uint32Array.from(query.toRemove.dense);
    bytes += members.byteLength + toRemove.byteLength;
    return { query, members, toRemove, dirty: ctx.dirtyQueries.has(query) };
  });
  return { world, checksum: worldChecksum(world), bytes, aliveCount: index.aliveCount, maxId: index.maxId, dense, sparse, masks, entityComponents, columns, queries };
}

/**
 * Writes a snapshot back into its world, in place: the entity index (so the next spawns get the
 * ids they got after the snapshot was taken), masks, membership, every query's members in their
 * order, and every column's values (rows past the snapshot's zeroed). A component or query made
 * after the snapshot starts empty; a query refills in id order only if bitecs registers it anew.
 */
export function restoreWorld(world: World, snapshot: WorldSnapshot): void {
  if (snapshot.world !== world) throw new Error("restoreWorld: the snapshot was taken of another world");
  const ctx = contextOf(world);
  const index = ctx.entityIndex;
  index.aliveCount = snapshot.aliveCount;
  index.maxId = snapshot.maxId;
  index.dense.length = snapshot.dense.length;
  for (let i = 0; i < snapshot.dense.length; i++) index.dense[i] = snapshot.dense[i]!;
  index.sparse.length = 0;
  index.sparse.length = snapshot.sparse.length;
  for (let i = 0; i < snapshot.sparse.length; i++) {
    const v = snapshot.sparse[i]!;
    if (v !== HOLE) index.sparse[i] = v;
  }
  ctx.entityMasks.forEach((generation, g) => {
    const saved = snapshot.masks[g];
    generation.length = 0;
    if (saved) for (let i = 0; i < saved.length; i++) if (saved[i] !== 0) generation[i] = saved[i]!;
  });
  ctx.entityComponents.clear();
  for (const [eid, components] of snapshot.entityComponents) ctx.entityComponents.set(eid, new Set(components));
  ctx.dirtyQueries.clear();
  const saved = new Map(snapshot.queries.map((q) => [q.query, q]));
  for (const query of ctx.queries) {
    const state = saved.get(query);
    query.reset();
    query.toRemove.reset();
    if (!state) continue;
    for (const eid of state.members) query.add(eid);
    for (const eid of state.toRemove) query.toRemove.add(eid);
    if (state.dirty) ctx.dirtyQueries.add(query);
  }
  for (const component of componentsOf(ctx)) {
    const columns = snapshot.columns.get(component);
    if (columns && columns[0] && columns[0].length > 0) ensureCapacity(component, columns[0].length - 1);
    columnsOf(component).forEach((column, i) => {
      const values = columns?.[i];
      const target = column as unknown as { set(a: ArrayLike<number>): void; fill(v: number, from: number): void };
      if (values) target.set(values);
      target.fill(0, values?.length ?? 0);
    });
  }
  presenceRefresh(world);
}

/**
 * A 64-bit checksum of what a game can observe of the world: the entity index (alive ids, in
 * order, and the recycling order of the dead), which entity has which component, and every
 * living entity's field values, component by component (sorted by name). Two worlds with equal
 * checksums behave alike for systems that read them; a difference names nothing (compare
 * per component with {@link componentChecksums} to find where).
 */
export function worldChecksum(world: World): bigint {
  let h = indexChecksum(world);
  for (const [, sum] of componentChecksums(world)) h = Bun.hash.xxHash64(new BigUint64Array([sum]), h);
  return h;
}

function indexChecksum(world: World): bigint {
  const index = contextOf(world).entityIndex;
  return Bun.hash.xxHash64(Uint32Array.from([index.aliveCount, index.maxId, ...index.dense]), 0x5eedn);
}

/** Each component's checksum (by name): its members in id order and their values. */
export function componentChecksums(world: World): Map<string, bigint> {
  const ctx = contextOf(world);
  const index = ctx.entityIndex;
  const alive = Uint32Array.from(index.dense.slice(0, index.aliveCount)).sort();
  const out = new Map<string, bigint>();
  const components = componentsOf(ctx).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const component of components) {
    const members = alive.filter((eid) => ctx.entityComponents.get(eid)?.has(component) ?? false);
    let h = Bun.hash.xxHash64(members, 0x5eedn);
    for (const column of columnsOf(component)) {
      const values = new Float64Array(members.length);
      for (let i = 0; i < members.length; i++) values[i] = column[members[i]!] ?? 0;
      h = Bun.hash.xxHash64(values, h);
    }
    out.set(component.name, h);
  }
  return out;
}
