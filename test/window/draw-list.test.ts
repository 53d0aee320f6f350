// The draw list drawn by the RaylibPlugin under Xvfb: shapes, text and sprites written in a
// Render system come out on the screen, drawn after the Render systems in one call; textures
// loaded before the window opens load with it; shutdown unloads them. Skips (one line) without a
// display or a raylib.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { deflateSync } from "node:zlib";
import { App, drawListOf, ManualClock, Render } from "../../src/core/index.ts";
import { RaylibPlugin } from "../../src/render/plugin.ts";
import { Colors, colorToString, loadRaylib, Raylib, rgba, type ScreenPixels } from "../../src/render/raylib.ts";
import { loadTexture, textureSize } from "../../src/render/textures.ts";
import { captureScreens } from "../support/screens.ts";
import { skipWindowTests } from "../support/window-env.ts";

const BUILD_TIMEOUT_MS = 10 * 60_000;

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 255]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** A PNG of `size` x `size` pixels of one color (RGBA8), as raylib's LoadTexture reads it. */
function solidPng(size: number, [r, g, b, a]: [number, number, number, number]): Buffer {
  const chunk = (type: string, data: Buffer): Buffer => {
    const body = Buffer.concat([Buffer.from(type, "ascii"), data]);
    const out = Buffer.alloc(body.length + 8);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(crc32(body), body.length + 4);
    return out;
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr.set([8, 6, 0, 0, 0], 8); // 8 bits, RGBA, deflate, no filter method, no interlace
  const rows = Buffer.alloc(size * (1 + size * 4));
  for (let y = 0; y < size; y++) for (let x = 0; x < size; x++) rows.set([r, g, b, a], y * (1 + size * 4) + 1 + x * 4);
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([signature, chunk("IHDR", ihdr), chunk("IDAT", deflateSync(rows)), chunk("IEND", Buffer.alloc(0))]);
}

/** Whether any pixel of the box [x0, x1) x [y0, y1) has `color`. */
function anyPixel(screen: ScreenPixels, x0: number, y0: number, x1: number, y1: number, color: number): boolean {
  for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) if (screen.at(x, y) === color) return true;
  return false;
}

describe.skipIf(skipWindowTests({ display: "answering" }))("the draw list in a window (Xvfb)", () => {
  const dir = mkdtempSync(join(tmpdir(), "hotloop-draw-list-window-"));
  beforeAll(async () => {
    await loadRaylib(); // build or find raylib off the event loop; the plugin then loads it at once
  }, BUILD_TIMEOUT_MS);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test("shapes, text and sprites come out on the screen, drawn in one call after Render", () => {
    writeFileSync(join(dir, "blue.png"), solidPng(8, [0, 0, 255, 255]));
    writeFileSync(join(dir, "teal.png"), solidPng(4, [0, 128, 128, 255]));
    const clock = new ManualClock();
    const app = new App({ clock });
    loadTexture(app, "teal", join(dir, "teal.png")); // before the window: loaded when it opens
    app.addPlugins(RaylibPlugin({ width: 200, height: 150, title: "draw list test", clearColor: Colors.RAYWHITE }));
    loadTexture(app, "blue", join(dir, "blue.png"));
    expect(textureSize(app, "teal")).toEqual([4, 4]);
    expect(textureSize(app, "blue")).toEqual([8, 8]);

    const rl = app.resource(Raylib);
    // The list is drawn after the Render systems, right before EndDrawing: the screen is read there.
    const screens = captureScreens(rl);
    try {
      drawAndCheck(app, clock, screens.seen);
    } finally {
      screens.stop();
      app.shutdown();
    }
    expect(textureSize(app, "blue")).toBeUndefined(); // unloaded before the window closed
    expect(rl.isWindowReady()).toBe(false);
  });
});

/** Draws a frame of everything through the list, then one of nothing, checking the screen of each. */
function drawAndCheck(app: App, clock: ManualClock, seen: ScreenPixels[]): void {
  const blue = rgba(0, 0, 255);
  const teal = rgba(0, 128, 128);
  let lenInRender = -1;
  app.addSystems(Render, function drawThings() {
    const draw = drawListOf(app);
    draw.rect(10, 10, 40, 30, Colors.RED);
    draw.circle(100, 40, 15, Colors.GREEN);
    draw.line(10, 60, 60, 60, 4, Colors.MAROON);
    draw.rectLines(60, 80, 30, 20, Colors.PURPLE);
    draw.circleLines(30, 110, 12, Colors.DARKBLUE);
    draw.text("HI", 150, 10, 20, Colors.BLACK);
    draw.sprite("blue", 150, 100, 2);
    draw.sprite("teal", 120, 60, 1, 0);
    lenInRender = draw.len;
  });
  clock.advance(16);
  app.update();
  expect(lenInRender).toBe(8);
  expect(drawListOf(app).len).toBe(0); // cleared at the frame's end
  const screen = seen.at(-1)!;
  const at = (x: number, y: number) => colorToString(screen.at(x, y));
  expect(at(30, 25)).toBe(colorToString(Colors.RED));
  expect(at(100, 40)).toBe(colorToString(Colors.GREEN));
  expect(at(35, 60)).toBe(colorToString(Colors.MAROON));
  expect(at(75, 80)).toBe(colorToString(Colors.PURPLE)); // the outline's top edge
  expect(at(75, 90)).toBe(colorToString(Colors.RAYWHITE)); // and its inside
  expect(anyPixel(screen, 28, 96, 33, 101, Colors.DARKBLUE)).toBe(true); // the circle's top
  expect(at(30, 110)).toBe(colorToString(Colors.RAYWHITE));
  expect(anyPixel(screen, 150, 10, 180, 30, Colors.BLACK)).toBe(true);
  expect(at(157, 107)).toBe(colorToString(blue)); // 8 px scaled by 2: 150..166
  expect(at(165, 115)).toBe(colorToString(blue));
  expect(at(168, 118)).toBe(colorToString(Colors.RAYWHITE));
  expect(at(121, 61)).toBe(colorToString(teal));
  expect(at(125, 65)).toBe(colorToString(Colors.RAYWHITE));
  expect(at(190, 140)).toBe(colorToString(Colors.RAYWHITE)); // nothing else was drawn

  // A frame without records draws nothing of the list (the last frame's shapes are gone).
  app.removeSystem(Render, "drawThings");
  clock.advance(16);
  app.update();
  expect(colorToString(seen.at(-1)!.at(30, 25))).toBe(colorToString(Colors.RAYWHITE));
}
