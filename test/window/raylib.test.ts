// raylib through bun:ffi, in a real window. Needs an X display (`bun run test` starts Xvfb) and a
// raylib; where either is missing the window tests skip with one line (test/support/window-env.ts),
// and the colour tests still run.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync, readFileSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import {
  Colors,
  colorComponents,
  colorToString,
  headlessRaylib,
  InputFlag,
  KeyboardKey,
  loadRaylib,
  MAX_KEYBOARD_KEYS,
  rgba,
  type Raylib,
  type ScreenPixels,
} from "../../src/render/raylib.ts";
import { skipWindowTests } from "../support/window-env.ts";

const WIDTH = 320;
const HEIGHT = 240;
const SCREENSHOT = resolve(import.meta.dir, "..", "..", "screenshots", "raylib-window.png");
/** The first build compiles raylib (about a minute on two cores); later runs hit the cache. */
const BUILD_TIMEOUT_MS = 10 * 60_000;

describe("Color packing (no window)", () => {
  test("rgba packs {r,g,b,a} little-endian, r in the low byte", () => {
    expect(rgba(1, 2, 3, 4)).toBe(0x04030201);
    expect(rgba(255, 255, 255)).toBe(0xffffffff);
    expect(colorComponents(Colors.RED)).toEqual([230, 41, 55, 255]);
    expect(colorComponents(rgba(300, -1, 7, 0))).toEqual([300 & 255, 255, 7, 0]);
  });

  test("the headless stand-in draws nothing and never needs a display", () => {
    const rl = headlessRaylib();
    expect(rl.headless).toBe(true);
    rl.initWindow(64, 32, "headless");
    rl.beginDrawing();
    rl.clearBackground(Colors.BLACK);
    rl.drawRectangle(0, 0, 10, 10, Colors.RED);
    rl.drawTextEx(rl.getFontDefault(), "x", { x: 1.5, y: 2.5 }, 10, 1, Colors.WHITE);
    expect(rl.getMousePosition()).toEqual({ x: 0, y: 0 }); // a struct result reads as zeros
    expect(rl.measureTextEx(rl.getFontDefault(), "x", 10, 1)).toEqual({ x: 0, y: 0 });
    rl.endDrawing();
    expect(rl.windowShouldClose()).toBe(false);
    expect(rl.getScreenWidth()).toBe(64);
    expect(rl.readScreen().at(63, 31)).toBe(0);
    expect(rl.takeScreenshot("/nonexistent/x.png")).toBe(false);
  });
});

