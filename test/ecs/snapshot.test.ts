/**
 * World snapshots (src/ecs/snapshot.ts): a world restored from a snapshot behaves exactly as it did
 * when the snapshot was taken. The same script of spawns, despawns, component changes and writes,
 * run after the snapshot and again after restoring it, gives the same ids to the same spawns (bitecs
 * recycles them from its entity index's dead tail), visits the same entities in the same order in
 * every query, and has the same checksum at every step; presence bytes and grown columns come back.
 * A snapshot taken into an old one's buffers (`reuse`) restores what a fresh one does, and a
 * checksum reads only what a game can observe (not a dead entity's rows).
 */
import { getEntityComponents, registerQuery } from "bitecs";
import { describe, expect, test } from "bun:test";
import { $internal } from "bitecs";
import { GlobalRng } from "../../src/core/rng.ts";
import { addComponent, createWorld, defineComponent, defineQuery, defineTag, despawn, entityCount, entityExists, entityIds, hasComponent, Not, removeComponent, spawn, type World } from "../../src/ecs/index.ts";
import { applyMigration, planMigration } from "../../src/ecs/migrate.ts";
import { presenceOf } from "../../src/ecs/presence.ts";
import { componentChecksums, restoreWorld, snapshotWorld, worldChecksum } from "../../src/ecs/snapshot.ts";

const Position = defineComponent("SnapPosition", { x: "f32", y: "f32" }, { capacity: 64 });
const Health = defineComponent("SnapHealth", { hp: "u8" }, { capacity: 64 });
const Frozen = defineTag("SnapFrozen");

/** bitecs queries not made by `defineQuery`: their members are a plain array, not a buffer (a bare `observe` makes one). */
const plainQueries = new WeakMap<World, { dense: ArrayLike<number> }>();

/** The living entities in bitecs' entity-index order (its `dense`, the living first). */
function aliveInIndexOrder(w: World): number[] {
  const index = (w as unknown as Record<symbol, { entityIndex: { dense: number[]; aliveCount: number } }>)[$internal]!.entityIndex;
  return index.dense.slice(0, index.aliveCount);
}

/** A world with history: spawns, a few despawns (a dead tail to recycle), tags and values. */
function world(): World {
  const w = createWorld();
  for (let i = 0; i < 20; i++) spawn(w, [Position, { x: i, y: -i }], ...(i % 3 === 0 ? [[Health, { hp: i }] as const] : []));
  for (const eid of [4, 9, 2]) despawn(w, eid);
  addComponent(w, 7, Frozen);
  return w;
}

/** Each living entity, in bitecs' membership order, with its components' names (sorted). */
function membership(w: World): string[] {
  return [...entityIds(w)].map((eid) => `${eid}:${getEntityComponents(w, eid).map((c) => (c as { name: string }).name).sort().join("+")}`);
}

/** One step of a script the generator drives: what it did, and what the queries saw, as text. */
function step(w: World, rng: GlobalRng): string {
  const moving = defineQuery(w, [Position]);
  const hurt = defineQuery(w, [Position, Health]);
  const alive = [...moving.ids()];
  const out: string[] = [];
  switch (rng.below(5)) {
    case 0:
      out.push(`spawn ${spawn(w, [Position, { x: rng.range(0, 100), y: 1 }])}`);
      break;
    case 1: {
      const eid = alive[rng.below(alive.length)]!;
      despawn(w, eid);
      out.push(`despawn ${eid}`);
      break;
    }
    case 2: {
      const eid = alive[rng.below(alive.length)]!;
      if (hasComponent(w, eid, Health)) removeComponent(w, eid, Health);
      else addComponent(w, eid, Health, { hp: rng.below(200) });
      out.push(`toggle ${eid}`);
      break;
    }
    case 3:
      for (const eid of moving.ids()) Position.x[eid] = Position.x[eid]! + 1;
      out.push("move");
      break;
    default:
      out.push(`spawn ${spawn(w, [Position, { x: 3, y: 3 }], [Health, { hp: 9 }])} ${spawn(w, Frozen)}`);
  }
  const plain = plainQueries.get(w);
  out.push(`moving ${[...moving.ids()].join(",")}`, `hurt ${[...hurt.ids()].join(",")}`, `plain ${plain ? [...Array.from(plain.dense)].join(",") : "-"}`, `sum ${worldChecksum(w)}`);
  return out.join(" | ");
}

