import { App, ManualClock, Update, type SystemContext, type SystemFn } from "../../src/core/index.ts";
import { measure, type MeasureOptions } from "../lib.ts";
import type { Suite } from "../suite.ts";

interface FrameTsFigures {
  readonly app_over_hand: number;
  readonly app_ns: number;
  readonly hand_ns: number;
}

/**
 * One frame of 100 no-op TypeScript systems through `App.update()` against a hand-written loop
 * making the same 100 calls: the cost of the App's frame (time, input, schedules, conditions).
 */
function measureFrameTs(options: MeasureOptions): FrameTsFigures {
  const clock = new ManualClock();
  const app = new App({ clock });
  let sink = 0;
  const systems: SystemFn[] = Array.from({ length: 100 }, () => (_ctx: SystemContext) => {
    sink++;
  });
  app.addSystems(Update, ...systems);
  const ctx = app.context;
  const m = measure(
    [
      { name: "app", run: (n) => { for (let i = 0; i < n; i++) { clock.advance(16); app.update(); } } },
      { name: "hand", run: (n) => { for (let i = 0; i < n; i++) for (let s = 0; s < 100; s++) systems[s]!(ctx); } },
    ],
    options,
  );
  if (sink < 0) console.log(sink);
  return { app_over_hand: m.app! / m.hand!, app_ns: m.app!, hand_ns: m.hand! };
}

export const frameTs: Suite<FrameTsFigures> = {
  run: (options) => measureFrameTs(options.measure),
  rows: (f) => [
    { suite: "frame_ts", figure: "100 TS no-op systems: App / hand loop", value: f.app_over_hand.toFixed(2), context: `${(f.app_ns / 1000).toFixed(2)} us vs ${(f.hand_ns / 1000).toFixed(2)} us per frame`, spread: ["app_over_hand"] },
  ],
};
