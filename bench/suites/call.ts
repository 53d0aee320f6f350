import { Update } from "../../src/core/index.ts";
import { hotSystem } from "../../src/hot/index.ts";
import { bareNoop, benchApp } from "../bench-library.ts";
import { measure, type MeasureOptions } from "../lib.ts";
import type { SuiteResult } from "../suite.ts";

/**
 * ns per call of a JS no-op, a bare bun:ffi call of a Rust no-op (`bench_bare_noop`), and the
 * `noop` hot system through hotSystem() (its run function: disabled check, context refresh,
 * the entry call with a context pointer, the status check, and the SDK's catch_unwind).
 */
export function callSuite(options: MeasureOptions): SuiteResult {
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
  bare.close();
  app.shutdown();
  if (sink < 0) console.log(sink);
  const ratio = m.hot! / m.bare!;
  return {
    json: { js_ns: m.js!, bare_ns: m.bare!, hot_ns: m.hot!, hot_over_bare: ratio },
    rows: [
      { suite: "call", figure: "JS no-op", value: `${m.js!.toFixed(2)} ns`, context: "per call" },
      { suite: "call", figure: "bare bun:ffi Rust no-op", value: `${m.bare!.toFixed(2)} ns`, context: "per call" },
      { suite: "call", figure: "hotSystem no-op / bare", value: ratio.toFixed(2), goal: "<= 1.2", context: `${m.hot!.toFixed(2)} ns per call` },
    ],
  };
}
