/**
 * Saves a PNG of the window at one frame: `hotloop dev --screenshot shot.png` uses it, and so can
 * a test. Added after the RaylibPlugin, it runs after the plugin has drawn the frame's draw list,
 * before the buffers swap, so the picture has everything the frame drew.
 */
import { resolve } from "node:path";
import { Render, type App } from "../core/index.ts";
import { Raylib } from "./raylib.ts";

/** Options of {@link ScreenshotPlugin}. */
export interface ScreenshotOptions {
  /** Where the PNG goes (relative paths from the working directory). */
  readonly path: string;
  /** The frame to take it at (default 60: a second in). */
  readonly frame?: number;
  /** Where the one line about it goes (default stderr). */
  readonly log?: (line: string) => void;
}

/** Takes one screenshot at `frame`; needs the RaylibPlugin (headless it draws nothing and says so). */
export function ScreenshotPlugin(options: ScreenshotOptions): (app: App) => void {
  return function screenshotPlugin(app: App) {
    const path = resolve(options.path);
    const frame = options.frame ?? 60;
    const log = options.log ?? ((line: string) => console.error(line));
    const take = (rl: Raylib) => log(rl.takeScreenshot(path) ? `hotloop: screenshot saved to ${path}` : `hotloop: could not save a screenshot to ${path} (headless, or the directory is not writable)`);
    // With the RaylibPlugin added first, the picture is taken after its draw list too, right
    // before the buffers swap: what the player sees. Otherwise at the end of Render.
    const added = app.getResource(Raylib);
    if (added) {
      added.beforeEndDrawing.push(() => {
        if (app.time.frame === frame) take(added);
      });
      return;
    }
    app.aroundSchedule(Render, undefined, ({ time }) => {
      if (time.frame !== frame) return;
      const rl = app.getResource(Raylib);
      if (!rl) return log(`hotloop: no screenshot: the app has no RaylibPlugin`);
      take(rl);
    });
  };
}
