/**
 * draw: 100k circles a frame (10k with `--quick`) through the draw list (records filled in TypeScript, one
 * `hl_draw_list` call) against 100k `drawCircle` FFI calls, in one window, frames interleaved.
 * Also the parts alone: filling the list (no drawing), 100k bare FFI crossings (no drawing), and
 * `hl_draw_list` over a list filled once (raylib's own work, one crossing).
 *
 * It needs a GL context: with a display that answers it measures in place; without one it runs
 * itself under `xvfb-run` (as `bun run test` runs the window tests); with neither, or no raylib,
 * it says why it skipped in one line. Under Xvfb the GL is Mesa's software renderer (the figures
 * name it): rasterizing is then CPU work on the same 2 cores, which both variants pay alike.
 *
 * Run directly (`bun bench/suites/draw.ts [--measure JSON] [--circles N]`) it measures in this process and
 * prints the figures as one JSON line: what the suite's run does under xvfb-run.
 */
import { DrawList } from "../../src/core/index.ts";
import { Colors, loadRaylib, type Raylib } from "../../src/render/raylib.ts";
import { fmt, measure, type MeasureOptions } from "../lib.ts";
import { glRenderer, measureFileUnderXvfb, windowWhere } from "../window.ts";
import type { Suite } from "../suite.ts";

/** Circles per frame; `--quick` (CI's smoke run) draws fewer. */
const CIRCLES = 100_000;
const QUICK_CIRCLES = 10_000;
/** The window: big enough that the circles spread out, small enough for a software renderer. */
const WIDTH = 800;
const HEIGHT = 600;
const RADIUS = 2;

/** What one run measures; `ms` are milliseconds per frame (or per `circles` operations). */
export interface DrawFigures {
  /** Circles per frame: 100k (10k with --quick). */
  readonly circles: number;
  /** A frame of the circles through the draw list: fill it, one hl_draw_list call, end the frame. */
  readonly list_ms: number;
  /** The same frame with one drawCircle FFI call per circle. */
  readonly per_call_ms: number;
  /** per_call_ms / list_ms. */
  readonly ratio: number;
  /** Filling the circles' records in TypeScript, nothing drawn. */
  readonly encode_ms: number;
  /** One bun:ffi call per circle of a shim function that draws nothing (hl_color_component). */
  readonly crossings_ms: number;
  /** crossings_ms / encode_ms: what one call per circle costs before raylib does anything. */
  readonly crossings_over_encode: number;
  /** A frame drawing a list filled once: raylib's and the GL's share of list_ms. */
  readonly draw_only_ms: number;
  /** GL_RENDERER of the context measured in (e.g. llvmpipe under Xvfb). */
  readonly renderer: string;
}

/** A run that could not measure, and why (one line). */
export interface DrawSkipped {
  readonly skipped: string;
}

/** Opens a window here and measures; the display must answer. */
export async function measureDraw(options: MeasureOptions, circles: number): Promise<DrawFigures> {
  const rl = await loadRaylib();
  rl.initWindow(WIDTH, HEIGHT, "hotloop bench: draw");
  try {
    return measureIn(rl, options, circles);
  } finally {
    rl.closeWindow();
  }
}

