/**
 * Snapshots of a world: every component column and bitecs' own bookkeeping (the entity index with
 * its recycling order, the component masks, which entity has what, every query's members in their
 * order) copied out, and written back exactly; and a checksum of what a game can observe.
 *
 * Why exact: a replay from a snapshot must give the same ids to the same spawns and visit entities
 * in the same order, or it diverges at the first spawn after a despawn (bitecs recycles ids last in,
 * first out, from the dead tail of its entity index) or at the first query that iterates. So the
 * entity index's dead tail is kept, and each query is refilled in its saved order (a bitecs query's
 * length lives in a closure: it can only be added to and removed from, which is what restoring
 * does). Restoring writes into the buffers that exist (columns, the index's arrays, the masks, the
 * membership map) rather than replacing them, so what holds a pointer to them (a hot system's call
 * context) stays valid.
 *
 * Why it is cheap (a timeline takes one every few fixed steps): a snapshot is typed arrays filled
 * by plain loops and `set` (no Sets copied, no checksum computed), and it can be taken into an old
 * snapshot's buffers (`snapshotWorld(world, evicted)`), so steady recording allocates no buffers.
 * Which entity has which component is saved once, as the masks: restoring mends bitecs' per-entity
 * Sets from them, only for the entities whose masks changed. Restoring writes only what differs
 * where it can (query members, masks), so its cost follows what changed since the snapshot; the
 * exception is bitecs' membership map, whose order a despawn since can only be undone by putting
 * back every entry after it. Measured with 10k entities (3 components of 2 to 4 f32 fields, 3
 * queries, 1 in 7 despawned; median of 50, 2 loaded cores): 0.05 ms to take into a pooled snapshot
 * (0.2 ms into a new one), 0.1 ms for the checksum, 0.15 ms to restore an unchanged world and
 * about 1 ms after 1% of the entities were despawned and spawned at random; ten times that at 100k.

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
import { migrateSavedColumns } from "./migrate.ts";
import type { ColumnOf, FieldType } from "./field.ts";
import { presenceRefresh } from "./presence.ts";
import type { World } from "./world.ts";

/** A component column, or a snapshot's copy of one (the same typed array type). */
type Column = ColumnOf<FieldType>;

/** Where bitecs keeps one component's membership: bit `bitflag` of the masks of `generationId`. */
interface ComponentData {
  generationId: number;
  bitflag: number;
}

/** bitecs' per-world state, the parts a snapshot copies (bitecs 0.4's `WorldContext`). */
interface BitecsContext {
  entityIndex: { aliveCount: number; dense: number[]; sparse: number[]; maxId: number; versioning: boolean };
  entityMasks: number[][];
  entityComponents: Map<number, Set<unknown>>;
  componentMap: Map<unknown, ComponentData>;
  queries: Set<BitecsQuery>;
  dirtyQueries: Set<BitecsQuery>;
  entitiesWithRelations: Set<number>;
}

/**
 * A bitecs sparse set: a query's members (a `Uint32Array` view of its first `length` ids when the
 * query is buffered, else the array itself), or the ids it will drop at the next commit.
 */
interface BitecsSparseSet {
  readonly dense: { length: number; [i: number]: number };
  /** Each id's position in `dense` (stale for an id no longer held: `has` checks `dense`). */
  readonly sparse: number[];
  add(eid: number): void;
  remove(eid: number): void;
}

/** A bitecs query: its members and the members marked for removal at the next commit. */
interface BitecsQuery extends BitecsSparseSet {
  readonly toRemove: BitecsSparseSet;
  /** What it matches, per mask generation (bitecs' `queryCheckEntity` reads the same). */
  readonly masks: Record<number, number>;
  readonly notMasks: Record<number, number>;
  readonly orMasks: Record<number, number>;
  readonly generations: readonly number[];
}

/** A world as it was: restore it with {@link restoreWorld}. */
export interface WorldSnapshot {
  /** The world it was taken of: a snapshot restores into that world only. */
  readonly world: World;
  /**
   * {@link worldChecksum} of the world when the snapshot was taken, computed from the snapshot's
   * copies the first time it is read (taking a snapshot does not pay for it).
   */
  readonly checksum: bigint;
  /** Bytes of the buffers the snapshot holds (columns, index, masks, queries), for a memory budget. */
  readonly bytes: number;
  /** Living entities when it was taken. */
  readonly aliveCount: number;
}

