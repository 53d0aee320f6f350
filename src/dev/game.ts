/**
 * Runs a project's game the way `hotloop dev` and `hotloop static` do, and the way its tests can:
 * an App with the hot library (HotPlugin), scripted input, the `Headless` marker where there is no
 * window, then the game plugin the project's entry module exports by default.
 */
import { resolve } from "node:path";
import { App } from "../core/app.ts";
import type { Clock } from "../core/clock.ts";
import { Assets } from "../core/assets.ts";
import { Headless } from "../core/headless.ts";
import { isPlugin, type Plugin } from "../core/plugin.ts";
import { parseKeyScript, ScriptedInputPlugin } from "../core/scripted-input.ts";
import { HotPlugin } from "../hot/plugin.ts";
import { HotReloader } from "../hot/reloader.ts";
import { consoleReporter, type LogFormat, type Reporter } from "../hot/report.ts";
import { GameReloader } from "../live/game-reloader.ts";
import { ReplayOnSave } from "../live/replay-on-save.ts";
import { DeterminismCheckPlugin } from "../core/determinism.ts";
import { TimelinePlugin, type TimelineOptions } from "../core/timeline.ts";
import { TimelineControls } from "./timeline-controls.ts";
import { ProjectError, type Project } from "./project.ts";
import { HOTLOOP_OWN } from "../core/resources.ts";

/** How to run a game. */
export interface GameOptions {
  /** Which build of the hot library to load (default debug). */
  readonly profile?: "debug" | "release";
  /** Watch the library and swap each good build in (the `reload` feature); with it, the game's TypeScript is hot too. */
  readonly reload?: boolean;
  /** With `reload`: watch the game's TypeScript modules and apply each good save (default true). */
  readonly watchGame?: boolean;
  /** No window: the app gets the {@link Headless} resource. */
  readonly headless?: boolean;
  /** Stop after this many frames. */
  readonly frames?: number;
  /** Target frames per second (default 60; 0 = unthrottled). */
  readonly fps?: number;
  /** A key script (`<frame> <down|up> <KEY>` per line) played as input. */
  readonly script?: string;
  /** Save a PNG of the window at a frame. */
  readonly screenshot?: {
    /** Where the PNG goes. */
    readonly path: string;
    /** The frame to take it at. */
    readonly frame: number;
  };
  /** How build and reload lines are printed: readable lines, or JSON lines (`--log-format json`). */
  readonly logFormat?: LogFormat;
  /** Where build and reload events go (default: readable lines or JSON lines on stderr). */
  readonly reporter?: Reporter;
  /** A ManualClock in tests. */
  readonly clock?: Clock;
  /** The library to load instead of the project's build output (tests). */
  readonly library?: string;
  /** The seed of the game's GlobalRng (`--seed`); default the App's fixed one. */
  readonly seed?: number;
  /**
   * Keep a timeline of the last seconds (`--timeline`): rewind, step, resume, loop, and with
   * `replayOnSave` re-simulate after each save. Its options, or true for the defaults.
   */
  readonly timeline?: TimelineOptions | boolean;
  /** Run every fixed step twice from a snapshot and name a system whose second run differs (`--check-determinism`). */
  readonly checkDeterminism?: boolean;
}

/** The game plugin of the project: the default export of its entry module. */
export async function loadGamePlugin(project: Project): Promise<Plugin> {
  let module: Record<string, unknown>;
  try {
    module = await import(project.entry);
  } catch (e) {
    if (!(await Bun.file(project.entry).exists())) {
      throw new ProjectError(`${project.show(project.entry)}: no such file (set "hotloop": { "entry": … } in package.json)`);
    }
    throw e;
  }
  const game = module.default;
  if (!isPlugin(game)) {
    throw new ProjectError(`${project.show(project.entry)}: its default export must be the game plugin (export default function game(app: App) { … })`);
  }
  return game;
}

/** Makes the game's App, not yet running. */
export async function createGameApp(project: Project, options: GameOptions = {}): Promise<App> {
  const app = new App({ clock: options.clock, seed: options.seed });
  if (options.headless) app.insertResource(new Headless(), HOTLOOP_OWN);
  app.insertResource(new Assets(project.assets), HOTLOOP_OWN);
  const reporter = options.reporter ?? consoleReporter(options.logFormat ?? "human");
  if (project.crate) {
    app.addPlugins(HotPlugin({ library: options.library ?? project.library(options.profile ?? "debug"), reload: options.reload ?? false, reporter, logFormat: options.logFormat }));
  }
  if (options.script) {
    const path = resolve(project.root, options.script);
    const file = Bun.file(path);
    if (!(await file.exists())) throw new ProjectError(`${options.script}: no such key script`);
    app.addPlugins(ScriptedInputPlugin(parseKeyScript(await file.text(), options.script)));
  }
  try {
    if (options.reload) {
      if (!(await Bun.file(project.entry).exists())) {
        throw new ProjectError(`${project.show(project.entry)}: no such file (set "hotloop": { "entry": … } in package.json)`);
      }
      // The dev runner owns the game plugin: it can build it again after a TypeScript save.
      await GameReloader.start(app, { entry: project.entry, reporter, hot: reloaderOf(app), watch: options.watchGame ?? true, show: (p) => project.show(p), jsonLines: options.logFormat === "json" });
    } else {
      app.addPlugins(await loadGamePlugin(project));
    }
    if (options.screenshot) {
      const { ScreenshotPlugin } = await import("../render/screenshot.ts");
      app.addPlugins(ScreenshotPlugin(options.screenshot));
    }
    if (options.checkDeterminism) {
      app.addPlugins(DeterminismCheckPlugin({ onDivergence: (r) => reporter({ type: "info", message: r.line }) }));
    }
    if (options.timeline) {
      // After the reloaders: a replay after a save runs at the boundary the save applied at, after them.
      const report = (line: string) => reporter({ type: "info", message: line.replace(/^hotloop: /, "") });
      app.addPlugins(TimelinePlugin({ report, ...(options.timeline === true ? {} : options.timeline) }), ReplayOnSave);
      // stdin commands and, with a window, its keys and HUD (raylib's module loaded only then).
      app.addPlugins(TimelineControls({ reporter }));
      if (!options.headless) app.addPlugins((await import("./timeline-window.ts")).TimelineWindow);
    }
  } catch (e) {
    app.shutdown(); // the hot library's shadow copies go now, not at exit
    throw e;
  }
  return app;
}

/** Creates and runs the game until it exits (window closed, `frames` ran); resolves to the exit code. */
export async function runGame(project: Project, options: GameOptions = {}): Promise<number> {
  const app = await createGameApp(project, options);
  return app.run({ targetFps: options.fps ?? 60, maxFrames: options.frames });
}

/** The hot reloader of a running game, if it has hot systems. */
export function reloaderOf(app: App): HotReloader | undefined {
  return app.getResource(HotReloader);
}

/** The TypeScript reloader of a game run with `reload`. */
export function gameReloaderOf(app: App): GameReloader | undefined {
  return app.getResource(GameReloader);
}
