import type { MeasureOptions, Row } from "./lib.ts";

/** A suite's figures under stable keys: numbers (medians over runs in results.json), nested objects, anything else as measured. */
export type Figures = object;

/** What every suite is given. */
export interface SuiteOptions {
  /** `--quick`: CI's smoke run (smaller sizes, fewer samples). */
  readonly quick: boolean;
  /** Sampling of {@link measure} for this run. */
  readonly measure: MeasureOptions;
}

/**
 * A suite: `run` measures once (in a process of its own) and returns its figures; the runner
 * repeats it (`--runs`), takes the median of every number across runs, and `rows` turns those
 * medians into the printed table. A row's `spread` names the keys whose min-max it shows.
 */
export interface Suite<F extends Figures = Figures> {
  run(options: SuiteOptions): F | Promise<F>;
  rows(figures: F): Row[];
  /** Left out of `--quick` (default: included). */
  readonly notInQuick?: boolean;
}
