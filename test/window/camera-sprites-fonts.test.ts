// The draw list's camera, sprite-sheet frames and fonts in a real window (Xvfb), read back right
// before EndDrawing: world records land where the app's Camera2D puts them (moved, zoomed,
// rotated: where `camera.worldToScreen` says), screen-space (HUD) records and direct raylib calls
// stay put, and modes switch as the list alternates; a frame of a generated sprite sheet is drawn
// rotated around its origin and tinted; text in a loaded TTF differs from the default font's, and
// a file that is not a font (or a font cut short) is refused with one line. Skips (one line)
// without a display or a raylib.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { App, Camera2D, drawListOf, ManualClock, Render } from "../../src/core/index.ts";
import { fontSize, loadFont } from "../../src/render/fonts.ts";
import { RaylibPlugin } from "../../src/render/plugin.ts";
import { Colors, colorToString, loadRaylib, Raylib, rgba, type Color, type ScreenPixels } from "../../src/render/raylib.ts";
import { loadTexture } from "../../src/render/textures.ts";
import { writePng } from "../support/png.ts";
import { captureScreens } from "../support/screens.ts";
import { skipWindowTests } from "../support/window-env.ts";

const FONTS = join(import.meta.dir, "../fixtures/fonts");
const YELLOW = rgba(255, 255, 0);
const GREEN = rgba(0, 255, 0);
const BLUE = rgba(0, 0, 255);
const MAGENTA = rgba(255, 0, 255);
const WHITE = rgba(255, 255, 255);

/**
 * A 32 x 16 sprite sheet of two frames: frame 0 (x 0..15) white; frame 1 (x 16..31) four 8 x 8
 * quadrants, yellow top-left, green top-right, blue bottom-left, magenta bottom-right.
 */
function writeSheet(path: string): void {
  const pixels = new Uint8Array(32 * 16 * 4);
  for (let y = 0; y < 16; y++) {
    for (let x = 0; x < 32; x++) {
      const quadrant = [YELLOW, GREEN, BLUE, MAGENTA][(y < 8 ? 0 : 2) + ((x - 16) < 8 ? 0 : 1)]!;
      const color = x < 16 ? WHITE : quadrant;
      pixels.set([color & 255, (color >>> 8) & 255, (color >>> 16) & 255, 255], (y * 32 + x) * 4);
    }
  }
  writePng(path, 32, 16, pixels);
}

/** The pixels of a w x h box at (x0, y0) that are not `background`, as a string of 0/1, row by row. */
function ink(screen: ScreenPixels, x0: number, y0: number, w: number, h: number, background: Color): string {
  let out = "";
  for (let y = y0; y < y0 + h; y++) for (let x = x0; x < x0 + w; x++) out += screen.at(x, y) === background ? "0" : "1";
  return out;
}

