import { Update, type ManualClock, type SystemContext } from "../../src/core/index.ts";
import { hotSystem } from "../../src/hot/index.ts";
import { benchApp } from "../bench-library.ts";
import { measure, type MeasureOptions } from "../lib.ts";
import type { SuiteResult } from "../suite.ts";

/**
 * One frame of 100 systems, 50 hot no-ops and 50 TS no-ops interleaved, through `app.update()`
 * against a hand-written loop making the same 100 calls (the library entry through bun:ffi and
 * the TS function): the App's and hotSystem's overhead on a realistic mixed frame.
 */
export function frameSuite(options: MeasureOptions): SuiteResult {
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
  const ratio = m.app! / m.hand!;
  return {
    json: { app_over_hand: ratio, app_us: m.app! / 1000, hand_us: m.hand! / 1000 },
    rows: [{ suite: "frame", figure: "50 hot + 50 TS no-ops: App / hand loop", value: ratio.toFixed(2), goal: "<= 1.3", context: `${(m.app! / 1000).toFixed(2)} us vs ${(m.hand! / 1000).toFixed(2)} us per frame` }],
  };
}
