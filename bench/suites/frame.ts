import { Update, type ManualClock, type SystemContext } from "../../src/core/index.ts";
import { hotSystem } from "../../src/hot/index.ts";
import { benchApp, buildBenchLibrary } from "../bench-library.ts";
import { measure, type MeasureOptions } from "../lib.ts";
import type { Suite } from "../suite.ts";

interface FrameFigures {
  readonly app_over_hand: number;
  readonly app_us: number;
  readonly hand_us: number;
  /** The same 100 systems, the 50 hot ones consecutive (one crossing), against the same hand loop. */
  readonly grouped_app_over_hand: number;
  readonly grouped_app_us: number;
  readonly grouped_hand_us: number;
}

/**
 * One frame of 100 systems, 50 hot no-ops and 50 TS no-ops, through `app.update()` against a
 * hand-written loop making the same 100 calls (the library entry through bun:ffi and the TS
 * function): the App's and hotSystem's overhead on a mixed frame. `interleaved`: hot, TS, hot, …
 * (no two hot systems side by side: 50 crossings); else the 50 hot ones first, consecutive (one
 * crossing), then the 50 TS ones.
 */
function measureFrame(options: MeasureOptions, interleaved: boolean): { ratio: number; appUs: number; handUs: number } {
  const { app, reloader } = benchApp();
  let sink = 0;
  const tsNoops = Array.from({ length: 50 }, () => (_ctx: SystemContext) => {
    sink++;
  });
  if (interleaved) {
    for (let i = 0; i < 50; i++) app.addSystems(Update, hotSystem("noop").named(`noop_${i}`), tsNoops[i]!);
  } else {
    for (let i = 0; i < 50; i++) app.addSystems(Update, hotSystem("noop").named(`noop_${i}`));
    app.addSystems(Update, ...tsNoops);
  }
  const slot = reloader.bind("noop");
  const entry = slot.entry!;
  // The context pointer the App passes too (a JS null would take bun:ffi's slower path for a pointer).
  const pointer = slot.ctx.pointer;
  const ctx = app.context;
  const clock = app.clock as ManualClock;
  const hand = interleaved
    ? (n: number) => {
        for (let i = 0; i < n; i++) {
          for (let s = 0; s < 50; s++) {
            entry(pointer);
            tsNoops[s]!(ctx);
          }
        }
      }
    : (n: number) => {
        for (let i = 0; i < n; i++) {
          for (let s = 0; s < 50; s++) entry(pointer);
          for (let s = 0; s < 50; s++) tsNoops[s]!(ctx);
        }
      };
  const m = measure(
    [
      { name: "app", run: (n) => { for (let i = 0; i < n; i++) { clock.advance(16); app.update(); } } },
      { name: "hand", run: hand },
    ],
    options,
  );
  app.shutdown();
  if (sink < 0) console.log(sink);
  return { ratio: m.app! / m.hand!, appUs: m.app! / 1000, handUs: m.hand! / 1000 };
}

export const frameSuite: Suite<FrameFigures> = {
  async run(options) {
    await buildBenchLibrary();
    const mixed = measureFrame(options.measure, true);
    const grouped = measureFrame(options.measure, false);
    return {
      app_over_hand: mixed.ratio,
      app_us: mixed.appUs,
      hand_us: mixed.handUs,
      grouped_app_over_hand: grouped.ratio,
      grouped_app_us: grouped.appUs,
      grouped_hand_us: grouped.handUs,
    };
  },
  rows: (f) => [
    { suite: "frame", figure: "50 hot + 50 TS no-ops, interleaved: App / hand loop", value: f.app_over_hand.toFixed(2), goal: "<= 1.1", context: `${f.app_us.toFixed(2)} us vs ${f.hand_us.toFixed(2)} us per frame; no two hot systems side by side: 50 crossings`, spread: ["app_over_hand"] },
    { suite: "frame", figure: "the same, the 50 hot ones consecutive", value: f.grouped_app_over_hand.toFixed(2), goal: "<= 1.1", context: `${f.grouped_app_us.toFixed(2)} us vs ${f.grouped_hand_us.toFixed(2)} us per frame; the App crosses once for the 50, the hand loop 50 times`, spread: ["grouped_app_over_hand"] },
  ],
};
