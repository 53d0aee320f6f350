// Assets that reload when saved (issue 25), under Xvfb: a texture's or a font's file saved while the
// game runs is loaded again at the next frame boundary, in place, and its sprite or text draws the
// new one; a file that cannot be loaded is one line and the old one stays. What is on the screen is
// read back right before EndDrawing.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { App, Assets, drawListOf, ManualClock, Render } from "../../src/core/index.ts";
import { watchAssets, type AssetLine } from "../../src/render/asset-reload.ts";
import { RaylibPlugin } from "../../src/render/plugin.ts";
import { Colors, colorToString, loadRaylib, Raylib, rgba } from "../../src/render/raylib.ts";
import { loadFont } from "../../src/render/fonts.ts";
import { loadTexture } from "../../src/render/textures.ts";
import { writePng } from "../support/png.ts";
import type { ScreenPixels } from "../../src/render/raylib.ts";
import { captureScreens } from "../support/screens.ts";
import { skipWindowTests } from "../support/window-env.ts";

/** An 8 x 8 image of one colour. */
function solid(path: string, [r, g, b]: [number, number, number]): void {
  const pixels = new Uint8Array(8 * 8 * 4);
  for (let i = 0; i < 64; i++) pixels.set([r, g, b, 255], i * 4);
  writePng(path, 8, 8, pixels);
}

describe.skipIf(skipWindowTests({ display: "answering" }))("assets saved while the game runs (Xvfb)", () => {
  const dir = mkdtempSync(join(tmpdir(), "hotloop-asset-reload-"));
  beforeAll(async () => {
    await loadRaylib();
  }, 10 * 60_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test("the new image is drawn from the frame after the save; a broken file leaves the old one", async () => {
    const file = join(dir, "dot.png");
    solid(file, [255, 0, 0]);
    const clock = new ManualClock();
    const app = new App({ clock });
    app.insertResource(new Assets(dir));
    app.addPlugins(RaylibPlugin({ width: 100, height: 80, title: "asset reload test", clearColor: Colors.RAYWHITE }));
    loadTexture(app, "dot", "dot.png");
    const lines: AssetLine[] = [];
    watchAssets(app, (line) => void lines.push(line));
    app.addSystems(Render, () => drawListOf(app).sprite("dot", 20, 20, 2));
    const rl = app.resource(Raylib);
    const screens = captureScreens(rl);
    const seen = screens.seen;
    const frame = async () => {
      clock.advance(16);
      app.update();
      await Bun.sleep(5); // the watcher's events come on the event loop
    };
    const sprite = () => colorToString(seen.at(-1)!.at(27, 27));
    const until = async (done: () => boolean, what: string) => {
      for (let i = 0; i < 400 && !done(); i++) await frame();
      if (!done()) throw new Error(`no ${what}: ${JSON.stringify(lines)}`);
    };
    try {
      await frame();
      expect(sprite()).toBe(colorToString(rgba(255, 0, 0)));
      solid(file, [0, 0, 255]);
      await until(() => lines.some((l) => l.type === "info"), "reload line");
      expect(lines[0]).toMatchObject({ type: "info", message: expect.stringMatching(/^reloaded texture "dot" from dot\.png \([\d.]+ ms after the save was seen\)$/) });
      await frame();
      expect(sprite()).toBe(colorToString(rgba(0, 0, 255)));
      writeFileSync(file, "not a png at all");
      await until(() => lines.some((l) => l.type === "warning"), "the warning");
      expect(lines.find((l) => l.type === "warning")).toMatchObject({ file: "dot.png", message: expect.stringMatching(/^texture "dot" could not be loaded again \(raylib could not load texture "dot" from .*dot\.png .*\); the old texture stays$/) });
      await frame();
      expect(sprite()).toBe(colorToString(rgba(0, 0, 255)));
    } finally {
      screens.stop();
      app.shutdown();
    }
  });

  test("a font saved over is drawn in the new font from the frame after; one that is not a font leaves the old", async () => {
    const fonts = join(import.meta.dir, "../fixtures/fonts");
    const assets = join(dir, "font-assets");
    mkdirSync(join(assets, "fonts"), { recursive: true });
    const file = join(assets, "fonts", "ui.ttf");
    copyFileSync(join(fonts, "DejaVuSansMono-ascii.ttf"), file);
    const clock = new ManualClock();
    const app = new App({ clock });
    app.insertResource(new Assets(assets));
    app.addPlugins(RaylibPlugin({ width: 160, height: 60, title: "font reload test", clearColor: Colors.RAYWHITE }));
    loadFont(app, "ui", "fonts/ui.ttf", 20);
    const lines: AssetLine[] = [];
    watchAssets(app, (line) => void lines.push(line));
    app.addSystems(Render, () => drawListOf(app).textFont("ui", "Reload 42", 10, 10, 20, 0, Colors.BLACK));
    const rl = app.resource(Raylib);
    const screens = captureScreens(rl);
    const frame = async () => {
      clock.advance(16);
      app.update();
      await Bun.sleep(5);
    };
    const until = async (done: () => boolean, what: string) => {
      for (let i = 0; i < 400 && !done(); i++) await frame();
      if (!done()) throw new Error(`no ${what}: ${JSON.stringify(lines)}`);
    };
    /** The text's pixels (1 where not the background), row by row. */
    const ink = (screen: ScreenPixels) => {
      let out = "";
      for (let y = 8; y < 36; y++) for (let x = 8; x < 150; x++) out += screen.at(x, y) === Colors.RAYWHITE ? "0" : "1";
      return out;
    };
    try {
      await frame();
      const mono = ink(screens.seen.at(-1)!);
      expect(mono).toContain("1");
      writeFileSync(file, readFileSync(join(fonts, "DejaVuSerif-Bold-ascii.ttf")));
      await until(() => lines.some((l) => l.type === "info"), "reload line");
      expect(lines[0]).toMatchObject({ type: "info", message: expect.stringMatching(/^reloaded font "ui" from fonts\/ui\.ttf \([\d.]+ ms after the save was seen\)$/) });
      await frame();
      const serif = ink(screens.seen.at(-1)!);
      expect(serif).toContain("1");
      expect(serif).not.toBe(mono);
      writeFileSync(file, "not a font at all");
      await until(() => lines.some((l) => l.type === "warning"), "the warning");
      expect(lines.filter((l) => l.type === "warning")).toEqual([
        { type: "warning", file: "fonts/ui.ttf", message: `font "ui" could not be loaded again (raylib could not load font "ui" from ${file}: it is not a TrueType or OpenType font); the old font stays` },
      ]);
      await frame();
      expect(ink(screens.seen.at(-1)!)).toBe(serif);
    } finally {
      screens.stop();
      app.shutdown();
    }
  });
});
