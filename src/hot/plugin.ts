import { suffix } from "bun:ffi";
import { join, resolve } from "node:path";
import type { App } from "../core/index.ts";
import { HotReloader, type ReloaderOptions } from "./reloader.ts";
import { HOTLOOP_OWN } from "../core/resources.ts";

/** The file name cargo gives a cdylib on this platform: libgame.so, libgame.dylib, game.dll. */
export function libraryFileName(crateName: string): string {
  const name = crateName.replaceAll("-", "_");
  return process.platform === "win32" ? `${name}.${suffix}` : `lib${name}.${suffix}`;
}

/** The build output of a cdylib: `<targetDir>/<profile>/lib<name>.<suffix>`. */
export function libraryPath(targetDir: string, crateName: string, profile: "debug" | "release"): string {
  return join(targetDir, profile, libraryFileName(crateName));
}

/**
 * Loads a hot library into the app (as the HotReloader resource) so `hotSystem(name)` can bind to
 * it. With `reload: true` it is watched and swapped between frames; without, loaded once.
 */
export function HotPlugin(options: ReloaderOptions): (app: App) => void {
  return function hotPlugin(app: App) {
    const existing = app.getResource(HotReloader);
    if (existing) {
      // One reloader per app: a second would silently replace the first and orphan its bindings.
      const same = resolve(existing.library) === resolve(options.library);
      throw new Error(
        same
          ? `HotPlugin: ${options.library} is already loaded by a HotPlugin of this app (add it once)`
          : `HotPlugin: this app already has a HotPlugin for ${existing.library}; one hot library per app (put the systems of ${options.library} in that crate)`,
      );
    }
    app.insertResource(new HotReloader(app, options), HOTLOOP_OWN);
  };
}
