import { Update, type App } from "../../src/core/index.ts";
import { hotSystem } from "../../src/hot/index.ts";
import { bareNoop, benchApp, buildBenchLibrary } from "../bench-library.ts";
import { measure, type MeasureOptions } from "../lib.ts";
import type { Suite } from "../suite.ts";

/** ns per call of a JS no-op, a bare bun:ffi Rust no-op and the `noop` hot system, side by side. */
export interface CallFigures {
  readonly js_ns: number;
  readonly bare_ns: number;
  readonly hot_ns: number;
  readonly hot_over_bare: number;
  /** The same no-op once 8 other hot systems have been called through hotSystem()'s code. */
  readonly hot_polymorphic_ns: number;
  readonly hot_polymorphic_over_bare: number;
  /** Per system, a run of 50 consecutive hot no-ops in one schedule: one crossing for all of them. */
  readonly run50_per_system_ns: number;
  readonly run50_per_system_over_bare: number;
}

/** Hot systems in the run the `run50` figures time. */
const RUN = 50;

/** The Update schedule of `app` holding `RUN` consecutive hot no-ops (fused into one crossing). */
function hotRun(app: App): () => void {
  for (let i = 0; i < RUN; i++) app.addSystems(Update, hotSystem("noop").named(`noop_${i}`));
  const schedule = app.schedule(Update);
  const ctx = app.context;
  return () => schedule.run(ctx);
}

/**
 * ns per call of a JS no-op, a bare bun:ffi call of a Rust no-op (`bench_bare_noop`), and the
 * `noop` hot system through hotSystem() (its run function: disabled check, context refresh,
 * the entry call with a context pointer, the status check, and the SDK's catch_unwind). Then the
 * hot no-op again, once 8 other hot systems (`spin_0` .. `spin_7`) have run through the same run
 * function, as in any game with more than one hot system: that call site has then seen several
 * bun:ffi functions, not one.
 */
export function measureCalls(options: MeasureOptions): CallFigures {
  const { app } = benchApp();
  const hot = hotSystem("noop").factory(app, Update);
  const bare = bareNoop();
  let sink = 0;
  const js = (x: number) => {
    sink += x;
  };
  const ctx = app.context;
  const m = measure(
    [
      { name: "js", run: (n) => { for (let i = 0; i < n; i++) js(1); } },
      { name: "bare", run: (n) => { for (let i = 0; i < n; i++) bare.call(); } },
      { name: "hot", run: (n) => { for (let i = 0; i < n; i++) hot(ctx); } },
    ],
    options,
  );
  for (let i = 0; i < 8; i++) {
    const other = hotSystem(`spin_${i}`).factory(app, Update);
    for (let k = 0; k < 1000; k++) other(ctx);
  }
  const p = measure(
    [
      { name: "bare", run: (n) => { for (let i = 0; i < n; i++) bare.call(); } },
      { name: "hot", run: (n) => { for (let i = 0; i < n; i++) hot(ctx); } },
    ],
    options,
  );
  // A run of hot systems: the schedule's run (its loop, the fused run, one hotloop_run_systems
  // crossing calling 50 entries) per system, against the bare call in the same samples.
  const runApp = benchApp().app;
  const run = hotRun(runApp);
  const r = measure(
    [
      { name: "bare", run: (n) => { for (let i = 0; i < n; i++) bare.call(); } },
      { name: "run", run: (n) => { for (let i = 0; i < n; i++) run(); } },
    ],
    options,
  );
  runApp.shutdown();
  bare.close();
  app.shutdown();
  if (sink < 0) console.log(sink);
  const perSystem = r.run! / RUN;
  return {
    js_ns: m.js!,
    bare_ns: m.bare!,
    hot_ns: m.hot!,
    hot_over_bare: m.hot! / m.bare!,
    hot_polymorphic_ns: p.hot!,
    hot_polymorphic_over_bare: p.hot! / p.bare!,
    run50_per_system_ns: perSystem,
    run50_per_system_over_bare: perSystem / r.bare!,
  };
}

export const callSuite: Suite<CallFigures> = {
  async run(options) {
    await buildBenchLibrary();
    return measureCalls(options.measure);
  },
  rows: (f) => [
    { suite: "call", figure: "JS no-op", value: `${f.js_ns.toFixed(2)} ns`, context: "per call", spread: ["js_ns"] },
    { suite: "call", figure: "bare bun:ffi Rust no-op", value: `${f.bare_ns.toFixed(2)} ns`, context: "per call", spread: ["bare_ns"] },
    { suite: "call", figure: "hotSystem no-op / bare bun:ffi call", headline: true, value: f.hot_over_bare.toFixed(2), goal: "<= 1.2", context: `${f.hot_ns.toFixed(2)} ns per call`, spread: ["hot_over_bare"] },
    { suite: "call", figure: `a run of ${RUN} hot no-ops, per system / bare`, value: f.run50_per_system_over_bare.toFixed(2), goal: "<= 0.5", context: `${f.run50_per_system_ns.toFixed(2)} ns per system: the schedule's run, one crossing for all ${RUN}`, spread: ["run50_per_system_over_bare"] },
    { suite: "call", figure: "the same, once 8 other hot systems ran", value: f.hot_polymorphic_over_bare.toFixed(2), context: `${f.hot_polymorphic_ns.toFixed(2)} ns per call, after 8 other slots' run functions called their own entries (each slot's run function is code of its own: one bun:ffi function per call site)`, spread: ["hot_polymorphic_over_bare"] },
  ],
};
