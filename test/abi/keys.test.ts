/**
 * Approval tests for the key codes: src/core/keys.ts is the one list, and every other table
 * (core's `Key`, render's `KeyboardKey`, the SDK's `Key::*` in input.rs) must say the same.
 * Each test fails when one side drifts; `bun run gen:keys` fixes the Rust side.
 */
import { describe, expect, test } from "bun:test";
import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { Key, KEY_COUNT, keyCode, MouseButton } from "../../src/core/input.ts";
import { KEY_CODES, MOUSE_BUTTON_CODES } from "../../src/core/keys.ts";
import { parseKeyScript } from "../../src/core/scripted-input.ts";
import { ensureRaylib, RAYLIB_SYS_VERSION, RAYLIB_VERSION } from "../../src/render/build-raylib.ts";
import { raylibCacheDir } from "../../src/render/cache.ts";
import { KeyboardKey, MAX_KEYBOARD_KEYS, MOUSE_BUTTON_COUNT, MouseButtonCode } from "../../src/render/raylib.ts";
import { onCI } from "../support/window-env.ts";
import { END_MARKER, extractKeysBlock, generateKeysBlock, INPUT_RS, replaceKeysBlock } from "../../scripts/gen-keys.ts";

const inputRs = await Bun.file(INPUT_RS).text();

/** Every `pub const NAME: Type = Type(code);` of input.rs, anywhere in the file, in order. */
function rustConsts(type: string): [string, number][] {
  const re = new RegExp(`pub const (\\w+): ${type} = ${type}\\((\\d+)\\);`, "g");
  return [...inputRs.matchAll(re)].map((m) => [m[1]!, Number(m[2])]);
}

describe("the SDK's input.rs", () => {
  test("its generated block is what scripts/gen-keys.ts makes from keys.ts (else: bun run gen:keys)", () => {
    expect(extractKeysBlock(inputRs)).toBe(generateKeysBlock());
  });

  test("its Key and MouseButton constants, in or out of the block, are exactly keys.ts's", () => {
    expect(rustConsts("Key")).toEqual(Object.entries(KEY_CODES));
    expect(rustConsts("MouseButton")).toEqual(Object.entries(MOUSE_BUTTON_CODES));
  });

  test("every generated constant carries a doc comment naming raylib's constant", () => {
    const lines = generateKeysBlock().split("\n");
    const constants = lines.flatMap((line, i) => {
      const m = /pub const (\w+): (Key|MouseButton) = \2\((\d+)\);/.exec(line);
      return m ? [{ name: m[1]!, type: m[2]!, code: m[3]!, doc: lines[i - 1] }] : [];
    });
    // Every constant of keys.ts was found in the block (none skipped because its line did not match), each under its comment.
    expect(constants.map((c) => `${c.type}::${c.name}`)).toEqual([...Object.keys(KEY_CODES).map((n) => `Key::${n}`), ...Object.keys(MOUSE_BUTTON_CODES).map((n) => `MouseButton::${n}`)]);
    for (const c of constants) expect(c.doc).toBe(`    /// raylib \`${c.type === "Key" ? "KEY_" : "MOUSE_BUTTON_"}${c.name}\` (${c.code}).`);
  });

  test("the approval can fail: a changed table gives another block, and replacing puts it in place", () => {
    const drifted = generateKeysBlock({ ...KEY_CODES, SEMICOLON: 58 });
    expect(drifted).not.toBe(generateKeysBlock());
    const stale = replaceKeysBlock(inputRs, drifted);
    expect(extractKeysBlock(stale)).toBe(drifted);
    expect(extractKeysBlock(stale)).not.toBe(generateKeysBlock());
    expect(replaceKeysBlock(stale, extractKeysBlock(inputRs))).toBe(inputRs);
    expect(() => extractKeysBlock(inputRs.replace(END_MARKER, ""))).toThrow("no ");
    expect(() => generateKeysBlock({ "bad-name": 1 })).toThrow("UPPER_SNAKE");
    expect(() => generateKeysBlock({ HUGE: 512 })).toThrow("0..=511");
  });
});

