/**
 * Fonts for the draw list's text: loaded by name from TypeScript, named by the same name from
 * Rust (`Font::named("title")`) and TypeScript (`drawListOf(app).textFont("title", ...)`).
 *
 *     loadFont(app, "title", "fonts/title.ttf", 32); // assets/fonts/title.ttf at 32 px; after RaylibPlugin, or before: loaded when it opens the window
 *
 * Why by name, as textures: a font text record carries an index into the draw list's font table,
 * which holds the names' hashes; this module keeps raylib's Font structs in native memory at the
 * same indexes, for the shim to draw. Headless (no window), only the name is registered, so
 * systems that draw with a font run the same and draw nothing.
 *
 * @module
 */
import { ptr, type Pointer } from "bun:ffi";
import { existsSync } from "node:fs";
import type { App } from "../core/app.ts";
import { assetPath } from "../core/assets.ts";
import { drawListOf } from "../core/draw-list.ts";
import { HOTLOOP_OWN } from "../core/resources.ts";
import { nativeBuffer } from "../ecs/native-buffer.ts";
import { structLayout } from "../ecs/struct-layout.ts";
import type { AssetReload, ReloadableAssets } from "./asset-reload.ts";
import type { Raylib } from "./raylib.ts";
import { windowedRaylib } from "./textures.ts";

/** raylib's `Font` (raylib.h), 48 bytes: what LoadFontEx returns and DrawTextEx takes. */
export const FONT_LAYOUT = structLayout("Font", {
  base_size: "i32",
  glyph_count: "i32",
  glyph_padding: "i32",
  texture_id: "u32",
  texture_width: "i32",
  texture_height: "i32",
  texture_mipmaps: "i32",
  texture_format: "i32",
  recs: "u64",
  glyphs: "u64",
});

/** One font's name, file, size, and whether raylib holds it now. */
interface FontEntry {
  readonly name: string;
  path: string;
  size: number;
  loaded: boolean;
}

/**
 * An app's loaded fonts: raylib's Font structs in native memory, at the indexes the draw list's
 * font table gives their names (the array `hl_draw_list` reads). A resource; get it with
 * {@link fontsOf}.
 */
export class Fonts implements ReloadableAssets {
  /** The Font array, as the shim reads it. */
  readonly pointer: Pointer;
  /** What a reload line calls one of these. */
  readonly assetKind = "font";
  readonly #bytes: Uint8Array;
  readonly #entries: (FontEntry | undefined)[] = [];

  constructor(readonly capacity: number) {
    this.#bytes = new Uint8Array(nativeBuffer(capacity * FONT_LAYOUT.size));
    this.pointer = ptr(this.#bytes);
  }

  /** The Font slot of `index`, as a pointer. */
  slot(index: number): Pointer {
    return (this.pointer + index * FONT_LAYOUT.size) as Pointer;
  }

  /** The pixel size the font at `index` was loaded at, or undefined when none is loaded there. */
  size(index: number): number | undefined {
    return this.#entries[index]?.loaded ? this.#entries[index].size : undefined;
  }

  /**
   * Loads `path` at `size` pixels into slot `index` through `rl` (unloading what was there once the
   * new one is in), or throws one line and leaves the slot as it was.
   */
  load(rl: Raylib, index: number, name: string, path: string, size: number): void {
    const scratch = new Uint8Array(nativeBuffer(FONT_LAYOUT.size));
    const problem = rl.loadFontInto(path, size, ptr(scratch));
    if (problem !== undefined) throw new Error(`hotloop: raylib could not load font ${JSON.stringify(name)} from ${path}: ${problem}`);
    if (this.#entries[index]?.loaded) rl.unloadFontAt(this.slot(index));
    this.#bytes.set(scratch.subarray(0, FONT_LAYOUT.size), index * FONT_LAYOUT.size);
    this.#entries[index] = { name, path, size, loaded: true };
  }

  /**
   * Loads again every font read from `file` (it was saved), each at its size: each name keeps its
   * index, so every text in it (TypeScript's `textFont`, Rust's `Font::named`) draws the new font
   * from the next frame. One that fails keeps its old font; each result says which name and why.
   */
  reloadFile(rl: Raylib | undefined, file: string): AssetReload[] {
    const results: AssetReload[] = [];
    this.#entries.forEach((entry, index) => {
      if (entry?.path !== file) return;
      if (!rl) return void results.push({ name: entry.name }); // headless, or no window yet: read when it opens
      try {
        this.load(rl, index, entry.name, file, entry.size);
        results.push({ name: entry.name });
      } catch (e) {
        results.push({ name: entry.name, problem: (e as Error).message.replace(/^hotloop: /, "") });
      }
    });
    return results;
  }

