/**
 * raylib through bun:ffi: typed bindings for the functions a game needs first, plus the hotloop
 * shim for those that pass structs by value.
 *
 *     import { loadRaylib, Colors, rgba } from "./src/render/raylib.ts";
 *     const rl = await loadRaylib();
 *     rl.initWindow(320, 240, "hello");
 *     while (!rl.windowShouldClose()) {
 *       rl.beginDrawing();
 *       rl.clearBackground(Colors.RAYWHITE);
 *       rl.drawRectangle(10, 10, 50, 30, rgba(230, 41, 55));
 *       rl.endDrawing();
 *     }
 *     rl.closeWindow();
 *
 * A raylib `Color` is four bytes {r, g, b, a}; on x86-64 (SysV) and aarch64 it travels by value
 * in an integer register, so a u32 packed little-endian (r in the low byte) is passed where
 * raylib takes a Color. test/window/raylib.test.ts proves it through `hl_color_component`.
 *
 * @module
 */
import { dlopen, FFIType, JSCallback, ptr as addressOf, type FFIFunction, type Pointer } from "bun:ffi";
import { writeSync } from "node:fs";
import { isAbsolute, resolve } from "node:path";
import { KEY_CODES, MOUSE_BUTTON_CODES } from "../core/keys.ts";
import { ensureRaylib, ensureRaylibSync, RaylibSetupError, type RaylibPaths } from "./build-raylib.ts";
import { raylibCacheDir } from "./cache.ts";

// ---------------------------------------------------------------------------------------------
// Colors
// ---------------------------------------------------------------------------------------------

/** A raylib Color packed into a u32 exactly as {r, g, b, a} lies in memory (r in the low byte). */
export type Color = number;

/** Packs a color from 0..255 components; `a` defaults to opaque. */
export function rgba(r: number, g: number, b: number, a = 255): Color {
  return ((r & 255) | ((g & 255) << 8) | ((b & 255) << 16) | ((a & 255) << 24)) >>> 0;
}

/** Unpacks a {@link Color} into its [r, g, b, a] components, for tests and debugging. */
export function colorComponents(color: Color): [r: number, g: number, b: number, a: number] {
  return [color & 255, (color >>> 8) & 255, (color >>> 16) & 255, (color >>> 24) & 255];
}

/** A color as `rgba(r, g, b, a)` text, for assertion messages. */
export function colorToString(color: Color): string {
  return `rgba(${colorComponents(color).join(", ")})`;
}

/** raylib's named colors (raylib.h), packed. */
export const Colors = {
  LIGHTGRAY: rgba(200, 200, 200),
  GRAY: rgba(130, 130, 130),
  DARKGRAY: rgba(80, 80, 80),
  YELLOW: rgba(253, 249, 0),
  GOLD: rgba(255, 203, 0),
  ORANGE: rgba(255, 161, 0),
  PINK: rgba(255, 109, 194),
  RED: rgba(230, 41, 55),
  MAROON: rgba(190, 33, 55),
  GREEN: rgba(0, 228, 48),
  LIME: rgba(0, 158, 47),
  DARKGREEN: rgba(0, 117, 44),
  SKYBLUE: rgba(102, 191, 255),
  BLUE: rgba(0, 121, 241),
  DARKBLUE: rgba(0, 82, 172),
  PURPLE: rgba(200, 122, 255),
  VIOLET: rgba(135, 60, 190),
  DARKPURPLE: rgba(112, 31, 126),
  BEIGE: rgba(211, 176, 131),
  BROWN: rgba(127, 106, 79),
  DARKBROWN: rgba(76, 63, 47),
  WHITE: rgba(255, 255, 255),
  BLACK: rgba(0, 0, 0),
  BLANK: rgba(0, 0, 0, 0),
  MAGENTA: rgba(255, 0, 255),
  RAYWHITE: rgba(245, 245, 245),
} as const;

// ---------------------------------------------------------------------------------------------
// Constants (raylib.h)
// ---------------------------------------------------------------------------------------------

/**
 * raylib's keyboard key codes (KEY_* in raylib.h, GLFW's values); all are below 512. Named after
 * raylib's enum so it does not clash with core's `Key`: both are the one table of
 * src/core/keys.ts.
 */
export const KeyboardKey = KEY_CODES;

/** One past the largest key code raylib tracks (MAX_KEYBOARD_KEYS). */
export const MAX_KEYBOARD_KEYS = 512;

/** raylib's mouse buttons (MOUSE_BUTTON_* in raylib.h); the same table as core's `MouseButton` (src/core/keys.ts). */
export const MouseButtonCode = MOUSE_BUTTON_CODES;

