/**
 * The draw list (docs/abi.md, "The draw list"): shapes, text and sprites appended during a frame
 * and drawn by the render plugin after Render in one call into its C shim.
 *
 * Why: drawing through raylib one FFI call per shape costs a crossing per shape. Rust systems
 * (the SDK's `DrawList` parameter) and TypeScript render code append fixed-size records to one
 * host-owned list instead, in the order their systems run; the list is drawn with one call and
 * cleared at the end of the frame.
 *
 *     const draw = drawListOf(app);
 *     app.addSystems(Render, () => {
 *       for (const rock of rocks) draw.circle(rock.x, rock.y, 12, Colors.GRAY); // in the world, through the camera
 *       draw.screen.text(`${rocks.length} rocks`, 10, 10, 20, Colors.BLACK);    // on the screen (the HUD)
 *     });
 *
 * Records are drawn through the app's {@link Camera2D}; those written through `draw.screen` are
 * drawn on the screen as they are (the HUD). Both kinds keep the order they were written in.
 *
 * @module
 */
import { ptr, type Pointer } from "bun:ffi";
import { fnv1a64 } from "../ecs/layout.ts";
import { nativeBuffer } from "../ecs/native-buffer.ts";
import { structLayout } from "../ecs/struct-layout.ts";
import type { App } from "./app.ts";
import type { Vector2 } from "./camera.ts";
import { HOTLOOP_OWN } from "./resources.ts";

/** The list's header as Rust reads it (`DrawListData`, 56 bytes). */
export const DRAW_LIST_LAYOUT = structLayout("DrawListData", {
  records: "u64",
  capacity: "u32",
  len: "u32",
  text: "u64",
  text_capacity: "u32",
  text_len: "u32",
  textures: "u64",
  texture_count: "u32",
  font_count: "u32",
  fonts: "u64",
});

/** One record as Rust and the shim read it (`DrawRecord`, 32 bytes). */
export const DRAW_RECORD_LAYOUT = structLayout("DrawRecord", {
  kind: "u32",
  color: "u32",
  x: "f32",
  y: "f32",
  a: "f32",
  b: "f32",
  c: "f32",
  d: "u32",
});

/** The second half of a wide record (`DrawExtension`, 32 bytes): kind 0, an index, six floats. */
export const DRAW_EXTENSION_LAYOUT = structLayout("DrawExtension", { kind: "u32", index: "u32", f: "f32[6]" });

/**
 * A record's kind, the low byte of its `kind` word (the SDK's `draw::kind`), and what its `a`..`d`
 * mean (x, y: the centre, the start or the top-left corner):
 * - `Circle`, `CircleLines`: a = radius;
 * - `Rect`, `RectLines`: a = width, b = height;
 * - `Line`: to (a, b), c = thickness;
 * - `Text`: a = font size, d = the string's byte offset in the text arena;
 * - `Sprite`: a = scale, b = rotation in degrees, d = the texture's index in the texture table;
 * - `SpritePro`: a sprite-sheet frame drawn into (x, y, a, b), rotated c degrees, d = the texture's
 *   index; its `Extension` holds the source rectangle and the origin;
 * - `TextFont`: a = font size, b = spacing, d = the string's offset; its `Extension` holds the
 *   font's index in the font table;
 * - `Extension`: the second half of a wide record (`SpritePro`, `TextFont`), never drawn alone.
 */
export const DrawKind = {
  Extension: 0,
  Circle: 1,
  CircleLines: 2,
  Rect: 3,
  RectLines: 4,
  Line: 5,
  Text: 6,
  Sprite: 7,
  SpritePro: 8,
  TextFont: 9,
} as const;

/** Bits of a record's `kind` word above its kind. */
export const DrawFlag = {
  /** Drawn on the screen as it is, outside the camera (the HUD). */
  Screen: 0x100,
} as const;

/** The bits of a `kind` word that are the kind (the rest are {@link DrawFlag}s). */
export const DRAW_KIND_MASK = 0xff;

/** A rectangle: raylib's `Rectangle` (top-left corner, size). */
export interface Rectangle {
  /** The left edge. */
  x: number;
  /** The top edge. */
  y: number;
  /** Rightwards from x (negative: a flipped source frame). */
  width: number;
  /** Downwards from y (negative: a flipped source frame). */
  height: number;
}