/** One component's columns as they were: the first `rows` elements of each. */
interface SavedComponent {
  component: Component;
  generationId: number;
  bitflag: number;
  /** Elements saved per column: the world's rows, or fewer if the column was shorter. */
  rows: number;
  /** One copy per field, in field order; each at least `rows` long (pooled: maybe longer). */
  columns: Column[];
  /** The component's layout hash and field names when it was saved: a migration since changes its columns. */
  layoutHash: string;
  fieldNames: readonly string[];
}

/** One query's members, in order, and those marked for removal at the next commit. */
interface SavedQuery {
  query: BitecsQuery;
  members: Uint32Array;
  memberCount: number;
  toRemove: Uint32Array;
  toRemoveCount: number;
  dirty: boolean;
}

/**
 * The one implementation of {@link WorldSnapshot}. Its typed arrays are pools: each is at least as
 * long as what it holds (`maxId`, `rows`, the counts say how much is meaningful), so a snapshot
 * taken again into it reuses them.
 */
class Snapshot implements WorldSnapshot {
  world: World;
  aliveCount = 0;
  maxId = 0;
  /** Elements per entity-indexed array: `maxId + 1` (ids start at 1). */
  rows = 0;
  /** bitecs' `entityIndex.dense` (a permutation of 1..maxId: the living, then the dead tail). */
  dense = new Uint32Array(0);
  /** `entityIndex.sparse.length` (its entries are `dense` inverted, rebuilt on restore). */
  sparseLength = 0;
  /** `entityMasks`, one per generation; the first `generations` are meaningful. */
  masks: Int32Array[] = [];
  generations = 0;
  /** The keys of bitecs' `entityComponents`, in its order (the living, by spawn time). */
  keys = new Uint32Array(0);
  keyCount = 0;
  components: SavedComponent[] = [];
  queries: SavedQuery[] = [];
  bytes = 0;
  #checksum: bigint | undefined;

  constructor(world: World) {
    this.world = world;
  }