describe.skipIf(skipWindowTests({ display: "answering" }))("camera, sprite sheets and fonts in a window (Xvfb)", () => {
  const dir = mkdtempSync(join(tmpdir(), "hotloop-camera-window-"));
  beforeAll(async () => {
    await loadRaylib();
  }, 10 * 60_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test("world records go through the camera, HUD records and raylib calls do not; sheet frames and fonts draw", () => {
    writeSheet(join(dir, "sheet.png"));
    const clock = new ManualClock();
    const app = new App({ clock });
    loadFont(app, "mono", join(FONTS, "DejaVuSansMono-ascii.ttf"), 20); // before the window: loaded when it opens
    app.addPlugins(RaylibPlugin({ width: 200, height: 150, title: "camera test", clearColor: Colors.RAYWHITE }));
    loadTexture(app, "sheet", join(dir, "sheet.png"));
    expect(fontSize(app, "mono")).toBe(20);
    const rl = app.resource(Raylib);
    const camera = app.resource(Camera2D);
    const screens = captureScreens(rl);
    const frame = (draw: () => void): ScreenPixels => {
      app.addSystems(Render, function scene() {
        draw();
      });
      clock.advance(16);
      app.update();
      app.removeSystem(Render, "scene");
      return screens.seen.at(-1)!;
    };
    const at = (screen: ScreenPixels, x: number, y: number) => colorToString(screen.at(x, y));
    const is = (color: Color) => colorToString(color);
    try {
      // The scene: world, HUD, world again (the shim switches modes as the list alternates), and a
      // raylib call of a render system, which is never inside the camera.
      const scene = () => {
        const draw = drawListOf(app);
        draw.rect(0, 0, 10, 10, Colors.RED);
        draw.screen.rect(180, 0, 10, 10, Colors.BLUE);
        draw.rect(20, 0, 10, 10, Colors.GREEN);
        rl.drawRectangle(0, 140, 10, 10, Colors.PURPLE);
      };
      // The identity camera (the App's default) draws the world as the screen.
      let screen = frame(scene);
      expect([at(screen, 5, 5), at(screen, 185, 5), at(screen, 25, 5), at(screen, 5, 145)]).toEqual([is(Colors.RED), is(Colors.BLUE), is(Colors.GREEN), is(Colors.PURPLE)]);

      // Moved and zoomed: world (0, 0) at the offset, twice as large; the HUD and raylib's rectangle stay.
      camera.offset = { x: 100, y: 75 };
      camera.zoom = 2;
      screen = frame(scene);
      expect(at(screen, 5, 5)).toBe(is(Colors.RAYWHITE));
      expect(at(screen, 25, 5)).toBe(is(Colors.RAYWHITE));
      expect([at(screen, 101, 76), at(screen, 118, 93), at(screen, 121, 85)]).toEqual([is(Colors.RED), is(Colors.RED), is(Colors.RAYWHITE)]);
      expect([at(screen, 141, 76), at(screen, 158, 93)]).toEqual([is(Colors.GREEN), is(Colors.GREEN)]);
      expect([at(screen, 185, 5), at(screen, 5, 145)]).toEqual([is(Colors.BLUE), is(Colors.PURPLE)]);

      // Rotated a quarter turn around the target: the red square is where worldToScreen says.
      camera.zoom = 1;
      camera.rotation = 90;
      screen = frame(scene);
      const centre = camera.worldToScreen(5, 5);
      expect([Math.round(centre.x), Math.round(centre.y)]).toEqual([95, 80]);
      expect(at(screen, 95, 80)).toBe(is(Colors.RED));
      expect(at(screen, 105, 80)).toBe(is(Colors.RAYWHITE)); // where it was before the turn
      expect(at(screen, 185, 5)).toBe(is(Colors.BLUE));

      // A sprite-sheet frame: frame 1 stretched to 32 x 32, its centre at (60, 60), turned a
      // quarter clockwise: its top-left quadrant (yellow) is now top-right, and so on round.
      camera.rotation = 0;
      camera.offset = { x: 0, y: 0 };
      const frame1 = { x: 16, y: 0, width: 16, height: 16 };
      screen = frame(() => {
        const draw = drawListOf(app);
        draw.spritePro("sheet", frame1, { x: 60, y: 60, width: 32, height: 32 }, { x: 16, y: 16 }, 90);
        draw.spritePro("sheet", { x: 0, y: 0, width: 16, height: 16 }, { x: 120, y: 20, width: 16, height: 16 }, undefined, 0, rgba(0, 128, 255)); // white frame 0, tinted
        draw.screen.spritePro("sheet", frame1, { x: 160, y: 100, width: 16, height: 16 }); // as is
      });
      expect([at(screen, 52, 52), at(screen, 68, 52), at(screen, 68, 68), at(screen, 52, 68)]).toEqual([is(BLUE), is(YELLOW), is(GREEN), is(MAGENTA)]);
      expect(ink(screen, 44, 44, 32, 32, WHITE)).not.toContain("0"); // frame 0 (white) is nowhere in it
      expect([at(screen, 43, 60), at(screen, 77, 60)]).toEqual([is(Colors.RAYWHITE), is(Colors.RAYWHITE)]);
      expect(at(screen, 128, 28)).toBe(is(rgba(0, 128, 255))); // white times the tint
      expect([at(screen, 163, 103), at(screen, 172, 103), at(screen, 163, 112), at(screen, 172, 112)]).toEqual([is(YELLOW), is(GREEN), is(BLUE), is(MAGENTA)]);

      // Text in the loaded font is not the default font's, at the same place, size and spacing.
      const words = "Hamburg 42";
      screen = frame(() => rl.drawTextEx(rl.getFontDefault(), words, { x: 10, y: 10 }, 20, 0, Colors.BLACK)); // raylib's DrawTextEx, default font
      const defaultInk = ink(screen, 10, 10, 120, 24, Colors.RAYWHITE);
      screen = frame(() => drawListOf(app).textFont("mono", words, 10, 10, 20, 0, Colors.BLACK));
      const monoInk = ink(screen, 10, 10, 120, 24, Colors.RAYWHITE);
      expect(monoInk).toContain("1");
      expect(defaultInk).toContain("1");
      expect(monoInk).not.toBe(defaultInk);
      // Drawn through the camera like any world record, and on the screen through `screen`.
      camera.offset = { x: 0, y: 100 };
      screen = frame(() => {
        drawListOf(app).textFont("mono", words, 10, 10, 20, 0, Colors.BLACK);
        drawListOf(app).screen.textFont("mono", words, 10, 10, 20, 0, Colors.BLACK);
      });
      expect(ink(screen, 10, 110, 120, 24, Colors.RAYWHITE)).toBe(monoInk);
      expect(ink(screen, 10, 10, 120, 24, Colors.RAYWHITE)).toBe(monoInk);

      // What is not a font is one line, and a font cut short too (stb_truetype would read past it).
      writeFileSync(join(dir, "bad.ttf"), "not a font at all");
      expect(() => loadFont(app, "bad", join(dir, "bad.ttf"), 20)).toThrow(
        `hotloop: raylib could not load font "bad" from ${join(dir, "bad.ttf")}: it is not a TrueType or OpenType font`,
      );
      const font = readFileSync(join(FONTS, "DejaVuSansMono-ascii.ttf"));
      writeFileSync(join(dir, "cut.ttf"), font.subarray(0, 2000));
      expect(() => loadFont(app, "cut", join(dir, "cut.ttf"), 20)).toThrow(/: it is cut short \(a table ends past the end of the file\)$/);
      copyFileSync(join(FONTS, "DejaVuSansMono-ascii.ttf"), join(dir, "mono.otf.txt"));
      expect(() => loadFont(app, "txt", join(dir, "mono.otf.txt"), 20)).toThrow(/: raylib reads fonts from \.ttf and \.otf files$/);
      expect(fontSize(app, "bad")).toBeUndefined();
    } finally {
      screens.stop();
      app.shutdown();
    }
    expect(fontSize(app, "mono")).toBeUndefined(); // unloaded before the window closed
  });
});
