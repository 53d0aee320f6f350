// The bevy-like example in a real window (Xvfb), as `hotloop dev` makes it, with its real hot
// library: the camera (Rust's camera_follow) follows the player through a world larger than the
// window, the coins are Rust's sprite-sheet frames in the draw list, the HUD is TypeScript's text in
// the game's font on the screen, and the --screenshot PNG holds all of it; the music plays, and a
// coin taken starts its sound (Rust's collect_coins, through Audio): on the machine's device, or
// where there is no sound card (CI) on the silent device.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Camera2D, ManualClock, type App } from "../../src/core/index.ts";
import { Audio } from "../../src/render/audio.ts";
import { Raylib, type ScreenPixels } from "../../src/render/raylib.ts";
import { Coin, Position, PrevPosition, Score } from "../../examples/bevy-like/src/components.ts";
import { ARENA, PlayerEntity, VIEW } from "../../examples/bevy-like/src/gameplay.ts";
import { defineQuery } from "../../src/ecs/index.ts";
import { EXAMPLE_CRATE, exampleApp } from "../support/example.ts";
import { Fixture } from "../support/fixture.ts";
import { readPng, type Png } from "../support/png.ts";
import { skipWindowTests } from "../support/window-env.ts";

const SLOW = 10 * 60_000;
/** The frames looked at: the camera settled on the player at its start, and after it moved right. */
const BEFORE = 20;
const AFTER = 110;

type Rgb = readonly [number, number, number];
const rgbAt = (px: ScreenPixels, x: number, y: number): Rgb => {
  const c = px.at(Math.round(x), Math.round(y));
  return [c & 255, (c >>> 8) & 255, (c >>> 16) & 255];
};
const pngAt = (png: Png, x: number, y: number): Rgb => {
  const i = (Math.round(y) * png.width + Math.round(x)) * 4;
  return [png.rgba[i]!, png.rgba[i + 1]!, png.rgba[i + 2]!];
};
/** The player's blue (player.rs's PLAYER_COLOR, 0x3cb4ff). */
const isPlayer = ([r, g, b]: Rgb) => Math.abs(r - 0x3c) < 8 && Math.abs(g - 0xb4) < 8 && Math.abs(b - 0xff) < 8;
/** The coin's gold (make-assets.ts: 255, 206, 48 in the middle of every frame of the sheet). */
const isCoin = ([r, g, b]: Rgb) => r > 230 && g > 170 && g < 230 && b < 90;
/** The HUD's score text: Colors.GOLD (255, 203, 0), antialiased at its edges. */
const isGoldText = ([r, g, b]: Rgb) => r > 200 && g > 150 && b < 80;

