/**
 * Textures for the draw list's sprites: loaded by name from TypeScript, named by the same name
 * from Rust (`Texture::named("ship")`) and TypeScript (`drawListOf(app).sprite("ship", ...)`).
 *
 *     loadTexture(app, "ship", "ship.png"); // assets/ship.png; after RaylibPlugin, or before: loaded when it opens the window
 *
 * Why by name: a sprite record carries an index into the draw list's texture table, which holds
 * the names' hashes; this module keeps raylib's Texture2D structs in native memory at the same
 * indexes, for the shim to draw. Headless (no window), only the name is registered, so systems
 * that draw sprites run the same and draw nothing.
 *
 * @module
 */
import { ptr, type Pointer } from "bun:ffi";
import { existsSync } from "node:fs";
import type { App } from "../core/app.ts";
import { assetPath } from "../core/assets.ts";
import { drawListOf } from "../core/draw-list.ts";
import { nativeBuffer } from "../ecs/native-buffer.ts";
import { structLayout } from "../ecs/struct-layout.ts";
import { Raylib } from "./raylib.ts";
import { HOTLOOP_OWN } from "../core/resources.ts";
import type { AssetReload, ReloadableAssets } from "./asset-reload.ts";

/** raylib's `Texture2D` (raylib.h), 20 bytes: what LoadTexture returns and DrawTextureEx takes. */
export const TEXTURE2D_LAYOUT = structLayout("Texture2D", { id: "u32", width: "i32", height: "i32", mipmaps: "i32", format: "i32" });

/** One texture's name, file, and whether raylib holds it now. */
interface TextureEntry {
  readonly name: string;
  path: string;
  loaded: boolean;
}

/**
 * An app's loaded textures: raylib's Texture2D structs in native memory, at the indexes the
 * draw list's texture table gives their names (the array `hl_draw_list` reads). A resource;
 * get it with {@link texturesOf}.
 */
export class Textures implements ReloadableAssets {
  /** The Texture2D array, as the shim reads it. */
  readonly pointer: Pointer;
  /** What a reload line calls one of these. */
  readonly assetKind = "texture";
  readonly #view: DataView;
  readonly #entries: (TextureEntry | undefined)[] = [];

  constructor(readonly capacity: number) {
    const block = nativeBuffer(capacity * TEXTURE2D_LAYOUT.size);
    this.#view = new DataView(block);
    this.pointer = ptr(new Uint8Array(block));
  }

  /** The Texture2D slot of `index`, as a pointer. */
  slot(index: number): Pointer {
    return (this.pointer + index * TEXTURE2D_LAYOUT.size) as Pointer;
  }

  /** The size in pixels of the texture at `index`, or undefined when none is loaded there. */
  size(index: number): [width: number, height: number] | undefined {
    if (!this.#entries[index]?.loaded) return undefined;
    const at = index * TEXTURE2D_LAYOUT.size;
    const field = (name: string) => this.#view.getInt32(at + TEXTURE2D_LAYOUT.byName[name]!.offset, true);
    return [field("width"), field("height")];
  }

  /**
   * Loads `path` into slot `index` through `rl` (unloading what was there once the new one is
   * in), or throws one line and leaves the slot as it was.
   */
  load(rl: Raylib, index: number, name: string, path: string): void {
    const slot = this.slot(index);
    const previous = this.#entries[index];
    const scratch = nativeBuffer(TEXTURE2D_LAYOUT.size);
    const scratchPointer = ptr(new Uint8Array(scratch));
    if (!rl.loadTextureInto(path, scratchPointer)) {
      throw new Error(`hotloop: raylib could not load texture ${JSON.stringify(name)} from ${path} (set HOTLOOP_RAYLIB_LOG=info for raylib's log)`);
    }
    if (previous?.loaded) rl.unloadTextureAt(slot);
    new Uint8Array(this.#view.buffer, index * TEXTURE2D_LAYOUT.size, TEXTURE2D_LAYOUT.size).set(new Uint8Array(scratch, 0, TEXTURE2D_LAYOUT.size));
    this.#entries[index] = { name, path, loaded: true };
  }

  /**
   * Loads again every texture read from `file` (it was saved): each name keeps its index, so every
   * use of it (a TypeScript sprite, Rust's `Texture::named`) draws the new image from the next
   * frame. One that fails keeps its old image; each result says which name and why.
   */
  reloadFile(rl: Raylib | undefined, file: string): AssetReload[] {
    const results: AssetReload[] = [];
    this.#entries.forEach((entry, index) => {
      if (entry?.path !== file) return;
      if (!rl || !entry.loaded) return void results.push({ name: entry.name }); // headless, or not loaded yet: read when the window opens
      try {
        this.load(rl, index, entry.name, file);
        results.push({ name: entry.name });
      } catch (e) {
        results.push({ name: entry.name, problem: (e as Error).message.replace(/^hotloop: /, "") });
      }
    });
    return results;
  }

