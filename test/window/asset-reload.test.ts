// Assets that reload when saved (issue 25), under Xvfb: a texture's file saved while the game runs
// is loaded again at the next frame boundary, in place, and its sprite draws the new image; a
// file that cannot be loaded is one line and the old image stays. What is on the screen is read
// back right before EndDrawing.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { App, Assets, drawListOf, ManualClock, Render } from "../../src/core/index.ts";
import { watchAssets, type AssetLine } from "../../src/render/asset-reload.ts";
import { RaylibPlugin } from "../../src/render/plugin.ts";
import { Colors, colorToString, loadRaylib, Raylib, rgba } from "../../src/render/raylib.ts";
import { loadTexture } from "../../src/render/textures.ts";
import { writePng } from "../support/png.ts";
import { captureScreens } from "../support/screens.ts";
import { skipWindowTests } from "../support/window-env.ts";

/** An 8 x 8 image of one colour. */
function solid(path: string, [r, g, b]: [number, number, number]): void {
  const pixels = new Uint8Array(8 * 8 * 4);
  for (let i = 0; i < 64; i++) pixels.set([r, g, b, 255], i * 4);
  writePng(path, 8, 8, pixels);
}

describe.skipIf(skipWindowTests({ display: "answering" }))("a texture saved while the game runs (Xvfb)", () => {
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
      expect(lines.find((l) => l.type === "warning")).toMatchObject({ file: "dot.png", message: expect.stringMatching(/^texture "dot" could not be loaded again \(raylib could not load texture "dot" from .*dot\.png .*\); the old image stays$/) });
      await frame();
      expect(sprite()).toBe(colorToString(rgba(0, 0, 255)));
    } finally {
      screens.stop();
      app.shutdown();
    }
  });
});
