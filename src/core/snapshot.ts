/**
 * Snapshots of a whole app between two frames: the world (src/ecs/snapshot.ts), the native
 * resources (the game's `defineResource`s, Camera2D, GlobalRng, the states' carriers), the game's
 * plain resources, the event queues with their TypeScript readers, Time's clock, and what other
 * layers register as snapshot parts (a hot library's `Local`s and reader cursors, a key script's
 * place, the states' values). Restoring one puts the app back so that the same frames with the
 * same input give the same states, bit for bit: what a timeline's rewind and replay stand on.
 *
 * Input is not in a snapshot: a timeline records it per frame. What a snapshot cannot reach is
 * said in docs/rewind.md: variables in a plugin's closure, `static`s of a Rust library, and a
 * plain resource with `#private` fields that does not implement {@link SNAPSHOT}/{@link RESTORE}.
 *
 * @module
 */
import { migrateResourceValue, planResourceMigration, type SchemaResourceClass } from "../ecs/migrate-resource.ts";
import { nativeResourceOf } from "../ecs/resource.ts";
import { restoreWorld, snapshotWorld, worldChecksums, type WorldSnapshot } from "../ecs/snapshot.ts";
import type { EventQueueState } from "../ecs/event.ts";
import type { App } from "./app.ts";
import { hasPrivateMembers, type ResourceKey } from "./resources.ts";
import type { TimeState } from "./time.ts";

/**
 * A resource method that returns its state as plain data (structured-cloneable), for a snapshot.
 * A plain resource without it is copied field by field; one with `#private` fields needs it.
 */
export const SNAPSHOT: unique symbol = Symbol.for("hotloop.snapshot") as never;
/** A resource method that puts back what its {@link SNAPSHOT} returned. */
export const RESTORE: unique symbol = Symbol.for("hotloop.restore") as never;

/** A resource that saves and restores itself (see {@link SNAPSHOT}). */
export interface Snapshottable {
  /** The resource's state as plain data (structured-cloneable). */
  [SNAPSHOT](): unknown;
  /** Puts back a state {@link SNAPSHOT} returned (a copy of it: keep it). */
  [RESTORE](state: unknown): void;
}

/**
 * State kept outside the world and the resources that a layer registers (by a stable name) so
 * snapshots carry it: `save` returns it as it is between two frames, `load` puts it back (with
 * undefined when the snapshot was taken before the part existed: start as new).
 */
export interface SnapshotPart {
  /** Its stable name: a part registered again under it replaces the old one (a reloaded module's). */
  readonly name: string;
  /** Its state between two frames, as plain data the snapshot keeps. */
  save(): unknown;
  /** Puts back a state `save` returned; undefined when the snapshot is older than the part. */
  load(state: unknown): void;
}

/** A native resource's bytes in a snapshot. */
export interface SavedResource {
  /** Its layout hash when saved. */
  readonly hash: string;
  /** Its bytes. */
  readonly bytes: ArrayBuffer;
  /** Its class then: what reads the bytes if the resource's layout changed since. */
  readonly cls: ResourceKey<unknown>;
}

/** An app between two frames, as {@link snapshotApp} took it. */
export interface AppSnapshot {
  /** `time.frame` when it was taken: the number of frames run. */
  readonly frame: number;
  /** The entities and components (src/ecs/snapshot.ts). */
  readonly world: WorldSnapshot;
  /** Time's clock. */
  readonly time: TimeState;
  /** Native resources' bytes by resource name, with the layout they had and their class (to convert them after a migration). */
  readonly native: ReadonlyMap<string, SavedResource>;
  /** The game's plain resources: the value object (restored in place) and its saved data. */
  readonly plain: ReadonlyMap<object, unknown>;
  /** Each event queue's state, by event name. */
  readonly events: ReadonlyMap<string, EventQueueState>;
  /** Each registered {@link SnapshotPart}'s state, by part name. */
  readonly parts: ReadonlyMap<string, unknown>;
  /** Bytes held, roughly (the world's arrays, the resources' bytes, the events' records). */
  readonly bytes: number;
}

/** The parts of each app, by its world: the same object whether a plugin reached the app directly or through the dev runner's recording view of it. */
const partsOfApps = new WeakMap<object, Map<string, SnapshotPart>>();

/**
 * What a stand-in for the App (the dev runner's recording view of a game plugin) answers to take a
 * part itself: the part then belongs to that plugin's build, applied with it and rolled back with it.
 */
export const SNAPSHOT_PART_HOOK: unique symbol = Symbol.for("hotloop.snapshotPartHook") as never;

