/**
 * The bevy-like example in a window: raylib opens it and fills Input; a camera (moved by Rust's
 * camera_follow) shows the part of the world around the player. Everything goes through the draw
 * list: the world (the grid, the player, and the coins, which Rust's draw_coins draws from their
 * sprite sheet) under the camera, and the HUD (score, FPS, the library version, the last reload,
 * any refused reload or panic in red) on the screen in the game's own font.
 */
import { defineQuery, drawListOf, hasComponent, HotReloader, Render, Startup, system, type App, type HotEvent, type SystemContext } from "hotloop";
import { Audio, AudioPlugin, Colors, loadFont, loadTexture, RaylibPlugin, rgba, type Color } from "hotloop/render";
import { Appearance, Coin, GameState, Position, PrevPosition, Round, Score } from "./components.ts";
import { ARENA, VIEW } from "./gameplay.ts";

const BACKGROUND = rgba(24, 26, 36);
const GRID = rgba(36, 40, 54);
const BORDER = rgba(90, 96, 120);
const TEXT = rgba(220, 224, 235);
const HINT = rgba(120, 126, 145);
const ERROR = rgba(255, 80, 80);
/** The HUD's font (assets/fonts), loaded at the two sizes it is drawn at so it stays crisp. */
const FONT_FILE = "fonts/DejaVuSansCondensed-Bold-ascii.ttf";

/** 0xRRGGBBAA (how the Rust systems write colours) to raylib's packed Color. */
export function fromHex(c: number): Color {
  return rgba((c >>> 24) & 255, (c >>> 16) & 255, (c >>> 8) & 255, c & 255);
}

/**
 * The game's pictures, fonts and sounds, by the names its systems use: with a window and without
 * one (headless, a name is registered and what names it draws or plays nothing), since Rust's
 * draw_coins and collect_coins run either way. The music plays from the start, looping.
 */
export function GameAssets(app: App): void {
  loadTexture(app, "coin", "sprites/coin.png"); // Rust's draw_coins draws its frames
  loadFont(app, "hud", FONT_FILE, 24);
  loadFont(app, "hud-small", FONT_FILE, 16);
  // The RaylibPlugin brought an AudioPlugin; headless, this one is the silent stand-in.
  if (!app.hasResource(Audio)) app.addPlugins(AudioPlugin());
  const audio = app.resource(Audio);
  audio.sounds.load("sounds/coin.wav", { volume: 0.7 }); // Rust's collect_coins plays it
  audio.music.load("music/theme.qoa", { volume: 0.4 });
  app.addSystems(Startup, () => audio.music.play("music/theme.qoa"));
}

/** Opens the window and adds the example's Render systems. */
export function WindowedExample(): (app: App) => void {
  return function windowedExample(app: App) {
    app.addPlugins(RaylibPlugin({ width: VIEW.width, height: VIEW.height, title: "hotloop: bevy-like", clearColor: BACKGROUND }));
    const draw = drawListOf(app);
    const hud = draw.screen;
    // The player and anything else round; the coins are Rust's (draw_coins).
    const drawn = defineQuery(app.world, [Position, PrevPosition, Appearance]);
    const lerp = (a: number, b: number, t: number) => a + (b - a) * t;
    const text = (line: string, x: number, y: number, size: 16 | 24, color: Color) => hud.textFont(size === 24 ? "hud" : "hud-small", line, x, y, size, 0, color);

    app.addSystems(
      Render,
      function draw_world() {
        for (let x = 0; x <= ARENA.width; x += 50) draw.line(x, 0, x, ARENA.height, 1, GRID);
        for (let y = 0; y <= ARENA.height; y += 50) draw.line(0, y, ARENA.width, y, 1, GRID);
        draw.rectLines(0, 0, ARENA.width, ARENA.height, BORDER);
      },
      system(function draw_entities({ time, world }: SystemContext) {
        const t = time.overstep;
        for (const e of drawn.ids()) {
          if (hasComponent(world, e, Coin)) continue;
          const x = lerp(PrevPosition.x[e]!, Position.x[e]!, t);
          const y = lerp(PrevPosition.y[e]!, Position.y[e]!, t);
          const r = Appearance.radius[e]!;
          draw.circle(x, y, r, fromHex(Appearance.color[e]!));
          draw.circleLines(x, y, r + 2, Colors.RAYWHITE);
        }
      }).after("draw_world"),
      system(function draw_hud({ resource, app }: SystemContext) {
        const reloader = app.getResource(HotReloader);
        text(`score ${resource(Score).value}`, 12, 8, 24, Colors.GOLD);
        const status = reloader ? `systems v${reloader.version}${reloader.reloading ? " (hot)" : ""}` : "no hot systems";
        text(`FPS ${Math.round(1 / Math.max(app.time.frameDelta, 1e-6))}   ${status}`, 12, 38, 16, TEXT);
        const last = reloader?.events.findLast((e) => e.type === "reload" || e.type === "panic");
        if (last?.type === "reload" && last.status === "ok") {
          text(`last reload: ${last.totalMs.toFixed(1)} ms -> v${last.version}`, 12, 58, 16, TEXT);
        } else if (last) {
          text(clip(describeFailure(last)), 12, 58, 16, ERROR);
        }
        const state = app.state(GameState);
        if (state === GameState.Playing) {
          text(`${Math.ceil(resource(Round).seconds_left)} s`, VIEW.width - 70, 8, 24, TEXT);
          text("arrows / WASD / gamepad to move", 12, VIEW.height - 26, 16, HINT);
        } else {
          const title = state === GameState.Menu ? "collect the coins" : `game over: ${resource(Score).value} coins`;
          text(title, VIEW.width / 2 - 130, VIEW.height / 2 - 60, 24, Colors.GOLD);
          text(state === GameState.Menu ? "an arrow key, Enter, Space or a gamepad to play" : "Enter, Space or A for the menu", VIEW.width / 2 - 170, VIEW.height / 2 - 24, 16, TEXT);
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