/** Capacities of a {@link DrawList}. */
export interface DrawListOptions {
  /** Records a frame may hold (32 bytes each; a sprite-sheet sprite or a font's text takes two). Default 262144 (8 MiB). */
  readonly records?: number;
  /** Bytes of text a frame may hold, each string with its NUL. Default 1 MiB. */
  readonly textBytes?: number;
  /** Textures that can be registered. Default 1024. */
  readonly textures?: number;
  /** Fonts that can be registered. Default 64. */
  readonly fonts?: number;
}

/** The capacities a {@link DrawList} gets when {@link DrawListOptions} leaves one out. */
export const DRAW_LIST_DEFAULTS = {
  /** Records a frame may hold: 262144 (8 MiB). */
  records: 262_144,
  /** Bytes of text a frame may hold: 1 MiB. */
  textBytes: 1 << 20,
  /** Textures that can be registered: 1024. */
  textures: 1024,
  /** Fonts that can be registered: 64. */
  fonts: 64,
} as const;

/** One record read back, for tests and debugging ({@link DrawList.record}). `kind` is the whole word, flags included. */
export interface DrawRecordValue {
  /** What it draws: one of {@link DrawKind}, which says what `a`..`d` mean. */
  readonly kind: number;
  /** The packed color (r in the low byte, as `rgba()` packs it); a sprite's tint. */
  readonly color: number;
  /** x: the centre, the start or the top-left corner. */
  readonly x: number;
  /** y. */
  readonly y: number;
  /** Radius, width, end x, font size or scale. */
  readonly a: number;
  /** Height, end y or rotation. */
  readonly b: number;
  /** Line thickness. */
  readonly c: number;
  /** A text's byte offset in the arena, or a sprite's texture index. */
  readonly d: number;
}

/** An extension record read back ({@link DrawList.extension}). */
export interface DrawExtensionValue {
  /** Always 0 (`DrawKind.Extension`). */
  readonly kind: number;
  /** A font's index in the font table (a `TextFont`'s extension), else 0. */
  readonly index: number;
  /** Six floats: a `SpritePro`'s source rectangle (x, y, width, height) and origin (x, y). */
  readonly f: readonly number[];
}

const RECORD_WORDS = DRAW_RECORD_LAYOUT.size / 4;
/** u32 indexes of the header fields TypeScript updates. */
const LEN = DRAW_LIST_LAYOUT.byName.len!.offset / 4;
const TEXT_LEN = DRAW_LIST_LAYOUT.byName.text_len!.offset / 4;
const TEXTURE_COUNT = DRAW_LIST_LAYOUT.byName.texture_count!.offset / 4;
const FONT_COUNT = DRAW_LIST_LAYOUT.byName.font_count!.offset / 4;
/** Where the texture table starts in the list's block: after the header, 8-aligned. */
const TABLE_OFFSET = Math.ceil(DRAW_LIST_LAYOUT.size / 8) * 8;
const WHITE = 0xffff_ffff;
const NO_ORIGIN: Vector2 = Object.freeze({ x: 0, y: 0 });
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Checks a capacity option: an integer in 1..max, or a one-line error naming it. */
function capacity(name: keyof DrawListOptions, value: number | undefined, max: number): number {
  const n = value ?? DRAW_LIST_DEFAULTS[name];
  if (!Number.isInteger(n) || n < 1 || n > max) throw new Error(`DrawList: ${name} must be an integer from 1 to ${max}, got ${n}`);
  return n;
}

/** A list's memory and name tables, shared by its two {@link DrawSpace}s. */
interface ListMemory {
  readonly u32: Uint32Array;
  readonly f32: Float32Array;
  readonly bytes: Uint8Array;
  /** Where the records start, in u32 words from the block's start. */
  readonly recordsWord: number;
  /** Where the text arena starts, in bytes from the block's start. */
  readonly textStart: number;
  readonly capacity: number;
  readonly textCapacity: number;
  readonly textures: Map<string, number>;
  readonly fonts: Map<string, number>;
}

/**
 * The drawing methods, each appending records to a list in one space: the world (through the
 * camera: the {@link DrawList} itself) or the screen (`drawListOf(app).screen`, the HUD).
 *
 * Every method appends one record (two for `spritePro` and `textFont`); a full list or arena
 * throws one line saying how to raise it. Colors are packed like `rgba()` (r in the low byte).
 */
