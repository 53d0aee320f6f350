/**
 * Builds and runs the bevy-like example app. Shared by `bun start`, `bun run dev`, `bun run static`
 * and the tests, so every way in runs the same game.
 */
import { resolve } from "node:path";
import { App, ScriptedInputPlugin, parseKeyScript, type Clock } from "../../src/core/index.ts";
import { consoleReporter, HotPlugin, type LogFormat, type Reporter } from "../../src/hot/index.ts";
import { displayProblem } from "../../src/render/raylib.ts";
import { exampleLibrary } from "./paths.ts";

export { exampleLibrary, SYSTEMS_DIR } from "./paths.ts";

/** How to run the example. */
export interface ExampleOptions {
  readonly profile: "debug" | "release";
  /** Watch and swap the library (the `reload` feature). */
  readonly reload: boolean;
  /** No window: print a line every second instead. */
  readonly headless: boolean;
  readonly frames?: number;
  readonly fps?: number;
  /** Path of a key script (`<frame> <down|up> <KEY>` per line). */
  readonly script?: string;
  readonly logFormat?: LogFormat;
  readonly reporter?: Reporter;
  readonly clock?: Clock;
  /** Save a screenshot at this frame (windowed only). */
  readonly screenshot?: { readonly path: string; readonly frame: number };
  /** Library path override (tests). */
  readonly library?: string;
}

/** Makes the example app (not yet running). */
export async function createExample(options: ExampleOptions): Promise<App> {
  const app = new App({ clock: options.clock });
  const reporter = options.reporter ?? consoleReporter(options.logFormat ?? "human");
  app.addPlugins(HotPlugin({ library: options.library ?? exampleLibrary(options.profile), reload: options.reload, reporter }));
  if (options.script) {
    const path = resolve(options.script);
    app.addPlugins(ScriptedInputPlugin(parseKeyScript(await Bun.file(path).text(), options.script)));
  }
  // The game imports the generated names module, which exists once the library was built.
  const { BevyLikeGame } = await import("./game.ts");
  const { HeadlessReport } = await import("./headless.ts");
  app.addPlugins(BevyLikeGame);
  if (options.headless) app.addPlugins(HeadlessReport(60));
  else {
    const { WindowedExample } = await import("./render.ts");
    app.addPlugins(WindowedExample({ screenshot: options.screenshot }));
  }
  return app;
}

/** Creates and runs the example until the window closes or `frames` ran; resolves to the exit code. */
export async function runExample(options: ExampleOptions): Promise<number> {
  const app = await createExample(options);
  return app.run({ targetFps: options.fps ?? 60, maxFrames: options.frames });
}

/** Whether a window can be opened here: an X display that answers (raylib is built for X11). */
export function hasDisplay(): boolean {
  return displayProblem() === undefined;
}
