// The draw list without a window: TypeScript writes records and text into native memory laid out
// as docs/abi.md ("The draw list") says, the frame end clears it, textures and fonts register by
// name, sprite-sheet frames and font texts take a record and its extension, the screen space flags
// its records, and a full list says how to raise it in one line. The window tests
// (test/window/draw-list.test.ts, test/window/camera-sprites-fonts.test.ts) draw it.
import { afterAll, describe, expect, test } from "bun:test";
import { read } from "bun:ffi";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  App, DRAW_EXTENSION_LAYOUT, DRAW_LIST_LAYOUT, DRAW_RECORD_LAYOUT, DrawFlag, DrawKind, DrawList, drawListOf, Last, ManualClock, Render,
} from "../../src/core/index.ts";
import { fnv1a64 } from "../../src/ecs/layout.ts";
import { fontSize, loadFont } from "../../src/render/fonts.ts";
import { RaylibPlugin } from "../../src/render/plugin.ts";
import { Colors, rgba } from "../../src/render/raylib.ts";
import { loadTexture, textureSize } from "../../src/render/textures.ts";

const offsets = (layout: typeof DRAW_LIST_LAYOUT) => Object.fromEntries(layout.fields.map((f) => [f.name, f.offset]));

/** The header as the shim and Rust read it, through the list's pointer. */
function header(list: DrawList) {
  const at = (name: string) => DRAW_LIST_LAYOUT.byName[name]!.offset;
  const p = list.pointer;
  return {
    records: Number(read.u64(p, at("records"))),
    capacity: read.u32(p, at("capacity")),
    len: read.u32(p, at("len")),
    text: Number(read.u64(p, at("text"))),
    textCapacity: read.u32(p, at("text_capacity")),
    textLen: read.u32(p, at("text_len")),
    textures: Number(read.u64(p, at("textures"))),
    textureCount: read.u32(p, at("texture_count")),
    fonts: Number(read.u64(p, at("fonts"))),
    fontCount: read.u32(p, at("font_count")),
  };
}

/** Runs `fn` and returns the message it threw, checking it is one line. */
function thrown(fn: () => void): string {
  try {
    fn();
  } catch (e) {
    const message = (e as Error).message;
    expect(message).not.toContain("\n");
    return message;
  }
  throw new Error("it did not throw");
}

describe("the layouts", () => {
  test("DrawListData, DrawRecord and DrawExtension lie as docs/abi.md and the SDK's draw.rs say", () => {
    expect(offsets(DRAW_LIST_LAYOUT)).toEqual({
      records: 0, capacity: 8, len: 12, text: 16, text_capacity: 24, text_len: 28, textures: 32, texture_count: 40, font_count: 44, fonts: 48,
    });
    expect([DRAW_LIST_LAYOUT.size, DRAW_LIST_LAYOUT.align]).toEqual([56, 8]);
    expect(offsets(DRAW_RECORD_LAYOUT)).toEqual({ kind: 0, color: 4, x: 8, y: 12, a: 16, b: 20, c: 24, d: 28 });
    expect([DRAW_RECORD_LAYOUT.size, DRAW_RECORD_LAYOUT.align]).toEqual([32, 4]);
    expect(offsets(DRAW_EXTENSION_LAYOUT)).toEqual({ kind: 0, index: 4, f: 8 });
    expect([DRAW_EXTENSION_LAYOUT.size, DRAW_EXTENSION_LAYOUT.align]).toEqual([32, 4]);
    expect(DrawKind).toEqual({ Extension: 0, Circle: 1, CircleLines: 2, Rect: 3, RectLines: 4, Line: 5, Text: 6, Sprite: 7, SpritePro: 8, TextFont: 9 });
    expect(DrawFlag).toEqual({ Screen: 0x100 });
  });

  test("the header points at the list's own records, arena, texture table and font table", () => {
    const list = new DrawList({ records: 16, textBytes: 100, textures: 4, fonts: 3 });
    const h = header(list);
    expect([h.capacity, h.len, h.textCapacity, h.textLen, h.textureCount, h.fontCount]).toEqual([16, 0, 100, 0, 0, 0]);
    expect(h.records % 8).toBe(0);
    expect(h.textures % 8).toBe(0);
    expect(h.fonts % 8).toBe(0);
    expect(h.textures).toBeGreaterThanOrEqual(list.pointer + DRAW_LIST_LAYOUT.size);
    expect(h.fonts).toBeGreaterThanOrEqual(h.textures + 4 * 8);
    expect(h.records).toBeGreaterThanOrEqual(h.fonts + 3 * 8);
    expect(h.text).toBeGreaterThanOrEqual(h.records + 16 * DRAW_RECORD_LAYOUT.size);
    const defaults = new DrawList();
    expect([defaults.capacity, defaults.textCapacity, defaults.textureCapacity, defaults.fontCapacity]).toEqual([262_144, 1 << 20, 1024, 64]);
    expect(() => new DrawList({ records: 0 })).toThrow("DrawList: records must be an integer from 1 to");
  });
});

