/**
 * raylib through bun:ffi: the whole of raylib, generated from its own raylib_api.json
 * (raylib.gen.ts, scripts/gen-raylib.ts), plus what hotloop adds by hand: a window that opens
 * without crashing the process, a headless stand-in, batched input polling, the draw list, and
 * reading the screen back.
 *
 *     import { loadRaylib, Colors, rgba } from "./src/render/raylib.ts";
 *     const rl = await loadRaylib();
 *     rl.initWindow(320, 240, "hello");
 *     while (!rl.windowShouldClose()) {
 *       rl.beginDrawing();
 *       rl.clearBackground(Colors.RAYWHITE);
 *       rl.drawRectangle(10, 10, 50, 30, rgba(230, 41, 55));
 *       rl.drawCircleV({ x: 100, y: 60 }, 20, Colors.GOLD);
 *       rl.endDrawing();
 *     }
 *     rl.closeWindow();
 *
 * Colors are packed u32s (`rgba()`, r in the low byte); other structs are plain objects
 * (`{ x, y }` for a Vector2) that the generated methods pass by value through a scratch block.
 *
 * @module
 */
import { dlopen, FFIType, JSCallback, ptr as addressOf, type FFIFunction, type Pointer } from "bun:ffi";
import { writeSync } from "node:fs";
import { isAbsolute, resolve } from "node:path";
import { KEY_CODES, MOUSE_BUTTON_CODES } from "../core/keys.ts";
import { nativeBuffer } from "../ecs/native-buffer.ts";
import { ensureRaylib, ensureRaylibSync, RaylibSetupError, type RaylibPaths } from "./build-raylib.ts";
import { raylibCacheDir } from "./cache.ts";
import { cstr } from "./ffi-values.ts";
import {
  ConfigFlags,
  RAYLIB_FUNCTIONS,
  RaylibBindings,
  SCRATCH_BYTES,
  TraceLogLevel,
  WRAPPER_FUNCTIONS,
  WRAPPER_RESULT_BYTES,
  type RaylibFunctions,
  type WrapperFunctions,
} from "./raylib.gen.ts";

export { colorComponents, colorToString, cstr, rgba, type Color, type PointerLike } from "./ffi-values.ts";
export * from "./raylib.gen.ts";

// ---------------------------------------------------------------------------------------------
// Constants hotloop names its own way
// ---------------------------------------------------------------------------------------------

/**
 * raylib's keyboard key codes (KEY_* in raylib.h, GLFW's values); all are below 512. Named after
 * raylib's enum so it does not clash with core's `Key`: both are the one table of
 * src/core/keys.ts, generated from raylib_api.json.
 */
export const KeyboardKey = KEY_CODES;

/** One past the largest key code raylib tracks (MAX_KEYBOARD_KEYS). */
export const MAX_KEYBOARD_KEYS = 512;

/** raylib's mouse buttons (MOUSE_BUTTON_* in raylib.h); the same table as core's `MouseButton` (src/core/keys.ts). */
export const MouseButtonCode = MOUSE_BUTTON_CODES;

/** How many mouse buttons raylib knows. */
export const MOUSE_BUTTON_COUNT = 7;

/** Window configuration flags for `setConfigFlags` (raylib's ConfigFlags, FLAG_* in raylib.h). */
export const ConfigFlag = ConfigFlags;

/** raylib's log levels for {@link Raylib.setTraceLogLevel} (raylib's TraceLogLevel, LOG_* in raylib.h). */
export const LogLevel = TraceLogLevel;

/** Flags {@link Raylib.pollKeys} and {@link Raylib.pollMouse} write per code (the shim's HL_*). */
export const InputFlag = { DOWN: 1, PRESSED: 2, RELEASED: 4 } as const;

// ---------------------------------------------------------------------------------------------
// FFI declarations
// ---------------------------------------------------------------------------------------------

const { i32, u32, ptr, void: voidT } = FFIType;

