import { App, ManualClock, Update, type SystemContext, type SystemFn } from "../../src/core/index.ts";
import { measure, type MeasureOptions } from "../lib.ts";
import type { SuiteResult } from "../suite.ts";

/**
 * One frame of 100 no-op TypeScript systems through `App.update()` against a hand-written loop
 * making the same 100 calls: the cost of the App's frame (time, input, schedules, conditions).
 */
export function frameTs(options: MeasureOptions): SuiteResult {
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
  const ratio = m.app! / m.hand!;
  return {
    json: { app_over_hand: ratio, app_ns: m.app!, hand_ns: m.hand! },
    rows: [{ suite: "frame_ts", figure: "100 TS no-op systems: App / hand loop", value: ratio.toFixed(2), context: `${(m.app! / 1000).toFixed(2)} us vs ${(m.hand! / 1000).toFixed(2)} us per frame` }],
  };
}