/** How many mouse buttons raylib knows. */
export const MOUSE_BUTTON_COUNT = 7;

/** Window configuration flags for {@link Raylib.setConfigFlags} (FLAG_* in raylib.h). */
export const ConfigFlag = {
  VSYNC_HINT: 0x40,
  FULLSCREEN_MODE: 0x2,
  WINDOW_RESIZABLE: 0x4,
  WINDOW_UNDECORATED: 0x8,
  WINDOW_HIDDEN: 0x80,
  WINDOW_MINIMIZED: 0x200,
  WINDOW_MAXIMIZED: 0x400,
  WINDOW_UNFOCUSED: 0x800,
  WINDOW_TOPMOST: 0x1000,
  WINDOW_ALWAYS_RUN: 0x100,
  WINDOW_TRANSPARENT: 0x10,
  WINDOW_HIGHDPI: 0x2000,
  WINDOW_MOUSE_PASSTHROUGH: 0x4000,
  BORDERLESS_WINDOWED_MODE: 0x8000,
  MSAA_4X_HINT: 0x20,
  INTERLACED_HINT: 0x10000,
} as const;

/** raylib's log levels for {@link Raylib.setTraceLogLevel} (LOG_* in raylib.h). */
export const LogLevel = { ALL: 0, TRACE: 1, DEBUG: 2, INFO: 3, WARNING: 4, ERROR: 5, FATAL: 6, NONE: 7 } as const;

/** Flags {@link Raylib.pollKeys} and {@link Raylib.pollMouse} write per code (the shim's HL_*). */
export const InputFlag = { DOWN: 1, PRESSED: 2, RELEASED: 4 } as const;

// ---------------------------------------------------------------------------------------------
// FFI declarations
// ---------------------------------------------------------------------------------------------

const { i32, u32, f32, f64, bool, ptr, void: voidT } = FFIType;

/** libraylib symbols bound directly (scalars, pointers and Color-as-u32 only). */
const RAYLIB_SYMBOLS = {
  InitWindow: { args: [i32, i32, ptr], returns: voidT },
  CloseWindow: { args: [], returns: voidT },
  WindowShouldClose: { args: [], returns: bool },
  IsWindowReady: { args: [], returns: bool },
  IsWindowFocused: { args: [], returns: bool },
  SetWindowTitle: { args: [ptr], returns: voidT },
  SetWindowSize: { args: [i32, i32], returns: voidT },
  SetExitKey: { args: [i32], returns: voidT },
  SetTargetFPS: { args: [i32], returns: voidT },
  GetFPS: { args: [], returns: i32 },
  GetFrameTime: { args: [], returns: f32 },
  GetTime: { args: [], returns: f64 },
  SetConfigFlags: { args: [u32], returns: voidT },
  SetTraceLogLevel: { args: [i32], returns: voidT },
  GetScreenWidth: { args: [], returns: i32 },
  GetScreenHeight: { args: [], returns: i32 },
  GetRenderWidth: { args: [], returns: i32 },
  GetRenderHeight: { args: [], returns: i32 },
  BeginDrawing: { args: [], returns: voidT },
  EndDrawing: { args: [], returns: voidT },
  ClearBackground: { args: [u32], returns: voidT },
  DrawPixel: { args: [i32, i32, u32], returns: voidT },
  DrawLine: { args: [i32, i32, i32, i32, u32], returns: voidT },
  DrawRectangle: { args: [i32, i32, i32, i32, u32], returns: voidT },
  DrawRectangleLines: { args: [i32, i32, i32, i32, u32], returns: voidT },
  DrawCircle: { args: [i32, i32, f32, u32], returns: voidT },
  DrawCircleLines: { args: [i32, i32, f32, u32], returns: voidT },
  DrawText: { args: [ptr, i32, i32, i32, u32], returns: voidT },
  MeasureText: { args: [ptr, i32], returns: i32 },
  DrawFPS: { args: [i32, i32], returns: voidT },
  IsKeyDown: { args: [i32], returns: bool },
  IsKeyUp: { args: [i32], returns: bool },
  IsKeyPressed: { args: [i32], returns: bool },
  IsKeyPressedRepeat: { args: [i32], returns: bool },
  IsKeyReleased: { args: [i32], returns: bool },
  GetKeyPressed: { args: [], returns: i32 },
  GetCharPressed: { args: [], returns: i32 },
  IsMouseButtonDown: { args: [i32], returns: bool },
  IsMouseButtonPressed: { args: [i32], returns: bool },
  IsMouseButtonReleased: { args: [i32], returns: bool },
  GetMouseX: { args: [], returns: i32 },
  GetMouseY: { args: [], returns: i32 },
  GetMouseWheelMove: { args: [], returns: f32 },
} as const;

