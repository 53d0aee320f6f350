/**
 * The main of a released game (`hotloop release` makes an executable whose entry calls
 * {@link runShippedGame}): the native parts written out and checked (extract.ts), raylib taken
 * from those copies with no toolchain, the hot library loaded once from its copy, the game plugin
 * added, the game run. What a player sees: a window, or a headless run where there is no display;
 * no developer noise; a panic or a crash as one line on stderr and a line in `crash.log` in the
 * game's per-user directory; `--help` and `--version`.
 *
 * `hotloop static` runs a project through this same function, with the build outputs in place of
 * the embedded files, so a developer sees what the release will do before shipping it.
 */
import { appendFileSync } from "node:fs";
import { join } from "node:path";
import { App } from "../core/app.ts";
import { Assets } from "../core/assets.ts";
import { Headless } from "../core/headless.ts";
import type { Plugin } from "../core/plugin.ts";
import { parseKeyScript, ScriptedInputPlugin } from "../core/scripted-input.ts";
import { HotPlugin } from "../hot/plugin.ts";
import { oneLineError } from "../core/errors.ts";
import { formatEvent, type HotEvent } from "../hot/report.ts";
import { provideRaylib } from "../render/build-raylib.ts";
import { displayProblem, WindowOpenError } from "../render/raylib.ts";
import { ScreenshotPlugin } from "../render/screenshot.ts";
import { extractVerified, gameDataDir, type EmbeddedFile } from "./extract.ts";
import { HOTLOOP_OWN } from "../core/resources.ts";

/** What a release records of the game it packs (written by src/dev/release.ts into the entry it compiles). */
export interface ShippedGame {
  /** The package name: the executable's name and the per-user directory's. */
  readonly name: string;
  /** The package's version (`--version` prints it). */
  readonly version: string;
  /** The release build of the hot library, if the game has Rust systems. */
  readonly library?: EmbeddedFile;
  /** raylib and the shim, if the game opens a window. */
  readonly raylib?: {
    /** raylib's shared library. */
    readonly raylib: EmbeddedFile;
    /** hotloop's C shim over it (src/render/shim.c, compiled). */
    readonly shim: EmbeddedFile;
  };
  /** The key script a headless run plays (the project's `"script"`), if any. */
  readonly script?: string;
  /** The project's asset folder, by name (`sprites/ship.png`). */
  readonly assets?: readonly EmbeddedFile[];
}

const USAGE = (g: ShippedGame) => `usage: ${g.name} [options]

options:
  --headless      run without a window (the default where no display exists)
  --demo          play the recorded demo input (what a headless run plays)
  --frames N      stop after N frames
  --fps N         frames per second to aim for (default 60; 0: as fast as it can)
  --screenshot F  save a PNG of the window to F a second in (at frame 60)
  --version       print the version
  -h, --help      print this`;

/** A player's mistake on the command line: one line, exit 2. */
class PlayerUsageError extends Error {}

interface PlayerOptions {
  readonly headless: boolean;
  readonly frames?: number;
  readonly screenshot?: string;
  readonly demo: boolean;
  readonly fps?: number;
}

function parsePlayerArgs(argv: readonly string[]): PlayerOptions | "help" | "version" {
  let headless = false;
  let frames: number | undefined;
  let screenshot: string | undefined;
  let demo = false;
  let fps: number | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "-h" || arg === "--help") return "help";
    if (arg === "--version") return "version";
    if (arg === "--headless") headless = true;
    else if (arg === "--demo") demo = true;
    else if (arg === "--frames") {
      frames = Number(argv[++i]);
      if (!Number.isInteger(frames) || frames < 1) throw new PlayerUsageError(`--frames takes a positive whole number, got ${argv[i] ?? "nothing"}`);
    } else if (arg === "--fps") {
      fps = Number(argv[++i]);
      if (!Number.isFinite(fps) || fps < 0) throw new PlayerUsageError(`--fps takes a number of frames per second (0: as fast as it can), got ${argv[i] ?? "nothing"}`);
    } else if (arg === "--screenshot") {
      screenshot = argv[++i];
      if (!screenshot) throw new PlayerUsageError("--screenshot takes a file name");
    } else throw new PlayerUsageError(`unknown option ${arg}`);
  }
  return { headless, frames, screenshot, demo, fps };
}

