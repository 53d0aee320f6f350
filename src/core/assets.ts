/**
 * Where a game's files (textures, fonts, sounds) come from: the project's `assets/` folder under
 * `hotloop dev` and `hotloop static`, the copies a released game wrote out of itself (checked
 * against the hashes its release recorded) when a player runs it. A game names a file by its path
 * inside the folder, the same in both: `loadTexture(app, "ship", "ship.png")`.
 */
import { isAbsolute, join, resolve } from "node:path";
import type { ResourceKey } from "./resources.ts";

/**
 * The app's asset folder, a resource: inserted by the dev runner and by a released game before
 * the game's plugins are added. Without it, names resolve against the working directory.
 */
export class Assets {
  /**
   * @param root The folder (absolute).
   * @param files For a released game, each name's written-out copy (a name not listed there is
   *   not in the release).
   */
  constructor(
    readonly root: string,
    readonly files?: ReadonlyMap<string, string>,
  ) {}

  /** The file a name stands for; a released game's list has the last word. */
  path(name: string): string {
    if (this.files) {
      const file = this.files.get(name.replaceAll("\\", "/").replace(/^\.\//, ""));
      if (file !== undefined) return file;
    }
    return isAbsolute(name) ? name : join(this.root, name);
  }
}

/** The file an asset name stands for in `app` (see {@link Assets}); against the working directory without one. */
export function assetPath(app: { getResource<T>(key: ResourceKey<T>): T | undefined }, name: string): string {
  return app.getResource(Assets)?.path(name) ?? resolve(name);
}
