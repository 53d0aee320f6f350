/**
 * The game, as a plugin: `hotloop dev` adds it to an App that already has the hot library (and the
 * Headless marker where there is no window). Rust systems (systems/src/lib.rs) and TypeScript
 * systems sit side by side in the same schedules, and both follow the game's state (Playing or
 * Paused).
 */
import { defineQuery, FixedUpdate, inState, isHeadless, Key, Last, PreUpdate, Render, spawn, Startup, system, type App, type SystemContext } from "hotloop";
import { Colors, Raylib, RaylibPlugin, rgba } from "hotloop/render";
import { GameState, Player, Position, Spark, Velocity } from "./components.ts";
import { hotSystem } from "./systems.gen.ts";

/** The arena (the window) in pixels. */
export const ARENA = { width: 800, height: 450 } as const;
const PLAYER_RADIUS = 16;

export default function game(app: App): void {
  app.registerComponents(Position, Velocity, Player, Spark);
  // The state lives in the app: a save of this file while Paused stays Paused.
  app.initState(GameState, "Playing");
  const players = defineQuery(app.world, [Player, Position, Velocity]);
  const sparks = defineQuery(app.world, [Spark, Position]);

  app.addSystems(Startup, function spawn_player({ world }: SystemContext) {
    spawn(world, Player, [Position, { x: ARENA.width / 2, y: ARENA.height / 2 }], Velocity);
  });

  // P or Escape pauses and resumes; the request is applied right after PreUpdate (StateTransition).
  app.addSystems(PreUpdate, function pause_on_key({ input, app }: SystemContext) {
    if (!input.isKeyPressed(Key.P) && !input.isKeyPressed(Key.ESCAPE)) return;
    app.nextState(app.state(GameState) === GameState.Playing ? GameState.Paused : GameState.Playing);
  });

  app.addSystems(
    FixedUpdate,
    // Rust: edit SPEED in systems/src/lib.rs while `bun run dev --features reload` runs. It runs
    // while Playing only (Rust's spark_trail says the same in `export!`).
    hotSystem("player_movement").runIf(inState(GameState.Playing)),
    // TypeScript: leaving one side of the arena comes back on the other. Edit it while the game
    // runs: the dev runner applies the saved file at the next frame.
    system(function wrap_around() {
      for (const e of players.ids()) {
        Position.x[e] = wrap(Position.x[e]!, ARENA.width);
        Position.y[e] = wrap(Position.y[e]!, ARENA.height);
      }
    }).after("player_movement"),
  );

  // A window where a display exists; headless, a stand-in that draws nothing.
  app.addPlugins(RaylibPlugin({ width: ARENA.width, height: ARENA.height, title: "{{name}}", clearColor: rgba(24, 26, 36) }));
  app.addSystems(Render, function draw({ resource, app }: SystemContext) {
    const rl = resource(Raylib);
    // The trail the hot spark_trail spawns: each spark shrinks as its life runs out.
    for (const e of sparks.ids()) rl.drawCircle(Math.round(Position.x[e]!), Math.round(Position.y[e]!), 1 + 8 * Spark.life[e]!, Colors.GOLD);
    for (const e of players.ids()) rl.drawCircle(Math.round(Position.x[e]!), Math.round(Position.y[e]!), PLAYER_RADIUS, Colors.SKYBLUE);
    rl.drawText("arrows / WASD to move, P to pause; edit systems/src/lib.rs and save", 12, 12, 18, Colors.RAYWHITE);
    if (app.state(GameState) === GameState.Paused) rl.drawText("paused", ARENA.width / 2 - 40, ARENA.height / 2 - 12, 24, Colors.GOLD);
  });

  if (isHeadless(app)) {
    // No window: a line a second says what the game is doing.
    app.addSystems(Last, function report({ time }: SystemContext) {
      if (time.frame % 60 !== 0) return;
      for (const e of players.ids()) {
        const at = `(${Position.x[e]!.toFixed(1)}, ${Position.y[e]!.toFixed(1)})`;
        console.log(`frame ${String(time.frame).padStart(5)}  player ${at}  velocity (${Velocity.x[e]!.toFixed(0)}, ${Velocity.y[e]!.toFixed(0)})  sparks ${sparks.ids().length}`);
      }
    });
  }
}

function wrap(value: number, size: number): number {
  return ((value % size) + size) % size;
}