/** Registers (or replaces, by name) a part every snapshot of `app` carries. */
export function addSnapshotPart(app: App, part: SnapshotPart): void {
  const hook = (app as unknown as Record<symbol, unknown>)[SNAPSHOT_PART_HOOK];
  if (typeof hook === "function") return void (hook as (part: SnapshotPart) => void)(part);
  let parts = partsOfApps.get(app.world);
  if (!parts) partsOfApps.set(app.world, (parts = new Map()));
  parts.set(part.name, part);
}

/** The resources a snapshot leaves to others: Time (its own state) and Input (recorded per frame). */
function skipped(app: App, value: unknown): boolean {
  return value === app.time || value === app.input;
}

const warnedPlain = new WeakSet<object>();

/**
 * Takes a snapshot of `app` between two frames (never inside one: a system's commands and a
 * transition in flight are not held). Plain resources that cannot be captured are said once.
 * `reuse`: a snapshot nothing reads any more (a timeline's oldest, dropped), whose world buffers
 * are filled again instead of allocated.
 */
export function snapshotApp(app: App, reuse?: AppSnapshot): AppSnapshot {
  const world = snapshotWorld(app.world, reuse?.world);
  let bytes = world.bytes;
  const native = new Map<string, SavedResource>();
  const plain = new Map<object, unknown>();
  for (const [key, value] of app.resources.entries()) {
    if (skipped(app, value)) continue;
    const n = nativeResourceOf(value);
    if (n) {
      native.set(n.struct.name, { hash: n.struct.layout.hash, bytes: n.bytes.slice(0, n.struct.size), cls: (value as object).constructor as ResourceKey<unknown> });
      bytes += n.struct.size;
      continue;
    }
    if (app.resources.insertedBy(key) === undefined) continue; // hotloop's own: not game state
    const saved = savePlain(key, value as object);
    if (saved !== NOT_CAPTURED) plain.set(value as object, saved);
  }
  const events = new Map<string, EventQueueState>();
  for (const queue of app.events.list()) {
    const state = queue.saveState();
    events.set(queue.type.name, state);
    bytes += state.records.byteLength;
  }
  const parts = new Map<string, unknown>();
  for (const part of partsOfApps.get(app.world)?.values() ?? []) parts.set(part.name, part.save());
  return { frame: app.time.frame, world, time: app.time.saveState(), native, plain, events, parts, bytes };
}

const NOT_CAPTURED = Symbol("not captured");

function savePlain(key: ResourceKey<unknown>, value: object): unknown {
  const own = value as Partial<Snapshottable>;
  if (typeof own[SNAPSHOT] === "function") return structuredClone(own[SNAPSHOT]());
  if (hasPrivateMembers(key)) {
    if (!warnedPlain.has(value)) {
      warnedPlain.add(value);
      console.error(`hotloop: timeline: resource ${key.name} has #private fields and no [SNAPSHOT]/[RESTORE] methods: a rewind leaves it as it is (see docs/rewind.md)`);
    }
    return NOT_CAPTURED;
  }
  try {
    return copyOf(value, new Map());
  } catch (e) {
    if (!warnedPlain.has(value)) {
      warnedPlain.add(value);
      console.error(`hotloop: timeline: resource ${key.name} cannot be copied (${(e as Error).message.split("\n")[0]}): give it [SNAPSHOT]/[RESTORE] methods, or a rewind leaves it as it is`);
    }
    return NOT_CAPTURED;
  }
}

/** Options of {@link restoreApp}. */
export interface RestoreOptions {
  /**
   * Leave the columns of a component, and the value of a resource, whose layout changed since the
   * snapshot as they are: after a migration was reverted, they already hold that moment's data (the
   * revert put the old columns back), which converting the snapshot's back could only lose.
   */
  readonly keepChangedLayouts?: boolean;
}

/**
 * Puts `app` back as `snapshot` found it, writing into the blocks that exist (hot systems keep
 * their pointers). A native resource whose layout changed since keeps its value (said once); an
 * event queue whose layout changed starts empty; a part the snapshot did not know starts as new.
 */