/** The shim's symbols (src/render/shim.c). */
const SHIM_SYMBOLS = {
  hl_abi_version: { args: [], returns: i32 },
  hl_set_trace_log_level: { args: [i32], returns: voidT },
  hl_init_window: { args: [i32, i32, ptr, ptr, i32], returns: i32 },
  hl_color_component: { args: [u32, i32], returns: i32 },
  hl_draw_text_ex: { args: [ptr, f32, f32, f32, f32, u32], returns: voidT },
  hl_measure_text_ex: { args: [ptr, f32, f32], returns: f32 },
  hl_draw_circle_v: { args: [f32, f32, f32, u32], returns: voidT },
  hl_draw_line_ex: { args: [f32, f32, f32, f32, f32, u32], returns: voidT },
  hl_draw_rectangle_v: { args: [f32, f32, f32, f32, u32], returns: voidT },
  hl_draw_rectangle_pro: { args: [f32, f32, f32, f32, f32, f32, f32, u32], returns: voidT },
  hl_get_window_position: { args: [ptr], returns: voidT },
  hl_get_mouse_position: { args: [ptr], returns: voidT },
  hl_screen_pixel_size: { args: [ptr], returns: voidT },
  hl_read_screen: { args: [ptr, i32, i32], returns: i32 },
  hl_take_screenshot: { args: [ptr], returns: i32 },
  hl_set_window_icon_file: { args: [ptr], returns: i32 },
  hl_poll_keys: { args: [ptr, i32], returns: voidT },
  hl_poll_mouse: { args: [ptr, i32], returns: voidT },
  hl_draw_list: { args: [ptr, ptr], returns: voidT },
  hl_load_texture: { args: [ptr, ptr], returns: i32 },
  hl_unload_texture: { args: [ptr], returns: voidT },
} as const;

/** The shim ABI this file was written against (HL_SHIM_ABI in shim.c). */
const SHIM_ABI = 4;

/** Typed raw raylib functions, as bun:ffi binds them. */
export type RaylibSymbols = ReturnType<typeof dlopen<typeof RAYLIB_SYMBOLS>>["symbols"];
/** Typed raw shim functions, as bun:ffi binds them. */
export type ShimSymbols = ReturnType<typeof dlopen<typeof SHIM_SYMBOLS>>["symbols"];

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

/** Encoded NUL-terminated strings, so text drawn every frame is not re-encoded every frame. */
const cstrCache = new Map<string, Buffer>();
const CSTR_CACHE_MAX = 512;

/** A JS string as a NUL-terminated UTF-8 buffer for a `const char*` argument (cached). */
export function cstr(s: string): Buffer {
  let b = cstrCache.get(s);
  if (b === undefined) {
    if (cstrCache.size >= CSTR_CACHE_MAX) cstrCache.clear();
    b = Buffer.from(s + "\0", "utf8");
    cstrCache.set(s, b);
  }
  return b;
}

/** The framebuffer's pixels as read by {@link Raylib.readScreen}: RGBA8, top row first. */
export class ScreenPixels {
  constructor(
    /** Width in pixels. */
    readonly width: number,
    /** Height in pixels. */
    readonly height: number,
    /** width * height * 4 bytes, r g b a per pixel. */
    readonly data: Uint8Array,
  ) {}

  /** The packed {@link Color} at (x, y), so it compares directly with `rgba(...)`. */
  at(x: number, y: number): Color {
    if (x < 0 || y < 0 || x >= this.width || y >= this.height) {
      throw new RangeError(`pixel (${x}, ${y}) is outside ${this.width}x${this.height}`);
    }
    const i = (y * this.width + x) * 4;
    const d = this.data;
    return (d[i]! | (d[i + 1]! << 8) | (d[i + 2]! << 16) | (d[i + 3]! << 24)) >>> 0;
  }
}

/** Why a window did not open, as one line: `raylib: cannot open a window: <reason>`. */
export class WindowOpenError extends Error {
  /** `"WindowOpenError"`. */
  override name = "WindowOpenError";
  constructor(
    /** The reason alone, e.g. "the X display :78 has no GLX extension (...)". */
    readonly reason: string,
  ) {
    super(`raylib: cannot open a window: ${reason}`);
  }
}