export class DrawSpace {
  readonly #u32: Uint32Array;
  readonly #f32: Float32Array;
  readonly #bytes: Uint8Array;
  readonly #recordsWord: number;
  readonly #textStart: number;
  readonly #capacity: number;
  readonly #textCapacity: number;
  readonly #textures: Map<string, number>;
  readonly #fonts: Map<string, number>;
  /** The {@link DrawFlag}s of every record this space writes. */
  readonly #flags: number;

  /** A space over a list's memory; made by {@link DrawList} (the list and its `screen`). */
  protected constructor(memory: ListMemory, flags: number) {
    this.#u32 = memory.u32;
    this.#f32 = memory.f32;
    this.#bytes = memory.bytes;
    this.#recordsWord = memory.recordsWord;
    this.#textStart = memory.textStart;
    this.#capacity = memory.capacity;
    this.#textCapacity = memory.textCapacity;
    this.#textures = memory.textures;
    this.#fonts = memory.fonts;
    this.#flags = flags;
  }

  /** A filled circle centred on (x, y). */
  circle(x: number, y: number, radius: number, color: number): void {
    this.#push(DrawKind.Circle, color, x, y, radius, 0, 0, 0);
  }

  /** A circle outline centred on (x, y). */
  circleLines(x: number, y: number, radius: number, color: number): void {
    this.#push(DrawKind.CircleLines, color, x, y, radius, 0, 0, 0);
  }

  /** A filled rectangle with its top-left corner at (x, y). */
  rect(x: number, y: number, width: number, height: number, color: number): void {
    this.#push(DrawKind.Rect, color, x, y, width, height, 0, 0);
  }

  /** A rectangle outline, one pixel thick, with its top-left corner at (x, y). */
  rectLines(x: number, y: number, width: number, height: number, color: number): void {
    this.#push(DrawKind.RectLines, color, x, y, width, height, 0, 0);
  }

  /** A line from (x1, y1) to (x2, y2), `thickness` pixels wide. */
  line(x1: number, y1: number, x2: number, y2: number, thickness: number, color: number): void {
    this.#push(DrawKind.Line, color, x1, y1, x2, y2, thickness, 0);
  }