  get checksum(): bigint {
    return (this.#checksum ??= snapshotChecksum(this));
  }

  /** Forgets the cached checksum: the snapshot is being taken again. */
  retaken(): void {
    this.#checksum = undefined;
  }
}

function contextOf(world: World): BitecsContext {
  return (world as unknown as Record<symbol, BitecsContext>)[$internal]!;
}

/** The hotloop components bitecs knows in this world (tags included: they have no columns). */
function componentsOf(ctx: BitecsContext): Component[] {
  const out: Component[] = [];
  for (const c of ctx.componentMap.keys()) if (typeof c === "object" && c !== null && "fieldNames" in c && "layout" in c) out.push(c as Component);
  return out;
}

/**
 * `old` if it is an array of type `Ctor` with room for `length` elements, else a new one: exactly
 * `length` long in place of an empty one (a first snapshot), a quarter more when a pooled one
 * grows (the world is growing: the next snapshots will not need another).
 */
function fit<T extends { readonly length: number }>(old: T | undefined, Ctor: new (length: number) => NoInfer<T>, length: number): T {
  if (old !== undefined && old.constructor === Ctor && old.length >= length) return old;
  return new Ctor(old === undefined || old.length === 0 ? length : length + (length >> 2));
}

/** Copies the first `count` ids of a bitecs sparse set's `dense` into `into`. */
function copyIds(dense: ArrayLike<number>, into: Uint32Array): void {
  // TypedArray.set from a JS array of numbers is ~3x a loop's speed (bench rewind); a holey or odd array-like takes the loop.
  if (dense instanceof Uint32Array || (Array.isArray(dense) && dense.length <= into.length)) into.set(dense as ArrayLike<number>);
  else for (let i = 0; i < dense.length; i++) into[i] = dense[i]!;
}

/** Copies a map's keys, in its order, into `into` (a function of its own: the loop optimizes alone). */
function copyKeys(map: Map<number, unknown>, into: Uint32Array): void {
  let i = 0;
  for (const key of map.keys()) into[i++] = key;
}

/** Copies the first `rows` masks of a generation (a hole of bitecs' array is 0) into `into`. */
function copyMasks(generation: readonly number[], rows: number, into: Int32Array): void {
  const end = Math.min(rows, generation.length);
  // set converts as `| 0` does (a hole, undefined, becomes 0), at ~3x a loop's speed.
  if (end === generation.length) into.set(generation);
  else for (let i = 0; i < end; i++) into[i] = generation[i]! | 0;
  into.fill(0, end, rows);
}

/**
 * Copies the world out. Pending query removals are copied as they stand, not committed first:
 * committing changes the order later adds land in, and a snapshot must not change the run it is
 * taken of. A world with relations (bitecs' pairs; hotloop uses none) or a versioned entity index
 * is refused with one line.
 *
 * `reuse`: a snapshot no longer needed (the oldest one a timeline evicts), of this world or
 * another. Its buffers are filled again where they are large enough and it is returned, now a
 * snapshot of `world`: steady recording allocates no buffers. Whoever still reads it (or restores
 * it) sees the new state, so pass only one nothing else holds.
 */
export function snapshotWorld(world: World, reuse?: WorldSnapshot): WorldSnapshot {
  const ctx = contextOf(world);
  if (ctx.entitiesWithRelations.size > 0) throw new Error("snapshotWorld: the world has bitecs relations, which a snapshot does not hold");
  const index = ctx.entityIndex;
  if (index.versioning || index.dense.length !== index.maxId) throw new Error("snapshotWorld: the world's entity index is versioned (or not bitecs 0.4's), which a snapshot does not hold");
  if (reuse !== undefined && !(reuse instanceof Snapshot)) throw new Error("snapshotWorld: `reuse` is not a snapshot snapshotWorld made");
  const snap = reuse ?? new Snapshot(world);
  snap.world = world;
  snap.retaken();
  const rows = index.maxId + 1;
  snap.aliveCount = index.aliveCount;
  snap.maxId = index.maxId;
  snap.rows = rows;
  snap.sparseLength = index.sparse.length;
  snap.dense = fit(snap.dense, Uint32Array, index.maxId);
  copyIds(index.dense, snap.dense);

  const generations = ctx.entityMasks.length;
  snap.generations = generations;
  for (let g = 0; g < generations; g++) {
    const mask = (snap.masks[g] = fit(snap.masks[g], Int32Array, rows));
    copyMasks(ctx.entityMasks[g]!, rows, mask);
  }
  snap.masks.length = generations;

  const membership = ctx.entityComponents;
  snap.keyCount = membership.size;
  copyKeys(membership, (snap.keys = fit(snap.keys, Uint32Array, membership.size)));

  let c = 0;
  for (const component of componentsOf(ctx)) {
    const data = ctx.componentMap.get(component)!;
    const saved = savedFor(snap.components, c, component);
    saved.generationId = data.generationId;
    saved.bitflag = data.bitflag;
    saved.layoutHash = component.layout.hash;
    saved.fieldNames = component.fieldNames;
    const columns = columnsOf(component);
    const saveRows = Math.min(rows, columns[0]?.length ?? 0);
    saved.rows = saveRows;
    for (let i = 0; i < columns.length; i++) {
      const column = columns[i]!;
      const copy = (saved.columns[i] = fit(saved.columns[i], column.constructor as new (length: number) => Column, saveRows));
      copy.set(column.subarray(0, saveRows));
    }
    saved.columns.length = columns.length;
    snap.components[c++] = saved;
  }
  snap.components.length = c;

  let q = 0;
  for (const query of ctx.queries) {
    const saved: SavedQuery = snap.queries[q] ?? { query, members: new Uint32Array(0), memberCount: 0, toRemove: new Uint32Array(0), toRemoveCount: 0, dirty: false };
    saved.query = query;
    saved.dirty = ctx.dirtyQueries.has(query);
    const members = query.dense;
    saved.memberCount = members.length;
    saved.members = fit(saved.members, Uint32Array, members.length);
    copyIds(members, saved.members);
    const toRemove = query.toRemove.dense;
    saved.toRemoveCount = toRemove.length;
    saved.toRemove = fit(saved.toRemove, Uint32Array, toRemove.length);
    copyIds(toRemove, saved.toRemove);
    snap.queries[q++] = saved;
  }
  snap.queries.length = q;

  snap.bytes = bytesOf(snap);
  return snap;
}

/** The saved entry of `component`: the pooled one at `at` if it was of the same component, else a new one. */
function savedFor(pool: SavedComponent[], at: number, component: Component): SavedComponent {
  const same = pool[at];
  if (same?.component === component) return same;
  const elsewhere = pool.find((s) => s.component === component);
  return elsewhere ? { ...elsewhere, columns: [...elsewhere.columns] } : { component, generationId: 0, bitflag: 0, rows: 0, columns: [], layoutHash: "", fieldNames: [] };
}

function bytesOf(snap: Snapshot): number {
  let bytes = snap.dense.byteLength + snap.keys.byteLength;
  for (const mask of snap.masks) bytes += mask.byteLength;
  for (const saved of snap.components) for (const column of saved.columns) bytes += column.byteLength;
  for (const saved of snap.queries) bytes += saved.members.byteLength + saved.toRemove.byteLength;
  return bytes;
}

/**
 * Writes a snapshot back into its world, in place: the entity index (so the next spawns get the
 * ids they got after the snapshot was taken), masks, membership, every query's members in their
 * order, and every column's values (rows past the snapshot's zeroed). A component made after the
 * snapshot starts empty; a query made after it holds the restored entities it matches, in the
 * entity index's order (as bitecs fills a new query).
 * A component migrated since the snapshot gets its saved columns converted as the migration
 * converted the live ones (src/ecs/migrate.ts `migrateSavedColumns`), unless `keepChangedLayouts`
 * says the live columns already hold the snapshot's moment (they are left as they are).
 *
 * bitecs' per-entity Set of components (what `getEntityComponents` lists) is mended from the
 * masks: an entity whose components changed since gets them in registration order, not in the
 * order they were added (hotloop reads membership only through the masks and `has`). Writes only
 * what differs where it can: restoring a snapshot a few steps old costs about what changed since.
 */
export function restoreWorld(world: World, snapshot: WorldSnapshot, options: { readonly keepChangedLayouts?: boolean } = {}): void {
  if (snapshot.world !== world) throw new Error("restoreWorld: the snapshot was taken of another world");
  if (!(snapshot instanceof Snapshot)) throw new Error("restoreWorld: not a snapshot snapshotWorld made");
  const snap = snapshot;
  const ctx = contextOf(world);
  restoreIndex(ctx, snap);
  const changed = restoreMasks(ctx, snap);
  restoreMembership(ctx, snap, changed);

  ctx.dirtyQueries.clear();
  let q = 0;
  for (const query of ctx.queries) {
    const saved = snap.queries[q]?.query === query ? snap.queries[q] : snap.queries.find((s) => s.query === query);
    q++;
    if (saved === undefined) {
      // Registered since the snapshot (a hot library swapped in, a query defined in a system's
      // first run): filled from the restored masks as bitecs' registerQuery fills a new one.
      const members = matching(ctx, query);
      refill(query, members, members.length);
      refill(query.toRemove, undefined, 0);
      continue;
    }
    refill(query, saved?.members, saved?.memberCount ?? 0);
    refill(query.toRemove, saved?.toRemove, saved?.toRemoveCount ?? 0);
    if (saved?.dirty) ctx.dirtyQueries.add(query);
  }

  let c = 0;
  for (const component of componentsOf(ctx)) {
    const saved = snap.components[c]?.component === component ? snap.components[c] : snap.components.find((s) => s.component === component);
    c++;
    const savedRows = saved?.rows ?? 0;
    if (savedRows > 0) ensureCapacity(component, savedRows - 1);
    const columns = columnsOf(component);
    // Its layout changed since and the caller knows the live columns hold that moment (a reverted migration).
    if (saved && saved.layoutHash !== component.layout.hash && options.keepChangedLayouts) continue;
    // Migrated since the snapshot: its columns are converted as the live ones were (the snapshot keeps its own).
    const savedColumns: readonly ArrayLike<number>[] | undefined = saved && saved.layoutHash !== component.layout.hash ? migrateSavedColumns(component, saved.layoutHash, saved.fieldNames, saved.columns, savedRows, membersOf(ctx, saved)) : saved?.columns;
    for (let i = 0; i < columns.length; i++) {
      const column = columns[i]!;
      const values = savedColumns?.[i] as Column | undefined;
      if (values === undefined) {
        column.fill(0);
        continue;
      }
      column.set(values.subarray(0, savedRows));
      column.fill(0, savedRows);
    }
  }
  presenceRefresh(world);
}

/** The living entities `query` matches, in the entity index's order (bitecs' `registerQuery` and `queryCheckEntity`). */
function matching(ctx: BitecsContext, query: BitecsQuery): Uint32Array {
  const index = ctx.entityIndex;
  const out = new Uint32Array(index.aliveCount);
  let n = 0;
  const orAny = Object.keys(query.orMasks).length === 0;
  for (let i = 0; i < index.aliveCount; i++) {
    const eid = index.dense[i]!;
    let or = orAny;
    let match = true;
    for (const g of query.generations) {
      const mask = ctx.entityMasks[g]?.[eid] ?? 0;
      const all = query.masks[g];
      const not = query.notMasks[g];
      const any = query.orMasks[g];
      if ((not && (mask & not) !== 0) || (all && (mask & all) !== all)) {
        match = false;
        break;
      }
      if (any && (mask & any) !== 0) or = true;
    }
    if (match && or) out[n++] = eid;
  }
  return out.subarray(0, n);
}

/** The ids that had `saved`'s component in the snapshot (read from the restored masks). */
function membersOf(ctx: BitecsContext, saved: SavedComponent): number[] {
  const mask = ctx.entityMasks[saved.generationId] ?? [];
  const ids: number[] = [];
  for (let eid = 1; eid < saved.rows; eid++) if (((mask[eid] ?? 0) & saved.bitflag) !== 0) ids.push(eid);
  return ids;
}

/**
 * The entity index, in place: `dense` as saved, `sparse` as its inverse (what bitecs keeps: the
 * position of each id in `dense`; index 0 stays a hole, as no entity has id 0).
 */
function restoreIndex(ctx: BitecsContext, snap: Snapshot): void {
  const index = ctx.entityIndex;
  index.aliveCount = snap.aliveCount;
  index.maxId = snap.maxId;
  const n = snap.maxId;
  const dense = index.dense;
  if (dense.length > n) dense.length = n;
  const saved = snap.dense;
  for (let i = 0; i < n; i++) dense[i] = saved[i]!;
  const sparse = index.sparse;
  const length = snap.sparseLength;
  if (sparse.length > length) sparse.length = length;
  // Grown in order first, so the writes below land inside the array instead of past its end.
  for (let i = Math.max(1, sparse.length); i < length; i++) sparse[i] = 0;
  for (let i = 0; i < n; i++) sparse[saved[i]!] = i;
}

/**
 * The masks, in place; returns which entities' masks changed (1 by id, in a scratch array). An
 * entity living before and after whose masks did not change has the Set of components it needs:
 * bitecs changes a mask and the Set together.
 */
function restoreMasks(ctx: BitecsContext, snap: Snapshot): Uint8Array {
  const rows = snap.rows;
  const changed = (restoreScratch.changed = fit(restoreScratch.changed, Uint8Array, rows));
  changed.fill(0, 0, rows);
  ctx.entityMasks.forEach((generation, g) => {
    const saved = g < snap.generations ? snap.masks[g] : undefined;
    if (saved === undefined) {
      const end = Math.min(rows, generation.length);
      for (let i = 0; i < end; i++) if (generation[i]) changed[i] = 1;
      generation.length = 0;
      return;
    }
    if (generation.length > rows) generation.length = rows;
    for (let i = 0; i < rows; i++) {
      const mask = saved[i]!;
      if (generation[i] !== mask) {
        generation[i] = mask;
        changed[i] = 1;
      }
    }
  });
  return changed;
}

/** Arrays restoring uses between two calls (grown, never shrunk; emptied of references after use). */
const restoreScratch = {
  changed: new Uint8Array(0),
  /** The Sets found in the map before it is refilled, by position in the saved key order. */
  sets: [] as (Set<unknown> | undefined)[],
};

/**
 * bitecs' `entityComponents` in the saved key order, each entity's Set matching its masks. The
 * map is refilled, not replaced (an iterator over it, `entityIds`, reads the same object). Its
 * entries are kept as far as its keys agree with the saved order (a spawn since only appended
 * one), and an entity keeps its Set, and that Set's order, when its masks did not change.
 */
function restoreMembership(ctx: BitecsContext, snap: Snapshot, changed: Uint8Array): void {
  const map = ctx.entityComponents;
  const keys = snap.keys;
  const count = snap.keyCount;
  // Which component each mask bit stands for, generation by generation (bit i: 1 << i).
  const byBit: unknown[][] = [];
  for (let g = 0; g < snap.generations; g++) byBit.push([]);
  for (const [ref, data] of ctx.componentMap) {
    const bits = byBit[data.generationId];
    if (bits) bits[31 - Math.clz32(data.bitflag)] = ref;
  }
  const masks = snap.masks.slice(0, snap.generations);
  let kept = 0;
  for (const eid of map.keys()) {
    if (kept === count || eid !== keys[kept]) break;
    if (changed[eid] === 1) mendComponents(map.get(eid)!, eid, masks, byBit);
    kept++;
  }
  if (kept === count && map.size === count) return;
  // Past the agreeing prefix, entries are taken out and put back in order; when the prefix is
  // short, clearing the map and putting every entry back costs less than deleting one by one.
  if (kept < map.size >> 1) kept = 0;
  const sets = restoreScratch.sets;
  stashSets(map, keys, kept, count, sets);
  if (kept === 0) map.clear();
  else {
    let at = 0;
    for (const eid of map.keys()) if (at++ >= kept) map.delete(eid);
  }
  putBack(map, keys, kept, count, sets, changed, masks, byBit);
  sets.length = 0;
}

/** `sets[i - from]`: the Set the map holds for `keys[i]`, if any. */
function stashSets(map: Map<number, Set<unknown>>, keys: Uint32Array, from: number, to: number, sets: (Set<unknown> | undefined)[]): void {
  for (let i = from; i < to; i++) sets[i - from] = map.get(keys[i]!);
}

/** Appends `keys[from..to)` to the map with their stashed Sets (or new ones), mended where their masks changed. */
function putBack(map: Map<number, Set<unknown>>, keys: Uint32Array, from: number, to: number, sets: readonly (Set<unknown> | undefined)[], changed: Uint8Array, masks: readonly Int32Array[], byBit: readonly unknown[][]): void {
  for (let i = from; i < to; i++) {
    const eid = keys[i]!;
    let set = sets[i - from];
    if (set === undefined) mendComponents((set = new Set()), eid, masks, byBit);
    else if (changed[eid] === 1) mendComponents(set, eid, masks, byBit);
    map.set(eid, set);
  }
}

/** Makes `set` hold the components `eid`'s masks give it; untouched (its order kept) if it does. */
function mendComponents(set: Set<unknown>, eid: number, masks: readonly Int32Array[], byBit: readonly unknown[][]): void {
  let count = 0;
  let holds = true;
  for (let g = 0; g < masks.length; g++) {
    let m = masks[g]![eid]!;
    while (m !== 0) {
      const low = m & -m;
      m ^= low;
      count++;
      if (holds && !set.has(byBit[g]![31 - Math.clz32(low)])) holds = false;
    }
  }
  if (holds && count === set.size) return;
  set.clear();
  for (let g = 0; g < masks.length; g++) {
    let m = masks[g]![eid]!;
    while (m !== 0) {
      const low = m & -m;
      m ^= low;
      set.add(byBit[g]![31 - Math.clz32(low)]);
    }
  }
}

/**
 * A value no id reaches, for `sparse[0]`: it makes `has(0)` false (0 is never an entity) so that
 * `add(0)` lengthens a set each time it is called. An int32, so bitecs' array stays one of ints.
 */
const NOWHERE = 0x7fff_ffff;

/**
 * Makes a bitecs sparse set hold `saved[0..count)`, in that order, writing only what differs.
 * Its length can only change through `add` and `remove` (a buffered set keeps it in a closure):
 * it is shortened by removing its last ids (which moves nothing) or lengthened by adding 0 as
 * often as needed; then the ids that differ are written into `dense` (a view of the set's buffer,
 * or the array itself) and `sparse` (the set's own array) directly. An id no longer held keeps a
 * stale `sparse` entry, which bitecs' `has` sees through (it checks `dense[sparse[id]] === id`).
 */
function refill(set: BitecsSparseSet, saved: Uint32Array | undefined, count: number): void {
  let dense = set.dense;
  const sparse = set.sparse;
  if (dense.length > count) for (let i = dense.length - 1; i >= count; i--) set.remove(dense[i]!);
  else if (dense.length < count) {
    for (let i = dense.length; i < count; i++) {
      set.add(0);
      sparse[0] = NOWHERE;
    }
    dense = set.dense;
  }
  for (let i = 0; i < count; i++) {
    const eid = saved![i]!;
    if (dense[i] !== eid) {
      dense[i] = eid;
      sparse[eid] = i;
    }
  }
}

// --- Checksums ---------------------------------------------------------------------------------

/** The world's state a checksum reads, from the live world or from a snapshot's copies. */
interface ChecksumState {
  aliveCount: number;
  maxId: number;
  rows: number;
  dense: Uint32Array;
  masks: readonly Int32Array[];
  generations: number;
  /** Hotloop components with their columns, and how many rows of each count (the rest read 0). */
  components: readonly { component: Component; generationId: number; bitflag: number; rows: number; columns: readonly Column[] }[];
}

/** Buffers the checksums of a live world copy into (grown, never shrunk: one per process). */
const scratch = {
  dense: new Uint32Array(0),
  masks: [] as Int32Array[],
  members: new Uint32Array(0),
  u8: new Uint8Array(0),
  u16: new Uint16Array(0),
  u32: new Uint32Array(0),
  fold: new BigUint64Array(1),
};

const SEED = 0x5eedn;

/**
 * A 64-bit checksum of what a game can observe of the world: the entity index (alive ids, in
 * order, and the recycling order of the dead), which entity has which component, and every
 * living entity's field values, component by component (sorted by name; a component no entity
 * has counts for nothing, so one registered since a snapshot does not change it). The values of
 * a dead entity's rows, or of a field of a component an entity lacks, are not read: nothing
 * observes them. Two worlds with equal checksums behave alike for systems that read them; a
 * difference names nothing (compare per component with {@link componentChecksums} to find where).
 */
export function worldChecksum(world: World): bigint {
  return checksumOf(liveState(world));
}

/** Each component's checksum (by name): its members in id order and their values. */
export function componentChecksums(world: World): Map<string, bigint> {
  return worldChecksums(world).components;
}

/** {@link worldChecksum} and {@link componentChecksums} at once: the world read and each component hashed once. */
export function worldChecksums(world: World): { readonly world: bigint; readonly components: Map<string, bigint> } {
  return checksumsOf(liveState(world));
}

function snapshotChecksum(snap: Snapshot): bigint {
  return checksumOf({
    aliveCount: snap.aliveCount,
    maxId: snap.maxId,
    rows: snap.rows,
    dense: snap.dense,
    masks: snap.masks,
    generations: snap.generations,
    components: snap.components,
  });
}

/** The live world's index and masks copied into {@link scratch}; its columns read where they are. */
function liveState(world: World): ChecksumState {
  const ctx = contextOf(world);
  const index = ctx.entityIndex;
  const rows = index.maxId + 1;
  scratch.dense = fit(scratch.dense, Uint32Array, index.dense.length);
  copyIds(index.dense, scratch.dense);
  const generations = ctx.entityMasks.length;
  for (let g = 0; g < generations; g++) {
    const mask = (scratch.masks[g] = fit(scratch.masks[g], Int32Array, rows));
    copyMasks(ctx.entityMasks[g]!, rows, mask);
  }
  const components = componentsOf(ctx).map((component) => {
    const data = ctx.componentMap.get(component)!;
    const columns = columnsOf(component);
    return { component, generationId: data.generationId, bitflag: data.bitflag, rows: Math.min(rows, columns[0]?.length ?? 0), columns };
  });
  return { aliveCount: index.aliveCount, maxId: index.maxId, rows, dense: scratch.dense, masks: scratch.masks, generations, components };
}

function byName<T extends { component: Component }>(components: readonly T[]): T[] {
  return [...components].sort((a, b) => (a.component.name < b.component.name ? -1 : a.component.name > b.component.name ? 1 : 0));
}

function checksumOf(state: ChecksumState): bigint {
  return checksumsOf(state).world;
}

/** The world's checksum and each component's (by name; a component no entity has is listed, and left out of the world's). */
function checksumsOf(state: ChecksumState): { world: bigint; components: Map<string, bigint> } {
  const header = new Uint32Array([state.aliveCount, state.maxId]);
  let h = Bun.hash.xxHash64(state.dense.subarray(0, state.maxId), Bun.hash.xxHash64(header, SEED));
  const components = new Map<string, bigint>();
  for (const entry of byName(state.components)) {
    const { sum, members } = componentSum(state, entry);
    components.set(entry.component.name, sum);
    if (members === 0) continue;
    scratch.fold[0] = sum;
    h = Bun.hash.xxHash64(scratch.fold, h);
  }
  return { world: h, components };
}

/**
 * One component's checksum: its name, its members (ascending ids whose mask has its bit: a dead
 * entity's masks are 0) and, column by column, their values' bytes gathered in member order.
 */
function componentSum(state: ChecksumState, entry: ChecksumState["components"][number]): { sum: bigint; members: number } {
  const members = (scratch.members = fit(scratch.members, Uint32Array, state.rows));
  let count = 0;
  const mask = entry.generationId < state.generations ? state.masks[entry.generationId] : undefined;
  if (mask !== undefined) {
    const bit = entry.bitflag;
    for (let eid = 0; eid < state.rows; eid++) if ((mask[eid]! & bit) !== 0) members[count++] = eid;
  }
  const ids = members.subarray(0, count);
  let h = Bun.hash.xxHash64(ids, Bun.hash.xxHash64(entry.component.name, SEED));
  for (const column of entry.columns) h = Bun.hash.xxHash64(gather(column, entry.rows, ids), h);
  return { sum: h, members: count };
}

/**
 * The bytes of `column[eid]` for each of `ids`, in order (0 for an id at or past `rows`), as
 * words of the column's element size: the values exactly, whatever their type. One loop per
 * word size, each of its own function, so each stays monomorphic.
 */
function gather(column: Column, rows: number, ids: Uint32Array): Uint8Array | Uint16Array | Uint32Array {
  const count = ids.length;
  // Ids ascend: those below `rows` come first.
  let inside = count;
  while (inside > 0 && ids[inside - 1]! >= rows) inside--;
  switch (column.BYTES_PER_ELEMENT) {
    case 1:
      return gather8(new Uint8Array(column.buffer, column.byteOffset, rows), ids, inside, (scratch.u8 = fit(scratch.u8, Uint8Array, count)));
    case 2:
      return gather16(new Uint16Array(column.buffer, column.byteOffset, rows), ids, inside, (scratch.u16 = fit(scratch.u16, Uint16Array, count)));
    case 4:
      return gather32(new Uint32Array(column.buffer, column.byteOffset, rows), ids, inside, (scratch.u32 = fit(scratch.u32, Uint32Array, count)));
    default:
      return gather64(new Uint32Array(column.buffer, column.byteOffset, rows * 2), ids, inside, (scratch.u32 = fit(scratch.u32, Uint32Array, count * 2)));
  }
}

function gather8(from: Uint8Array, ids: Uint32Array, inside: number, to: Uint8Array): Uint8Array {
  for (let i = 0; i < inside; i++) to[i] = from[ids[i]!]!;
  to.fill(0, inside, ids.length);
  return to.subarray(0, ids.length);
}

function gather16(from: Uint16Array, ids: Uint32Array, inside: number, to: Uint16Array): Uint16Array {
  for (let i = 0; i < inside; i++) to[i] = from[ids[i]!]!;
  to.fill(0, inside, ids.length);
  return to.subarray(0, ids.length);
}

function gather32(from: Uint32Array, ids: Uint32Array, inside: number, to: Uint32Array): Uint32Array {
  for (let i = 0; i < inside; i++) to[i] = from[ids[i]!]!;
  to.fill(0, inside, ids.length);
  return to.subarray(0, ids.length);
}

function gather64(from: Uint32Array, ids: Uint32Array, inside: number, to: Uint32Array): Uint32Array {
  for (let i = 0; i < inside; i++) {
    const at = 2 * ids[i]!;
    to[2 * i] = from[at]!;
    to[2 * i + 1] = from[at + 1]!;
  }
  to.fill(0, 2 * inside, 2 * ids.length);
  return to.subarray(0, 2 * ids.length);
}
