/**
 * Steps the game frame by frame with a ManualClock: the Rust player_movement (built once here)
 * and the TypeScript wrap_around, exactly as `hotloop dev` runs them.
 */
import { beforeAll, expect, test } from "bun:test";
import { defineQuery, Key, ManualClock, type App } from "hotloop";
import { buildProject, createGameApp, loadProject } from "hotloop/dev";
import { GameState, Player, Position, Spark, Velocity } from "../src/components.ts";
import { ARENA } from "../src/game.ts";

const STEP_MS = 1000 / 64; // one fixed step at the App's default 64 Hz
const project = await loadProject(import.meta.dir);

beforeAll(async () => {
  const build = await buildProject(project, { profile: "debug", report: () => {} });
  if (!build.ok) throw new Error(`cargo build failed:\n${build.errors}`);
}, 300_000);

async function startGame(): Promise<{ app: App; clock: ManualClock; player: number }> {
  const clock = new ManualClock();
  const app = await createGameApp(project, { clock, headless: true });
  app.update(); // the first frame runs Startup
  const player = defineQuery(app.world, [Player]).ids()[0]!;
  return { app, clock, player };
}

function step(app: App, clock: ManualClock, frames: number): void {
  for (let i = 0; i < frames; i++) {
    clock.advance(STEP_MS);
    app.update();
  }
}

test("holding RIGHT moves the player right at the Rust system's speed", async () => {
  const { app, clock, player } = await startGame();
  const x0 = Position.x[player]!;
  app.input.setKey(Key.RIGHT, true);
  step(app, clock, 10);
  const speed = Velocity.x[player]!;
  expect(speed).toBeGreaterThan(0);
  expect(Position.x[player]!).toBeCloseTo(x0 + (speed * 10) / 64, 3);
  expect(Velocity.y[player]).toBe(0);
  app.shutdown();
});

test("leaving the arena on the right comes back on the left", async () => {
  const { app, clock, player } = await startGame();
  Position.x[player] = ARENA.width - 1;
  app.input.setKey(Key.RIGHT, true);
  step(app, clock, 1);
  expect(Position.x[player]!).toBeLessThan(ARENA.width / 2);
  expect(Position.x[player]!).toBeGreaterThanOrEqual(0);
  app.shutdown();
});

test("moving leaves a trail of sparks, spawned and despawned by the Rust spark_trail", async () => {
  const { app, clock } = await startGame();
  const sparks = defineQuery(app.world, [Spark]);
  step(app, clock, 10);
  expect(sparks.ids().length).toBe(0); // standing still: no trail
  app.input.setKey(Key.RIGHT, true);
  step(app, clock, 16); // a quarter of a second
  const spawned = sparks.ids().length;
  expect(spawned).toBeGreaterThanOrEqual(3);
  app.input.setKey(Key.RIGHT, false);
  step(app, clock, 64); // a second: every spark's life ran out
  expect(sparks.ids().length).toBe(0);
  app.shutdown();
});

test("paused, the player and its sparks stand still; resumed, they go on where they were", async () => {
  const { app, clock, player } = await startGame();
  const sparks = defineQuery(app.world, [Spark]);
  app.input.setKey(Key.RIGHT, true);
  step(app, clock, 16);
  const trail = sparks.ids().length;
  expect(trail).toBeGreaterThan(0);
  app.nextState(GameState.Paused); // what P does (src/game.ts)
  step(app, clock, 1);
  const x = Position.x[player]!;
  const life = Spark.life[sparks.ids()[0]!]!;
  step(app, clock, 64);
  expect(app.state(GameState)).toBe(GameState.Paused);
  expect(Position.x[player]).toBe(x); // TypeScript's runIf(inState(GameState.Playing)) on player_movement
  expect(sparks.ids().length).toBe(trail); // Rust's run_if(in_state(GameState::Playing)) on spark_trail
  expect(Spark.life[sparks.ids()[0]!]).toBe(life);
  app.nextState(GameState.Playing);
  step(app, clock, 1);
  expect(Position.x[player]!).toBeGreaterThan(x);
  app.shutdown();
});
