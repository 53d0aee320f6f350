/**
 * `hotloop dev` and `hotloop static`: build the hot systems, then run the game in this process.
 * With `--features reload`, dev also watches the crate's sources and the components modules,
 * rebuilds on save (codegen first, in a fresh process, when a components module changed), and
 * the game swaps each good build in between frames. One terminal.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import type { App } from "../core/app.ts";
import { buildProject } from "../dev/build.ts";
import type { CrateBuilder } from "../dev/crate-builder.ts";
import { createGameApp, gameReloaderOf, reloaderOf, type GameOptions } from "../dev/game.ts";
import { releaseProject } from "../dev/release.ts";
import { displayProblem } from "../render/raylib.ts";
import { loadProject, ProjectError, type Project } from "../dev/project.ts";
import type { SourceWatcher } from "../dev/watch-sources.ts";
import { devBuilder, watchProject } from "../dev/watch-project.ts";
import { consoleReporter, type Reporter } from "../hot/report.ts";
import { WindowOpenError } from "../render/raylib.ts";
import { parseArgs, parseFeatureList, UsageError } from "./args.ts";
import { GAME_FLAGS, GAME_USAGE, gameOptions } from "./game-args.ts";

export const DEV_USAGE = `usage: hotloop dev [--features reload] [options]

Builds the project's hot systems (debug), then runs the game. With --features reload it watches
the crate's .rs files and the components modules, rebuilds on save and swaps each good build
into the running game between frames; it also watches the game's TypeScript modules and applies
each good save at a frame boundary (a changed component's data migrated with the build that
expects it). A build or module that fails leaves the game on its last good code.

options:
  --features reload        watch, rebuild and swap while the game runs (-F reload)
  --quiet                  the compiler's warnings as a count, not their lines
  --inspect [PORT]         serve the inspector on 127.0.0.1 (any free port, or PORT): entities,
                           resources and systems' times live, values you can edit, every build
                           and reload; the address printed carries the page's token
${GAME_USAGE}`;

/** dev's flags: the game's, and the inspector. */
const DEV_FLAGS = [...GAME_FLAGS, { name: "inspect", value: "number", optionalValue: true } as const, { name: "quiet" } as const];

export const STATIC_USAGE = `usage: hotloop static [options]

Makes the release (as \`hotloop release\` does, into .hotloop/static/) and runs it: the release
build of the hot systems, raylib and its shim, the key script and the assets, bundled and
compiled, written out to the game's per-user directory and checked at launch. No watcher, no
reload: what a player will run.

options (a released game's own):
  --headless      run without a window (the default where no display exists)
  --demo          play the project's key script (what a headless run plays)
  --frames N      stop after N frames
  --fps N         frames per second to aim for (default 60; 0: as fast as it can)
  --screenshot F  save a PNG of the window to F a second in (at frame 60)
  --version       print the game's version`;

/** `hotloop dev`. */
export async function devCommand(argv: readonly string[]): Promise<number> {
  const args = parseArgs(argv, DEV_FLAGS);
  if (args.has("help")) return usage(DEV_USAGE);
  noPositional(args.positional);
  const reload = parseFeatureList(args.flags.get("features") ?? [], ["reload"]).has("reload");
  // A Cargo.toml cargo cannot read fails the build below, said as a compile error is, and the last good build runs.
  const project = await loadProject(undefined, { lastKnownCrate: true });
  const options = gameOptions(args, project, "debug", reload, say(args));
  // Listening before the first build, so the page's history has it; loaded only when asked for.
  const inspector = args.has("inspect") ? (await import("../dev/inspector/inspector.ts")).Inspector.listen({ port: args.number("inspect"), game: project.name }) : undefined;
  const report = inspector ? inspector.tee(consoleReporter(options.logFormat)) : consoleReporter(options.logFormat);
  const builder = devBuilder(project);
  const quiet = args.has("quiet");
  await buildOnce(project, "debug", report, builder, quiet);
  const app = await createApp(project, { ...options, reporter: report }, say(args));
  // Saved images reload in place (a texture's every sprite draws the new one from the next frame).
  if (reload) (await import("../render/asset-reload.ts")).watchAssets(app, report);
  if (inspector) {
    inspector.attach(app);
    say(args)(`inspector at ${inspector.url}`);
  }
  if (!reload || !project.crate) return runGameApp(app, options);

  const sources = watchProject(project, { report, builder: builder!, reloader: reloaderOf(app), game: gameReloaderOf(app), quiet });
  await sources.ready();
  report({ type: "info", message: `watching ${project.show(project.crateDir!)}, ${project.components.map((c) => project.show(c)).join(", ")} and the game's modules (Ctrl-C to stop)` });
  return runGameApp(app, options, sources);
}

