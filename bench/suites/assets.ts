/**
 * assets: save → visible for an asset under `hotloop dev --features reload` (src/render/asset-reload.ts).
 *
 * A game in a window draws a texture from its asset folder through the draw list at 60 frames a
 * second (paced in real time, as `hotloop dev` paces); a new version of the image is written over
 * the file, and the time is taken from just before the write to the end of the first frame whose
 * screen (read back before the buffers swap) shows the new pixels. Each save is one sample. What
 * it is made of: the file watcher's event, the quiet period that lets a save finish being written
 * (30 ms), the wait for the next frame boundary, the load and upload of the image, and the frame.
 *
 * Needs a GL context (bench/window.ts). Run directly (`bun bench/suites/assets.ts [--saves N]`) it
 * measures in this process and prints the figures as one JSON line.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { App, Assets, drawListOf, ManualClock, Render } from "../../src/core/index.ts";
import { watchAssets, type AssetLine } from "../../src/render/asset-reload.ts";
import { RaylibPlugin } from "../../src/render/plugin.ts";
import { Colors, loadRaylib, Raylib, rgba } from "../../src/render/raylib.ts";
import { loadTexture } from "../../src/render/textures.ts";
import { writePng } from "../../test/support/png.ts";
import { fmt, median, percentile } from "../lib.ts";
import type { Suite } from "../suite.ts";
import { glRenderer, measureFileUnderXvfb, windowWhere } from "../window.ts";

const SAVES = 15;
const QUICK_SAVES = 4;
const FRAME_MS = 1000 / 60;

/** What one run measures. */
export interface AssetFigures {
  /** Saves timed. */
  readonly saves: number;
  /** Median save → the first frame showing the new image, ms. */
  readonly visible_ms: number;
  /** 90th percentile of the same. */
  readonly visible_p90_ms: number;
  /** Fastest and slowest save. */
  readonly min_ms: number;
  readonly max_ms: number;
  /** GL_RENDERER of the context measured in. */
  readonly renderer: string;
}

/** A run that could not measure, and why (one line). */
export interface AssetSkipped {
  readonly skipped: string;
}

/** An image of one colour, written over `file` as an editor's save does. */
function save(file: string, [r, g, b]: readonly number[]): void {
  const pixels = new Uint8Array(16 * 16 * 4);
  for (let i = 0; i < 256; i++) pixels.set([r!, g!, b!, 255], i * 4);
  writePng(file, 16, 16, pixels);
}

/** Opens a window here and times `saves` saves. */
export async function measureAssets(saves: number): Promise<AssetFigures> {
  await loadRaylib();
  const dir = mkdtempSync(join(tmpdir(), "hotloop-bench-assets-"));
  const file = join(dir, "dot.png");
  save(file, [255, 0, 0]);
  const clock = new ManualClock();
  const app = new App({ clock });
  app.insertResource(new Assets(dir));
  app.addPlugins(RaylibPlugin({ width: 96, height: 64, title: "hotloop bench: assets", clearColor: Colors.RAYWHITE }));
  loadTexture(app, "dot", "dot.png");
  const lines: AssetLine[] = [];
  watchAssets(app, (line) => void lines.push(line));
  app.addSystems(Render, () => drawListOf(app).sprite("dot", 16, 16, 2));
  const rl = app.resource(Raylib);
  let shown = 0;
  rl.beforeEndDrawing.push(() => void (shown = rl.readScreen().at(30, 30)));
  let next = performance.now();
  const frame = async () => {
    clock.advance(FRAME_MS);
    app.update();
    next += FRAME_MS;
    await Bun.sleep(Math.max(0, next - performance.now())); // 60 frames a second, in real time
  };
  const colors = [[0, 0, 255], [0, 160, 0], [255, 0, 255], [255, 128, 0]] as const;
  const times: number[] = [];
  let renderer = "unknown";
  try {
    renderer = glRenderer(); // while the window's context is current
    for (let i = 0; i < 10; i++) await frame();
    for (let s = 0; s < saves; s++) {
      const color = colors[s % colors.length]!;
      const want = rgba(color[0], color[1], color[2]);
      const t0 = performance.now();
      save(file, color);
      for (let f = 0; f < 600 && shown !== want; f++) await frame();
      if (shown !== want) throw new Error(`bench: assets: save ${s + 1} never showed (${JSON.stringify(lines.at(-1))})`);
      times.push(performance.now() - t0);
      for (let i = 0; i < 8; i++) await frame(); // let the watcher settle between saves
    }
  } finally {
    app.shutdown();
    rmSync(dir, { recursive: true, force: true });
  }
  return {
    saves,
    visible_ms: median(times),
    visible_p90_ms: percentile(times, 90),
    min_ms: Math.min(...times),
    max_ms: Math.max(...times),
    renderer,
  };
}

export const assetsSuite: Suite<AssetFigures | AssetSkipped> = {
  async run(options) {
    const { skip, xvfb } = windowWhere();
    if (skip !== undefined) {
      console.error(`bench: assets skipped: ${skip}`);
      return { skipped: skip };
    }
    const saves = options.quick ? QUICK_SAVES : SAVES;
    return xvfb ? measureFileUnderXvfb<AssetFigures>(import.meta.path, "assets", options.measure, ["--saves", String(saves)]) : measureAssets(saves);
  },
  rows(f) {
    if ("skipped" in f) return [{ suite: "assets", figure: "skipped", value: "-", context: f.skipped }];
    return [
      {
        suite: "assets",
        figure: "texture saved → the first frame showing it (hotloop dev --features reload)",
        value: `${fmt(f.visible_ms)} ms`,
        context: `median of ${f.saves} saves at 60 fps (p90 ${fmt(f.visible_p90_ms)} ms, ${fmt(f.min_ms)}–${fmt(f.max_ms)} ms): the watcher's event, a 30 ms quiet period, the next frame boundary, the load, the frame (${f.renderer})`,
        spread: ["visible_ms"],
      },
    ];
  },
};

if (import.meta.main) {
  const i = process.argv.indexOf("--saves");
  console.log(JSON.stringify(await measureAssets(Number(i >= 0 ? process.argv[i + 1] : SAVES))));
  process.exit(0);
}
