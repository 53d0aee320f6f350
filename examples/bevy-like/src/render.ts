/**
 * The bevy-like example in a window: raylib opens it and fills Input; the Render systems draw the
 * arena, the coins, the player (interpolated between fixed steps with the overstep fraction) and
 * a HUD with FPS, the library version, the last reload, and any refused reload or panic in red.
 */
import { defineQuery, hasComponent, HotReloader, Render, system, type App, type HotEvent, type SystemContext } from "hotloop";
import { Colors, Raylib, RaylibPlugin, rgba, type Color } from "hotloop/render";
import { Appearance, Coin, GameState, Position, PrevPosition, Round, Score } from "./components.ts";
import { ARENA } from "./gameplay.ts";

const BACKGROUND = rgba(24, 26, 36);
const GRID = rgba(36, 40, 54);
const TEXT = rgba(220, 224, 235);
const HINT = rgba(120, 126, 145);
const ERROR = rgba(255, 80, 80);

/** 0xRRGGBBAA (how the Rust systems write colours) to raylib's packed Color. */
export function fromHex(c: number): Color {
  return rgba((c >>> 24) & 255, (c >>> 16) & 255, (c >>> 8) & 255, c & 255);
}

/** Opens the window and adds the example's Render systems. */
export function WindowedExample(): (app: App) => void {
  return function windowedExample(app: App) {
    app.addPlugins(RaylibPlugin({ width: ARENA.width, height: ARENA.height, title: "hotloop: bevy-like", clearColor: BACKGROUND }));
    const drawn = defineQuery(app.world, [Position, PrevPosition, Appearance]);
    const lerp = (a: number, b: number, t: number) => a + (b - a) * t;

    app.addSystems(
      Render,
      function draw_arena({ resource }: SystemContext) {
        const rl = resource(Raylib);
        for (let x = 0; x < ARENA.width; x += 50) rl.drawLine(x, 0, x, ARENA.height, GRID);
        for (let y = 0; y < ARENA.height; y += 50) rl.drawLine(0, y, ARENA.width, y, GRID);
      },
      system(function draw_entities({ resource, time, world }: SystemContext) {
        const rl = resource(Raylib);
        const t = time.overstep;
        for (const e of drawn.ids()) {
          const x = lerp(PrevPosition.x[e]!, Position.x[e]!, t);
          const y = lerp(PrevPosition.y[e]!, Position.y[e]!, t);
          const r = Appearance.radius[e]!;
          const color = fromHex(Appearance.color[e]!);
          if (hasComponent(world, e, Coin)) {
            // a spinning coin: its width follows the phase
            const w = Math.max(2, Math.abs(Math.cos(Coin.phase[e]!)) * r);
            rl.drawRectangle(Math.round(x - w), Math.round(y - r), Math.round(2 * w), Math.round(2 * r), color);
          } else {
            rl.drawCircle(Math.round(x), Math.round(y), r, color);
            rl.drawCircleLines(Math.round(x), Math.round(y), r + 2, Colors.RAYWHITE);
          }
        }
      }).after("draw_arena"),
      system(function draw_hud({ resource, app }: SystemContext) {
        const rl = resource(Raylib);
        const reloader = app.getResource(HotReloader);
        rl.drawText(`score ${resource(Score).value}`, 12, 10, 24, Colors.GOLD);
        const status = reloader ? `systems v${reloader.version}${reloader.reloading ? " (hot)" : ""}` : "no hot systems";
        rl.drawText(`FPS ${rl.getFPS()}   ${status}`, 12, 40, 16, TEXT);
        const last = reloader?.events.findLast((e) => e.type === "reload" || e.type === "panic");
        if (last?.type === "reload" && last.status === "ok") {
          rl.drawText(`last reload: ${last.totalMs.toFixed(1)} ms -> v${last.version}`, 12, 60, 16, TEXT);
        } else if (last) {
          rl.drawText(clip(describeFailure(last)), 12, 60, 16, ERROR);
        }
        const state = app.state(GameState);
        if (state === GameState.Playing) {
          rl.drawText(`${Math.ceil(resource(Round).seconds_left)} s`, ARENA.width - 70, 10, 24, TEXT);
          rl.drawText("arrows / WASD to move", 12, ARENA.height - 24, 16, HINT);
        } else {
          const title = state === GameState.Menu ? "collect the coins" : `game over: ${resource(Score).value} coins`;
          rl.drawText(title, ARENA.width / 2 - 130, ARENA.height / 2 - 60, 28, Colors.GOLD);
          rl.drawText(state === GameState.Menu ? "an arrow key, Enter or Space to play" : "Enter or Space for the menu", ARENA.width / 2 - 150, ARENA.height / 2 - 24, 18, TEXT);
        }
      }).after("draw_entities"),
    );
  };
}

function describeFailure(e: HotEvent): string {
  if (e.type === "panic") return `panic in ${e.system}: ${e.message}`;
  if (e.type === "reload") return `reload ${e.status.replace("_", " ")}: ${"reason" in e ? e.reason : ""}`;
  return "";
}

function clip(text: string, max = 90): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