/** Runs the game; resolves to the process's exit code. Never throws: a crash is a line and a log entry. */
export async function runShippedGame(game: Plugin, shipped: ShippedGame, argv: readonly string[] = process.argv.slice(2)): Promise<number> {
  let options: ReturnType<typeof parsePlayerArgs>;
  try {
    options = parsePlayerArgs(argv);
  } catch (e) {
    console.error(`${shipped.name}: ${(e as Error).message} (see ${shipped.name} --help)`);
    return 2;
  }
  if (options === "help") {
    console.log(USAGE(shipped));
    return 0;
  }
  if (options === "version") {
    console.log(`${shipped.name} ${shipped.version}`);
    return 0;
  }
  // Why there will be no window, if there will be none (a player's flag, no display, no raylib packed).
  const problem = options.headless ? undefined : shipped.raylib ? displayProblem()?.split(" (")[0] : "the game has no window";
  const headless = options.headless || problem !== undefined;
  // A screenshot that cannot be taken is a mistake on the command line: said before anything is written.
  if (headless && options.screenshot) {
    console.error(`${shipped.name}: --screenshot needs a window, and this run is headless (${problem ?? "--headless"})`);
    return 2;
  }
  let dataDir: string | undefined;
  const crash = (line: string) => {
    console.error(`${shipped.name}: ${line}`);
    if (!dataDir) return;
    try {
      appendFileSync(join(dataDir, "crash.log"), `${new Date().toISOString()} ${shipped.name} ${shipped.version}: ${line}\n`, { mode: 0o600 });
    } catch {
      // Nowhere to write: the line on stderr is all there is.
    }
  };
  // A throw outside a frame (a timer, a promise, an FFI callback) is a crash like one inside it.
  const fatal = (e: unknown) => {
    crash(oneLineError(e));
    process.exit(1);
  };
  process.on("uncaughtException", fatal);
  process.on("unhandledRejection", fatal);
  try {
    dataDir = gameDataDir(shipped.name);
    const natives = join(dataDir, "native");
    const files = [shipped.library, shipped.raylib?.raylib, shipped.raylib?.shim].filter((f): f is EmbeddedFile => f !== undefined);
    const { paths, outcomes } = extractVerified(files, natives);
    for (const [name, outcome] of Object.entries(outcomes)) {
      if (outcome === "repaired") crash(`${paths[name]} did not match the game's copy (damaged or changed): written again from the game`);
    }

    if (problem && shipped.raylib) console.error(`${shipped.name}: no window here (${problem}): running headless`);
    // Whenever the release has raylib, even headless: a game that loads raylib itself finds these copies, never a toolchain.
    if (shipped.raylib) provideRaylib({ raylib: paths[shipped.raylib.raylib.name]!, shim: paths[shipped.raylib.shim.name]! });

    const assetDir = join(dataDir, "assets");
    const assets = new Map(Object.entries(extractVerified(shipped.assets ?? [], assetDir, true).paths));
    const script = shipped.script ? parseKeyScript(await Bun.file(shipped.script).text(), "the game's key script") : undefined;
    const makeApp = (headless: boolean): App => {
      const app = new App();
      if (headless) app.insertResource(new Headless(), HOTLOOP_OWN);
      app.insertResource(new Assets(assetDir, assets), HOTLOOP_OWN);
      try {
        if (shipped.library) app.addPlugins(HotPlugin({ library: paths[shipped.library.name]!, reload: false, reporter: playerReporter(crash) }));
        if ((headless || options.demo) && script) app.addPlugins(ScriptedInputPlugin(script));
        app.addPlugins(game);
        if (options.screenshot) {
          // Taken after the game's draw list, before the buffers swap (see ScreenshotPlugin).
          app.addPlugins(ScreenshotPlugin({ path: options.screenshot, log: (line) => console.error(line.replace(/^hotloop: /, `${shipped.name}: `)) }));
        }
      } catch (e) {
        app.shutdown(); // the hot library's handle and anything the plugins opened
        throw e;
      }
      return app;
    };
    let app: App;
    try {
      app = makeApp(headless);
    } catch (e) {
      // A display that answered but a window that would not open: headless, as hotloop dev does.
      if (!(e instanceof WindowOpenError) || headless) throw e;
      console.error(`${shipped.name}: the window did not open (${e.message.replace(/^hotloop: /, "")}): running headless`);
      app = makeApp(true);
    }
    return await app.run({ targetFps: options.fps ?? 60, maxFrames: options.frames });
  } catch (e) {
    crash(oneLineError(e));
    return 1;
  } finally {
    process.off("uncaughtException", fatal);
    process.off("unhandledRejection", fatal);
  }
}

/** What a player is told of the hot library: panics (one line each, logged), nothing of builds or loads. */
function playerReporter(crash: (line: string) => void): (event: HotEvent) => void {
  return (event) => {
    if (event.type === "panic" || event.type === "warning") crash(formatEvent(event).replace(/^hotloop: /, ""));
  };
}