/** A headless symbol table: same shape, every function a no-op returning false/0. */
function noopSymbols<T extends Record<string, { returns: FFIType }>>(defs: T): Record<keyof T, (...args: unknown[]) => unknown> {
  const out = {} as Record<keyof T, (...args: unknown[]) => unknown>;
  for (const name of Object.keys(defs) as (keyof T)[]) {
    const r = defs[name]!.returns;
    const value = r === FFIType.bool ? false : r === FFIType.void ? undefined : 0;
    out[name] = () => value;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// The API
// ---------------------------------------------------------------------------------------------

/**
 * The friendly raylib API: camelCase methods over the raw symbols. One instance per process
 * (raylib has one window); get it with {@link loadRaylib}, or {@link headlessRaylib} for a
 * no-op stand-in when there is no display. Also the resource the RaylibPlugin inserts.
 */
export class Raylib {
  /** Raw raylib functions for anything the methods below do not cover. */
  readonly raw: RaylibSymbols;
  /** Raw shim functions. */
  readonly shim: ShimSymbols;
  /** True for the no-op stand-in: nothing is drawn, no window exists. */
  readonly headless: boolean;
  /** The shared libraries in use (undefined when headless). */
  readonly paths: RaylibPaths | undefined;
  /**
   * Run by the RaylibPlugin after everything of a frame is drawn (the draw list included), just
   * before EndDrawing swaps the buffers: where a screenshot sees what the player sees.
   */
  readonly beforeEndDrawing: (() => void)[] = [];
  // Out-parameters for the shim, over explicit ArrayBuffers: a small typed array's data can move
  // in the GC heap (see src/ecs/native-buffer.ts).
  readonly #wh = new Int32Array(new ArrayBuffer(8));
  readonly #xy = new Float32Array(new ArrayBuffer(8));
  readonly #headlessSize: [number, number] = [0, 0];

  /** Binds the API over symbol tables; use `loadRaylib`, `loadRaylibSync` or {@link headlessRaylib} instead. */
  constructor(raw: RaylibSymbols, shim: ShimSymbols, paths: RaylibPaths | undefined) {
    this.raw = raw;
    this.shim = shim;
    this.paths = paths;
    this.headless = paths === undefined;
  }

  // --- window ---

  /**
   * Opens the window and its OpenGL context (raylib allows one), or throws a {@link WindowOpenError}
   * (one line) and leaves no window. raylib's own InitWindow crashes the process in GL setup when
   * its platform fails to start: the display is checked first (the common causes, with the better
   * message), and the shim's hl_init_window stops raylib before GL setup for anything else.
   */
  initWindow(width: number, height: number, title: string): void {
    this.#headlessSize[0] = width;
    this.#headlessSize[1] = height;
    if (this.headless) return;
    const problem = displayProblem();
    if (problem) throw new WindowOpenError(problem);
    const reason = Buffer.alloc(512);
    const open = () => this.shim.hl_init_window(width, height, cstr(title), reason, reason.length) === 1 && this.raw.IsWindowReady();
    let opened = open();
    const text = () => reason.toString("utf8", 0, Math.max(0, reason.indexOf(0)));
    // An X server that answered a moment ago may refuse one connection (seen under heavy load):
    // GLFW gave up before making a window, so trying once more is safe.
    if (!opened && /Failed to open display/.test(text()) && displayProblem() === undefined) {
      Bun.sleepSync(100);
      reason.fill(0);
      opened = open();
    }
    if (!opened) throw new WindowOpenError(`${text() || "raylib's platform layer did not start"} (set HOTLOOP_RAYLIB_LOG=info for raylib's log)`);
    sayWhenTheDisplayGoes();
  }
  /** Closes the window and unloads the GL context. */
  closeWindow(): void {
    this.raw.CloseWindow();
  }
  /** True once the user asked to close (close button or the exit key, ESC by default). */
  windowShouldClose(): boolean {
    return this.raw.WindowShouldClose();
  }
  /** Whether the window was opened successfully. */
  isWindowReady(): boolean {
    return this.raw.IsWindowReady();
  }
  /** Whether the window has keyboard focus. */
  isWindowFocused(): boolean {
    return this.raw.IsWindowFocused();
  }
  /** Sets the window title. */
  setWindowTitle(title: string): void {
    this.raw.SetWindowTitle(cstr(title));
  }
  /** Resizes the window. */
  setWindowSize(width: number, height: number): void {
    this.#headlessSize[0] = width;
    this.#headlessSize[1] = height;
    this.raw.SetWindowSize(width, height);
  }
  /** The key that makes windowShouldClose() true (ESC by default; KeyboardKey.NULL disables it). */
  setExitKey(key: number): void {
    this.raw.SetExitKey(key);
  }
  /** Window flags to apply at initWindow (see {@link ConfigFlag}); call before initWindow. */
  setConfigFlags(flags: number): void {
    this.raw.SetConfigFlags(flags >>> 0);
  }
  /** raylib's log threshold (see {@link LogLevel}); hotloop sets WARNING when loading. */
  setTraceLogLevel(level: number): void {
    this.shim.hl_set_trace_log_level(level); // the shim remembers it for initWindow
  }
  /** Window width in screen coordinates. */
  getScreenWidth(): number {
    return this.headless ? this.#headlessSize[0] : this.raw.GetScreenWidth();
  }
  /** Window height in screen coordinates. */
  getScreenHeight(): number {
    return this.headless ? this.#headlessSize[1] : this.raw.GetScreenHeight();
  }
  /** The window's top-left corner on the screen, [x, y] (shim: GetWindowPosition). */
  getWindowPosition(): [x: number, y: number] {
    this.shim.hl_get_window_position(this.#xy);
    return [this.#xy[0]!, this.#xy[1]!];
  }
  /** Framebuffer width (differs from the screen width on high-DPI displays). */
  getRenderWidth(): number {
    return this.headless ? this.#headlessSize[0] : this.raw.GetRenderWidth();
  }
  /** Framebuffer height. */
  getRenderHeight(): number {
    return this.headless ? this.#headlessSize[1] : this.raw.GetRenderHeight();
  }

  // --- timing ---

  /** raylib's own frame cap (EndDrawing sleeps); hotloop's App runner paces instead. */
  setTargetFPS(fps: number): void {
    this.raw.SetTargetFPS(fps);
  }
  /** Frames per second as raylib measures them. */
  getFPS(): number {
    return this.raw.GetFPS();
  }
  /** Seconds the last frame took, as raylib measures it. */
  getFrameTime(): number {
    return this.raw.GetFrameTime();
  }
  /** Seconds since initWindow. */
  getTime(): number {
    return this.raw.GetTime();
  }

  // --- drawing ---

  /** Starts a frame's drawing. */
  beginDrawing(): void {
    this.raw.BeginDrawing();
  }
  /** Ends the frame: flushes, swaps buffers and polls input events. */
  endDrawing(): void {
    this.raw.EndDrawing();
  }
  /** Fills the whole framebuffer with a color. */
  clearBackground(color: Color): void {
    this.raw.ClearBackground(color);
  }
  /** One pixel. */
  drawPixel(x: number, y: number, color: Color): void {
    this.raw.DrawPixel(x, y, color);
  }
  /** A one-pixel line between integer points. */
  drawLine(x1: number, y1: number, x2: number, y2: number, color: Color): void {
    this.raw.DrawLine(x1, y1, x2, y2, color);
  }
  /** A line between float points with a thickness (shim: DrawLineEx). */
  drawLineEx(x1: number, y1: number, x2: number, y2: number, thick: number, color: Color): void {
    this.shim.hl_draw_line_ex(x1, y1, x2, y2, thick, color);
  }
  /** A filled rectangle at integer coordinates. */
  drawRectangle(x: number, y: number, width: number, height: number, color: Color): void {
    this.raw.DrawRectangle(x, y, width, height, color);
  }
  /** A filled rectangle at float coordinates, for smooth motion (shim: DrawRectangleV). */
  drawRectangleV(x: number, y: number, width: number, height: number, color: Color): void {
    this.shim.hl_draw_rectangle_v(x, y, width, height, color);
  }
  /** A filled rectangle rotated `rotation` degrees around (originX, originY) (shim: DrawRectanglePro). */
  drawRectanglePro(x: number, y: number, width: number, height: number, originX: number, originY: number, rotation: number, color: Color): void {
    this.shim.hl_draw_rectangle_pro(x, y, width, height, originX, originY, rotation, color);
  }
  /** A rectangle outline. */
  drawRectangleLines(x: number, y: number, width: number, height: number, color: Color): void {
    this.raw.DrawRectangleLines(x, y, width, height, color);
  }
  /** A filled circle at an integer centre. */
  drawCircle(centerX: number, centerY: number, radius: number, color: Color): void {
    this.raw.DrawCircle(centerX, centerY, radius, color);
  }
  /** A filled circle at a float centre (shim: DrawCircleV). */
  drawCircleV(centerX: number, centerY: number, radius: number, color: Color): void {
    this.shim.hl_draw_circle_v(centerX, centerY, radius, color);
  }
  /** A circle outline. */
  drawCircleLines(centerX: number, centerY: number, radius: number, color: Color): void {
    this.raw.DrawCircleLines(centerX, centerY, radius, color);
  }
  /** Text in the default font at an integer position. */
  drawText(text: string, x: number, y: number, fontSize: number, color: Color): void {
    this.raw.DrawText(cstr(text), x, y, fontSize, color);
  }
  /** Text in the default font at a float position with explicit spacing (shim: DrawTextEx). */
  drawTextEx(text: string, x: number, y: number, fontSize: number, spacing: number, color: Color): void {
    this.shim.hl_draw_text_ex(cstr(text), x, y, fontSize, spacing, color);
  }
  /** Width in pixels of `text` drawn with drawText at `fontSize`. */
  measureText(text: string, fontSize: number): number {
    return this.raw.MeasureText(cstr(text), fontSize);
  }
  /** Width of `text` drawn with drawTextEx (shim: MeasureTextEx). */
  measureTextEx(text: string, fontSize: number, spacing: number): number {
    return this.shim.hl_measure_text_ex(cstr(text), fontSize, spacing);
  }
  /** Draws the current FPS. */
  drawFPS(x: number, y: number): void {
    this.raw.DrawFPS(x, y);
  }
  /**
   * Draws every record of a draw list (src/core/draw-list.ts: its `pointer`) in one FFI call
   * (shim: hl_draw_list). `textures` is the Texture2D array sprites index (src/render/textures.ts),
   * or null: sprites then draw nothing.
   */
  drawList(list: Pointer, textures: Pointer | null): void {
    this.shim.hl_draw_list(list, textures);
  }

  // --- textures ---

  /** LoadTexture(path) into the 20-byte Texture2D at `out` (shim: hl_load_texture); false when raylib could not load it. Needs the window. */
  loadTextureInto(path: string, out: Pointer): boolean {
    return this.shim.hl_load_texture(cstr(path), out) === 1;
  }
  /** UnloadTexture of the Texture2D at `texture` (shim: hl_unload_texture); nothing for an empty one. */
  unloadTextureAt(texture: Pointer): void {
    this.shim.hl_unload_texture(texture);
  }

  // --- reading the screen back ---

  /**
   * The framebuffer's pixels. Call after drawing and before endDrawing: after the swap the back
   * buffer is undefined. Headless: a blank image of the window size.
   */
  readScreen(): ScreenPixels {
    if (this.headless) {
      const [w, h] = this.#headlessSize;
      return new ScreenPixels(w, h, new Uint8Array(w * h * 4));
    }
    this.shim.hl_screen_pixel_size(this.#wh);
    const w = this.#wh[0]!;
    const h = this.#wh[1]!;
    const data = new Uint8Array(w * h * 4);
    const rc = this.shim.hl_read_screen(data, w, h);
    if (rc !== 0) throw new Error(`raylib: reading the screen failed (${rc === -1 ? "size changed" : "glReadPixels returned nothing"})`);
    return new ScreenPixels(w, h, data);
  }

  /** Makes the image at `path` the window's icon (any format raylib loads); false when it cannot be loaded as an image. */
  setWindowIconFile(path: string): boolean {
    return this.shim.hl_set_window_icon_file(cstr(isAbsolute(path) ? path : resolve(path))) === 1;
  }

  /**
   * Writes the framebuffer to `path` (resolved against the working directory; the format
   * follows the extension, .png). Same timing rule as readScreen. Returns whether it was written.
   */
  takeScreenshot(path: string): boolean {
    const abs = isAbsolute(path) ? path : resolve(path);
    return this.shim.hl_take_screenshot(cstr(abs)) === 1;
  }

  // --- input ---

  /** Whether the key is held (see {@link KeyboardKey}). */
  isKeyDown(key: number): boolean {
    return this.raw.IsKeyDown(key);
  }
  /** Whether the key is not held. */
  isKeyUp(key: number): boolean {
    return this.raw.IsKeyUp(key);
  }
  /** Whether the key went down since the previous frame. */
  isKeyPressed(key: number): boolean {
    return this.raw.IsKeyPressed(key);
  }
  /** Whether the key auto-repeated this frame. */
  isKeyPressedRepeat(key: number): boolean {
    return this.raw.IsKeyPressedRepeat(key);
  }
  /** Whether the key went up since the previous frame. */
  isKeyReleased(key: number): boolean {
    return this.raw.IsKeyReleased(key);
  }
  /** The next key code from the pressed queue, 0 when empty. */
  getKeyPressed(): number {
    return this.raw.GetKeyPressed();
  }
  /** The next typed Unicode code point from the queue, 0 when empty. */
  getCharPressed(): number {
    return this.raw.GetCharPressed();
  }
  /** Whether the mouse button is held (see {@link MouseButtonCode}). */
  isMouseButtonDown(button: number): boolean {
    return this.raw.IsMouseButtonDown(button);
  }
  /** Whether the mouse button went down since the previous frame. */
  isMouseButtonPressed(button: number): boolean {
    return this.raw.IsMouseButtonPressed(button);
  }
  /** Whether the mouse button went up since the previous frame. */
  isMouseButtonReleased(button: number): boolean {
    return this.raw.IsMouseButtonReleased(button);
  }
  /** Mouse x in window pixels. */
  getMouseX(): number {
    return this.raw.GetMouseX();
  }
  /** Mouse y in window pixels. */
  getMouseY(): number {
    return this.raw.GetMouseY();
  }
  /** The mouse in window coordinates as floats, [x, y] (shim: GetMousePosition). */
  getMousePosition(): [x: number, y: number] {
    this.shim.hl_get_mouse_position(this.#xy);
    return [this.#xy[0]!, this.#xy[1]!];
  }
  /** Wheel movement this frame (the larger of the two axes). */
  getMouseWheelMove(): number {
    return this.raw.GetMouseWheelMove();
  }
  /**
   * Fills `out[k]` with `InputFlag` bits (DOWN 1, PRESSED 2, RELEASED 4) for every key code k < out.length (max 512) in
   * one FFI call. Headless: leaves `out` untouched.
   */
  pollKeys(out: Uint8Array): void {
    this.shim.hl_poll_keys(out, Math.min(out.length, MAX_KEYBOARD_KEYS));
  }
  /** Same as {@link pollKeys} for mouse buttons b < out.length (max 7). */
  pollMouse(out: Uint8Array): void {
    this.shim.hl_poll_mouse(out, Math.min(out.length, MOUSE_BUTTON_COUNT));
  }
}

// ---------------------------------------------------------------------------------------------
// Loading
// ---------------------------------------------------------------------------------------------

let opened: Raylib | null = null;

/** The log level applied on load: HOTLOOP_RAYLIB_LOG (e.g. "info") or WARNING, so raylib is quiet. */
function defaultLogLevel(): number {
  const name = process.env.HOTLOOP_RAYLIB_LOG?.toUpperCase();
  if (name && name in LogLevel) return LogLevel[name as keyof typeof LogLevel];
  return LogLevel.WARNING;
}

/**
 * dlopens one of the two libraries; a loader's refusal (a library it needs is missing, a file
 * that is not what it should be) is a {@link RaylibSetupError}: one line, which the RaylibPlugin
 * turns into the headless fallback.
 */
function load<T extends Record<string, FFIFunction>>(path: string, symbols: T): ReturnType<typeof dlopen<T>> {
  try {
    return dlopen(path, symbols);
  } catch (e) {
    throw new RaylibSetupError(`cannot load ${path}: ${(e instanceof Error ? e.message : String(e)).split("\n")[0]}`, { cause: e });
  }
}

/** dlopens libraylib and the shim (once per process) and checks the shim's ABI. */
export function openRaylib(paths: RaylibPaths): Raylib {
  if (opened) return opened;
  // raylib first, so the shim's DT_NEEDED resolves to this very instance (one window state).
  const rl = load(paths.raylib, RAYLIB_SYMBOLS);
  let shim: ReturnType<typeof dlopen<typeof SHIM_SYMBOLS>>;
  try {
    shim = load(paths.shim, SHIM_SYMBOLS);
  } catch (e) {
    rl.close();
    throw e;
  }
  const abi = shim.symbols.hl_abi_version();
  if (abi !== SHIM_ABI) {
    shim.close();
    rl.close();
    const fix = process.env.HOTLOOP_RAYLIB_SHIM ? "HOTLOOP_RAYLIB_SHIM names a shim of another hotloop: compile this one's src/render/shim.c, or unset it" : `delete ${raylibCacheDir()} and rerun`;
    throw new Error(`raylib shim ${paths.shim} has ABI ${abi}, expected ${SHIM_ABI}: ${fix}`);
  }
  shim.symbols.hl_set_trace_log_level(defaultLogLevel());
  opened = new Raylib(rl.symbols, shim.symbols, paths);
  return opened;
}

/** Finds or builds raylib (without blocking the event loop) and opens it. */
export async function loadRaylib(): Promise<Raylib> {
  return opened ?? openRaylib(await ensureRaylib());
}

/** Finds or builds raylib (blocking) and opens it: for plugins, which are synchronous. */
export function loadRaylibSync(): Raylib {
  return opened ?? openRaylib(ensureRaylibSync());
}

/**
 * A stand-in with the same API that draws nothing and opens no window: for running a game's
 * render systems where there is no display (CI, benchmarks). It never loads raylib.
 */
export function headlessRaylib(): Raylib {
  return new Raylib(noopSymbols(RAYLIB_SYMBOLS) as unknown as RaylibSymbols, noopSymbols(SHIM_SYMBOLS) as unknown as ShimSymbols, undefined);
}

/** Whether a window can be opened here: {@link displayProblem} finds nothing in the way. */
export function hasDisplay(): boolean {
  return displayProblem() === undefined;
}

/**
 * Why no window can be opened here, or undefined when the X display answers and offers GLX: DISPLAY
 * unset, set to a server that does not accept a connection (e.g. an Xvfb that has gone away), or a
 * server without the GLX extension (raylib's GLFW gets its OpenGL context through GLX). Opens and
 * closes a connection through libX11 (raylib is built for X11). Elsewhere than Linux: undefined.
 */
export function displayProblem(): string | undefined {
  if (process.platform !== "linux") return undefined;
  const display = process.env.DISPLAY;
  if (!display) return "DISPLAY is not set (run under `xvfb-run -a`, or headless)";
  let x11: ReturnType<typeof openX11>;
  try {
    x11 = openX11();
  } catch {
    return "libX11.so.6 is missing (apt-get install libx11-6)";
  }
  try {
    // The name is passed rather than left to libX11's getenv, so it is the DISPLAY this process sees.
    let connection = x11.symbols.XOpenDisplay(cstr(display));
    if (!connection) {
      // Once more after a moment: a busy server may refuse one connection (seen under load).
      Bun.sleepSync(100);
      connection = x11.symbols.XOpenDisplay(cstr(display));
    }
    if (!connection) return `the X display ${display} does not answer (is the X server running?)`;
    try {
      // XQueryExtension writes the major opcode, first event and first error code: unused here.
      const codes = new Int32Array(new ArrayBuffer(12));
      const glx = x11.symbols.XQueryExtension(connection, cstr("GLX"), addressOf(codes, 0), addressOf(codes, 4), addressOf(codes, 8));
      if (!glx) return `the X display ${display} has no GLX extension (raylib needs OpenGL through GLX; run Xvfb with GLX, or use --headless)`;
    } finally {
      x11.symbols.XCloseDisplay(connection);
    }
    return undefined;
  } finally {
    x11.close();
  }
}

/** Kept for the life of the process (with libX11's handle): libX11 may call it whenever the connection breaks. */
let displayLost: JSCallback | undefined;
let x11Handle: { close(): void } | undefined;

/**
 * When the X server drops the window's connection (the window killed with xkill, the server
 * gone), libX11 calls its I/O error handler and then ends the process; its default one says
 * little and the process ends with code 1 and no word from hotloop. Ours says what happened in one
 * line and exits through process.exit, so the exit hooks run (shadow copies removed). It cannot go
 * on headless: libX11 ends the process if the handler returns.
 */
function sayWhenTheDisplayGoes(): void {
  if (displayLost || process.platform !== "linux") return;
  const x11 = dlopen("libX11.so.6", { XSetIOErrorHandler: { args: [FFIType.ptr], returns: FFIType.ptr } });
  displayLost = new JSCallback(
    () => {
      writeSync(2, `hotloop: the X server closed the window's connection (the window was killed, or the display ${process.env.DISPLAY ?? ""} went away): the game ends\n`);
      process.exit(1);
    },
    { args: [FFIType.ptr], returns: FFIType.i32 },
  );
  x11.symbols.XSetIOErrorHandler(displayLost.ptr);
  x11Handle = x11;
}

function openX11() {
  return dlopen("libX11.so.6", {
    XOpenDisplay: { args: [FFIType.ptr], returns: FFIType.ptr },
    XCloseDisplay: { args: [FFIType.ptr], returns: FFIType.i32 },
    XQueryExtension: { args: [FFIType.ptr, FFIType.ptr, FFIType.ptr, FFIType.ptr, FFIType.ptr], returns: FFIType.i32 },
  });
}

/** Re-exported so users need one import for setup. */
export { ensureRaylib, ensureRaylibSync, type RaylibPaths };