export function restoreApp(app: App, snapshot: AppSnapshot, options: RestoreOptions = {}): void {
  restoreWorld(app.world, snapshot.world, { keepChangedLayouts: options.keepChangedLayouts });
  const unconverted: string[] = [];
  app.time.loadState(snapshot.time);
  for (const [, value] of app.resources.entries()) {
    if (skipped(app, value)) continue;
    const n = nativeResourceOf(value);
    if (n) {
      const saved = snapshot.native.get(n.struct.name);
      if (!saved) continue;
      if (saved.hash === n.struct.layout.hash) new Uint8Array(n.bytes, 0, n.struct.size).set(new Uint8Array(saved.bytes));
      else if (!options.keepChangedLayouts && !convertResource(saved, value as object)) unconverted.push(n.struct.name);
      continue;
    }
    if (!snapshot.plain.has(value as object)) continue;
    const own = value as Partial<Snapshottable>;
    try {
      if (typeof own[RESTORE] === "function") own[RESTORE](structuredClone(snapshot.plain.get(value as object)));
      else restoreInto(value, snapshot.plain.get(value as object), new Map());
    } catch (e) {
      // The resource's own [RESTORE] threw, or a setter of it: the rest of the app is restored, this one said once.
      if (!warnedPlain.has(value as object)) {
        warnedPlain.add(value as object);
        console.error(`hotloop: timeline: resource ${(value as object).constructor.name} could not be restored (${(e as Error).message.split("\n")[0]}): it is left as it is`);
      }
    }
  }
  for (const queue of app.events.list()) {
    const state = snapshot.events.get(queue.type.name);
    if (state) queue.loadState(state);
    else queue.loadState({ layoutHash: "", count: 0, firstId: queue.endId, previousEnd: queue.endId, records: new ArrayBuffer(0), cursors: new Map() });
  }
  for (const part of partsOfApps.get(app.world)?.values() ?? []) part.load(snapshot.parts.get(part.name));
  if (unconverted.length > 0) console.error(`hotloop: timeline: ${unconverted.join(", ")} changed layout since the snapshot in a way no migration converts: kept as it is now`);
}

/**
 * A deep copy of a plain resource's data that keeps each object's class (its prototype), cycles
 * and shared objects, typed arrays, ArrayBuffers, DataViews, Dates, RegExps, Maps and Sets. Throws
 * one line for what cannot be copied from outside: a function, a symbol, a nested object of a
 * class with `#private` fields.
 */
function copyOf(value: unknown, seen: Map<object, unknown>): unknown {
  if (typeof value === "function" || typeof value === "symbol") throw new Error(`a ${typeof value} cannot be copied`);
  if (value === null || typeof value !== "object") return value;
  const known = seen.get(value);
  if (known !== undefined) return known;
  let copy: unknown;
  if (value instanceof DataView) copy = new DataView(value.buffer.slice(value.byteOffset, value.byteOffset + value.byteLength));
  else if (ArrayBuffer.isView(value)) copy = (value as unknown as { slice(): unknown }).slice();
  else if (value instanceof ArrayBuffer) copy = value.slice(0);
  else if (value instanceof Date) copy = new Date(value.getTime());
  else if (value instanceof RegExp) copy = new RegExp(value.source, value.flags);
  if (copy !== undefined) {
    seen.set(value, copy);
    return copy;
  }
  if (value instanceof Map) {
    const map = new Map();
    seen.set(value, map);
    for (const [k, v] of value) map.set(copyOf(k, seen), copyOf(v, seen));
    return map;
  }
  if (value instanceof Set) {
    const set = new Set();
    seen.set(value, set);
    for (const v of value) set.add(copyOf(v, seen));
    return set;
  }
  if (Array.isArray(value)) {
    const array: unknown[] = [];
    seen.set(value, array);
    for (let i = 0; i < value.length; i++) array[i] = copyOf(value[i], seen);
    return array;
  }
  const proto = Object.getPrototypeOf(value) as { constructor?: unknown } | null;
  if (typeof proto?.constructor === "function" && proto !== Object.prototype && hasPrivateMembers(proto.constructor as ResourceKey<unknown>)) {
    throw new Error(`a nested ${(proto.constructor as { name: string }).name} has #private fields`);
  }
  const object = Object.create(proto) as Record<string, unknown>;
  seen.set(value, object);
  for (const key of Object.keys(value)) object[key] = copyOf((value as Record<string, unknown>)[key], seen);
  return object;
}

/**
 * Writes `saved` (a {@link copyOf}, left as it is) into `target` in place where they are of one
 * kind and class, so what the game holds keeps its identity: an object's fields one by one (fields
 * added since are deleted), an array element by element, a typed array, ArrayBuffer or DataView of
 * the same size byte for byte, a Date's time, a Map or a Set refilled. Anything else (another class
 * since, another size) is replaced by a fresh copy of the saved value (`seen` maps each saved object
 * to the one that stands for it now, so cycles and shared objects stay so). A frozen object keeps its own
 * fields (they cannot have changed) and has its children restored. Returns what the slot holds now.
 */
