import { FixedUpdate } from "../../src/core/index.ts";
import { hotSystem } from "../../src/hot/index.ts";
import { benchApp, buildBenchLibrary } from "../bench-library.ts";
import { Position, Velocity } from "../components.ts";
import { fmt, measure, type MeasureOptions } from "../lib.ts";
import type { Suite } from "../suite.ts";
import { sizeLabel } from "./systems.ts";

/** What probation costs a call: the same system with and without its written rows saved first. */
interface ProbationFigures {
  /** ns per call of `movement` (writes Position of every entity) on probation, and not. */
  readonly [key: string]: number;
}

const SIZES = [1_000, 10_000, 100_000];

/**
 * probation: a build just swapped in runs its systems on probation for 60 frames; before each call
 * the rows its queries may write are saved (and put back if it panics). `movement` over N entities
 * writes Position (two f32 columns): the saving copies N ids and 2N values. Side by side, the
 * same slot switched on and off between samples.
 */
function measureProbation(options: MeasureOptions): ProbationFigures {
  const json: Record<string, number> = {};
  for (const n of SIZES) {
    const { app, reloader } = benchApp();
    for (let i = 0; i < n; i++) app.context.spawn([Position, { x: i, y: 0 }], [Velocity, { x: 1, y: 2 }]);
    app.time.data[0] = 1 / 64;
    const run = hotSystem("movement").factory(app, FixedUpdate);
    const slot = reloader.bind("movement");
    const ctx = app.context;
    const m = measure(
      [
        { name: "plain", run: (k) => { slot.probation = false; for (let i = 0; i < k; i++) run(ctx); } },
        { name: "probation", run: (k) => { slot.probation = true; for (let i = 0; i < k; i++) run(ctx); } },
      ],
      options,
    );
    slot.probation = false;
    app.shutdown();
    const label = sizeLabel(n);
    json[`over_plain_${label}`] = m.probation! / m.plain!;
    json[`plain_us_${label}`] = m.plain! / 1e3;
    json[`probation_us_${label}`] = m.probation! / 1e3;
  }
  return json;
}

export const probationSuite: Suite<ProbationFigures> = {
  async run(options) {
    await buildBenchLibrary();
    return measureProbation(options.measure);
  },
  rows: (f) =>
    SIZES.map((n) => {
      const label = sizeLabel(n);
      return {
        suite: "probation",
        figure: `a call on probation / plain, ${label} written rows`,
        value: fmt(f[`over_plain_${label}`]!),
        context: `${fmt(f[`probation_us_${label}`]!)} vs ${fmt(f[`plain_us_${label}`]!)} us per call of movement (writes Position); only in the first 60 frames after a swap`,
        spread: [`over_plain_${label}`],
      };
    }),
};