describe.skipIf(skipWindowTests({ display: "answering" }))("the bevy-like example in a window (Xvfb)", () => {
  let crate: Fixture;
  let app: App;
  const dir = mkdtempSync(join(tmpdir(), "hotloop-example-window-"));
  const shot = join(dir, "shot.png");
  const clock = new ManualClock();
  const screens = new Map<number, ScreenPixels>();
  const cameras = new Map<number, { target: { x: number; y: number }; offset: { x: number; y: number } }>();

  beforeAll(async () => {
    crate = new Fixture(EXAMPLE_CRATE);
    await crate.build();
    const script = join(dir, "keys.txt");
    // Right from frame 40 to 70 (a round starts with it), then still while the camera catches up.
    await Bun.write(script, "40 down RIGHT\n70 up RIGHT\n");
    app = await exampleApp({ reload: false, headless: false, library: crate.library, clock, script, screenshot: { path: shot, frame: AFTER } });
    const rl = app.resource(Raylib);
    expect(rl.headless).toBe(false);
    // What the player sees: after the Render systems and the draw list, before the buffers swap.
    rl.beforeEndDrawing.unshift(() => {
      const frame = app.time.frame;
      if (frame !== BEFORE && frame !== AFTER) return;
      screens.set(frame, rl.readScreen());
      const c = app.resource(Camera2D);
      cameras.set(frame, { target: { x: c.target.x, y: c.target.y }, offset: { x: c.offset.x, y: c.offset.y } });
    });
  }, SLOW);

  afterAll(() => {
    app?.shutdown();
    crate?.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  test("the camera follows the player; the coins' sprites move with the world, the HUD stays; the screenshot holds the draw list", () => {
    const step = () => {
      clock.advance(1000 / 64);
      app.update();
    };
    step(); // frame 1: Startup
    // One coin at a world point off the player's path, one on it, the others parked far away.
    const player = app.resource(PlayerEntity).id;
    const world = { x: ARENA.width / 2 + 150, y: ARENA.height / 2 + 110 };
    const [marked, onPath, ...others] = [...defineQuery(app.world, [Coin]).ids()];
    const place = (e: number, x: number, y: number) => {
      Position.x[e] = PrevPosition.x[e] = x;
      Position.y[e] = PrevPosition.y[e] = y;
    };
    place(marked!, world.x, world.y);
    place(onPath!, Position.x[player]! + 40, Position.y[player]!);
    for (const e of others) place(e, 60, 60);
    const audio = app.resource(Audio);
    expect(audio.device).not.toBe("off"); // a device: the machine's, or the silent one
    let coinSoundAt = 0;
    while (app.time.frame < AFTER + 1) {
      step();
      if (!coinSoundAt && audio.sounds.isPlaying("sounds/coin.wav")) coinSoundAt = app.time.frame;
    }
    // The coin on the path was taken (Rust scored it) and its sound started that frame or the next;
    // the music has been playing from the start.
    expect(app.resource(Score).value).toBe(1);
    expect(coinSoundAt).toBeGreaterThan(40); // not before the player moved
    expect(audio.music.isPlaying("music/theme.qoa")).toBe(true);
    expect(audio.music.timePlayed("music/theme.qoa")).toBeGreaterThan(1);

    const before = cameras.get(BEFORE)!;
    const after = cameras.get(AFTER)!;
    // The camera moved right with the player (30 steps at 220 px/s, about 100 px), and looks at it.
    expect(after.target.x - before.target.x).toBeGreaterThan(80);
    expect(after.target.y).toBeCloseTo(before.target.y, 3);
    expect(Math.abs(after.target.x - Position.x[player]!)).toBeLessThan(1);
    expect(after.offset).toEqual({ x: VIEW.width / 2, y: VIEW.height / 2 });

    for (const frame of [BEFORE, AFTER]) {
      const px = screens.get(frame)!;
      const cam = cameras.get(frame)!;
      // The player (TypeScript's circle in the draw list) at the middle of the window.
      expect(isPlayer(rgbAt(px, VIEW.width / 2, VIEW.height / 2))).toBe(true);
      // The coin (Rust's sprite-sheet frame) where the camera puts its world point.
      const onScreen = { x: world.x - cam.target.x + cam.offset.x, y: world.y - cam.target.y + cam.offset.y };
      expect(isCoin(rgbAt(px, onScreen.x, onScreen.y)), `frame ${frame}: coin at ${onScreen.x}, ${onScreen.y}`).toBe(true);
      // ... and not where it would be without the camera's move.
    }
    const coinBefore = world.x - before.target.x + before.offset.x;
    const coinAfter = world.x - after.target.x + after.offset.x;
    expect(coinBefore - coinAfter).toBeGreaterThan(80);
    expect(isCoin(rgbAt(screens.get(AFTER)!, coinBefore, world.y - after.target.y + after.offset.y))).toBe(false);

    // The HUD (screen-space text in the game's font) is the same pixels at both frames.
    const goldText = (px: ScreenPixels) => {
      const at: string[] = [];
      // "score " only: the number changes (the coin on the path is taken between the two frames).
      for (let y = 6; y < 36; y++) for (let x = 10; x < 62; x++) if (isGoldText(rgbAt(px, x, y))) at.push(`${x},${y}`);
      return at;
    };
    const hud = goldText(screens.get(BEFORE)!);
    expect(hud.length).toBeGreaterThan(40);
    expect(goldText(screens.get(AFTER)!)).toEqual(hud);

    // The screenshot of frame AFTER is what the window showed: the draw list's shapes included.
    const png = readPng(shot);
    expect([png.width, png.height]).toEqual([VIEW.width, VIEW.height]);
    expect(isPlayer(pngAt(png, VIEW.width / 2, VIEW.height / 2))).toBe(true);
    expect(isCoin(pngAt(png, coinAfter, world.y - after.target.y + after.offset.y))).toBe(true);
    let same = 0;
    const px = screens.get(AFTER)!;
    for (let y = 0; y < png.height; y += 7) for (let x = 0; x < png.width; x += 7) if (pngAt(png, x, y).join() === rgbAt(px, x, y).join()) same++;
    expect(same / (Math.ceil(png.height / 7) * Math.ceil(png.width / 7))).toBeGreaterThan(0.99);
  }, SLOW);
});