describe.skipIf(skipWindowTests({ display: "answering" }))("raylib window (Xvfb)", () => {
  let rl: Raylib;

  beforeAll(async () => {
    rl = await loadRaylib();
    rl.initWindow(WIDTH, HEIGHT, "hotloop raylib test");
  }, BUILD_TIMEOUT_MS);

  afterAll(() => {
    if (rl?.isWindowReady()) rl.closeWindow();
  });

  /** Draws one frame with `draw`, reads it back before EndDrawing (the back buffer is valid then). */
  function frame(draw: () => void, shot?: string): ScreenPixels {
    rl.beginDrawing();
    draw();
    const pixels = rl.readScreen();
    if (shot) expect(rl.takeScreenshot(shot)).toBe(true);
    rl.endDrawing();
    return pixels;
  }

  /** Asserts a pixel, naming both colors on failure. */
  function expectPixel(pixels: ScreenPixels, x: number, y: number, color: number): void {
    expect(`(${x},${y}) ${colorToString(pixels.at(x, y))}`).toBe(`(${x},${y}) ${colorToString(color)}`);
  }

  test("a u32 passed where raylib takes a Color arrives as {r,g,b,a} (x86-64 SysV by-value)", () => {
    const c = rgba(11, 22, 33, 44);
    expect([0, 1, 2, 3].map((i) => rl.shim.hl_color_component(c, i))).toEqual([11, 22, 33, 44]);
    const hi = rgba(250, 128, 1, 255); // high bit set: must not be sign-mangled
    expect([0, 1, 2, 3].map((i) => rl.shim.hl_color_component(hi, i))).toEqual([250, 128, 1, 255]);
  });

  test("the window opens at the asked size", () => {
    expect(rl.isWindowReady()).toBe(true);
    expect(rl.getScreenWidth()).toBe(WIDTH);
    expect(rl.getScreenHeight()).toBe(HEIGHT);
    expect(rl.windowShouldClose()).toBe(false);
  });

  test("a drawn rectangle reads back in its color, the background elsewhere", () => {
    const fill = rgba(230, 41, 55); // raylib RED
    const px = frame(() => {
      rl.clearBackground(Colors.RAYWHITE);
      rl.drawRectangle(40, 30, 100, 60, fill);
    });
    expect(px.width).toBe(WIDTH);
    expect(px.height).toBe(HEIGHT);
    expectPixel(px, 90, 60, fill); // inside
    expectPixel(px, 40, 30, fill); // top-left corner pixel (rows are top-first)
    expectPixel(px, 139, 89, fill); // bottom-right corner pixel
    expectPixel(px, 140, 60, Colors.RAYWHITE); // just right of it
    expectPixel(px, 90, 90, Colors.RAYWHITE); // just below it
    expectPixel(px, 300, 220, Colors.RAYWHITE); // far away
  });

  test("generated wrappers (structs by value) draw where asked", () => {
    const px = frame(() => {
      rl.clearBackground(Colors.BLACK);
      rl.drawRectangleV({ x: 10.5, y: 10.5 }, { x: 20, y: 20 }, Colors.GREEN);
      rl.drawCircleV({ x: 200.25, y: 60.75 }, 20, Colors.BLUE);
      rl.drawLineEx({ x: 0, y: 200 }, { x: 320, y: 200 }, 6, Colors.YELLOW);
      rl.drawRectanglePro({ x: 260, y: 150, width: 20, height: 20 }, { x: 10, y: 10 }, 45, Colors.MAGENTA);
    });
    expectPixel(px, 20, 20, Colors.GREEN);
    expectPixel(px, 200, 60, Colors.BLUE);
    expectPixel(px, 200, 90, Colors.BLACK); // below the circle
    expectPixel(px, 160, 200, Colors.YELLOW);
    expectPixel(px, 260, 150, Colors.MAGENTA); // rotated square's centre
    expectPixel(px, 251, 141, Colors.BLACK); // its unrotated corner, empty once rotated 45°
  });

  test("text is measured and drawn", () => {
    expect(rl.measureText("hotloop", 20)).toBeGreaterThan(40);
    const size = rl.measureTextEx(rl.getFontDefault(), "hotloop", 20, 2); // a Font in, a Vector2 out
    expect(size.x).toBeGreaterThan(40);
    expect(size.y).toBe(20);
    const px = frame(() => {
      rl.clearBackground(Colors.WHITE);
      rl.drawText("HHHH", 10, 10, 40, Colors.BLACK);
    });
    let dark = 0;
    for (let y = 10; y < 50; y++) for (let x = 10; x < 110; x++) if (px.at(x, y) === Colors.BLACK) dark++;
    expect(dark).toBeGreaterThan(100);
  });

  test("input polls in one call: nothing held without a user", () => {
    const keys = new Uint8Array(MAX_KEYBOARD_KEYS).fill(0xff);
    rl.pollKeys(keys);
    expect(keys.every((f) => f === 0)).toBe(true);
    const mouse = new Uint8Array(7).fill(0xff);
    rl.pollMouse(mouse);
    expect(mouse.every((f) => (f & InputFlag.DOWN) === 0)).toBe(true);
    expect(rl.isKeyDown(KeyboardKey.SPACE)).toBe(false);
    expect(rl.getKeyPressed()).toBe(0);
    expect(Number.isInteger(rl.getMouseX())).toBe(true);
  });

  test("a screenshot is written to an absolute path as a PNG of the window", () => {
    mkdirSync(join(SCREENSHOT, ".."), { recursive: true });
    rmSync(SCREENSHOT, { force: true });
    frame(() => {
      rl.clearBackground(Colors.RAYWHITE);
      rl.drawRectangle(40, 30, 100, 60, Colors.RED);
      rl.drawCircle(230, 70, 35, Colors.BLUE);
      rl.drawCircleLines(230, 70, 45, Colors.DARKBLUE);
      rl.drawLine(20, 130, 300, 130, Colors.DARKGRAY);
      rl.drawRectangleLines(20, 150, 280, 70, Colors.DARKGREEN);
      rl.drawText("hotloop + raylib", 34, 172, 20, Colors.BLACK);
    }, SCREENSHOT);
    const png = readFileSync(SCREENSHOT);
    expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    expect(png.readUInt32BE(16)).toBe(WIDTH); // IHDR width
    expect(png.readUInt32BE(20)).toBe(HEIGHT); // IHDR height
  });

  test("frames keep flowing: time advances across EndDrawing", () => {
    const t0 = rl.getTime();
    for (let i = 0; i < 3; i++) frame(() => rl.clearBackground(Colors.BLACK));
    expect(rl.getTime()).toBeGreaterThan(t0);
    expect(rl.getFrameTime()).toBeGreaterThanOrEqual(0);
  });
});
