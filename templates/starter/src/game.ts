/**
 * The game, as a plugin: `hotloop dev` adds it to an App that already has the hot library (and the
 * Headless marker where there is no window). Rust systems (systems/src/lib.rs) and TypeScript
 * systems sit side by side in the same schedules.
 */
import { defineQuery, FixedUpdate, isHeadless, Last, Render, spawn, Startup, system, type App, type SystemContext } from "hotloop";
import { Colors, Raylib, RaylibPlugin, rgba } from "hotloop/render";
import { Player, Position, Spark, Velocity } from "./components.ts";
import { hotSystem } from "./systems.gen.ts";

/** The arena (the window) in pixels. */
export const ARENA = { width: 800, height: 450 } as const;
const PLAYER_RADIUS = 16;

export default function game(app: App): void {
  app.registerComponents(Position, Velocity, Player, Spark);
  const players = defineQuery(app.world, [Player, Position, Velocity]);
  const sparks = defineQuery(app.world, [Spark, Position]);

  app.addSystems(Startup, function spawn_player({ world }: SystemContext) {
    spawn(world, Player, [Position, { x: ARENA.width / 2, y: ARENA.height / 2 }], Velocity);
  });

  app.addSystems(
    FixedUpdate,
    // Rust: edit SPEED in systems/src/lib.rs while `bun run dev --features reload` runs.
    hotSystem("player_movement"),
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
  app.addSystems(Render, function draw({ resource }: SystemContext) {
    const rl = resource(Raylib);
    // The trail the hot spark_trail spawns: each spark shrinks as its life runs out.
    for (const e of sparks.ids()) rl.drawCircle(Math.round(Position.x[e]!), Math.round(Position.y[e]!), 1 + 8 * Spark.life[e]!, Colors.GOLD);
    for (const e of players.ids()) rl.drawCircle(Math.round(Position.x[e]!), Math.round(Position.y[e]!), PLAYER_RADIUS, Colors.SKYBLUE);
    rl.drawText("arrows / WASD to move; edit systems/src/lib.rs and save", 12, 12, 18, Colors.RAYWHITE);
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
