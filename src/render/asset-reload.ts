/**
 * Assets that reload when saved (`hotloop dev --features reload`): the project's asset folder is
 * watched, and a saved file an asset was loaded from (a texture's image, a font, a sound, a music
 * stream) is loaded again
 * at the next frame boundary, in place: its name keeps its index, so every use of it draws the new
 * one from that frame. A file that fails to load is one line, and the old asset stays.
 *
 * Each kind of asset is a resource that owns its files and can load one again
 * ({@link ReloadableAssets}); {@link RELOADABLE_ASSETS} lists them. The `Audio` resource's sounds
 * and music streams (src/render/audio.ts) reload too: they need no window, and say their own kind.
 *
 * @module
 */
import { existsSync, watch, type FSWatcher } from "node:fs";
import { join, relative } from "node:path";
import type { App } from "../core/app.ts";
import { Assets } from "../core/assets.ts";
import { Audio } from "./audio.ts";
import type { ResourceKey } from "../core/resources.ts";
import { Fonts } from "./fonts.ts";
import { Raylib } from "./raylib.ts";
import { Textures, windowedRaylib } from "./textures.ts";

/** How long a saved file is left alone before it is read: an editor's save is one write, an image tool's may be several. */
const QUIET_MS = 30;

/** What a reload says: one line each. */
export type AssetLine = { type: "info"; message: string } | { type: "warning"; file: string; message: string };

/** One asset loaded again from a saved file: its name, and why it failed when it did. */
export interface AssetReload {
  readonly name: string;
  readonly problem?: string;
}

/** A resource holding assets loaded from files, which can load again those of a saved file. */
export interface ReloadableAssets {
  /** What one of its assets is called in a reload line: "texture", "font". */
  readonly assetKind: string;
  /**
   * Loads again, in place, every asset read from `file` (an absolute path). `rl` is the window's
   * raylib, or undefined headless. One result per asset of that file; none when it has none.
   */
  reloadFile(rl: Raylib | undefined, file: string): AssetReload[];
}

/** The resources whose assets reload when their files are saved, in the order they are asked. */
export const RELOADABLE_ASSETS: readonly ResourceKey<ReloadableAssets>[] = [Textures, Fonts];

/** Watches `app`'s asset folder (its {@link Assets} resource) and reloads saved assets between frames. Returns what stops it. */
export function watchAssets(app: App, say: (line: AssetLine) => void): { close(): void } {
  const root = app.getResource(Assets)?.root;
  // A game without an asset folder has nothing to reload (one made later is watched from the next start).
  if (!root || !existsSync(root)) return { close() {} };
  const saved = new Map<string, number>(); // file → when its save was seen (performance.now())
  let watcher: FSWatcher | undefined;
  try {
    watcher = watch(root, { recursive: true }, (_event, name) => {
      if (name) saved.set(join(root, name.toString()), performance.now());
    });
  } catch (e) {
    say({ type: "warning", file: root, message: `cannot watch the asset folder: ${(e as Error).message}; saved assets are not reloaded` });
    return { close() {} };
  }
  app.onFrameBoundary(() => {
    if (saved.size === 0) return;
    const windowed = windowedRaylib(app);
    const owners = RELOADABLE_ASSETS.map((key) => app.getResource(key)).filter((owner) => owner !== undefined);
    const audio = app.getResource(Audio);
    const now = performance.now();
    for (const [file, seenAt] of [...saved]) {
      if (now - seenAt < QUIET_MS) continue; // still being written, perhaps: the next boundary looks again
      saved.delete(file);
      const show = relative(root, file);
      const reloads = owners.flatMap((owner) => owner.reloadFile(windowed, file).map((r) => ({ kind: owner.assetKind, ...r })));
      if (audio) reloads.push(...audio.reloadFile(file));
      for (const { kind, name, problem } of reloads) {
        if (problem) say({ type: "warning", file: show, message: `${kind} ${JSON.stringify(name)} could not be loaded again (${problem}); the old ${kind} stays` });
        else say({ type: "info", message: `reloaded ${kind} ${JSON.stringify(name)} from ${show} (${(performance.now() - seenAt).toFixed(1)} ms after the save was seen)` });
      }
    }
  });
  const close = () => watcher?.close();
  app.onShutdown(close);
  return { close };
}