  /**
   * `text` in raylib's default font with its top-left at (x, y) (whole pixels), `size` pixels high.
   * Copied into the text arena as UTF-8 with a NUL; a string containing NUL is cut at it.
   */
  text(text: string, x: number, y: number, size: number, color: number): void {
    if (this.#u32[LEN]! >= this.#capacity) this.#full();
    const offset = this.#copyText(text);
    this.#push(DrawKind.Text, color, x, y, size, 0, 0, offset);
  }

  /**
   * `text` in the font registered as `font` (see `loadFont` in hotloop/render), its top-left at
   * (x, y), `size` pixels high (the font is drawn scaled from the size it was loaded at), with
   * `spacing` pixels between letters (raylib's DrawTextEx). Throws for a name not registered.
   */
  textFont(font: string, text: string, x: number, y: number, size: number, spacing: number, color: number): void {
    const index = this.#fonts.get(font);
    if (index === undefined) throw new Error(`hotloop: font ${JSON.stringify(font)} is not loaded (load it with loadFont(app, ${JSON.stringify(font)}, path, size))`);
    if (this.#u32[LEN]! + 2 > this.#capacity) this.#full();
    const offset = this.#copyText(text);
    const w = this.#pushWide(DrawKind.TextFont, color, x, y, size, spacing, 0, offset);
    this.#u32[w + RECORD_WORDS + 1] = index;
  }

  /**
   * The texture registered as `texture` (see `loadTexture` in hotloop/render) with its top-left
   * corner at (x, y), scaled by `scale`, rotated `rotation` degrees clockwise around that corner,
   * multiplied by `tint` (white, the default, draws it as is). Throws for a name not registered.
   */
  sprite(texture: string, x: number, y: number, scale = 1, rotation = 0, tint = WHITE): void {
    this.#push(DrawKind.Sprite, tint, x, y, scale, rotation, 0, this.#texture(texture));
  }

  /**
   * A part of a texture (a frame of a sprite sheet) drawn into a rectangle, as raylib's
   * DrawTexturePro: the `source` rectangle of texture `texture`, in its pixels (a negative width or
   * height flips it), stretched over `dest`, whose point `origin` (relative to dest's top-left)
   * sits at (dest.x, dest.y) and is the centre of a clockwise rotation of `rotation` degrees;
   * multiplied by `tint`. Takes two records. Throws for a name not registered.
   *
   *     const frame = { x: 16 * (tick % 4), y: 0, width: 16, height: 16 };
   *     draw.spritePro("hero", frame, { x: hero.x, y: hero.y, width: 32, height: 32 }, { x: 16, y: 16 }, hero.angle);
   */
  spritePro(texture: string, source: Rectangle, dest: Rectangle, origin: Vector2 = NO_ORIGIN, rotation = 0, tint = WHITE): void {
    const index = this.#texture(texture);
    const w = this.#pushWide(DrawKind.SpritePro, tint, dest.x, dest.y, dest.width, dest.height, rotation, index);
    const f = this.#f32;
    const e = w + RECORD_WORDS + 2;
    f[e] = source.x;
    f[e + 1] = source.y;
    f[e + 2] = source.width;
    f[e + 3] = source.height;
    f[e + 4] = origin.x;
    f[e + 5] = origin.y;
  }

  /** The index of texture `name`, or a one-line error saying how to load it. */
  #texture(name: string): number {
    const index = this.#textures.get(name);
    if (index === undefined) throw new Error(`hotloop: texture ${JSON.stringify(name)} is not loaded (load it with loadTexture(app, ${JSON.stringify(name)}, path))`);
    return index;
  }

  /** Copies `text` (cut at a NUL) into the arena with its NUL; returns its offset. */
  #copyText(text: string): number {
    const nul = text.indexOf("\0");
    const s = nul >= 0 ? text.slice(0, nul) : text;
    const offset = this.#u32[TEXT_LEN]!;
    const start = this.#textStart + offset;
    // One byte is kept for the NUL: the arena's end is start + (free - 1).
    const room = this.#bytes.subarray(start, this.#textStart + this.#textCapacity - 1);
    const { read, written } = encoder.encodeInto(s, room);
    if (read < s.length || offset >= this.#textCapacity) this.#arenaFull();
    this.#bytes[start + written] = 0;
    this.#u32[TEXT_LEN] = offset + written + 1;
    return offset;
  }

  #push(kind: number, color: number, x: number, y: number, a: number, b: number, c: number, d: number): void {
    const u = this.#u32;
    const len = u[LEN]!;
    if (len >= this.#capacity) this.#full();
    u[LEN] = len + 1;
    this.#write(this.#recordsWord + len * RECORD_WORDS, kind, color, x, y, a, b, c, d);
  }

  /** Appends a wide record and its zeroed extension; returns the record's first word. */
  #pushWide(kind: number, color: number, x: number, y: number, a: number, b: number, c: number, d: number): number {
    const u = this.#u32;
    const len = u[LEN]!;
    if (len + 2 > this.#capacity) this.#full();
    u[LEN] = len + 2;
    const w = this.#recordsWord + len * RECORD_WORDS;
    this.#write(w, kind, color, x, y, a, b, c, d);
    u.fill(0, w + RECORD_WORDS, w + 2 * RECORD_WORDS); // kind 0: an extension
    return w;
  }

  #write(w: number, kind: number, color: number, x: number, y: number, a: number, b: number, c: number, d: number): void {
    const u = this.#u32;
    const f = this.#f32;
    u[w] = kind | this.#flags;
    u[w + 1] = color;
    f[w + 2] = x;
    f[w + 3] = y;
    f[w + 4] = a;
    f[w + 5] = b;
    f[w + 6] = c;
    u[w + 7] = d;
  }

  #full(): never {
    throw new Error(`hotloop: the draw list is full (${this.#capacity} records): draw less in one frame, or raise it with drawListOf(app, { records: ... }) before anything draws`);
  }

  #arenaFull(): never {
    throw new Error(`hotloop: the draw list's text arena is full (${this.#textCapacity} bytes): draw less text in one frame, or raise it with drawListOf(app, { textBytes: ... }) before anything draws`);
  }
}

/** The screen space of a list: it makes the one `screen` of each {@link DrawList}. */
class ScreenSpace extends DrawSpace {
  constructor(memory: ListMemory) {
    super(memory, DrawFlag.Screen);
  }
}

/**
 * One app's draw list, in native memory that stays put for the list's life: the header, the
 * texture and font tables, the records and the text arena in one block. Get the app's with
 * {@link drawListOf}; the render plugin draws it after Render, and the end of the frame clears it.
 *
 * Its drawing methods ({@link DrawSpace}) draw in the world, through the app's `Camera2D`;
 * {@link screen}'s draw on the screen (the HUD).
 */