describe("TypeScript writes", () => {
  test("every shape becomes one record, in order, colors packed like rgba()", () => {
    const list = new DrawList({ records: 16 });
    list.circle(1, 2, 3, Colors.RED);
    list.circleLines(4, 5, 6, rgba(1, 2, 3, 4));
    list.rect(7, 8, 9, 10, Colors.BLUE);
    list.rectLines(11, 12, 13, 14, Colors.BLACK);
    list.line(15, 16, 17, 18, 2.5, Colors.WHITE);
    expect(list.len).toBe(5);
    expect(header(list).len).toBe(5); // the header is the one count Rust and TS share
    const rec = (kind: number, color: number, x: number, y: number, a: number, b: number, c = 0, d = 0) => ({ kind, color, x, y, a, b, c, d });
    expect([0, 1, 2, 3, 4].map((i) => list.record(i))).toEqual([
      rec(DrawKind.Circle, 0xff3729e6, 1, 2, 3, 0),
      rec(DrawKind.CircleLines, 0x04030201, 4, 5, 6, 0),
      rec(DrawKind.Rect, Colors.BLUE, 7, 8, 9, 10),
      rec(DrawKind.RectLines, Colors.BLACK, 11, 12, 13, 14),
      rec(DrawKind.Line, Colors.WHITE, 15, 16, 17, 18, 2.5),
    ]);
    // The bytes themselves, as the shim reads them.
    const first = header(list).records;
    expect([read.u32(first, 0), read.u32(first, 4), read.f32(first, 8), read.f32(first, 16)]).toEqual([1, 0xff3729e6, 1, 3]);
  });

  test("text goes into the arena as UTF-8 with a NUL; a string with NUL is cut at it", () => {
    const list = new DrawList({ records: 8, textBytes: 64 });
    list.text("score: 12", 10, 20, 16, Colors.GOLD);
    list.text("héllo\0ignored", 1, 2, 8, Colors.PINK);
    list.text("", 0, 0, 10, Colors.BLACK);
    expect([0, 1, 2].map((i) => list.record(i).d)).toEqual([0, 10, 17]); // "héllo" is 6 bytes
    expect(list.record(0)).toMatchObject({ kind: DrawKind.Text, x: 10, y: 20, a: 16, color: Colors.GOLD });
    expect([0, 10, 17].map((d) => list.textAt(d))).toEqual(["score: 12", "héllo", ""]);
    expect(list.textLen).toBe(18);
    const arena = header(list).text;
    expect([read.u8(arena, 9), read.u8(arena, 16), read.u8(arena, 17)]).toEqual([0, 0, 0]);
  });

  test("sprites name a registered texture by its index; the table holds the names' FNV-1a hashes", () => {
    const list = new DrawList({ records: 8, textures: 2 });
    expect(list.registerTexture("rock")).toBe(0);
    expect(list.registerTexture("ship")).toBe(1);
    expect(list.registerTexture("rock")).toBe(0); // registered once
    expect(list.textureCount).toBe(2);
    const table = header(list).textures;
    // The same value the SDK's draw.rs test expects of Texture::named("ship").
    expect(read.u64(table, 8)).toBe(0x46f06218e29ed3dfn);
    list.sprite("ship", 5, 6, 2, 90);
    list.sprite("rock", 0, 0, 1, 0, Colors.RED);
    expect(list.record(0)).toEqual({ kind: DrawKind.Sprite, color: 0xffffffff, x: 5, y: 6, a: 2, b: 90, c: 0, d: 1 });
    expect(list.record(1)).toMatchObject({ d: 0, color: Colors.RED });
    expect(thrown(() => list.sprite("boat", 0, 0))).toBe('hotloop: texture "boat" is not loaded (load it with loadTexture(app, "boat", path))');
    expect(thrown(() => list.registerTexture("boat"))).toBe(
      "hotloop: the draw list's texture table is full (2 textures): raise it with drawListOf(app, { textures: ... }) before anything draws",
    );
  });

  test("a full list or arena throws one line with its capacity and how to raise it, writing nothing", () => {
    const list = new DrawList({ records: 2, textBytes: 8 });
    list.text("1234567", 0, 0, 10, Colors.RED); // 7 bytes and the NUL: the arena is exactly full
    expect(thrown(() => list.text("", 0, 0, 10, Colors.RED))).toBe(
      "hotloop: the draw list's text arena is full (8 bytes): draw less text in one frame, or raise it with drawListOf(app, { textBytes: ... }) before anything draws",
    );
    list.circle(0, 0, 1, Colors.RED);
    expect(thrown(() => list.circle(0, 0, 1, Colors.RED))).toBe(
      "hotloop: the draw list is full (2 records): draw less in one frame, or raise it with drawListOf(app, { records: ... }) before anything draws",
    );
    expect(thrown(() => list.text("a", 0, 0, 10, Colors.RED))).toStartWith("hotloop: the draw list is full (2 records)");
    expect([list.len, list.textLen]).toEqual([2, 8]);
    list.clear();
    expect([list.len, list.textLen, header(list).len, header(list).textLen]).toEqual([0, 0, 0, 0]);
    list.text("ab", 0, 0, 10, Colors.RED);
    expect(list.textAt(list.record(0).d)).toBe("ab");
  });
});

