/**
 * One schema, defaults included (issue 23): a component's TypeScript defaults reach its Rust view
 * through codegen, so an entity a hot Rust system spawns with `..Default::default()` and one a
 * TypeScript system spawns hold the same values. A real cargo build of a fixture copy whose
 * components.rs is written by codegen from the TypeScript definitions.
 */
import { afterAll, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { App, FixedUpdate, ManualClock, yieldToEventLoop } from "../../src/core/index.ts";
import { defineComponent, defineQuery, spawn } from "../../src/ecs/index.ts";
import { definitionsOf, rustComponents } from "../../src/dev/codegen.ts";
import { HotPlugin, HotReloader, hotSystem } from "../../src/hot/index.ts";
import { Fixture } from "../support/fixture.ts";
import { STEP_MS } from "../support/hot-app.ts";
import * as fixtureComponents from "../fixtures/hot-fixture/components.ts";

const fixture = new Fixture();
afterAll(() => fixture.cleanup());

test("a Rust spawn with ..Default::default() and a TypeScript spawn hold the same values", async () => {
  // Bullet given a field with a default, and a default for its old field: the edit a game makes.
  const Bullet = defineComponent("Bullet", { ttl: "f32", damage: "u8" }, { defaults: { ttl: 1.5, damage: 3 } });
  const defs = definitionsOf(fixtureComponents as unknown as Record<string, unknown>);
  const components = defs.components.map((c) => (c.name === "Bullet" ? Bullet : c));
  writeFileSync(fixture.path("src/components.rs"), rustComponents({ ...defs, components }, "components.ts"));
  fixture.edit("let e = commands.spawn((Value::<Bullet> { ttl: 1.0 }, Position));", "let e = commands.spawn((Value::<Bullet> { ..Default::default() }, Position));");
  fixture.edit("commands.insert(e, (Value::<Bullet> { ttl: 3.0 }, Value::<Position> { x: i as f32, y: 0.0 }));", "commands.insert(e, Value::<Position> { x: i as f32, y: 0.0 });");
  fixture.setConst("SPAWNS", "1");
  await fixture.build();

  const clock = new ManualClock();
  const app = new App({ clock });
  app.registerComponents(fixtureComponents.Position, Bullet);
  app.addPlugins(HotPlugin({ library: fixture.library, reload: false }));
  app.addSystems(FixedUpdate, hotSystem("bullets"));
  await app.resource(HotReloader).ready();
  try {
    app.update();
    clock.advance(STEP_MS);
    app.update(); // bullets runs once: one bullet spawned from Rust
    await yieldToEventLoop();
    const fromRust = [...defineQuery(app.world, [Bullet]).ids()];
    expect(fromRust).toHaveLength(1);
    const fromTs = spawn(app.world, Bullet);
    const values = (e: number) => ({ ttl: Bullet.ttl[e], damage: Bullet.damage[e] });
    expect(values(fromRust[0]!)).toEqual({ ttl: 1.5, damage: 3 });
    expect(values(fromTs)).toEqual(values(fromRust[0]!));
  } finally {
    app.shutdown();
  }
}, 300_000);
