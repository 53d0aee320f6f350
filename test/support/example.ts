/** The bevy-like example as its tests run it: the repository's project, a fixture copy of its crate. */
import { cpSync, mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { createGameApp, type GameOptions } from "../../src/dev/game.ts";
import { loadProject } from "../../src/dev/project.ts";
import { yieldToEventLoop, type App, type ManualClock } from "../../src/core/index.ts";

export const REPO = resolve(import.meta.dir, "../..");
/** The example's crate, for `new Fixture(EXAMPLE_CRATE)`. */
export const EXAMPLE_CRATE = "examples/bevy-like/systems";

/** The example's App as `hotloop dev` makes it (the repository's package.json is its project). */
export async function exampleApp(options: GameOptions): Promise<App> {
  return createGameApp(await loadProject(REPO), options);
}

/** Runs `n` frames of one fixed step each, pausing after each so file events reach the watcher. */
export async function stepFrames(app: App, clock: ManualClock, n: number): Promise<void> {
  for (let i = 0; i < n; i++) {
    clock.advance(1000 / 64); // one fixed step a frame at the App's default 64 Hz
    app.runFrame();
    await Bun.sleep(1);
    await yieldToEventLoop();
  }
}

/**
 * The example as a project of its own in `dir` (as `hotloop new` lays one out): its TypeScript and
 * its assets copied, `hotloop` resolved to this repository through node_modules, and a package.json
 * whose `hotloop` config points at `crateDir` (a fixture copy of its crate) under `name`.
 */
export function writeExampleProject(dir: string, crateDir: string, name: string): void {
  cpSync(resolve(REPO, "examples/bevy-like/src"), join(dir, "src"), { recursive: true });
  cpSync(resolve(REPO, "examples/bevy-like/assets"), join(dir, "assets"), { recursive: true });
  mkdirSync(join(dir, "node_modules"), { recursive: true });
  symlinkSync(REPO, join(dir, "node_modules/hotloop"));
  const config = { crate: relative(dir, crateDir), components: "src/components.ts", entry: "src/game.ts", names: "src/systems.gen.ts" };
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name, type: "module", hotloop: config }));
}