function measureIn(rl: Raylib, options: MeasureOptions, circles: number): DrawFigures {
  // Integer centres, so drawCircle (ints) and the list (floats) draw the very same circles.
  const xs = new Int32Array(circles);
  const ys = new Int32Array(circles);
  const colors = new Uint32Array(circles);
  const palette = [Colors.RED, Colors.GREEN, Colors.BLUE, Colors.GOLD, Colors.PURPLE];
  let h = 0x9e3779b1;
  for (let i = 0; i < circles; i++) {
    h = Math.imul(h ^ (h >>> 15), 0x2c1b3c6d) >>> 0;
    xs[i] = h % WIDTH;
    ys[i] = (h >>> 10) % HEIGHT;
    colors[i] = palette[i % palette.length]!;
  }
  const list = new DrawList({ records: circles });
  const fill = (): void => {
    list.clear();
    for (let i = 0; i < circles; i++) list.circle(xs[i]!, ys[i]!, RADIUS, colors[i]!);
  };
  const frame = (draw: () => void): void => {
    rl.beginDrawing();
    rl.clearBackground(Colors.RAYWHITE);
    draw();
    rl.endDrawing();
  };
  const viaList = (): void => {
    fill();
    rl.drawList(list.pointer, null);
  };
  const perCall = (): void => {
    for (let i = 0; i < circles; i++) rl.drawCircle(xs[i]!, ys[i]!, RADIUS, colors[i]!);
  };
  const frames = measure(
    [
      { name: "list", run: (n) => { for (let k = 0; k < n; k++) frame(viaList); } },
      { name: "per_call", run: (n) => { for (let k = 0; k < n; k++) frame(perCall); } },
    ],
    options,
  );
  fill();
  const drawOnly = measure([{ name: "draw", run: (n) => { for (let k = 0; k < n; k++) frame(() => rl.drawList(list.pointer, null)); } }], options);
  let sink = 0;
  const component = rl.shim.hl_color_component;
  const parts = measure(
    [
      { name: "encode", run: (n) => { for (let k = 0; k < n; k++) fill(); } },
      { name: "crossings", run: (n) => { for (let k = 0; k < n; k++) for (let i = 0; i < circles; i++) sink += component(colors[i]!, 0); } },
    ],
    { ...options, batchEach: true },
  );
  if (sink < 0) console.error(sink);
  const ms = (ns: number) => ns / 1e6;
  return {
    circles,
    list_ms: ms(frames.list!),
    per_call_ms: ms(frames.per_call!),
    ratio: frames.per_call! / frames.list!,
    encode_ms: ms(parts.encode!),
    crossings_ms: ms(parts.crossings!),
    crossings_over_encode: parts.crossings! / parts.encode!,
    draw_only_ms: ms(drawOnly.draw!),
    renderer: glRenderer(),
  };
}

export const drawSuite: Suite<DrawFigures | DrawSkipped> = {
  async run(options) {
    const { skip, xvfb } = windowWhere();
    if (skip !== undefined) {
      console.error(`bench: draw skipped: ${skip}`);
      return { skipped: skip };
    }
    const circles = options.quick ? QUICK_CIRCLES : CIRCLES;
    return xvfb ? measureFileUnderXvfb<DrawFigures>(import.meta.path, "draw", options.measure, ["--circles", String(circles)]) : measureDraw(options.measure, circles);
  },
  rows(f) {
    if ("skipped" in f) return [{ suite: "draw", figure: "skipped", value: "-", context: f.skipped }];
    const n = `${f.circles / 1000}k`;
    return [
      {
        suite: "draw",
        figure: `${n} circles: per-call frame / draw-list frame`,
        value: f.ratio.toFixed(2),
        context: `${fmt(f.per_call_ms)} ms vs ${fmt(f.list_ms)} ms per frame (${f.renderer})`,
        spread: ["ratio"],
      },
      { suite: "draw", figure: `${n} circles through the draw list`, value: `${fmt(f.list_ms)} ms`, context: "fill in TS, one hl_draw_list call, EndDrawing", spread: ["list_ms"] },
      { suite: "draw", figure: `${n} drawCircle calls`, value: `${fmt(f.per_call_ms)} ms`, context: "one FFI call per circle, EndDrawing", spread: ["per_call_ms"] },
      { suite: "draw", figure: `the list's frame without the fill`, value: `${fmt(f.draw_only_ms)} ms`, context: "raylib's and the GL's part: the floor of both", spread: ["draw_only_ms"] },
      {
        suite: "draw",
        figure: `${n} FFI crossings / filling ${n} records`,
        value: f.crossings_over_encode.toFixed(2),
        context: `${fmt(f.crossings_ms)} ms vs ${fmt(f.encode_ms)} ms (no drawing)`,
        spread: ["crossings_over_encode"],
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
  console.log(JSON.stringify(await measureDraw(options, Number(arg("--circles") ?? CIRCLES))));
  process.exit(0);
}
