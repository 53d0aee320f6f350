/**
 * binding: the generated raylib binding (scripts/gen-raylib.ts) against the hand-written one it
 * replaced, for the same draw calls, in one window, frames interleaved.
 *
 * A frame draws `calls` each of the five calls whose crossing changed (a struct by value on the
 * raylib side): DrawCircleV, DrawRectangleV, DrawLineEx, DrawRectanglePro and DrawTextEx with the
 * default font. The old binding is the hand-written wrappers hotloop had (bench/old-binding/
 * old-shim.c, verbatim: floats in, the Vector2/Rectangle made in C), compiled here against the same
 * libraylib; the generated one takes objects as a game writes them (`rl.drawCircleV({ x, y }, r, c)`),
 * writes them into its scratch block and passes their addresses to its wrappers. Also timed: a
 * struct result alone (GetMousePosition, no drawing), and binding every symbol at start (dlopen of
 * the tables, what `openRaylib` adds to a game's start).
 *
 * Needs a GL context (see bench/window.ts): under Xvfb the GL is Mesa's software renderer, which
 * both bindings pay alike.
 *
 * Run directly (`bun bench/suites/binding.ts [--measure JSON] [--calls N]`) it measures in this
 * process and prints the figures as one JSON line.
 */
import { dlopen, FFIType } from "bun:ffi";
import { existsSync, mkdtempSync, realpathSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { ensureRaylib, raylibSourcesSync } from "../../src/render/build-raylib.ts";
import { Colors, cstr, loadRaylib, RAYLIB_FUNCTIONS, WRAPPER_FUNCTIONS, type Raylib } from "../../src/render/raylib.ts";
import { fmt, measure, type MeasureOptions } from "../lib.ts";
import type { Suite } from "../suite.ts";
import { glRenderer, measureFileUnderXvfb, windowWhere } from "../window.ts";

/** Calls of each of the five kinds per frame; `--quick` makes fewer. */
const CALLS = 4_000;
const QUICK_CALLS = 1_000;
const WIDTH = 800;
const HEIGHT = 600;

const { f32, u32, ptr, void: voidT, i32, bool } = FFIType;

/** The old binding's wrappers, as raylib.ts declared them. */
const OLD_WRAPPERS = {
  hl_draw_text_ex: { args: [ptr, f32, f32, f32, f32, u32], returns: voidT },
  hl_draw_circle_v: { args: [f32, f32, f32, u32], returns: voidT },
  hl_draw_line_ex: { args: [f32, f32, f32, f32, f32, u32], returns: voidT },
  hl_draw_rectangle_v: { args: [f32, f32, f32, f32, u32], returns: voidT },
  hl_draw_rectangle_pro: { args: [f32, f32, f32, f32, f32, f32, f32, u32], returns: voidT },
  hl_get_mouse_position: { args: [ptr], returns: voidT },
} as const;

/** The old hand-written table of raylib's own functions (46 with the wrappers), for the start cost. */
const OLD_RAYLIB = {
  InitWindow: { args: [i32, i32, ptr], returns: voidT }, CloseWindow: { args: [], returns: voidT }, WindowShouldClose: { args: [], returns: bool },
  IsWindowReady: { args: [], returns: bool }, IsWindowFocused: { args: [], returns: bool }, SetWindowTitle: { args: [ptr], returns: voidT },
  SetWindowSize: { args: [i32, i32], returns: voidT }, SetExitKey: { args: [i32], returns: voidT }, SetTargetFPS: { args: [i32], returns: voidT },
  GetFPS: { args: [], returns: i32 }, GetFrameTime: { args: [], returns: f32 }, GetTime: { args: [], returns: FFIType.f64 },
  SetConfigFlags: { args: [u32], returns: voidT }, SetTraceLogLevel: { args: [i32], returns: voidT }, GetScreenWidth: { args: [], returns: i32 },
  GetScreenHeight: { args: [], returns: i32 }, GetRenderWidth: { args: [], returns: i32 }, GetRenderHeight: { args: [], returns: i32 },
  BeginDrawing: { args: [], returns: voidT }, EndDrawing: { args: [], returns: voidT }, ClearBackground: { args: [u32], returns: voidT },
  DrawPixel: { args: [i32, i32, u32], returns: voidT }, DrawLine: { args: [i32, i32, i32, i32, u32], returns: voidT },
  DrawRectangle: { args: [i32, i32, i32, i32, u32], returns: voidT }, DrawRectangleLines: { args: [i32, i32, i32, i32, u32], returns: voidT },
  DrawCircle: { args: [i32, i32, f32, u32], returns: voidT }, DrawCircleLines: { args: [i32, i32, f32, u32], returns: voidT },
  DrawText: { args: [ptr, i32, i32, i32, u32], returns: voidT }, MeasureText: { args: [ptr, i32], returns: i32 }, DrawFPS: { args: [i32, i32], returns: voidT },
  IsKeyDown: { args: [i32], returns: bool }, IsKeyUp: { args: [i32], returns: bool }, IsKeyPressed: { args: [i32], returns: bool },
  IsKeyPressedRepeat: { args: [i32], returns: bool }, IsKeyReleased: { args: [i32], returns: bool }, GetKeyPressed: { args: [], returns: i32 },
  GetCharPressed: { args: [], returns: i32 }, IsMouseButtonDown: { args: [i32], returns: bool }, IsMouseButtonPressed: { args: [i32], returns: bool },
  IsMouseButtonReleased: { args: [i32], returns: bool }, GetMouseX: { args: [], returns: i32 }, GetMouseY: { args: [], returns: i32 },
  GetMouseWheelMove: { args: [], returns: f32 },
} as const;

/** What one run measures; `ms` are milliseconds per frame (or per batch of calls). */
export interface BindingFigures {
  /** Calls of each of the five kinds per frame. */
  readonly calls: number;
  /** A frame of the calls through the old hand-written binding. */
  readonly old_ms: number;
  /** The same frame through the generated binding, objects as a game writes them. */
  readonly generated_ms: number;
  /** generated_ms / old_ms. */
  readonly ratio: number;
  /** `calls` GetMousePosition through the old binding (floats into a buffer), no drawing. */
  readonly old_result_ms: number;
  /** The same through the generated binding (a Vector2 object back). */
  readonly generated_result_ms: number;
  /** generated_result_ms / old_result_ms. */
  readonly result_ratio: number;
  /** dlopen of the old tables (46 symbols). */
  readonly old_load_ms: number;
  /** dlopen of the generated tables (every bound function). */
  readonly generated_load_ms: number;
  /** Symbols the generated tables bind. */
  readonly generated_symbols: number;
  /** GL_RENDERER of the context measured in. */
  readonly renderer: string;
}

/** A run that could not measure, and why (one line). */
export interface BindingSkipped {
  readonly skipped: string;
}

/** Compiles the old wrappers against this libraylib into `dir`, returning the library's path. */
function compileOldShim(raylib: string, dir: string): string {
  const lib = realpathSync(raylib);
  const beside = join(dirname(dirname(lib)), "include");
  const include = existsSync(join(beside, "raylib.h")) ? beside : join(raylibSourcesSync(), "src");
  const out = join(dir, "libold_shim.so");
  const source = join(import.meta.dir, "..", "old-binding", "old-shim.c");
  const cc = Bun.spawnSync(["cc", "-shared", "-fPIC", "-O2", "-std=c99", "-I", include, source, "-o", out, lib, `-Wl,-rpath,${dirname(lib)}`], { stderr: "pipe" });
  if (cc.exitCode !== 0) throw new Error(`bench: binding: cc of old-shim.c failed: ${cc.stderr.toString().trim().split("\n")[0]}`);
  return out;
}

/** Opens a window here and measures; the display must answer. */
export async function measureBinding(options: MeasureOptions, calls: number): Promise<BindingFigures> {
  const paths = await ensureRaylib();
  const dir = mkdtempSync(join(tmpdir(), "hotloop-bench-binding-"));
  try {
    const oldShim = compileOldShim(paths.raylib, dir);
    const rl = await loadRaylib();
    rl.initWindow(WIDTH, HEIGHT, "hotloop bench: binding");
    try {
      return measureIn(rl, paths, oldShim, options, calls);
    } finally {
      rl.closeWindow();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function measureIn(rl: Raylib, paths: { raylib: string; shim: string }, oldShim: string, options: MeasureOptions, calls: number): BindingFigures {
  const old = dlopen(oldShim, OLD_WRAPPERS).symbols;
  const xs = new Float32Array(calls);
  const ys = new Float32Array(calls);
  let h = 0x9e3779b1;
  for (let i = 0; i < calls; i++) {
    h = Math.imul(h ^ (h >>> 15), 0x2c1b3c6d) >>> 0;
    xs[i] = (h % (WIDTH * 4)) / 4;
    ys[i] = ((h >>> 10) % (HEIGHT * 4)) / 4;
  }
  const label = cstr("hi");
  const font = rl.getFontDefault();
  const frame = (draw: () => void): void => {
    rl.beginDrawing();
    rl.clearBackground(Colors.RAYWHITE);
    draw();
    rl.endDrawing();
  };
  const viaOld = (): void => {
    for (let i = 0; i < calls; i++) {
      const x = xs[i]!;
      const y = ys[i]!;
      old.hl_draw_circle_v(x, y, 3, Colors.RED);
      old.hl_draw_rectangle_v(x, y, 4, 3, Colors.BLUE);
      old.hl_draw_line_ex(x, y, x + 6, y + 2, 1.5, Colors.DARKGRAY);
      old.hl_draw_rectangle_pro(x, y, 5, 5, 2.5, 2.5, 30, Colors.GOLD);
      old.hl_draw_text_ex(label, x, y, 10, 1, Colors.BLACK);
    }
  };
  const viaGenerated = (): void => {
    for (let i = 0; i < calls; i++) {
      const x = xs[i]!;
      const y = ys[i]!;
      rl.drawCircleV({ x, y }, 3, Colors.RED);
      rl.drawRectangleV({ x, y }, { x: 4, y: 3 }, Colors.BLUE);
      rl.drawLineEx({ x, y }, { x: x + 6, y: y + 2 }, 1.5, Colors.DARKGRAY);
      rl.drawRectanglePro({ x, y, width: 5, height: 5 }, { x: 2.5, y: 2.5 }, 30, Colors.GOLD);
      rl.drawTextEx(font, "hi", { x, y }, 10, 1, Colors.BLACK);
    }
  };
  const frames = measure(
    [
      { name: "old", run: (n) => { for (let k = 0; k < n; k++) frame(viaOld); } },
      { name: "generated", run: (n) => { for (let k = 0; k < n; k++) frame(viaGenerated); } },
    ],
    options,
  );
  const xy = new Float32Array(new ArrayBuffer(8));
  let sink = 0;
  const results = measure(
    [
      { name: "old", run: (n) => { for (let k = 0; k < n; k++) for (let i = 0; i < calls; i++) { old.hl_get_mouse_position(xy); sink += xy[0]!; } } },
      { name: "generated", run: (n) => { for (let k = 0; k < n; k++) for (let i = 0; i < calls; i++) sink += rl.getMousePosition().x; } },
    ],
    options,
  );
  if (sink < 0) console.error(sink);
  const loads = measure(
    [
      { name: "old", run: (n) => { for (let k = 0; k < n; k++) { dlopen(paths.raylib, OLD_RAYLIB).close(); dlopen(oldShim, OLD_WRAPPERS).close(); } } },
      { name: "generated", run: (n) => { for (let k = 0; k < n; k++) { dlopen(paths.raylib, RAYLIB_FUNCTIONS).close(); dlopen(paths.shim, WRAPPER_FUNCTIONS).close(); } } },
    ],
    { ...options, batchEach: true },
  );
  const ms = (ns: number) => ns / 1e6;
  return {
    calls,
    old_ms: ms(frames.old!),
    generated_ms: ms(frames.generated!),
    ratio: frames.generated! / frames.old!,
    old_result_ms: ms(results.old!),
    generated_result_ms: ms(results.generated!),
    result_ratio: results.generated! / results.old!,
    old_load_ms: ms(loads.old!),
    generated_load_ms: ms(loads.generated!),
    generated_symbols: Object.keys(RAYLIB_FUNCTIONS).length + Object.keys(WRAPPER_FUNCTIONS).length,
    renderer: glRenderer(),
  };
}

export const bindingSuite: Suite<BindingFigures | BindingSkipped> = {
  async run(options) {
    const { skip, xvfb } = windowWhere();
    if (skip !== undefined) {
      console.error(`bench: binding skipped: ${skip}`);
      return { skipped: skip };
    }
    const calls = options.quick ? QUICK_CALLS : CALLS;
    return xvfb ? measureFileUnderXvfb<BindingFigures>(import.meta.path, "binding", options.measure, ["--calls", String(calls)]) : measureBinding(options.measure, calls);
  },
  rows(f) {
    if ("skipped" in f) return [{ suite: "binding", figure: "skipped", value: "-", context: f.skipped }];
    const n = `${f.calls / 1000}k`;
    return [
      {
        suite: "binding",
        figure: `a frame of 5 × ${n} struct-by-value draw calls: generated / hand-written binding`,
        value: f.ratio.toFixed(2),
        context: `${fmt(f.generated_ms)} ms vs ${fmt(f.old_ms)} ms per frame: DrawCircleV, DrawRectangleV, DrawLineEx, DrawRectanglePro, DrawTextEx (${f.renderer})`,
        spread: ["ratio"],
      },
      {
        suite: "binding",
        figure: `${n} GetMousePosition (a struct result): generated / hand-written`,
        value: f.result_ratio.toFixed(2),
        context: `${fmt(f.generated_result_ms)} ms vs ${fmt(f.old_result_ms)} ms, no drawing: a Vector2 object vs two floats in a buffer`,
        spread: ["result_ratio"],
      },
      {
        suite: "binding",
        figure: "binding raylib at start (dlopen of the symbol tables)",
        value: `${fmt(f.generated_load_ms)} ms`,
        context: `${f.generated_symbols} symbols; the hand-written tables (46 + 6): ${fmt(f.old_load_ms)} ms`,
        spread: ["generated_load_ms"],
      },
    ];
  },
};

if (import.meta.main) {
  const arg = (flag: string) => {
    const i = process.argv.indexOf(flag);
    return i >= 0 ? process.argv[i + 1] : undefined;
  };
  const options = JSON.parse(arg("--measure") ?? "{}") as MeasureOptions;
  console.log(JSON.stringify(await measureBinding(options, Number(arg("--calls") ?? CALLS))));
  process.exit(0);
}
