/**
 * The bevy-like example in a real window (Xvfb in CI): scripted keys move the player through the
 * world, the camera keeps it in the middle of the screen; then the Rust system's colour is edited and
 * rebuilt, and the next frames show the new colour with the player where it was. Skipped (one
 * line) without a display or a raylib. (test/window/example-camera.test.ts looks at the camera,
 * the coins' sprites and the HUD.)
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync } from "node:fs";
import { resolve } from "node:path";
import { ManualClock, type App } from "../../src/core/index.ts";
import { HotReloader } from "../../src/hot/index.ts";
import { Raylib, type ScreenPixels } from "../../src/render/index.ts";
import { Position } from "../../examples/bevy-like/src/components.ts";
import { PlayerEntity, VIEW } from "../../examples/bevy-like/src/gameplay.ts";
import { EXAMPLE_CRATE, exampleApp, stepFrames } from "../support/example.ts";
import { Fixture } from "../support/fixture.ts";
import { skipWindowTests } from "../support/window-env.ts";

const SLOW = 300_000;
const SHOTS = resolve(import.meta.dir, "../../screenshots");
const BLUE = [0x3c, 0xb4, 0xff]; // PLAYER_COLOR in examples/bevy-like/systems/src/player.rs
const PINK = [0xff, 0x3c, 0x8c];

/** Pixels of exactly this colour: how many, and their centre. */
function find(pixels: ScreenPixels, [r, g, b]: number[]): { count: number; x: number; y: number } {
  let count = 0, sx = 0, sy = 0;
  const d = pixels.data;
  for (let y = 0; y < pixels.height; y++) {
    for (let x = 0; x < pixels.width; x++) {
      const i = (y * pixels.width + x) * 4;
      if (d[i] === r && d[i + 1] === g && d[i + 2] === b) {
        count++;
        sx += x;
        sy += y;
      }
    }
  }
  return { count, x: count ? sx / count : NaN, y: count ? sy / count : NaN };
}

describe.skipIf(skipWindowTests({ display: "answering" }))("bevy-like example in a window", () => {
  let crate: Fixture;
  let app: App;
  const clock = new ManualClock();
  let capture: { path: string; pixels?: ScreenPixels } | undefined;

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    crate = new Fixture(EXAMPLE_CRATE);
    await crate.build();
    const script = resolve(crate.dir, "keys.txt");
    await Bun.write(script, "2 down RIGHT\n42 up RIGHT\n");
    app = await exampleApp({ reload: true, headless: false, library: crate.library, clock, script, reporter: () => {} });
    // Grab the frame right before EndDrawing, after everything was drawn (the draw list too).
    const rl = app.resource(Raylib);
    rl.beforeEndDrawing.push(() => {
      if (!capture) return;
      capture.pixels = rl.readScreen();
      rl.takeScreenshot(capture.path);
    });
    await app.resource(HotReloader).ready();
  }, SLOW);

  afterAll(() => {
    app?.shutdown();
    crate?.cleanup();
  });

  const frames = (n: number) => stepFrames(app, clock, n);

  async function shot(name: string): Promise<ScreenPixels> {
    capture = { path: resolve(SHOTS, name) };
    await frames(1);
    const pixels = capture.pixels!;
    capture = undefined;
    return pixels;
  }

  test("the player moves in the scripted direction, then takes an edited colour where it stood", async () => {
    await frames(1); // frame 1 runs Startup only: no fixed step has styled the player yet
    const player = app.resource(PlayerEntity).id;
    const start = await shot("example-start.png");
    const before = find(start, BLUE);
    expect(before.count).toBeGreaterThan(200); // a filled circle of radius 18
    const xStart = Position.x[player]!;
    await frames(60); // RIGHT held for 40 fixed steps at 220 px/s: about 137 px
    const moved = await shot("example-moved.png");
    const after = find(moved, BLUE);
    expect(after.count).toBeGreaterThan(200);
    expect(Position.x[player]! - xStart).toBeGreaterThan(100); // it moved through the world...
    expect(Math.abs(after.x - VIEW.width / 2)).toBeLessThan(2); // ...and the camera keeps it in the middle
    expect(Math.abs(after.y - before.y)).toBeLessThan(2);
    const xBefore = Position.x[player]!;

    crate.edit("const PLAYER_COLOR: u32 = 0x3c_b4_ff_ff;", "const PLAYER_COLOR: u32 = 0xff_3c_8c_ff;", "src/player.rs");
    await crate.build();
    const reloader = app.resource(HotReloader);
    for (let i = 0; i < 500 && reloader.version < 2; i++) await frames(1);
    expect(reloader.version).toBe(2);
    await frames(2);
    const edited = await shot("example-edited.png");
    expect(find(edited, BLUE).count).toBe(0);
    const pink = find(edited, PINK);
    expect(pink.count).toBeGreaterThan(200);
    expect(Math.abs(pink.x - after.x)).toBeLessThan(2); // same place: state carried over
    expect(Math.abs(pink.y - after.y)).toBeLessThan(2);
    expect(Position.x[player]).toBe(xBefore);
  }, SLOW);
});