  /** Remembers `path` for slot `index` without loading it (no window yet, or headless). */
  remember(index: number, name: string, path: string): void {
    const entry = this.#entries[index];
    if (entry) entry.path = path;
    else this.#entries[index] = { name, path, loaded: false };
  }

  /** Loads every remembered texture that is not loaded yet (the window just opened). */
  loadPending(rl: Raylib): void {
    this.#entries.forEach((entry, index) => {
      if (entry && !entry.loaded) this.load(rl, index, entry.name, entry.path);
    });
  }

  /** Unloads every loaded texture (before the window closes) and empties their slots. */
  unloadAll(rl: Raylib): void {
    this.#entries.forEach((entry, index) => {
      if (!entry?.loaded) return;
      rl.unloadTextureAt(this.slot(index));
      new Uint8Array(this.#view.buffer, index * TEXTURE2D_LAYOUT.size, TEXTURE2D_LAYOUT.size).fill(0);
      entry.loaded = false;
    });
  }
}

/** The app's {@link Textures}, sized like its draw list's texture table; inserted on first use. */
export function texturesOf(app: App): Textures {
  return app.getResource(Textures) ?? app.insertResource(new Textures(drawListOf(app).textureCapacity), HOTLOOP_OWN);
}

/**
 * A raylib that can load textures and fonts now (they need the window's GL context): a real one
 * with its window open; undefined headless, before the window opens, or once it closed.
 */
export function windowedRaylib(app: App): Raylib | undefined {
  const rl = app.getResource(Raylib);
  return rl !== undefined && !rl.headless && rl.isWindowReady() ? rl : undefined;
}

/**
 * Loads the image at `path` (an asset name: a path in the project's `assets/` folder, the same in
 * a released game; see `Assets` in `hotloop`) as texture `name`, and
 * registers the name in the app's draw list, so Rust's `Texture::named(name)` and
 * `drawListOf(app).sprite(name, ...)` draw it. Loading a name again replaces its image, at the
 * same index. Without a window yet, the texture is loaded when the RaylibPlugin opens one;
 * headless, only the name is registered. Throws one line when the file is missing or raylib
 * cannot load it. Returns the texture's index.
 */
export function loadTexture(app: App, name: string, path: string): number {
  const file = assetPath(app, path);
  if (!existsSync(file)) throw new Error(`hotloop: cannot load texture ${JSON.stringify(name)}: no file at ${file}`);
  const index = drawListOf(app).registerTexture(name);
  const textures = texturesOf(app);
  const rl = windowedRaylib(app);
  if (rl) textures.load(rl, index, name, file);
  else textures.remember(index, name, file);
  return index;
}

/** The size in pixels of texture `name`, or undefined when it is not loaded (yet, or headless). */
export function textureSize(app: App, name: string): [width: number, height: number] | undefined {
  const textures = app.getResource(Textures);
  const index = textures === undefined ? undefined : drawListOf(app).textureIndex(name);
  return index === undefined ? undefined : textures?.size(index);
}