/**
 * `hotloop static`: the release itself, made into `.hotloop/static/` and run with the arguments
 * given, so a developer sees exactly what a player will (the bundle included: what works from
 * the sources but not bundled fails here too).
 */
export async function staticCommand(argv: readonly string[]): Promise<number> {
  if (argv.includes("--help") || argv.includes("-h")) return usage(STATIC_USAGE);
  if (argv.some((a) => a === "--features" || a === "-F" || a.startsWith("--features="))) {
    throw new UsageError("--features reload is for hotloop dev (static runs what a release packs, once)");
  }
  // The timeline is a development tool: the release a player runs has none (nor --seed).
  const devOnly = argv.find((a) => /^--(timeline|timeline-seconds|timeline-budget|snapshot-every|replay-on-save|seed|check-determinism)(=|$)/.test(a));
  if (devOnly) throw new UsageError(`${devOnly.split("=")[0]} is for hotloop dev (static runs what a release packs, as a player runs it)`);
  const project = await loadProject();
  // Without a display the game runs headless and needs no raylib: one that cannot be had is no error then.
  const headless = argv.includes("--headless") || displayProblem() !== undefined;
  const release = await releaseProject(project, { out: join(project.root, ".hotloop", "static"), report: consoleReporter("human"), windowIfFound: headless });
  const game = Bun.spawn([release.file, ...argv], { cwd: process.cwd(), stdio: ["inherit", "inherit", "inherit"] });
  return game.exited;
}

/** Builds before a run; without any library afterwards there is nothing to run. */
async function buildOnce(project: Project, profile: "debug" | "release", report: Reporter, builder?: CrateBuilder, quiet = false): Promise<void> {
  if (!project.crate) return;
  const result = await buildProject(project, { profile, report, builder, quiet });
  if (!result.ok && !existsSync(project.library(profile))) throw new ProjectError("no library to run: fix the build errors above");
  if (!result.ok) report({ type: "info", message: `running the last good build of ${project.crate.package}` });
}

/** The game's App; a window that cannot open (after the display answered) falls back to headless. */
async function createApp(project: Project, options: GameOptions, say: (line: string) => void): Promise<App> {
  try {
    return await createGameApp(project, options);
  } catch (e) {
    if (!(e instanceof WindowOpenError) || options.headless) throw e;
    say(`${e.message}; running headless`);
    return createGameApp(project, { ...options, headless: true, script: options.script ?? project.script });
  }
}

async function runGameApp(app: App, options: GameOptions, sources?: SourceWatcher): Promise<number> {
  try {
    return await app.run({ targetFps: options.fps ?? 60, maxFrames: options.frames });
  } finally {
    await sources?.close();
  }
}

function say(args: { string(name: string): string | undefined }): (line: string) => void {
  const json = args.string("log-format") === "json";
  return (message) => console.error(json ? JSON.stringify({ time: new Date().toISOString(), type: "info", message }) : `hotloop: ${message}`);
}

function noPositional(positional: readonly string[]): void {
  if (positional.length) throw new UsageError(`unexpected argument "${positional[0]}"`);
}

function usage(text: string): number {
  console.log(text);
  return 0;
}
