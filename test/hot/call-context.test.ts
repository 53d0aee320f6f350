/**
 * The call context re-takes pointers when they move: component storage growing past its capacity
 * (a new ArrayBuffer per column) and bitecs' query buffer doubling. Without it the Rust system
 * would write into freed memory or miss the new entities.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { App, FixedUpdate, ManualClock } from "../../src/core/index.ts";
import { DEFAULT_CAPACITY, despawn, spawn, storageEpoch } from "../../src/ecs/index.ts";
import { HotPlugin, hotSystem } from "../../src/hot/index.ts";
import { Position, Stamp, Trap, Velocity } from "../fixtures/hot-fixture/components.ts";
import { Fixture } from "../support/fixture.ts";

let fixture: Fixture;
beforeAll(async () => {
  fixture = new Fixture();
  await fixture.build();
}, 240_000);
afterAll(() => fixture.cleanup());

test("a hot system keeps working across storage growth, query-buffer growth and despawns", () => {
  const clock = new ManualClock();
  const app = new App({ clock });
  app.registerComponents(Position, Velocity, Stamp, Trap);
  app.addPlugins(HotPlugin({ library: fixture.library, reload: false, reporter: () => {} }));
  app.addSystems(FixedUpdate, hotSystem("mover"));
  const step = () => {
    clock.advance(1000 / 64);
    app.update();
  };
  step();
  const first = Array.from({ length: 10 }, (_, i) => spawn(app.world, [Position, { x: i }], [Velocity, { x: 64 }]));
  step();
  expect(Position.x[first[3]!]).toBeCloseTo(4, 5); // 3 + 64 px/s * 1/64 s
  const epoch = storageEpoch();
  const more = Array.from({ length: DEFAULT_CAPACITY + 500 }, () => spawn(app.world, Position, [Velocity, { y: 64 }]));
  expect(storageEpoch()).toBeGreaterThan(epoch); // the columns moved
  despawn(app.world, first[0]!);
  step();
  expect(Position.x[first[3]!]).toBeCloseTo(5, 5); // old entities read from the new columns
  const last = more.at(-1)!;
  expect(last).toBeGreaterThanOrEqual(DEFAULT_CAPACITY);
  expect(Position.y[last]).toBeCloseTo(1, 5); // an entity beyond the old capacity moved too
  expect(Position.y[more[0]!]).toBeCloseTo(1, 5);
  const despawnedX = Position.x[first[0]!];
  step();
  expect(Position.x[first[0]!]).toBe(despawnedX!); // a despawned entity is no longer in the id list
  app.shutdown();
}, 60_000);