  /** Remembers `path` and `size` for slot `index` without loading it (no window yet, or headless); a loaded font stays until it is replaced. */
  remember(index: number, name: string, path: string, size: number): void {
    const entry = this.#entries[index];
    if (entry) Object.assign(entry, { path, size });
    else this.#entries[index] = { name, path, size, loaded: false };
  }

  /** Loads every remembered font that is not loaded yet (the window just opened). */
  loadPending(rl: Raylib): void {
    this.#entries.forEach((entry, index) => {
      if (entry && !entry.loaded) this.load(rl, index, entry.name, entry.path, entry.size);
    });
  }

  /** Unloads every loaded font (before the window closes) and empties their slots. */
  unloadAll(rl: Raylib): void {
    this.#entries.forEach((entry, index) => {
      if (!entry?.loaded) return;
      rl.unloadFontAt(this.slot(index));
      this.#bytes.fill(0, index * FONT_LAYOUT.size, (index + 1) * FONT_LAYOUT.size);
      entry.loaded = false;
    });
  }
}

/** The app's {@link Fonts}, sized like its draw list's font table; inserted on first use. */
export function fontsOf(app: App): Fonts {
  return app.getResource(Fonts) ?? app.insertResource(new Fonts(drawListOf(app).fontCapacity), HOTLOOP_OWN);
}

/**
 * Loads the .ttf or .otf font at `path` (an asset name: a path in the project's `assets/` folder,
 * the same in a released game; see `Assets`) as font `name`, its glyphs rasterised at `size`
 * pixels (draw it at that size for the crispest text), and registers the name in the app's draw
 * list, so `drawListOf(app).textFont(name, ...)` and Rust's `draw.text_font(Font::named(name), ...)`
 * draw with it. It holds the 95 printable ASCII characters; others draw as `?`. Loading a name
 * again replaces its font, at the same index. Without a window yet, the font is loaded when the
 * RaylibPlugin opens one; headless, only the name is registered. Throws one line when the file is
 * missing or is not a font raylib can read. Returns the font's index.
 */
export function loadFont(app: App, name: string, path: string, size: number): number {
  if (!Number.isInteger(size) || size < 1 || size > 1024) throw new Error(`hotloop: cannot load font ${JSON.stringify(name)}: the size must be a whole number of pixels from 1 to 1024, got ${size}`);
  const file = assetPath(app, path);
  if (!existsSync(file)) throw new Error(`hotloop: cannot load font ${JSON.stringify(name)}: no file at ${file}`);
  const index = drawListOf(app).registerFont(name);
  const fonts = fontsOf(app);
  const rl = windowedRaylib(app);
  if (!rl) {
    fonts.remember(index, name, file, size);
    return index;
  }
  try {
    fonts.load(rl, index, name, file, size);
  } catch (e) {
    fonts.remember(index, name, file, size); // a later good save of the file loads it (hotloop dev --features reload)
    throw e;
  }
  return index;
}

/** The pixel size font `name` was loaded at, or undefined when it is not loaded (yet, or headless). */
export function fontSize(app: App, name: string): number | undefined {
  const fonts = app.getResource(Fonts);
  const index = fonts === undefined ? undefined : drawListOf(app).fontIndex(name);
  return index === undefined ? undefined : fonts?.size(index);
}
