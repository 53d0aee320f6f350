// Drawing from Rust in a real window (Xvfb): a hot library built by cargo
// (test/fixtures/draw-fixture) moves the camera through ResMut<Camera2D>, draws a frame of a
// sprite sheet in the world with sprite_pro, and on the screen a text in a font loaded from
// TypeScript (text_font) and a square; the pixels read back before EndDrawing show each where it
// belongs, and TypeScript reads the camera Rust wrote. Skips (one line) without a display or raylib.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { App, Camera2D, drawListOf, ManualClock, Render } from "../../src/core/index.ts";
import { formatEvent, HotPlugin, HotReloader, type HotEvent } from "../../src/hot/index.ts";
import { loadFont } from "../../src/render/fonts.ts";
import { RaylibPlugin } from "../../src/render/plugin.ts";
import { Colors, colorToString, loadRaylib, Raylib, rgba, type ScreenPixels } from "../../src/render/raylib.ts";
import { loadTexture } from "../../src/render/textures.ts";
import { Fixture } from "../support/fixture.ts";
import { writePng } from "../support/png.ts";
import { captureScreens } from "../support/screens.ts";
import { skipWindowTests } from "../support/window-env.ts";

const SLOW = 10 * 60_000;
const FONT = join(import.meta.dir, "../fixtures/fonts/DejaVuSansMono-ascii.ttf");
const QUADRANTS = [rgba(255, 255, 0), rgba(0, 255, 0), rgba(0, 0, 255), rgba(255, 0, 255)]; // frame 1: TL, TR, BL, BR

/** A 32 x 16 sheet: frame 0 white, frame 1 in four 8 x 8 quadrants of {@link QUADRANTS}. */
function writeSheet(path: string): void {
  const pixels = new Uint8Array(32 * 16 * 4);
  for (let y = 0; y < 16; y++) {
    for (let x = 0; x < 32; x++) {
      const color = x < 16 ? rgba(255, 255, 255) : QUADRANTS[(y < 8 ? 0 : 2) + (x < 24 ? 0 : 1)]!;
      pixels.set([color & 255, (color >>> 8) & 255, (color >>> 16) & 255, 255], (y * 32 + x) * 4);
    }
  }
  writePng(path, 32, 16, pixels);
}

/** The pixels of a w x h box at (x0, y0) that are not the background, as 0/1, row by row. */
function ink(screen: ScreenPixels, x0: number, y0: number, w: number, h: number): string {
  let out = "";
  for (let y = y0; y < y0 + h; y++) for (let x = x0; x < x0 + w; x++) out += screen.at(x, y) === Colors.RAYWHITE ? "0" : "1";
  return out;
}

describe.skipIf(skipWindowTests({ display: "answering" }))("drawing from Rust (Xvfb, a real cargo build)", () => {
  const dir = mkdtempSync(join(tmpdir(), "hotloop-hot-draw-"));
  let fixture: Fixture;
  beforeAll(async () => {
    await loadRaylib();
    fixture = new Fixture("test/fixtures/draw-fixture");
    await fixture.build();
  }, SLOW);
  afterAll(() => {
    fixture?.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  test("ResMut<Camera2D>, sprite_pro and text_font show on the screen where they belong", async () => {
    writeSheet(join(dir, "sheet.png"));
    const clock = new ManualClock();
    const app = new App({ clock });
    const events: HotEvent[] = [];
    app.addPlugins(RaylibPlugin({ width: 240, height: 160, title: "hot draw test", clearColor: Colors.RAYWHITE }));
    app.addPlugins(HotPlugin({ library: fixture.library, reload: false, reporter: (e) => void events.push(e) }));
    loadTexture(app, "sheet", join(dir, "sheet.png"));
    loadFont(app, "mono", FONT, 20);
    await app.resource(HotReloader).ready();
    const rl = app.resource(Raylib);
    // The same text from TypeScript, beside Rust's, to compare with.
    app.addSystems(Render, () => drawListOf(app).screen.textFont("mono", "Rust 42", 120, 120, 20, 0, Colors.BLACK));
    const screens = captureScreens(rl);
    try {
      clock.advance(16);
      app.update();
      const screen = screens.seen.at(-1)!;
      // Both systems placed in Render by export!, nothing refused or panicked.
      const placements = Object.fromEntries([...app.resource(HotReloader).systems()].map(([name, s]) => [name, s.placement]));
      expect(placements).toEqual({ aim: "Render", scene: "Render after aim" });
      expect(events.filter((e) => e.type === "panic" || e.type === "warning" || e.type === "system").map((e) => formatEvent(e))).toEqual([]);
      expect(app.resource(Camera2D).toJSON()).toEqual({ offset: { x: 100, y: 75 }, target: { x: 0, y: 0 }, rotation: 0, zoom: 2 });

      // The frame: world (-8..8) around the origin, on the screen (84..116, 59..91), turned a
      // quarter clockwise (top-left goes top-right, and so on round).
      const at = (x: number, y: number) => colorToString(screen.at(x, y));
      const [yellow, green, blue, magenta] = QUADRANTS;
      expect([at(92, 67), at(108, 67), at(108, 83), at(92, 83)]).toEqual([blue!, yellow!, green!, magenta!].map(colorToString));
      expect([at(82, 75), at(118, 75), at(100, 57), at(100, 93)]).toEqual(Array(4).fill(colorToString(Colors.RAYWHITE)));

      // The HUD: the square at its screen place, not moved or zoomed by the camera.
      expect([at(230, 5), at(236, 5)]).toEqual([colorToString(Colors.BLUE), colorToString(Colors.RAYWHITE)]);
      // Rust's text is in the font: the very pixels of TypeScript's same text in that font
      // (which test/window/camera-sprites-fonts.test.ts tells from the default font's).
      const rust = ink(screen, 10, 118, 100, 26);
      expect(rust).toContain("1");
      expect(rust).toBe(ink(screen, 120, 118, 100, 26));
    } finally {
      screens.stop();
      app.shutdown();
    }
  }, SLOW);
});
