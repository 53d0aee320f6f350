/**
 * Field values typed from the component's schema (issue 23): `spawn`, `addComponent`, `setValues`
 * and `ctx.spawn` take only the fields a component has, a tag takes none, and `defineComponent`'s
 * `defaults`, `renamed` and `migrate` name only fields of the new layout. The `@ts-expect-error`
 * lines are checked by `bun run typecheck` (an error that goes away fails it); the runtime half is
 * the one-line error a JavaScript caller or a cast meets instead of a TypeError.
 */
import { describe, expect, test } from "bun:test";
import { addComponent, createWorld, defineComponent, defineTag, entityCount, setValues, spawn, type Component, type ComponentInit } from "../../src/ecs/index.ts";
import { App, Startup, type SystemContext } from "../../src/core/index.ts";

describe("values typed from the schema", () => {
  test("spawn, addComponent, setValues and ctx.spawn take the component's own fields", () => {
    const world = createWorld();
    const Enemy = defineComponent("Enemy", { velocity: "f32", hp: "i32" });
    const Position = defineComponent("Position", { x: "f32", y: "f32" });
    const Boss = defineTag("Boss");
    const e = spawn(world, Boss, [Enemy, { hp: 3 }], [Position, { x: 1, y: 2 }], [Boss, {}]);
    expect([Enemy.hp[e], Position.x[e], Position.y[e]]).toEqual([3, 1, 2]);

    const typed = (ctx: SystemContext) => {
      // @ts-expect-error: `speed` was renamed to `velocity`: not a field of Enemy
      spawn(world, [Enemy, { speed: 0 }]);
      // @ts-expect-error: each tuple is checked against its own component: `x` is Position's, not Enemy's
      spawn(world, [Position, { x: 1 }], [Enemy, { x: 1 }]);
      // @ts-expect-error: a tag takes no values
      spawn(world, [Boss, { hp: 1 }]);
      // @ts-expect-error: values are numbers
      spawn(world, [Enemy, { hp: "3" }]);
      // @ts-expect-error: not a field of Enemy
      addComponent(world, e, Enemy, { speed: 0 });
      // @ts-expect-error: not a field of Enemy
      setValues(Enemy, e, { hp: 1, speed: 0 });
      // @ts-expect-error: not a field of Enemy (the system context's spawn is typed the same)
      ctx.spawn([Enemy, { speed: 0 }]);
      ctx.spawn(Boss, [Enemy, { velocity: 2 }]);
    };
    expect(typeof typed).toBe("function");

    // The open `Component` still takes any component, and any name (checked at run time).
    const any: Component = Enemy;
    const inits: ComponentInit[] = [Boss, [Enemy, { hp: 5 }], [any, { velocity: 1 }]];
    const f = spawn(world, ...inits);
    expect([Enemy.hp[f], Enemy.velocity[f]]).toEqual([5, 1]); // the second tuple resets nothing: the entity has Enemy already
    const mixed = [Boss, Enemy]; // an array spread in takes any components (one schema cannot describe it)
    expect(Enemy.hp[spawn(world, ...mixed)]).toBe(0);
  });

  test("defaults, renamed and migrate name only fields of the new layout", () => {
    const Velocity = defineComponent("Velocity", { dx: "f32", y: "f32", z: "f32" }, {
      defaults: { z: 1 },
      renamed: { dx: "x" },
      migrate: (old: { x: number }) => ({ z: old.x * 2 }), // `old` annotated with the running layout's fields
    });
    expect(Velocity.options.migrate?.({ x: 3 })).toEqual({ z: 6 });
    // Unannotated, `old` is any name; under noUncheckedIndexedAccess a field may be undefined.
    defineComponent("Velocity", { x: "f32" }, { migrate: (old) => ({ x: (old.x ?? 0) * 2 }) });

    const typed = () => {
      // @ts-expect-error: `x` is not a field of the new layout (renamed is { new_name: "old_name" })
      defineComponent("Velocity", { dx: "f32" }, { renamed: { x: "dx" } });
      // @ts-expect-error: a default for a field that does not exist
      defineComponent("Velocity", { dx: "f32" }, { defaults: { x: 1 } });
      // @ts-expect-error: migrate returns a name that is not a field of the new layout
      defineComponent("Velocity", { dx: "f32" }, { migrate: () => ({ dx: 1, w: 1 }) });
      // @ts-expect-error: unannotated, an old field is `number | undefined` (TS18048)
      defineComponent("Velocity", { dx: "f32" }, { migrate: (old) => ({ dx: old.x * 2 }) });
    };
    expect(typeof typed).toBe("function");
  });
});

describe("a name that is not a field, at run time", () => {
  const Enemy = defineComponent("Enemy", { velocity: "f32", hp: "i32" });
  const Boss = defineTag("Boss");
  const untyped = { speed: 0 } as Record<string, number>;

  test("spawn, addComponent and setValues say the component, the field and the fields in one line", () => {
    const world = createWorld();
    expect(() => spawn(world, [Enemy, untyped] as ComponentInit)).toThrow(new Error('spawn: Enemy has no field "speed" (fields: velocity, hp)'));
    const e = spawn(world, Enemy);
    expect(() => addComponent(world, e, Enemy, untyped)).toThrow(new Error('addComponent: Enemy has no field "speed" (fields: velocity, hp)'));
    expect(() => setValues(Enemy, e, untyped)).toThrow(new Error('setValues: Enemy has no field "speed" (fields: velocity, hp)'));
    expect(() => spawn(world, [Boss, { x: 1 }] as ComponentInit)).toThrow(new Error('spawn: Boss has no field "x" (a tag: it has no fields)'));
    // Checked before anything changes: no entity is made, no value of an earlier component written.
    const before = entityCount(world);
    expect(() => spawn(world, [Enemy, { hp: 9 }], [Enemy, untyped] as ComponentInit)).toThrow('spawn: Enemy has no field "speed"');
    expect(entityCount(world)).toBe(before);
    expect(() => setValues(Enemy, e, { hp: 9, ...untyped })).toThrow('setValues: Enemy has no field "speed"');
    expect(Enemy.hp[e]).toBe(0);
    // A property of the component that is not a field is not one either.
    expect(() => setValues(Enemy, e, { name: 1 } as Record<string, number>)).toThrow('setValues: Enemy has no field "name"');
  });

  test("ctx.spawn in a system throws the same line", () => {
    const app = new App();
    app.addSystems(Startup, ({ spawn }) => void spawn([Enemy, untyped] as ComponentInit));
    expect(() => app.update()).toThrow('spawn: Enemy has no field "speed" (fields: velocity, hp)');
  });
});