describe("sprite sheets, fonts and the screen space", () => {
  test("a sprite-sheet frame is a wide record: the destination in the record, the source and origin in its extension", () => {
    const list = new DrawList({ records: 4, textures: 2 });
    list.registerTexture("rock");
    list.registerTexture("sheet");
    list.spritePro("sheet", { x: 16, y: 0, width: 16, height: 8 }, { x: 100, y: 50, width: 32, height: 16 }, { x: 16, y: 8 }, 30, Colors.RED);
    expect(list.len).toBe(2);
    expect(list.record(0)).toEqual({ kind: DrawKind.SpritePro, color: Colors.RED, x: 100, y: 50, a: 32, b: 16, c: 30, d: 1 });
    expect(list.extension(1)).toEqual({ kind: DrawKind.Extension, index: 0, f: [16, 0, 16, 8, 16, 8] });
    list.spritePro("rock", { x: 0, y: 0, width: 4, height: 4 }, { x: 1, y: 2, width: 8, height: 8 });
    expect(list.record(2)).toEqual({ kind: DrawKind.SpritePro, color: 0xffffffff, x: 1, y: 2, a: 8, b: 8, c: 0, d: 0 }); // no origin, rotation or tint
    expect(list.extension(3).f).toEqual([0, 0, 4, 4, 0, 0]);
    // The SDK's draw.rs test writes the same record and extension for sprite_pro.
    list.clear();
    list.circle(0, 0, 1, Colors.RED);
    list.circle(0, 0, 1, Colors.RED);
    list.circle(0, 0, 1, Colors.RED);
    expect(thrown(() => list.spritePro("sheet", { x: 0, y: 0, width: 1, height: 1 }, { x: 0, y: 0, width: 1, height: 1 }))).toStartWith("hotloop: the draw list is full (4 records)");
    expect(list.len).toBe(3); // two records or none
    expect(thrown(() => list.spritePro("boat", { x: 0, y: 0, width: 1, height: 1 }, { x: 0, y: 0, width: 1, height: 1 }))).toBe(
      'hotloop: texture "boat" is not loaded (load it with loadTexture(app, "boat", path))',
    );
  });

  test("text in a font names the font in its extension; fonts register by the FNV-1a hash of their name", () => {
    const list = new DrawList({ records: 4, textBytes: 16, fonts: 2 });
    expect(list.registerFont("title")).toBe(0);
    expect(list.registerFont("mono")).toBe(1);
    expect(list.registerFont("title")).toBe(0);
    expect([list.fontCount, list.fontIndex("mono"), list.fontIndex("serif")]).toEqual([2, 1, undefined]);
    // The value Rust's Font::named("mono") carries (fnv1a_64, as for textures).
    expect(read.u64(header(list).fonts, 8)).toBe(BigInt(`0x${fnv1a64("mono")}`));
    list.textFont("mono", "hi", 3, 4, 20, 1.5, Colors.BLUE);
    expect(list.record(0)).toEqual({ kind: DrawKind.TextFont, color: Colors.BLUE, x: 3, y: 4, a: 20, b: 1.5, c: 0, d: 0 });
    expect(list.extension(1)).toEqual({ kind: DrawKind.Extension, index: 1, f: [0, 0, 0, 0, 0, 0] });
    expect(list.textAt(0)).toBe("hi");
    expect(thrown(() => list.textFont("serif", "x", 0, 0, 10, 0, Colors.RED))).toBe('hotloop: font "serif" is not loaded (load it with loadFont(app, "serif", path, size))');
    list.circle(0, 0, 1, Colors.RED);
    expect(thrown(() => list.textFont("mono", "y", 0, 0, 10, 0, Colors.RED))).toStartWith("hotloop: the draw list is full (4 records)");
    expect([list.len, list.textLen]).toEqual([3, 3]); // no text copied for a record that did not fit
    expect(thrown(() => list.registerFont("serif"))).toBe("hotloop: the draw list's font table is full (2 fonts): raise it with drawListOf(app, { fonts: ... }) before anything draws");
  });

  test("the screen space writes into the same list, in order, each record flagged", () => {
    const list = new DrawList({ records: 16, textures: 1, fonts: 1 });
    list.registerTexture("sheet");
    list.registerFont("mono");
    const frame = { x: 0, y: 0, width: 4, height: 4 };
    list.rect(1, 1, 1, 1, Colors.RED);
    list.screen.text("a", 0, 0, 10, Colors.BLACK);
    list.screen.spritePro("sheet", frame, frame);
    list.screen.textFont("mono", "b", 0, 0, 10, 0, Colors.BLACK);
    list.screen.sprite("sheet", 0, 0);
    list.circle(2, 2, 1, Colors.RED);
    const kinds = Array.from({ length: list.len }, (_, i) => list.record(i).kind);
    const S = DrawFlag.Screen;
    expect(kinds).toEqual([DrawKind.Rect, DrawKind.Text | S, DrawKind.SpritePro | S, 0, DrawKind.TextFont | S, 0, DrawKind.Sprite | S, DrawKind.Circle]);
    expect(list.screen.text === list.text).toBe(true); // one set of methods, two spaces
  });
});

