import { ptr, type Pointer } from "bun:ffi";
import { Update, type ManualClock, type SystemContext } from "../../src/core/index.ts";
import { hotSystem } from "../../src/hot/index.ts";
import { benchApp, buildBenchLibrary } from "../bench-library.ts";
import { measure, unrolledCalls, type HandCall, type MeasureOptions } from "../lib.ts";
import type { Suite } from "../suite.ts";

interface FrameFigures {
  readonly app_over_hand: number;
  readonly app_us: number;
  readonly hand_us: number;
  /** The same 100 systems, the 50 hot ones consecutive (one crossing each side). */
  readonly grouped_app_over_hand: number;
  readonly grouped_app_us: number;
  readonly grouped_hand_us: number;
}

/** The null watchdog pointer as 0, as the App passes it (a JS null takes bun:ffi's slower path). */
const NO_WATCHDOG = 0 as Pointer;

/**
 * One frame of 100 systems, 50 hot no-ops and 50 TS no-ops, through `app.update()` against the
 * hand loop a reviewer would write for the same work, making the same crossings:
 *
 * - `interleaved` (hot, TS, hot, …; no two hot systems side by side): the App crosses once per
 *   hot system; the hand loop calls each entry through bun:ffi and checks its result (the App's
 *   panic check), with one call site per call, as the App's compiled runner has.
 * - grouped (the 50 hot ones first, then the 50 TS ones): the App makes one
 *   `hotloop_run_systems` crossing for the 50; so does the hand loop, over the same run list,
 *   then 50 TS calls, one call site each.
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
  const ts: HandCall<SystemContext>[] = tsNoops.map((fn) => ({ fn, arg: ctx }));
  let frame: () => void;
  if (interleaved) {
    const calls: HandCall<any>[] = [];
    for (let s = 0; s < 50; s++) calls.push({ fn: entry, arg: pointer, checked: true }, ts[s]!);
    frame = unrolledCalls(calls);
  } else {
    // The run list the App's fused run hands the library: [entry, ctx, watchdog number] per system.
    const list = new BigUint64Array(50 * 3);
    for (let s = 0; s < 50; s++) {
      list[s * 3] = BigInt(slot.entryAddress!);
      list[s * 3 + 1] = BigInt(pointer);
    }
    const at = ptr(list);
    const runSystems = slot.lib.runSystems;
    const tsCalls = unrolledCalls(ts);
    frame = () => {
      if (runSystems(at, 50, NO_WATCHDOG) !== 50) throw new Error("bench: a hot no-op panicked");
      tsCalls();
    };
  }
  const m = measure(
    [
      { name: "app", run: (n) => { for (let i = 0; i < n; i++) { clock.advance(16); app.update(); } } },
      { name: "hand", run: (n) => { for (let i = 0; i < n; i++) frame(); } },
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
    { suite: "frame", figure: "50 hot + 50 TS no-ops, the hot ones consecutive: App / hand loop", headline: true, value: f.grouped_app_over_hand.toFixed(2), goal: "<= 1.1", context: `${f.grouped_app_us.toFixed(2)} us vs ${f.grouped_hand_us.toFixed(2)} us per frame; both cross once for the 50 (hotloop_run_systems), one call site per TS system`, spread: ["grouped_app_over_hand"] },
    { suite: "frame", figure: "50 hot + 50 TS no-ops, interleaved: App / hand loop", headline: true, value: f.app_over_hand.toFixed(2), goal: "<= 1.5", context: `${f.app_us.toFixed(2)} us vs ${f.hand_us.toFixed(2)} us per frame; both cross 50 times, one call site per system, hot results checked`, spread: ["app_over_hand"] },
  ],
};