/** The hand-written shim's symbols (src/render/shim.c): hotloop's own calls, not raylib's. */
const SHIM_SYMBOLS = {
  hl_abi_version: { args: [], returns: i32 },
  hl_set_trace_log_level: { args: [i32], returns: voidT },
  hl_trace_log_level: { args: [], returns: i32 },
  hl_init_window: { args: [i32, i32, ptr, ptr, i32], returns: i32 },
  hl_color_component: { args: [u32, i32], returns: i32 },
  hl_screen_pixel_size: { args: [ptr], returns: voidT },
  hl_read_screen: { args: [ptr, i32, i32], returns: i32 },
  hl_take_screenshot: { args: [ptr], returns: i32 },
  hl_set_window_icon_file: { args: [ptr], returns: i32 },
  hl_poll_keys: { args: [ptr, i32], returns: voidT },
  hl_poll_mouse: { args: [ptr, i32], returns: voidT },
  hl_poll_gamepads: { args: [ptr, ptr, i32, i32, i32], returns: i32 },
  hl_draw_list: { args: [ptr, ptr, ptr, ptr], returns: voidT },
  hl_load_texture: { args: [ptr, ptr], returns: i32 },
  hl_unload_texture: { args: [ptr], returns: voidT },
  hl_load_font: { args: [ptr, i32, ptr, ptr, i32], returns: i32 },
  hl_unload_font: { args: [ptr], returns: voidT },
  hl_open_audio: { args: [ptr, i32, ptr, ptr, i32], returns: i32 },
  hl_audio_pace: { args: [FFIType.f64], returns: i32 },
  hl_close_audio: { args: [], returns: voidT },
} as const;

/** The shim ABI this file was written against (HL_SHIM_ABI in shim.c). */
const SHIM_ABI = 6;

/** Typed raw raylib functions, as bun:ffi binds them (the generated table). */
export type RaylibSymbols = RaylibFunctions;
/** Typed raw functions of the hand-written shim, as bun:ffi binds them. */
export type ShimSymbols = ReturnType<typeof dlopen<typeof SHIM_SYMBOLS>>["symbols"];

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

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

  /** The packed color at (x, y), so it compares directly with `rgba(...)`. */
  at(x: number, y: number): number {
    if (x < 0 || y < 0 || x >= this.width || y >= this.height) {
      throw new RangeError(`pixel (${x}, ${y}) is outside ${this.width}x${this.height}`);
    }
    const i = (y * this.width + x) * 4;
    const d = this.data;
    return (d[i]! | (d[i + 1]! << 8) | (d[i + 2]! << 16) | (d[i + 3]! << 24)) >>> 0;
  }
}

/** What {@link Raylib.openAudioDevice} found: the device open and its backend, or why not. */
export type AudioDeviceOpening =
  | {
      /** The device is open. */
      ready: true;
      /** miniaudio's backend: "ALSA", "PulseAudio", "Null". */
      backend: string;
    }
  | {
      /** The device is not open. */
      ready: false;
      /** Why, in one line. */
      reason: string;
    };

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

/**
 * A headless symbol table: same shape, every function a no-op returning false/0. `after`, when
 * given, runs in each with its name (the generated wrappers' stand-ins zero the part of the scratch
 * block their struct result is read from, so it reads as zeros rather than as the last call's
 * arguments; the struct arguments after it are left as written, so an object passed by pointer
 * reads back unchanged).
 */
function noopSymbols<T extends Record<string, { returns: FFIType }>>(defs: T, after?: (name: string) => void): Record<keyof T, (...args: unknown[]) => unknown> {
  const out = {} as Record<keyof T, (...args: unknown[]) => unknown>;
  for (const name of Object.keys(defs) as (keyof T & string)[]) {
    const r = defs[name]!.returns;
    const value = r === FFIType.bool ? false : r === FFIType.void ? undefined : r === FFIType.ptr ? null : 0;
    out[name] = after
      ? () => {
          after(name);
          return value;
        }
      : () => value;
  }
  return out;
}

/** A scratch block in native memory that stays put, for the generated methods' struct arguments. */
function scratchBlock(): { address: number; view: DataView; bytes: Uint8Array } {
  const buffer = nativeBuffer(SCRATCH_BYTES);
  const bytes = new Uint8Array(buffer);
  return { address: addressOf(bytes), view: new DataView(buffer), bytes };
}

// ---------------------------------------------------------------------------------------------
// The API
// ---------------------------------------------------------------------------------------------

/**
 * raylib for a game: every raylib function as a camelCase method (generated, see
 * {@link RaylibBindings}), plus hotloop's own calls. One instance per process (raylib has one
 * window); get it with {@link loadRaylib}, or {@link headlessRaylib} for a no-op stand-in when
 * there is no display. Also the resource the RaylibPlugin inserts.
 */
export class Raylib extends RaylibBindings {
  /** Raw functions of the hand-written shim (src/render/shim.c). */
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
  /**
   * Keys the RaylibPlugin's input poller leaves out of the game's `Input`: hotloop's own keys while
   * a tool has them (the timeline's F5–F10 under `hotloop dev --timeline`), so the game never sees
   * them. Read raylib (`isKeyPressed`) for them directly.
   */
  readonly reservedKeys = new Set<number>();
  // Out-parameters for the shim, over explicit ArrayBuffers: a small typed array's data can move
  // in the GC heap (see src/ecs/native-buffer.ts).
  readonly #wh = new Int32Array(new ArrayBuffer(8));
  readonly #headlessSize: [number, number] = [0, 0];