describe("world snapshots", () => {
  test("after a restore, the same script gives the same ids, the same query orders and the same checksum at every step", () => {
    const w = world();
    defineQuery(w, [Position]).ids(); // queries exist before the snapshot, as a game's do
    defineQuery(w, [Position, Health]).ids();
    plainQueries.set(w, registerQuery(w, [Health]));
    despawn(w, 11); // a removal pending in the queries when the snapshot is taken
    const sumThen = worldChecksum(w);
    const membersThen = membership(w);
    const snap = snapshotWorld(w);
    const run = () => {
      const rng = new GlobalRng(9);
      return Array.from({ length: 120 }, () => step(w, rng));
    };
    const first = run();
    expect(worldChecksum(w)).not.toBe(sumThen); // the script changed it
    expect(membership(w)).not.toEqual(membersThen);
    expect(snap.checksum).toBe(sumThen); // computed now, from the snapshot's copies
    restoreWorld(w, snap);
    expect(worldChecksum(w)).toBe(sumThen);
    expect(membership(w)).toEqual(membersThen);
    expect(entityExists(w, 11)).toBe(false);
    const again = run();
    expect(again).toEqual(first);
    // Ids past 20 were made by the script (spawns beyond the dead tail); the script recycled too.
    expect(first.join(" ").match(/spawn (4|9|2|11)\b/)).not.toBeNull();
  });

  test("a snapshot taken into an old one's buffers, larger or smaller than needed, restores what a fresh one does", () => {
    const w = world();
    defineQuery(w, [Position]).ids();
    defineQuery(w, [Position, Health]).ids();
    despawn(w, 11);
    // A bigger world (more entities, queries, components) and an empty one lend their snapshots.
    const big = createWorld();
    for (let i = 0; i < 200; i++) spawn(big, [Position, { x: -i, y: i }], Frozen, [Health, { hp: 1 }]);
    for (let eid = 3; eid < 200; eid += 5) despawn(big, eid);
    defineQuery(big, [Frozen]).ids();
    defineQuery(big, [Health]).ids();
    defineQuery(big, [Position, Frozen]).ids();
    const larger = snapshotWorld(big);
    const smaller = snapshotWorld(createWorld());
    const fresh = snapshotWorld(w);
    expect(snapshotWorld(w, larger)).toBe(larger);
    expect(snapshotWorld(w, smaller)).toBe(smaller);
    expect(larger.world).toBe(w);
    expect(larger.checksum).toBe(fresh.checksum);
    expect(smaller.checksum).toBe(fresh.checksum);
    expect(larger.bytes).toBeGreaterThan(fresh.bytes); // it keeps its buffers
    const run = () => {
      const rng = new GlobalRng(4);
      return Array.from({ length: 80 }, () => step(w, rng));
    };
    const first = run();
    restoreWorld(w, larger);
    expect(run()).toEqual(first);
    restoreWorld(w, smaller);
    expect(run()).toEqual(first);
    // Every entity gone: the restore lengthens every query again, and makes every Set anew.
    for (const eid of [...entityIds(w)]) despawn(w, eid);
    expect(defineQuery(w, [Position]).ids().length).toBe(0); // committed: the queries are empty
    restoreWorld(w, fresh);
    expect(run()).toEqual(first);
    expect(() => snapshotWorld(w, { world: w, checksum: 0n, bytes: 0, aliveCount: 0 })).toThrow("snapshotWorld: `reuse` is not a snapshot snapshotWorld made");
  });

  test("a query registered after the snapshot (a system swapped in since) holds the restored entities it matches", () => {
    const w = world();
    const before = snapshotWorld(w);
    spawn(w, [Position, { x: 99, y: 99 }], [Health, { hp: 1 }]);
    const hurt = defineQuery(w, [Position, Health]);
    const calm = defineQuery(w, [Position, Not(Health)]);
    restoreWorld(w, before);
    // In the entity index's order, as bitecs fills a query registered now.
    const alive = [...entityIds(w)].sort((a, b) => a - b);
    const inIndexOrder = (has: boolean) => aliveInIndexOrder(w).filter((e) => hasComponent(w, e, Position) && hasComponent(w, e, Health) === has);
    expect(alive.length).toBeGreaterThan(0);
    expect([...hurt.ids()]).toEqual(inIndexOrder(true));
    expect([...calm.ids()]).toEqual(inIndexOrder(false));
    const expected = (has: boolean) => inIndexOrder(has);
    expect(hurt.ids().length).toBeGreaterThan(0);
    // bitecs keeps them from here on, as any query.
    spawn(w, [Position, { x: 1, y: 1 }], [Health, { hp: 2 }]);
    expect(hurt.ids().length).toBe(expected(true).length);
  });

  test("a snapshot taken in a layout the component came back to (A → B → A → C) converts from its own time, not the first", () => {
    const C = defineComponent("SnapHist", { x: "f32", z: "f32" }, { capacity: 64 });
    const w = createWorld();
    const ids = [spawn(w, [C, { x: 1, z: 2 }])];
    const columns = C as unknown as Record<string, Float32Array>;
    applyMigration(planMigration(C, defineComponent("SnapHist", { x: "f32" })), ids).commit(); // B drops z
    applyMigration(planMigration(C, defineComponent("SnapHist", { x: "f32", z: "f32" })), ids).commit(); // A again
    columns.z![ids[0]!] = 42;
    const snap = snapshotWorld(w);
    applyMigration(planMigration(C, defineComponent("SnapHist", { x: "f32", z: "f32", w: "f32" }, { defaults: { w: 3 } })), ids).commit(); // C
    columns.z![ids[0]!] = 0;
    restoreWorld(w, snap);
    expect([columns.x![ids[0]!], columns.z![ids[0]!], columns.w![ids[0]!]]).toEqual([1, 42, 3]);
  });

  test("columns grown after the snapshot come back to their values, the rows past them zeroed; presence bytes too", () => {
    const w = world();
    const presence = presenceOf(w, Health);
    const snap = snapshotWorld(w);
    const before = componentChecksums(w);
    const added: number[] = [];
    for (let i = 0; i < 100; i++) added.push(spawn(w, [Position, { x: 1000 + i, y: 0 }], [Health, { hp: 7 }])); // past the capacity of 64
    Position.x[1] = 555;
    removeComponent(w, 1, Health); // entity 1 had Health (i = 0)
    expect(presence.bytes[added.at(-1)!]).toBe(1);
    restoreWorld(w, snap);
    expect(componentChecksums(w)).toEqual(before);
    expect(Position.x[1]).toBe(0);
    expect(Position.x[added.at(-1)!]).toBe(0);
    expect(presence.bytes[added.at(-1)!]).toBe(0);
    expect(presence.bytes[1]).toBe(1);
    expect(presence.bytes[3]).toBe(0); // alive, without Health
    expect(hasComponent(w, 1, Health)).toBe(true);
    expect(entityExists(w, added[0]!)).toBe(false);
  });

  test("a checksum sees a value, a membership and the recycling order; a snapshot belongs to its world", () => {
    const a = world();
    const b = world();
    expect(worldChecksum(a)).toBe(worldChecksum(b));
    Position.x[1] = 0.5; // a and b share the columns (components are global): compare membership instead
    expect(worldChecksum(a)).toBe(worldChecksum(b));
    addComponent(b, 5, Frozen);
    expect(worldChecksum(a)).not.toBe(worldChecksum(b));
    const c = world();
    const d = createWorld();
    for (let i = 0; i < 20; i++) spawn(d, [Position, { x: i, y: -i }], ...(i % 3 === 0 ? [[Health, { hp: i }] as const] : []));
    for (const eid of [2, 9, 4]) despawn(d, eid); // the same dead, recycled in another order
    addComponent(d, 7, Frozen);
    expect(worldChecksum(c)).not.toBe(worldChecksum(d));
    expect(() => restoreWorld(d, snapshotWorld(c))).toThrow("restoreWorld: the snapshot was taken of another world");
  });

  test("a checksum does not read a dead entity's rows, nor the fields of a component an entity lacks", () => {
    const w = world(); // 4, 9 and 2 are dead: their rows keep the values they had
    const sum = worldChecksum(w);
    const sums = componentChecksums(w);
    Position.x[4] = 1234;
    Position.y[9] = -5;
    Health.hp[3] = 77; // entity 3 has no Health
    expect(worldChecksum(w)).toBe(sum);
    expect(componentChecksums(w)).toEqual(sums);
    expect(snapshotWorld(w).checksum).toBe(sum);
    Position.x[5] = 1234; // a living entity's value
    expect(worldChecksum(w)).not.toBe(sum);
    expect(componentChecksums(w).get("SnapPosition")).not.toBe(sums.get("SnapPosition"));
    expect(componentChecksums(w).get("SnapHealth")).toBe(sums.get("SnapHealth")!);
  });

  test("a restore after a few spawns and a despawn near the end gives back bitecs' membership, in its order", () => {
    const w = world();
    const before = membership(w);
    const snap = snapshotWorld(w);
    spawn(w, [Position, { x: 1, y: 1 }]); // recycles 2, appended to the membership map
    spawn(w, Frozen); // recycles 9
    despawn(w, 20); // the last entity world() spawned: only the map's end differs
    restoreWorld(w, snap);
    expect(membership(w)).toEqual(before);
    expect(entityCount(w)).toBe(before.length);
    expect(entityExists(w, 20)).toBe(true);
    expect(hasComponent(w, 20, Position)).toBe(true);
  });
});