describe("the TypeScript tables", () => {
  test("core's Key and render's KeyboardKey are keys.ts's list, name for name", () => {
    expect({ ...Key }).toEqual({ ...KEY_CODES });
    expect({ ...KeyboardKey }).toEqual({ ...KEY_CODES });
    expect(Object.keys(Key)).toEqual(Object.keys(KeyboardKey));
  });

  test("core's MouseButton and render's MouseButtonCode are keys.ts's buttons", () => {
    expect({ ...MouseButton }).toEqual({ ...MOUSE_BUTTON_CODES });
    expect({ ...MouseButtonCode }).toEqual({ ...MOUSE_BUTTON_CODES });
    expect(Object.keys(MOUSE_BUTTON_CODES)).toHaveLength(MOUSE_BUTTON_COUNT);
  });

  test("codes fit InputData (512 keys, 8 buttons) and no two names share one", () => {
    const keys = Object.values(KEY_CODES);
    expect(new Set(keys).size).toBe(keys.length);
    for (const code of keys) expect(code >= 0 && code < KEY_COUNT && code < MAX_KEYBOARD_KEYS).toBe(true);
    const buttons = Object.values(MOUSE_BUTTON_CODES);
    expect(new Set(buttons).size).toBe(buttons.length);
    for (const code of buttons) expect(code >= 0 && code < 8).toBe(true);
    expect(Object.isFrozen(KEY_CODES) && Object.isFrozen(MOUSE_BUTTON_CODES)).toBe(true);
  });

  test("a few codes, copied by hand from raylib.h", () => {
    expect(KEY_CODES).toMatchObject({ NULL: 0, SPACE: 32, SEMICOLON: 59, W: 87, GRAVE: 96, ESCAPE: 256, HOME: 268 });
    expect(KEY_CODES).toMatchObject({ PAUSE: 284, F12: 301, KP_0: 320, KP_ADD: 334, KP_EQUAL: 336, KB_MENU: 348, VOLUME_DOWN: 25 });
    expect(Object.keys(KEY_CODES)).toHaveLength(110);
    expect(MOUSE_BUTTON_CODES).toEqual({ LEFT: 0, RIGHT: 1, MIDDLE: 2, SIDE: 3, EXTRA: 4, FORWARD: 5, BACK: 6 });
  });
});

/** raylib.h where one is at hand: a cached build's, an external one's, or cargo's raylib-sys sources. */
function findRaylibHeader(): string | undefined {
  const candidates = [
    process.env.HOTLOOP_RAYLIB_INCLUDE && join(process.env.HOTLOOP_RAYLIB_INCLUDE, "raylib.h"),
    join(raylibCacheDir(), `raylib-${RAYLIB_VERSION}_sys-${RAYLIB_SYS_VERSION}`, "include", "raylib.h"),
  ];
  const registry = join(process.env.CARGO_HOME ?? join(homedir(), ".cargo"), "registry", "src");
  if (existsSync(registry)) {
    for (const p of new Bun.Glob(`*/raylib-sys-${RAYLIB_SYS_VERSION}/raylib/src/raylib.h`).scanSync(registry)) {
      candidates.push(join(registry, p));
    }
  }
  return candidates.find((p): p is string => !!p && existsSync(p));
}

/** The `PREFIX_NAME = code` entries of raylib.h's `typedef enum { … } <name>;`, prefix removed, in order. */
function raylibEnum(header: string, name: string, prefix: string): [string, number][] {
  const body = new RegExp(`typedef enum \\{([^}]*)\\}\\s*${name};`).exec(header)?.[1];
  if (body === undefined) throw new Error(`raylib.h has no enum ${name}`);
  return [...body.matchAll(new RegExp(`\\b${prefix}(\\w+)\\s*=\\s*(\\d+)`, "g"))].map((m) => [m[1]!, Number(m[2])]);
}

let header = findRaylibHeader();
if (!header && onCI) {
  // Skipped where no raylib.h is at hand, but not under CI, which can build raylib (the window
  // tests need it): it is built or found now, and its header must then be at hand.
  await ensureRaylib();
  header = findRaylibHeader();
  if (!header) throw new Error("keys.test.ts: no raylib.h found after ensureRaylib() (HOTLOOP_RAYLIB_INCLUDE, the raylib cache, cargo's raylib-sys sources); under CI this test is not skipped");
}

describe("raylib.h", () => {
  test.skipIf(!header)(`keys.ts lists raylib.h's KeyboardKey and MouseButton enums (${header ?? "no raylib.h found: skipped"})`, async () => {
    const text = await Bun.file(header!).text();
    expect(raylibEnum(text, "KeyboardKey", "KEY_")).toEqual(Object.entries(KEY_CODES));
    expect(raylibEnum(text, "MouseButton", "MOUSE_BUTTON_")).toEqual(Object.entries(MOUSE_BUTTON_CODES));
  });
});

describe("key names", () => {
  test("keyCode resolves every name of the list, in any case", () => {
    expect(keyCode("semicolon")).toBe(59);
    expect(keyCode("HOME")).toBe(268);
    expect(keyCode("KP_ADD")).toBe(334);
    expect(keyCode("kp_0")).toBe(320);
    for (const [name, code] of Object.entries(KEY_CODES)) expect(keyCode(name)).toBe(code);
  });

  test("keyCode refuses what is not a key name", () => {
    expect(keyCode("PLUTO")).toBeUndefined();
    expect(keyCode("toString")).toBeUndefined();
    expect(keyCode("__proto__")).toBeUndefined();
    expect(keyCode("")).toBeUndefined();
  });

  test("key scripts accept SEMICOLON, HOME and KP_ADD", () => {
    const events = parseKeyScript("1 down SEMICOLON\n2 down home\n3 up KP_ADD # keypad plus\n", "keys.txt");
    expect(events).toEqual([
      { frame: 1, key: 59, down: true },
      { frame: 2, key: 268, down: true },
      { frame: 3, key: 334, down: false },
    ]);
  });
});