  /** Binds the API over symbol tables; use `loadRaylib`, `loadRaylibSync` or {@link headlessRaylib} instead. */
  constructor(raw: RaylibFunctions, wrappers: WrapperFunctions, shim: ShimSymbols, paths: RaylibPaths | undefined, scratch = scratchBlock()) {
    super(raw, wrappers, scratch);
    this.shim = shim;
    this.paths = paths;
    this.headless = paths === undefined;
  }

  // --- the window, opened safely ---

  /**
   * Opens the window and its OpenGL context (raylib allows one), or throws a {@link WindowOpenError}
   * (one line) and leaves no window. raylib's own InitWindow crashes the process in GL setup when
   * its platform fails to start: the display is checked first (the common causes, with the better
   * message), and the shim's hl_init_window stops raylib before GL setup for anything else.
   */
  override initWindow(width: number, height: number, title: string): void {
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
  /** Resizes the window (headless: the size the getters report). */
  override setWindowSize(width: number, height: number): void {
    this.#headlessSize[0] = width;
    this.#headlessSize[1] = height;
    this.raw.SetWindowSize(width, height);
  }
  /** raylib's log threshold (see {@link LogLevel}); hotloop sets WARNING when loading. */
  override setTraceLogLevel(level: number): void {
    this.shim.hl_set_trace_log_level(level); // the shim remembers it for initWindow
  }
  /** raylib's log threshold now (see {@link LogLevel}): what {@link setTraceLogLevel} last set. */
  traceLogLevel(): number {
    return this.shim.hl_trace_log_level();
  }
  /** Window width in screen coordinates (headless: the size initWindow was given). */
  override getScreenWidth(): number {
    return this.headless ? this.#headlessSize[0] : this.raw.GetScreenWidth();
  }
  /** Window height in screen coordinates (headless: the size initWindow was given). */
  override getScreenHeight(): number {
    return this.headless ? this.#headlessSize[1] : this.raw.GetScreenHeight();
  }
  /** Framebuffer width (differs from the screen width on high-DPI displays). */
  override getRenderWidth(): number {
    return this.headless ? this.#headlessSize[0] : this.raw.GetRenderWidth();
  }
  /** Framebuffer height. */
  override getRenderHeight(): number {
    return this.headless ? this.#headlessSize[1] : this.raw.GetRenderHeight();
  }

  // --- the draw list and textures ---

  /**
   * Draws every record of a draw list (src/core/draw-list.ts: its `pointer`) in one FFI call
   * (shim: hl_draw_list). `textures` is the Texture2D array sprites index (src/render/textures.ts)
   * and `fonts` the Font array font texts index (src/render/fonts.ts), or null: those then draw
   * nothing. `camera` is the Camera2D world records are drawn through (src/core/camera.ts), or
   * null: none.
   */
  drawList(list: Pointer, textures: Pointer | null, fonts: Pointer | null = null, camera: Pointer | null = null): void {
    this.shim.hl_draw_list(list, textures, fonts, camera);
  }
  /** LoadTexture(path) into the 20-byte Texture2D at `out` (shim: hl_load_texture); false when raylib could not load it. Needs the window. */
  loadTextureInto(path: string, out: Pointer): boolean {
    return this.shim.hl_load_texture(cstr(path), out) === 1;
  }
  /** UnloadTexture of the Texture2D at `texture` (shim: hl_unload_texture); nothing for an empty one. */
  unloadTextureAt(texture: Pointer): void {
    this.shim.hl_unload_texture(texture);
  }

  // --- fonts ---

  /**
   * Loads the .ttf/.otf font at `path`, rasterised at `size` pixels, into the 48-byte Font at `out`
   * (shim: hl_load_font). Returns undefined when it loaded, else why not (one line). Needs the window.
   */
  loadFontInto(path: string, size: number, out: Pointer): string | undefined {
    const reason = Buffer.alloc(256);
    if (this.shim.hl_load_font(cstr(path), size, out, reason, reason.length) === 1) return undefined;
    return reason.toString("utf8", 0, Math.max(0, reason.indexOf(0))) || "raylib could not load it";
  }
  /** UnloadFont of the Font at `font` (shim: hl_unload_font); nothing for an empty one. */
  unloadFontAt(font: Pointer): void {
    this.shim.hl_unload_font(font);
  }

  // --- audio ---

  /**
   * InitAudioDevice without libasound's own lines on stderr (shim: hl_open_audio). `alsaConfig`:
   * an ALSA_CONFIG_PATH for this attempt (the AudioPlugin's silent device, src/render/alsa-null.conf),
   * else the default device; `paced`: give that configuration the pipe it writes into, read by
   * {@link paceAudio}. Ready: miniaudio's backend ("ALSA", "PulseAudio", "Null"); not: why, in
   * one line. Headless: never ready (the stand-in loads no raylib).
   */
  openAudioDevice(alsaConfig?: string, paced = false): AudioDeviceOpening {
    if (this.headless) return { ready: false, reason: "raylib is not loaded (the headless stand-in)" };
    const out = Buffer.alloc(512);
    const ready = this.shim.hl_open_audio(alsaConfig === undefined ? null : cstr(alsaConfig), paced ? 1 : 0, alsaErrorSetter(), out, out.length) === 1;
    const text = out.toString("utf8", 0, Math.max(0, out.indexOf(0)));
    return ready ? { ready, backend: text } : { ready, reason: text || "raylib could not open it" };
  }
  /** Lets a paced silent device play `seconds` more of what it was given (shim: hl_audio_pace); returns the bytes it took, 0 without one. */
  paceAudio(seconds: number): number {
    return this.shim.hl_audio_pace(seconds);
  }
  /** CloseAudioDevice, unblocking a paced device first (shim: hl_close_audio); nothing when none is open. */
  closeAudio(): void {
    this.shim.hl_close_audio();
  }
  /**
   * Closes the audio device (raylib: `CloseAudioDevice`, through {@link closeAudio}): raylib's own
   * would wait forever on the AudioPlugin's silent device, whose mixing thread may be waiting for
   * the game's next frame.
   */
  override closeAudioDevice(): void {
    this.closeAudio();
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
   * Writes the framebuffer to `path` (resolved against the working directory, where raylib's own
   * TakeScreenshot writes beside the program; the format follows the extension, .png). Same timing
   * rule as readScreen. Returns whether it was written.
   */
  override takeScreenshot(path: string): boolean {
    const abs = isAbsolute(path) ? path : resolve(path);
    return this.shim.hl_take_screenshot(cstr(abs)) === 1;
  }

  // --- input, batched ---

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
  const rl = load(paths.raylib, RAYLIB_FUNCTIONS);
  let shim: ReturnType<typeof dlopen<typeof SHIM_SYMBOLS>>;
  let wrappers: ReturnType<typeof dlopen<typeof WRAPPER_FUNCTIONS>>;
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
  try {
    wrappers = load(paths.shim, WRAPPER_FUNCTIONS);
  } catch (e) {
    shim.close();
    rl.close();
    throw e;
  }
  shim.symbols.hl_set_trace_log_level(defaultLogLevel());
  opened = new Raylib(rl.symbols as unknown as RaylibFunctions, wrappers.symbols as unknown as WrapperFunctions, shim.symbols, paths);
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
  const scratch = scratchBlock();
  const zero = (name: string) => scratch.bytes.fill(0, 0, WRAPPER_RESULT_BYTES[name] ?? 0);
  return new Raylib(
    noopSymbols(RAYLIB_FUNCTIONS) as unknown as RaylibFunctions,
    noopSymbols(WRAPPER_FUNCTIONS, zero) as unknown as WrapperFunctions,
    noopSymbols(SHIM_SYMBOLS) as unknown as ShimSymbols,
    undefined,
    scratch,
  );
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

/** libasound, kept open once looked for (its error handler is process-wide state); null when absent. */
let asound: { symbols: { snd_lib_error_set_handler: { ptr: number } } } | null | undefined;

/**
 * The address of libasound's snd_lib_error_set_handler, or null without libasound (miniaudio then
 * skips ALSA too). Looked up here rather than linked by the shim, so the shim needs neither
 * libasound nor libdl.
 */
function alsaErrorSetter(): Pointer | null {
  if (asound === undefined) {
    try {
      asound = dlopen("libasound.so.2", { snd_lib_error_set_handler: { args: [FFIType.ptr], returns: FFIType.i32 } }) as unknown as typeof asound;
    } catch {
      asound = null;
    }
  }
  return asound ? (asound.symbols.snd_lib_error_set_handler.ptr as Pointer) : null;
}

/** Re-exported so users need one import for setup. */
export { ensureRaylib, ensureRaylibSync, type RaylibPaths };