describe("drawListOf(app)", () => {
  test("makes the list on first use, keeps it, and clears it at the end of every frame", () => {
    const clock = new ManualClock();
    const app = new App({ clock });
    const list = drawListOf(app, { records: 64 });
    expect(app.resource(DrawList)).toBe(list);
    expect(drawListOf(app)).toBe(list);
    expect(drawListOf(app, { records: 64 })).toBe(list);
    const seen: number[] = [];
    app.addSystems(Render, () => {
      drawListOf(app).circle(1, 1, 1, Colors.RED);
      drawListOf(app).text("hi", 0, 0, 10, Colors.RED);
    });
    app.addSystems(Last, () => void seen.push(list.len, list.textLen));
    for (let i = 0; i < 3; i++) {
      clock.advance(16);
      app.update();
      expect([list.len, list.textLen]).toEqual([0, 0]);
    }
    expect(seen).toEqual([2, 3, 2, 3, 2, 3]); // one frame's records at a time: cleared, not piling up
  });

  test("uses a list inserted as a resource, and refuses options its list does not have", () => {
    const app = new App({ clock: new ManualClock() });
    const mine = app.insertResource(new DrawList({ records: 8 }));
    expect(drawListOf(app)).toBe(mine);
    mine.circle(0, 0, 1, Colors.RED);
    app.update();
    expect(mine.len).toBe(0);
    expect(thrown(() => drawListOf(app, { records: 16, textures: 1024 }))).toBe(
      "drawListOf: the app's draw list already exists with records: 8: pass the options at the first drawListOf(app, ...), before anything draws or loads a texture",
    );
  });
});