function restoreInto(target: unknown, saved: unknown, seen: Map<object, unknown>): unknown {
  if (saved === null || typeof saved !== "object") return saved;
  const done = seen.get(saved);
  if (done !== undefined) return done;
  if (target === null || typeof target !== "object" || Object.getPrototypeOf(target) !== Object.getPrototypeOf(saved)) return copyOf(saved, seen);
  seen.set(saved, target);
  if (ArrayBuffer.isView(saved) || saved instanceof ArrayBuffer) {
    const from = saved instanceof ArrayBuffer ? new Uint8Array(saved) : new Uint8Array(saved.buffer, saved.byteOffset, saved.byteLength);
    const view = target as ArrayBufferView | ArrayBuffer;
    const to = view instanceof ArrayBuffer ? new Uint8Array(view) : new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
    if (to.byteLength !== from.byteLength) return copyOf(saved, seen);
    to.set(from);
    return target;
  }
  if (saved instanceof Date) {
    (target as Date).setTime(saved.getTime());
    return target;
  }
  if (saved instanceof RegExp) return copyOf(saved, seen);
  const frozen = Object.isFrozen(target);
  if (saved instanceof Map) {
    if (frozen) return target;
    const map = target as Map<unknown, unknown>;
    map.clear();
    for (const [k, v] of saved) map.set(copyOf(k, seen), copyOf(v, seen));
    return target;
  }
  if (saved instanceof Set) {
    if (frozen) return target;
    const set = target as Set<unknown>;
    set.clear();
    for (const v of saved) set.add(copyOf(v, seen));
    return target;
  }
  const live = target as Record<string, unknown>;
  const from = saved as Record<string, unknown>;
  if (Array.isArray(saved) && !frozen) (target as unknown[]).length = saved.length;
  if (!frozen) for (const key of Object.keys(live)) if (!Object.hasOwn(from, key)) delete live[key];
  for (const key of Object.keys(from)) {
    const value = restoreInto(live[key], from[key], seen);
    if (!frozen && live[key] !== value) live[key] = value;
  }
  return target;
}

/**
 * A native resource saved in an older layout, brought into the live value as a migration of it
 * does (kept fields copied, new ones as the live value's class made them, `migrate` run).
 */
function convertResource(saved: { readonly bytes: ArrayBuffer; readonly cls: ResourceKey<unknown> }, live: object): boolean {
  try {
    const Old = saved.cls as unknown as new () => object;
    const old = new Old();
    const bytes = nativeResourceOf(old);
    if (!bytes) return false;
    new Uint8Array(bytes.bytes, 0, bytes.struct.size).set(new Uint8Array(saved.bytes));
    const plan = planResourceMigration(Old as unknown as SchemaResourceClass, live.constructor as unknown as SchemaResourceClass);
    if (plan.losses.length > 0 && !plan.migrate) return false;
    migrateResourceValue(plan, old, live);
    return true;
  } catch {
    return false;
  }
}

/**
 * Checksums of what the game can observe, by name: each component (`Position`), each native
 * resource but Time and Input (`resource Score`), the entity index (`entities`), each event
 * queue's events (`events CoinCollected`). Two apps with equal maps behave alike; the first name
 * whose sum differs says where two runs parted.
 */
export function appChecksums(app: App): Map<string, bigint> {
  const out = new Map<string, bigint>();
  const world = worldChecksums(app.world);
  out.set("entities", world.world);
  for (const [name, sum] of world.components) out.set(name, sum);
  for (const [, value] of app.resources.entries()) {
    if (skipped(app, value)) continue;
    const n = nativeResourceOf(value);
    if (n) out.set(`resource ${n.struct.name}`, Bun.hash.xxHash64(new Uint8Array(n.bytes, 0, n.struct.size)));
  }
  for (const queue of app.events.list()) {
    const state = queue.saveState();
    out.set(`events ${queue.type.name}`, Bun.hash.xxHash64(new Uint8Array(state.records), BigInt(state.firstId * 4096 + state.count)));
  }
  return out;
}

/** One checksum of the whole app's observable state (see {@link appChecksums}). */
export function appChecksum(app: App): bigint {
  let h = 0n;
  for (const [name, sum] of appChecksums(app)) h = Bun.hash.xxHash64(`${name}=${sum}`, h);
  return h;
}
