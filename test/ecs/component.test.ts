import { describe, expect, test } from "bun:test";
import { ptr } from "bun:ffi";
import {
  columnsOf, createWorld, defineComponent, defineQuery, defineTag, despawn, fnv1a64, Not, spawn, storageEpoch,
} from "../../src/ecs/index.ts";
import { App, FixedUpdate, ManualClock } from "../../src/core/index.ts";

describe("components", () => {
  test("SoA columns over explicit ArrayBuffers above the inline limit", () => {
    const Position = defineComponent("Position", { x: "f32", y: "f32" });
    expect(Position.x).toBeInstanceOf(Float32Array);
    expect(Position.x.length).toBe(4096);
    expect(Position.x.buffer).not.toBe(Position.y.buffer);
    expect(Position.x.buffer.byteLength).toBeGreaterThan(1000 * 4);
    const Tiny = defineComponent("Tiny", { v: "u8" }, { capacity: 10 });
    expect(Tiny.v.buffer.byteLength).toBeGreaterThanOrEqual(8192); // never inline, even when small
  });

  test("layout and stable hash", () => {
    const Position = defineComponent("Position", { x: "f32", y: "f32" });
    expect(Position.layout.text).toBe("Position{x:f32,y:f32}");
    expect(Position.layout.hash).toBe(fnv1a64("Position{x:f32,y:f32}"));
    expect(fnv1a64("")).toBe("cbf29ce484222325");
    expect(fnv1a64("a")).toBe("af63dc4c8601ec8c"); // published FNV-1a 64 test vector
    const Swapped = defineComponent("Position", { y: "f32", x: "f32" });
    expect(Swapped.layout.hash).not.toBe(Position.layout.hash);
    expect(defineTag("Player").layout.text).toBe("Player{}");
  });

  test("bad definitions fail with one clear line", () => {
    expect(() => defineComponent("position", { x: "f32" })).toThrow('component name "position" must be a Rust type name');
    expect(() => defineComponent("P", { X: "f32" })).toThrow('component P: field "X" must be snake_case');
    expect(() => defineComponent("P", { x: "f16" as "f32" })).toThrow('component P: field "x" has unknown type "f16"');
    expect(() => defineComponent("P", { capacity: "u32" })).toThrow('component P: field name "capacity" is reserved');
  });

  test("growth reallocates columns, keeps data and bumps the storage epoch", () => {
    const world = createWorld();
    const Health = defineComponent("Health", { hp: "i32" }, { capacity: 1024 });
    const first = spawn(world, [Health, { hp: 7 }]);
    const before = storageEpoch();
    const oldColumn = Health.hp;
    let last = first;
    for (let i = 0; i < 1100; i++) last = spawn(world, [Health, { hp: i }]);
    expect(Health.capacity).toBe(2048);
    expect(Health.hp).not.toBe(oldColumn);
    expect(storageEpoch()).toBe(before + 1);
    expect(Health.hp[first]).toBe(7);
    expect(Health.hp[last]).toBe(1099);
  });

  test("column pointers stay put across frames", () => {
    const Position = defineComponent("Position", { x: "f32", y: "f32" });
    const Velocity = defineComponent("Velocity", { x: "f32", y: "f32" });
    const clock = new ManualClock();
    const app = new App({ clock });
    for (let i = 0; i < 100; i++) app.context.spawn([Position, { x: i }], [Velocity, { x: 1 }]);
    const q = defineQuery(app.world, [Position, Velocity]);
    app.addSystems(FixedUpdate, ({ time }) => {
      for (const eid of q.ids()) Position.x[eid]! += Velocity.x[eid]! * time.delta;
    });
    const pointers = () => columnsOf(Position).map((c) => ptr(c));
    const before = pointers();
    for (let i = 0; i < 50; i++) {
      clock.advance(16);
      app.update();
      Bun.gc(true);
    }
    expect(pointers()).toEqual(before);
    expect(Position.x[1]).toBeGreaterThan(0);
  });
});

describe("entities and queries", () => {
  test("ids start at 1, spawn sets values, a recycled id starts from zero", () => {
    const world = createWorld();
    const Position = defineComponent("Position", { x: "f32", y: "f32" });
    const a = spawn(world, [Position, { x: 3, y: 4 }]);
    expect(a).toBe(1);
    expect([Position.x[a], Position.y[a]]).toEqual([3, 4]);
    despawn(world, a);
    const b = spawn(world, Position);
    expect(b).toBe(1);
    expect([Position.x[b], Position.y[b]]).toEqual([0, 0]);
  });

  test("registered query buffers hold the right ids after spawn and despawn", () => {
    const world = createWorld();
    const Position = defineComponent("Position", { x: "f32", y: "f32" });
    const Frozen = defineTag("Frozen");
    const moving = defineQuery(world, [Position, Not(Frozen)]);
    const ids = [1, 2, 3, 4, 5].map(() => spawn(world, Position));
    spawn(world, Position, Frozen);
    expect([...moving.ids()].sort()).toEqual(ids);
    despawn(world, 2);
    despawn(world, 4);
    expect([...moving.ids()].sort()).toEqual([1, 3, 5]);
    const again = spawn(world, Position); // LIFO recycling: 4 comes back first
    expect(again).toBe(4);
    expect([...moving.ids()].sort()).toEqual([1, 3, 4, 5]);
    expect(moving.ids()).toBeInstanceOf(Uint32Array);
  });

  test("the query buffer grows past its first allocation and still lists every id", () => {
    const world = createWorld();
    const Position = defineComponent("Position", { x: "f32" });
    const q = defineQuery(world, [Position]);
    const firstBuffer = q.ids().buffer;
    for (let i = 0; i < 2500; i++) spawn(world, Position);
    const ids = q.ids();
    expect(ids.length).toBe(2500);
    expect(ids.buffer).not.toBe(firstBuffer);
    expect(new Set(ids).size).toBe(2500);
  });
});
