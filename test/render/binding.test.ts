// The generated raylib binding (scripts/gen-raylib.ts): it covers raylib_api.json whole, it is what
// the generator makes today (no hand edits, no drift from the JSON), and its struct passing works
// against the real libraylib (no window needed: images, collisions, text and colors are CPU work).
import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { EXCLUDED, ENUMS_IN_CORE, GEN_C, GEN_TS, generateRaylib, methodName, WRAPPER_PREFIX } from "../../scripts/gen-raylib.ts";
import { raylibApi } from "../../scripts/raylib-api.ts";
import * as keys from "../../src/core/keys.ts";
import * as generated from "../../src/render/raylib.gen.ts";
import { Colors, headlessRaylib, loadRaylib, Raylib, rgba, STRUCT_LAYOUTS, type Image, type Rectangle } from "../../src/render/raylib.ts";
import { skipWindowTests } from "../support/window-env.ts";

const api = raylibApi();

describe("coverage of raylib_api.json", () => {
  test("an array of structs (plural, or followed by a count) takes memory only, never one object", () => {
    const src = readFileSync(GEN_TS, "utf8");
    expect(src).toContain("drawLineStrip(points: PointerLike, pointCount: number, color: Color): void");
    expect(src).toContain("setWindowIcons(images: PointerLike, count: number): void");
    expect(src).toContain("imageResize(image: Image | PointerLike, newWidth: number, newHeight: number): void"); // one Image: the object, in and out
  });

  test("every function is bound, or excluded here with its reason", () => {
    const bound = new Set([...Object.keys(generated.RAYLIB_FUNCTIONS), ...Object.keys(generated.WRAPPER_FUNCTIONS).map((n) => n.slice(WRAPPER_PREFIX.length))]);
    const missing = api.functions.map((f) => f.name).filter((n) => !bound.has(n) && !(n in EXCLUDED));
    expect(missing).toEqual([]);
    for (const [name, why] of Object.entries(EXCLUDED)) {
      expect(api.functions.some((f) => f.name === name)).toBe(true); // no stale exclusions
      expect(why.length).toBeGreaterThan(20);
      expect(bound.has(name)).toBe(false);
    }
    console.log(`raylib binding: ${bound.size} of ${api.functions.length} functions bound, ${Object.keys(EXCLUDED).length} excluded`);
  });

  test("every bound function is a method of Raylib", () => {
    const methods = api.functions.filter((f) => !(f.name in EXCLUDED)).map((f) => methodName(f.name));
    const absent = methods.filter((m) => typeof (Raylib.prototype as unknown as Record<string, unknown>)[m] !== "function");
    expect(absent).toEqual([]);
  });

  test("every struct has a layout, every enum and color a constant", () => {
    for (const s of api.structs) expect(STRUCT_LAYOUTS).toHaveProperty(s.name);
    for (const e of api.enums) {
      if ((ENUMS_IN_CORE as readonly string[]).includes(e.name)) continue;
      const table = (generated as unknown as Record<string, Record<string, number>>)[e.name];
      if (!table) throw new Error(`no constant for the enum ${e.name}`);
      expect(Object.values(table).sort((a, b) => a - b)).toEqual(e.values.map((v) => v.value).sort((a, b) => a - b));
    }
    // The input enums live in core's one table (src/core/keys.ts), also generated from the JSON.
    const coreTables = Object.values(keys).filter((v) => typeof v === "object") as Record<string, number>[];
    for (const name of ENUMS_IN_CORE) {
      const e = api.enums.find((x) => x.name === name)!;
      const codes = e.values.map((v) => v.value).sort((a, b) => a - b);
      if (!coreTables.some((t) => JSON.stringify(Object.values(t).sort((a, b) => a - b)) === JSON.stringify(codes))) throw new Error(`src/core/keys.ts has no table of ${name}`);
    }
    const colorDefines = api.defines.filter((d) => d.type === "COLOR");
    expect(Object.keys(Colors).sort()).toEqual(colorDefines.map((d) => d.name).sort());
    expect(Number(Colors.RED)).toBe(rgba(230, 41, 55)); // parsed from "CLITERAL(Color){ 230, 41, 55, 255 }"
  });
});