export class DrawList extends DrawSpace {
  /** The header (`DrawListData`), what a hot system's `DrawList` parameter and the shim read. */
  readonly pointer: Pointer;
  /** Records a frame may hold. */
  readonly capacity: number;
  /** Bytes of text a frame may hold. */
  readonly textCapacity: number;
  /** Textures that can be registered. */
  readonly textureCapacity: number;
  /** Fonts that can be registered. */
  readonly fontCapacity: number;
  /**
   * The same list, drawing on the screen as it is, outside the camera: the HUD. Its records keep
   * their place in the list's order.
   *
   *     draw.screen.text(`score ${score}`, 10, 10, 20, Colors.BLACK);
   */
  readonly screen: DrawSpace;
  readonly #memory: ListMemory;
  readonly #textureHashes: BigUint64Array;
  readonly #fontHashes: BigUint64Array;

  constructor(options: DrawListOptions = {}) {
    const records = capacity("records", options.records, 0xffff_ffff);
    const textBytes = capacity("textBytes", options.textBytes, 0xffff_ffff);
    const textures = capacity("textures", options.textures, 1 << 20);
    const fonts = capacity("fonts", options.fonts, 1 << 16);
    const fontsStart = TABLE_OFFSET + textures * 8;
    const recordsStart = fontsStart + fonts * 8;
    const textStart = recordsStart + records * DRAW_RECORD_LAYOUT.size;
    const block = nativeBuffer(textStart + textBytes);
    const memory: ListMemory = {
      u32: new Uint32Array(block),
      f32: new Float32Array(block),
      bytes: new Uint8Array(block),
      recordsWord: recordsStart / 4,
      textStart,
      capacity: records,
      textCapacity: textBytes,
      textures: new Map(),
      fonts: new Map(),
    };
    super(memory, 0);
    this.#memory = memory;
    this.capacity = records;
    this.textCapacity = textBytes;
    this.textureCapacity = textures;
    this.fontCapacity = fonts;
    this.screen = new ScreenSpace(memory);
    this.#textureHashes = new BigUint64Array(block, TABLE_OFFSET, textures);
    this.#fontHashes = new BigUint64Array(block, fontsStart, fonts);
    this.pointer = ptr(memory.bytes);
    const header = new DataView(block, 0, DRAW_LIST_LAYOUT.size);
    const field = (name: string) => DRAW_LIST_LAYOUT.byName[name]!.offset;
    header.setBigUint64(field("records"), BigInt(this.pointer + recordsStart), true);
    header.setUint32(field("capacity"), records, true);
    header.setBigUint64(field("text"), BigInt(this.pointer + textStart), true);
    header.setUint32(field("text_capacity"), textBytes, true);
    header.setBigUint64(field("textures"), BigInt(this.pointer + TABLE_OFFSET), true);
    header.setBigUint64(field("fonts"), BigInt(this.pointer + fontsStart), true);
  }

  /** Records written this frame (by TypeScript and Rust alike; a wide one counts two). */
  get len(): number {
    return this.#memory.u32[LEN]!;
  }

  /** Bytes of text written this frame. */
  get textLen(): number {
    return this.#memory.u32[TEXT_LEN]!;
  }

  /** Textures registered so far. */
  get textureCount(): number {
    return this.#memory.u32[TEXTURE_COUNT]!;
  }

  /** Fonts registered so far. */
  get fontCount(): number {
    return this.#memory.u32[FONT_COUNT]!;
  }

  /** Empties the list (records and text); registered textures and fonts stay. The frame end does this. */
  clear(): void {
    this.#memory.u32[LEN] = 0;
    this.#memory.u32[TEXT_LEN] = 0;
  }

  /**
   * Drops the records and text written after the list had `len` records and `textLen` bytes of
   * text (a {@link len} and {@link textLen} read earlier this frame): a determinism check that runs
   * a fixed step twice keeps one run's records. Lengths beyond the current ones change nothing.
   */
  truncate(len: number, textLen: number): void {
    const u = this.#memory.u32;
    if (len >= 0 && len < u[LEN]!) u[LEN] = len;
    if (textLen >= 0 && textLen < u[TEXT_LEN]!) u[TEXT_LEN] = textLen;
  }

