import { App, ManualClock, Update, type SystemContext, type SystemFn } from "../../src/core/index.ts";
import { fmt, measure, unrolledCalls, type MeasureOptions } from "../lib.ts";
import type { Suite } from "../suite.ts";

interface FrameTsFigures {
  readonly app_over_hand: number;
  readonly app_ns: number;
  readonly hand_ns: number;
  /** An App with no systems at all: its frame is what the App adds to any frame. */
  readonly empty_app_ns: number;
  /** Of that, Time's part: the frame's delta, elapsed and fixed steps (`Time.beginFrame`). */
  readonly time_ns: number;
}

/**
 * One frame of 100 no-op TypeScript systems through `App.update()` against the hand loop a
 * reviewer would write for them: the 100 calls written out, one call site each (as the App's
 * compiled runner writes them). What it measures is the App's own frame: time, input, events,
 * the schedules, conditions.
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
  const frame = unrolledCalls(systems.map((fn) => ({ fn, arg: ctx })));
  const emptyClock = new ManualClock();
  const empty = new App({ clock: emptyClock });
  const time = new App({ clock: new ManualClock() }).time;
  let steps = 0;
  const m = measure(
    [
      { name: "app", run: (n) => { for (let i = 0; i < n; i++) { clock.advance(16); app.update(); } } },
      { name: "hand", run: (n) => { for (let i = 0; i < n; i++) frame(); } },
    ],
    options,
  );
  const parts = measure(
    [
      { name: "empty", run: (n) => { for (let i = 0; i < n; i++) { emptyClock.advance(16); empty.update(); } } },
      { name: "time", run: (n) => { for (let i = 0; i < n; i++) steps += time.beginFrame(16e6); } },
    ],
    { ...options, batchEach: true },
  );
  if (sink < 0 || steps < 0) console.log(sink, steps);
  return { app_over_hand: m.app! / m.hand!, app_ns: m.app!, hand_ns: m.hand!, empty_app_ns: parts.empty!, time_ns: parts.time! };
}

export const frameTs: Suite<FrameTsFigures> = {
  run: (options) => measureFrameTs(options.measure),
  rows: (f) => [
    { suite: "frame_ts", figure: "100 TS no-op systems: App / hand loop", headline: true, value: f.app_over_hand.toFixed(2), goal: "<= 1.1", context: `${(f.app_ns / 1000).toFixed(3)} us vs ${(f.hand_ns / 1000).toFixed(3)} us per frame; one call site per system on both sides`, spread: ["app_over_hand"] },
    { suite: "frame_ts", figure: "an App frame with no systems; of it, Time's update", value: `${fmt(f.empty_app_ns)} / ${fmt(f.time_ns)} ns`, context: `what the App adds to every frame (clock, time, input, event queues, schedules), against ${fmt(f.hand_ns / 100)} ns per inlined no-op call of the hand loop`, spread: ["empty_app_ns", "time_ns"] },
  ],
};