describe("the generated files", () => {
  test("are what scripts/gen-raylib.ts makes from raylib_api.json (else: bun run gen:raylib)", () => {
    const { ts, c } = generateRaylib();
    expect(readFileSync(GEN_TS, "utf8")).toBe(ts);
    expect(readFileSync(GEN_C, "utf8")).toBe(c);
  });

  test("assert every struct layout to the C compiler", () => {
    const c = readFileSync(GEN_C, "utf8");
    for (const [name, l] of Object.entries(STRUCT_LAYOUTS)) {
      expect(c).toContain(`_Static_assert(sizeof(${name}) == ${l.size}, "${name}: size");`);
      for (const [field, offset] of Object.entries(l.offsets)) expect(c).toContain(`_Static_assert(offsetof(${name}, ${field}) == ${offset},`);
    }
  });
});

describe("headless", () => {
  test("the stand-in: a struct result is zeros, not the last call's arguments; an object passed by pointer keeps its values", () => {
    const rl = headlessRaylib();
    const image: Image = { data: 0, width: 8, height: 4, mipmaps: 1, format: 7 };
    rl.imageDraw(image, { data: 0, width: 1, height: 1, mipmaps: 1, format: 7 }, { x: 0, y: 0, width: 1, height: 1 }, { x: 0, y: 0, width: 1, height: 1 }, Colors.WHITE); // through a wrapper
    expect(image).toEqual({ data: 0, width: 8, height: 4, mipmaps: 1, format: 7 });
    rl.imageFormat(image, 2); // straight
    expect(image).toEqual({ data: 0, width: 8, height: 4, mipmaps: 1, format: 7 });
    rl.drawRectangleRec({ x: 5, y: 6, width: 7, height: 8 }, Colors.RED); // fills the scratch block
    expect(rl.getCollisionRec({ x: 0, y: 0, width: 10, height: 10 }, { x: 5, y: 5, width: 10, height: 10 })).toEqual({ x: 0, y: 0, width: 0, height: 0 });
    expect(rl.checkCollisionRecs({ x: 0, y: 0, width: 1, height: 1 }, { x: 0, y: 0, width: 1, height: 1 })).toBe(false);
    expect(rl.getFileExtension("a.png")).toBe("");
  });
});

describe.skipIf(skipWindowTests({ display: "none" }))("structs by value, against the real libraylib (no window)", () => {
  test("results come back as objects; struct arguments go by value through the wrappers", async () => {
    const rl = await loadRaylib();
    const a: Rectangle = { x: 0, y: 0, width: 10, height: 10 };
    expect(rl.getCollisionRec(a, { x: 5, y: 6, width: 10, height: 10 })).toEqual({ x: 5, y: 6, width: 5, height: 4 });
    expect(rl.checkCollisionRecs(a, { x: 11, y: 0, width: 1, height: 1 })).toBe(false);
    expect(rl.checkCollisionPointRec({ x: 9.5, y: 0.5 }, a)).toBe(true);
    expect(rl.fade(Colors.RED, 0.5)).toBe(rgba(230, 41, 55, 127)); // a Color result, packed
    expect(rl.colorToInt(rgba(1, 2, 3, 4))).toBe(0x01020304);
    expect(rl.getFileExtension("sprites/coin.png")).toBe(".png"); // a const char * result
    expect(rl.textToUpper("coin")).toBe("COIN");
  });

  test("a struct pointer takes the object, and the call's changes come back into it (C's &image)", async () => {
    const rl = await loadRaylib();
    const image: Image = rl.genImageColor(4, 4, Colors.BLUE);
    expect([image.width, image.height, image.data !== 0]).toEqual([4, 4, true]);
    rl.imageResize(image, 8, 2);
    expect([image.width, image.height]).toEqual([8, 2]);
    rl.imageDrawPixel(image, 1, 1, Colors.RED);
    expect(rl.getImageColor(image, 1, 1)).toBe(Colors.RED);
    expect(rl.getImageColor(image, 0, 0)).toBe(Colors.BLUE);
    rl.unloadImage(image);
  });
});