  /**
   * Puts `name` in the texture table (its 64-bit FNV-1a hash, which Rust's `Texture::named`
   * computes too) and returns its index; a name registered before keeps its index.
   */
  registerTexture(name: string): number {
    return this.#register(name, this.#memory.textures, this.#textureHashes, TEXTURE_COUNT, "texture", "textures");
  }

  /** The index `name` was registered at as a texture, or undefined. */
  textureIndex(name: string): number | undefined {
    return this.#memory.textures.get(name);
  }

  /**
   * Puts `name` in the font table (its FNV-1a hash, as Rust's `Font::named` computes it) and
   * returns its index; a name registered before keeps its index.
   */
  registerFont(name: string): number {
    return this.#register(name, this.#memory.fonts, this.#fontHashes, FONT_COUNT, "font", "fonts");
  }

  /** The index `name` was registered at as a font, or undefined. */
  fontIndex(name: string): number | undefined {
    return this.#memory.fonts.get(name);
  }

  /** Record `i` of this frame, read back (for tests and debugging). */
  record(i: number): DrawRecordValue {
    const w = this.#word(i);
    const u = this.#memory.u32;
    const f = this.#memory.f32;
    return { kind: u[w]!, color: u[w + 1]!, x: f[w + 2]!, y: f[w + 3]!, a: f[w + 4]!, b: f[w + 5]!, c: f[w + 6]!, d: u[w + 7]! };
  }

  /** Record `i` read back as the extension of the wide record before it (for tests and debugging). */
  extension(i: number): DrawExtensionValue {
    const w = this.#word(i);
    const u = this.#memory.u32;
    return { kind: u[w]!, index: u[w + 1]!, f: [...this.#memory.f32.subarray(w + 2, w + RECORD_WORDS)] };
  }

  /** The string a text record names by its arena offset `d` (for tests and debugging). */
  textAt(offset: number): string {
    const { bytes, textStart } = this.#memory;
    const start = textStart + offset;
    const end = bytes.indexOf(0, start);
    if (offset < 0 || offset >= this.textLen || end < 0) throw new RangeError(`DrawList: no string at text offset ${offset}`);
    return decoder.decode(bytes.subarray(start, end));
  }

  #word(i: number): number {
    if (!Number.isInteger(i) || i < 0 || i >= this.len) throw new RangeError(`DrawList: record ${i} is outside 0..${this.len - 1}`);
    return this.#memory.recordsWord + i * RECORD_WORDS;
  }

  #register(name: string, names: Map<string, number>, hashes: BigUint64Array, countWord: number, what: string, option: string): number {
    const known = names.get(name);
    if (known !== undefined) return known;
    const index = this.#memory.u32[countWord]!;
    if (index >= hashes.length) {
      throw new Error(`hotloop: the draw list's ${what} table is full (${hashes.length} ${option}): raise it with drawListOf(app, { ${option}: ... }) before anything draws`);
    }
    hashes[index] = BigInt(`0x${fnv1a64(name)}`);
    names.set(name, index);
    this.#memory.u32[countWord] = index + 1;
    return index;
  }
}

/** Apps whose frame end already clears their draw list. */
const clearing = new WeakSet<App>();

/**
 * The app's {@link DrawList}, made with `options` and inserted as a resource on first use (or
 * the one inserted with `app.insertResource(new DrawList(...))`); the first call also makes the
 * end of every frame (after Last) clear it. Options given later must match the list's
 * capacities: its memory cannot move once hot systems hold its address.
 */
export function drawListOf(app: App, options?: DrawListOptions): DrawList {
  let list = app.getResource(DrawList);
  if (list === undefined) {
    list = app.insertResource(new DrawList(options), HOTLOOP_OWN);
  } else if (options !== undefined) {
    const has = { records: list.capacity, textBytes: list.textCapacity, textures: list.textureCapacity, fonts: list.fontCapacity };
    const differs = (Object.keys(has) as (keyof typeof has)[]).filter((k) => options[k] !== undefined && options[k] !== has[k]);
    if (differs.length > 0) {
      const now = differs.map((k) => `${k}: ${has[k]}`).join(", ");
      throw new Error(`drawListOf: the app's draw list already exists with ${now}: pass the options at the first drawListOf(app, ...), before anything draws or loads a texture`);
    }
  }
  if (!clearing.has(app)) {
    clearing.add(app);
    app.onFrameEnd((a) => a.getResource(DrawList)?.clear(), { always: true });
  }
  return list;
}