describe("loadTexture and loadFont without a window", () => {
  const dir = mkdtempSync(join(tmpdir(), "hotloop-draw-list-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const png = join(dir, "ship.png");
  writeFileSync(png, "not decoded headless");

  test("registers the name only, so sprites are written (and draw nothing); a missing file is one line", () => {
    const clock = new ManualClock();
    const app = new App({ clock }).addPlugins(RaylibPlugin({ width: 64, height: 64, title: "headless", headless: true }));
    expect(loadTexture(app, "ship", png)).toBe(0);
    expect(loadTexture(app, "ship", png)).toBe(0);
    expect(drawListOf(app).textureIndex("ship")).toBe(0);
    expect(textureSize(app, "ship")).toBeUndefined();
    let written = 0;
    app.addSystems(Render, () => {
      drawListOf(app).sprite("ship", 1, 2);
      written = drawListOf(app).len;
    });
    clock.advance(16);
    app.update(); // the plugin's stand-in "draws" the list; nothing breaks
    expect(written).toBe(1);
    expect(drawListOf(app).len).toBe(0);
    expect(thrown(() => loadTexture(app, "rock", join(dir, "rock.png")))).toBe(`hotloop: cannot load texture "rock": no file at ${join(dir, "rock.png")}`);
    app.shutdown();
  });

  test("loadFont without a window registers the name only; a missing file or a bad size is one line", () => {
    const ttf = join(dir, "mono.ttf");
    writeFileSync(ttf, "not read headless");
    const clock = new ManualClock();
    const app = new App({ clock }).addPlugins(RaylibPlugin({ width: 64, height: 64, title: "headless", headless: true }));
    expect(loadFont(app, "mono", ttf, 20)).toBe(0);
    expect(loadFont(app, "mono", ttf, 20)).toBe(0);
    expect(drawListOf(app).fontIndex("mono")).toBe(0);
    expect(fontSize(app, "mono")).toBeUndefined();
    app.addSystems(Render, () => drawListOf(app).textFont("mono", "hi", 1, 2, 20, 0, Colors.BLACK));
    clock.advance(16);
    app.update();
    expect(thrown(() => loadFont(app, "serif", join(dir, "serif.ttf"), 20))).toBe(`hotloop: cannot load font "serif": no file at ${join(dir, "serif.ttf")}`);
    expect(thrown(() => loadFont(app, "mono", ttf, 0))).toBe('hotloop: cannot load font "mono": the size must be a whole number of pixels from 1 to 1024, got 0');
    app.shutdown();
  });
});
