/**
 * Assets that reload when saved (`hotloop dev --features reload`): the project's asset folder is
 * watched, and a saved image a texture was loaded from is loaded again at the next frame boundary,
 * in place: its name keeps its index, so every sprite of it draws the new image from that frame.
 * A file that fails to load is one line, and the old image stays.
 */
import { existsSync, watch, type FSWatcher } from "node:fs";
import { join, relative } from "node:path";
import type { App } from "../core/app.ts";
import { Assets } from "../core/assets.ts";
import { Raylib } from "./raylib.ts";
import { Textures } from "./textures.ts";

/** How long a saved file is left alone before it is read: an editor's save is one write, an image tool's may be several. */
const QUIET_MS = 30;

/** What a reload says: one line each. */
export type AssetLine = { type: "info"; message: string } | { type: "warning"; file: string; message: string };

/** Watches `app`'s asset folder (its {@link Assets} resource) and reloads saved textures between frames. Returns what stops it. */
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
    const textures = app.getResource(Textures);
    const rl = app.getResource(Raylib);
    const now = performance.now();
    for (const [file, seenAt] of [...saved]) {
      if (now - seenAt < QUIET_MS) continue; // still being written, perhaps: the next boundary looks again
      saved.delete(file);
      const show = relative(root, file);
      for (const { name, problem } of textures?.reloadFile(rl?.headless ? undefined : rl, file) ?? []) {
        if (problem) say({ type: "warning", file: show, message: `texture ${JSON.stringify(name)} could not be loaded again (${problem}); the old image stays` });
        else say({ type: "info", message: `reloaded texture ${JSON.stringify(name)} from ${show} (${(performance.now() - seenAt).toFixed(1)} ms after the save was seen)` });
      }
    }
  });
  const close = () => watcher?.close();
  app.onShutdown(close);
  return { close };
}
