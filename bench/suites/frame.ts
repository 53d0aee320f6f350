import { Update, type ManualClock, type SystemContext } from "../../src/core/index.ts";
import { hotSystem } from "../../src/hot/index.ts";
import { benchApp, buildBenchLibrary } from "../bench-library.ts";
import { measure, type MeasureOptions } from "../lib.ts";
import type { Suite } from "../suite.ts";

interface FrameFigures {
  readonly app_over_hand: number;
  readonly app_us: number;
  readonly hand_us: number;
}

/**
 * One frame of 100 systems, 50 hot no-ops and 50 TS no-ops interleaved, through `app.update()`
 * against a hand-written loop making the same 100 calls (the library entry through bun:ffi and
 * the TS function): the App's and hotSystem's overhead on a realistic mixed frame.
 */
function measureFrame(options: MeasureOptions): FrameFigures {
  const { app, reloader } = benchApp();
  let sink = 0;
  const tsNoops = Array.from({ length: 50 }, () => (_ctx: SystemContext) => {
    sink++;
  });
  for (let i = 0; i < 50; i++) app.addSystems(Update, hotSystem("noop").named(`noop_${i}`), tsNoops[i]!);
  const entry = reloader.bind("noop").entry!;
  const ctx = app.context;
  const clock = app.clock as ManualClock;
  const m = measure(
    [
      { name: "app", run: (n) => { for (let i = 0; i < n; i++) { clock.advance(16); app.update(); } } },
      {
        name: "hand",
        run: (n) => {
          for (let i = 0; i < n; i++) {
            for (let s = 0; s < 50; s++) {
              entry(null as never);
              tsNoops[s]!(ctx);
            }
          }
        },
      },
    ],
    options,
  );
  app.shutdown();
  if (sink < 0) console.log(sink);
  return { app_over_hand: m.app! / m.hand!, app_us: m.app! / 1000, hand_us: m.hand! / 1000 };
}

export const frameSuite: Suite<FrameFigures> = {
  async run(options) {
    await buildBenchLibrary();
    return measureFrame(options.measure);
  },
  rows: (f) => [
    { suite: "frame", figure: "50 hot + 50 TS no-ops: App / hand loop", value: f.app_over_hand.toFixed(2), goal: "<= 1.3", context: `${f.app_us.toFixed(2)} us vs ${f.hand_us.toFixed(2)} us per frame`, spread: ["app_over_hand"] },
  ],
};
