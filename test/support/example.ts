/** The bevy-like example as its tests run it: the repository's project, a fixture copy of its crate. */
import { resolve } from "node:path";
import { createGameApp, type GameOptions } from "../../src/dev/game.ts";
import { loadProject } from "../../src/dev/project.ts";
import type { App } from "../../src/core/index.ts";

export const REPO = resolve(import.meta.dir, "../..");
/** The example's crate, for `new Fixture(EXAMPLE_CRATE)`. */
export const EXAMPLE_CRATE = "examples/bevy-like/systems";

/** The example's App as `hotloop dev` makes it (the repository's package.json is its project). */
export async function exampleApp(options: GameOptions): Promise<App> {
  return createGameApp(await loadProject(REPO), options);
}
