import { addEntity, addComponent, createWorld as bitecsWorld, query } from "bitecs";
import { App, ManualClock, Update } from "../../src/core/index.ts";
import { defineComponent, defineQuery } from "../../src/ecs/index.ts";
import { measure, type MeasureOptions } from "../lib.ts";
import type { Suite } from "../suite.ts";

interface EcsMovementFigures {
  readonly app_over_raw: number;
  readonly entities: number;
  readonly app_ms: number;
  readonly raw_ms: number;
}

const DT = 1 / 60;

/**
 * A movement system (position += velocity * dt) over 100k entities through the App (hotloop
 * components, a registered query, one Update system) against the same loop on raw bitecs.
 */
function measureEcsMovement(options: MeasureOptions, entities: number): EcsMovementFigures {
  // hotloop side
  const clock = new ManualClock();
  const app = new App({ clock });
  const Position = defineComponent("Position", { x: "f32", y: "f32" }, { capacity: entities + 1 });
  const Velocity = defineComponent("Velocity", { x: "f32", y: "f32" }, { capacity: entities + 1 });
  for (let i = 0; i < entities; i++) app.context.spawn([Position, { x: i }], [Velocity, { x: 1, y: 2 }]);
  const moving = defineQuery(app.world, [Position, Velocity]);
  app.addSystems(Update, function movement() {
    const ids = moving.ids();
    const px = Position.x, py = Position.y, vx = Velocity.x, vy = Velocity.y;
    for (let i = 0; i < ids.length; i++) {
      const e = ids[i]!;
      px[e]! += vx[e]! * DT;
      py[e]! += vy[e]! * DT;
    }
  });

  // raw bitecs side: components are plain SoA objects, the query is bitecs' own
  const world = bitecsWorld();
  const P = { x: new Float32Array(entities + 1), y: new Float32Array(entities + 1) };
  const V = { x: new Float32Array(entities + 1), y: new Float32Array(entities + 1) };
  for (let i = 0; i < entities; i++) {
    const e = addEntity(world);
    addComponent(world, e, P);
    addComponent(world, e, V);
    P.x[e] = i;
    V.x[e] = 1;
    V.y[e] = 2;
  }
  const rawFrame = () => {
    const ids = query(world, [P, V]);
    const px = P.x, py = P.y, vx = V.x, vy = V.y;
    for (let i = 0; i < ids.length; i++) {
      const e = ids[i]!;
      px[e]! += vx[e]! * DT;
      py[e]! += vy[e]! * DT;
    }
  };

  const m = measure(
    [
      { name: "app", run: (n) => { for (let i = 0; i < n; i++) { clock.advance(16); app.update(); } } },
      { name: "raw", run: (n) => { for (let i = 0; i < n; i++) rawFrame(); } },
    ],
    options,
  );
  return { app_over_raw: m.app! / m.raw!, entities, app_ms: m.app! / 1e6, raw_ms: m.raw! / 1e6 };
}

export const ecsMovement: Suite<EcsMovementFigures> = {
  run: (options) => measureEcsMovement(options.measure, options.quick ? 10_000 : 100_000),
  rows: (f) => [
    { suite: "ecs_movement", figure: `movement over ${f.entities / 1000}k: App / raw bitecs`, value: f.app_over_raw.toFixed(2), context: `${f.app_ms.toFixed(3)} ms vs ${f.raw_ms.toFixed(3)} ms per frame`, spread: ["app_over_raw"] },
  ],
};
