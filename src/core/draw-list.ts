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
 *       for (const rock of rocks) draw.circle(rock.x, rock.y, 12, Colors.GRAY);
 *       draw.text(`${rocks.length} rocks`, 10, 10, 20, Colors.BLACK);
 *     });
 *
 * @module
 */
import { ptr, type Pointer } from "bun:ffi";
import { fnv1a64 } from "../ecs/layout.ts";
import { nativeBuffer } from "../ecs/native-buffer.ts";
import { structLayout } from "../ecs/struct-layout.ts";
import type { App } from "./app.ts";
import { HOTLOOP_OWN } from "./resources.ts";

/** The list's header as Rust reads it (`DrawListData`, 48 bytes). */
export const DRAW_LIST_LAYOUT = structLayout("DrawListData", {
  records: "u64",
  capacity: "u32",
  len: "u32",
  text: "u64",
  text_capacity: "u32",
  text_len: "u32",
  textures: "u64",
  texture_count: "u32",
  reserved: "u32",
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

/**
 * A record's `kind` (the SDK's `draw::kind`), and what its `a`..`d` mean (x, y: the centre, the
 * start or the top-left corner):
 * - `Circle`, `CircleLines`: a = radius;
 * - `Rect`, `RectLines`: a = width, b = height;
 * - `Line`: to (a, b), c = thickness;
 * - `Text`: a = font size, d = the string's byte offset in the text arena;
 * - `Sprite`: a = scale, b = rotation in degrees, d = the texture's index in the texture table.
 */
export const DrawKind = { Circle: 1, CircleLines: 2, Rect: 3, RectLines: 4, Line: 5, Text: 6, Sprite: 7 } as const;

/** Capacities of a {@link DrawList}. */
export interface DrawListOptions {
  /** Records a frame may hold (32 bytes each). Default 262144 (8 MiB). */
  readonly records?: number;
  /** Bytes of text a frame may hold, each string with its NUL. Default 1 MiB. */
  readonly textBytes?: number;
  /** Textures that can be registered. Default 1024. */
  readonly textures?: number;
}

/** The capacities a {@link DrawList} gets when {@link DrawListOptions} leaves one out. */
export const DRAW_LIST_DEFAULTS = {
  /** Records a frame may hold: 262144 (8 MiB). */
  records: 262_144,
  /** Bytes of text a frame may hold: 1 MiB. */
  textBytes: 1 << 20,
  /** Textures that can be registered: 1024. */
  textures: 1024,
} as const;

/** One record read back, for tests and debugging ({@link DrawList.record}). */
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

const RECORD_WORDS = DRAW_RECORD_LAYOUT.size / 4;
/** u32 indexes of the header fields TypeScript updates. */
const LEN = DRAW_LIST_LAYOUT.byName.len!.offset / 4;
const TEXT_LEN = DRAW_LIST_LAYOUT.byName.text_len!.offset / 4;
const TEXTURE_COUNT = DRAW_LIST_LAYOUT.byName.texture_count!.offset / 4;
/** Where the texture table starts in the list's block: after the header, 8-aligned. */
const TABLE_OFFSET = Math.ceil(DRAW_LIST_LAYOUT.size / 8) * 8;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Checks a capacity option: an integer in 1..max, or a one-line error naming it. */
function capacity(name: keyof DrawListOptions, value: number | undefined, max: number): number {
  const n = value ?? DRAW_LIST_DEFAULTS[name];
  if (!Number.isInteger(n) || n < 1 || n > max) throw new Error(`DrawList: ${name} must be an integer from 1 to ${max}, got ${n}`);
  return n;
}

/**
 * One app's draw list, in native memory that stays put for the list's life: the header, the
 * texture table, the records and the text arena in one block. Get the app's with
 * {@link drawListOf}; the render plugin draws it after Render, and the end of the frame clears it.
 *
 * Every method appends one record; a full list or arena throws one line saying how to raise it.
 * Colors are packed like `rgba()` (r in the low byte).
 */
export class DrawList {
  /** The header (`DrawListData`), what a hot system's `DrawList` parameter and the shim read. */
  readonly pointer: Pointer;
  /** Records a frame may hold. */
  readonly capacity: number;
  /** Bytes of text a frame may hold. */
  readonly textCapacity: number;
  /** Textures that can be registered. */
  readonly textureCapacity: number;
  readonly #u32: Uint32Array;
  readonly #f32: Float32Array;
  readonly #bytes: Uint8Array;
  readonly #hashes: BigUint64Array;
  /** Where the records start, in u32 words from the block's start. */
  readonly #recordsWord: number;
  /** Where the text arena starts, in bytes from the block's start. */
  readonly #textStart: number;
  readonly #textures = new Map<string, number>();

  constructor(options: DrawListOptions = {}) {
    this.capacity = capacity("records", options.records, 0xffff_ffff);
    this.textCapacity = capacity("textBytes", options.textBytes, 0xffff_ffff);
    this.textureCapacity = capacity("textures", options.textures, 1 << 20);
    const recordsStart = TABLE_OFFSET + this.textureCapacity * 8;
    this.#textStart = recordsStart + this.capacity * DRAW_RECORD_LAYOUT.size;
    const block = nativeBuffer(this.#textStart + this.textCapacity);
    this.#u32 = new Uint32Array(block);
    this.#f32 = new Float32Array(block);
    this.#bytes = new Uint8Array(block);
    this.#hashes = new BigUint64Array(block, TABLE_OFFSET, this.textureCapacity);
    this.#recordsWord = recordsStart / 4;
    this.pointer = ptr(this.#bytes);
    const header = new DataView(block, 0, DRAW_LIST_LAYOUT.size);
    const field = (name: string) => DRAW_LIST_LAYOUT.byName[name]!.offset;
    header.setBigUint64(field("records"), BigInt(this.pointer + recordsStart), true);
    header.setUint32(field("capacity"), this.capacity, true);
    header.setBigUint64(field("text"), BigInt(this.pointer + this.#textStart), true);
    header.setUint32(field("text_capacity"), this.textCapacity, true);
    header.setBigUint64(field("textures"), BigInt(this.pointer + TABLE_OFFSET), true);
  }

  /** Records written this frame (by TypeScript and Rust alike). */
  get len(): number {
    return this.#u32[LEN]!;
  }

  /** Bytes of text written this frame. */
  get textLen(): number {
    return this.#u32[TEXT_LEN]!;
  }

  /** Textures registered so far. */
  get textureCount(): number {
    return this.#u32[TEXTURE_COUNT]!;
  }

  /** Empties the list (records and text); registered textures stay. The frame end does this. */
  clear(): void {
    this.#u32[LEN] = 0;
    this.#u32[TEXT_LEN] = 0;
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
    const nul = text.indexOf("\0");
    const s = nul >= 0 ? text.slice(0, nul) : text;
    if (this.#u32[LEN]! >= this.capacity) this.#full();
    const offset = this.#u32[TEXT_LEN]!;
    const start = this.#textStart + offset;
    // One byte is kept for the NUL: the arena's end is start + (free - 1).
    const room = this.#bytes.subarray(start, this.#textStart + this.textCapacity - 1);
    const { read, written } = encoder.encodeInto(s, room);
    if (read < s.length || offset >= this.textCapacity) this.#arenaFull();
    this.#bytes[start + written] = 0;
    this.#u32[TEXT_LEN] = offset + written + 1;
    this.#push(DrawKind.Text, color, x, y, size, 0, 0, offset);
  }

  /**
   * The texture registered as `texture` (see `loadTexture` in hotloop/render) with its top-left
   * corner at (x, y), scaled by `scale`, rotated `rotation` degrees clockwise around that corner,
   * multiplied by `tint` (white, the default, draws it as is). Throws for a name not registered.
   */
  sprite(texture: string, x: number, y: number, scale = 1, rotation = 0, tint = 0xffff_ffff): void {
    const index = this.#textures.get(texture);
    if (index === undefined) throw new Error(`hotloop: texture ${JSON.stringify(texture)} is not loaded (load it with loadTexture(app, ${JSON.stringify(texture)}, path))`);
    this.#push(DrawKind.Sprite, tint, x, y, scale, rotation, 0, index);
  }

  /**
   * Puts `name` in the texture table (its 64-bit FNV-1a hash, which Rust's `Texture::named`
   * computes too) and returns its index; a name registered before keeps its index.
   */
  registerTexture(name: string): number {
    const known = this.#textures.get(name);
    if (known !== undefined) return known;
    const index = this.#u32[TEXTURE_COUNT]!;
    if (index >= this.textureCapacity) {
      throw new Error(`hotloop: the draw list's texture table is full (${this.textureCapacity} textures): raise it with drawListOf(app, { textures: ... }) before anything draws`);
    }
    this.#hashes[index] = BigInt(`0x${fnv1a64(name)}`);
    this.#textures.set(name, index);
    this.#u32[TEXTURE_COUNT] = index + 1;
    return index;
  }

  /** The index `name` was registered at, or undefined. */
  textureIndex(name: string): number | undefined {
    return this.#textures.get(name);
  }

  /** Record `i` of this frame, read back (for tests and debugging). */
  record(i: number): DrawRecordValue {
    if (!Number.isInteger(i) || i < 0 || i >= this.len) throw new RangeError(`DrawList: record ${i} is outside 0..${this.len - 1}`);
    const w = this.#recordsWord + i * RECORD_WORDS;
    const u = this.#u32;
    const f = this.#f32;
    return { kind: u[w]!, color: u[w + 1]!, x: f[w + 2]!, y: f[w + 3]!, a: f[w + 4]!, b: f[w + 5]!, c: f[w + 6]!, d: u[w + 7]! };
  }

  /** The string a text record names by its arena offset `d` (for tests and debugging). */
  textAt(offset: number): string {
    const start = this.#textStart + offset;
    const end = this.#bytes.indexOf(0, start);
    if (offset < 0 || offset >= this.textLen || end < 0) throw new RangeError(`DrawList: no string at text offset ${offset}`);
    return decoder.decode(this.#bytes.subarray(start, end));
  }

  #push(kind: number, color: number, x: number, y: number, a: number, b: number, c: number, d: number): void {
    const u = this.#u32;
    const len = u[LEN]!;
    if (len >= this.capacity) this.#full();
    u[LEN] = len + 1;
    const w = this.#recordsWord + len * RECORD_WORDS;
    const f = this.#f32;
    u[w] = kind;
    u[w + 1] = color;
    f[w + 2] = x;
    f[w + 3] = y;
    f[w + 4] = a;
    f[w + 5] = b;
    f[w + 6] = c;
    u[w + 7] = d;
  }

  #full(): never {
    throw new Error(`hotloop: the draw list is full (${this.capacity} records): draw less in one frame, or raise it with drawListOf(app, { records: ... }) before anything draws`);
  }

  #arenaFull(): never {
    throw new Error(`hotloop: the draw list's text arena is full (${this.textCapacity} bytes): draw less text in one frame, or raise it with drawListOf(app, { textBytes: ... }) before anything draws`);
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
    const has = { records: list.capacity, textBytes: list.textCapacity, textures: list.textureCapacity };
    const differs = (Object.keys(has) as (keyof typeof has)[]).filter((k) => options[k] !== undefined && options[k] !== has[k]);
    if (differs.length > 0) {
      const now = differs.map((k) => `${k}: ${has[k]}`).join(", ");
      throw new Error(`drawListOf: the app's draw list already exists with ${now}: pass the options at the first drawListOf(app, ...), before anything draws or loads a texture`);
    }
  }
  if (!clearing.has(app)) {
    clearing.add(app);
    app.onFrameEnd((a) => a.getResource(DrawList)?.clear());
  }
  return list;
}
