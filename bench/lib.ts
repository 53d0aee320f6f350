/**
 * Side-by-side measurement: every variant of a comparison is timed in the same process, samples
 * interleaved (a, b, a, b, ...) so drift on a noisy machine hits both alike; figures are medians.
 */

/** One timed variant: `run(n)` performs n operations. */
export interface Variant {
  readonly name: string;
  readonly run: (n: number) => void;
}

/** Options of a measurement. */
export interface MeasureOptions {
  /** Interleaved samples per variant (default 15). */
  readonly samples?: number;
  /** Target duration of one sample in ms, used to size the batch (default 20). */
  readonly sampleMs?: number;
  /**
   * Size a batch for each variant (default: one batch for all, sized by the slowest): for
   * variants whose times differ by orders of magnitude, still sampled interleaved.
   */
  readonly batchEach?: boolean;
}

/** Per-variant medians in nanoseconds per operation. */
export type Medians = Record<string, number>;

/** The median of numbers. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** A percentile (0..100) by nearest rank. */
export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

/** Times the variants side by side; returns the median ns per operation of each. */
export function measure(variants: readonly Variant[], options: MeasureOptions = {}): Medians {
  const samples = options.samples ?? 15;
  const sampleMs = options.sampleMs ?? 20;
  for (const v of variants) v.run(1); // warm up and JIT
  // Size each batch so one sample of the slowest variant (or of each) takes about sampleMs.
  const shared = options.batchEach ? 0 : batchFor(variants, sampleMs);
  const batches = variants.map((v) => shared || batchFor([v], sampleMs));
  const times: Record<string, number[]> = Object.fromEntries(variants.map((v) => [v.name, []]));
  for (let s = 0; s < samples; s++) {
    variants.forEach((v, i) => times[v.name]!.push((timeMs(() => v.run(batches[i]!)) * 1e6) / batches[i]!));
  }
  return Object.fromEntries(variants.map((v) => [v.name, median(times[v.name]!)]));
}

/** Operations per sample so that the slowest of `variants` takes about `sampleMs`. */
function batchFor(variants: readonly Variant[], sampleMs: number): number {
  let batch = 1;
  for (;;) {
    const slowest = Math.max(...variants.map((v) => timeMs(() => v.run(batch))));
    if (slowest >= sampleMs / 4 || batch >= 1 << 26) return Math.max(1, Math.round((batch * sampleMs) / Math.max(slowest, 1e-3)));
    batch *= 4;
  }
}

function timeMs(fn: () => void): number {
  const start = Bun.nanoseconds();
  fn();
  return (Bun.nanoseconds() - start) / 1e6;
}

/** A row of the printed table. */
export interface Row {
  readonly suite: string;
  readonly figure: string;
  readonly value: string;
  readonly goal?: string;
  readonly context?: string;
  /**
   * The keys (in the suite's figures, dotted for nested ones) whose spread over runs the row
   * shows beside its value, in the value's order: `["p50_ms"]`, `["rust_ms_1m", "ts_ms_1m"]`.
   */
  readonly spread?: readonly string[];
  /** One of the few rows shown up front: in docs/benchmarks.md, and as the README's key figures (bench/README.md shows them all). */
  readonly headline?: boolean;
  /** Filled by the runner from `spread`: `lo-hi` of each key. */
  readonly spreadText?: string;
}

/** Prints rows as an aligned table. */
export function printTable(rows: readonly Row[]): void {
  const header: Row = { suite: "suite", figure: "figure", value: "value", spreadText: "spread (min-max)", goal: "goal", context: "context" };
  const all = [header, ...rows];
  const cols = ["suite", "figure", "value", "spreadText", "goal", "context"] as const;
  const widths = cols.map((c) => Math.max(...all.map((r) => (r[c] ?? "").length)));
  const line = (r: Row) => cols.map((c, i) => (r[c] ?? "").padEnd(widths[i]!)).join("  ").trimEnd();
  console.log(line(header));
  console.log(widths.map((w) => "-".repeat(w)).join("  "));
  for (const r of rows) console.log(line(r));
}

/** Formats a number with a few significant digits. */
export function fmt(value: number, digits = 3): string {
  return Number.isFinite(value) ? Number(value.toPrecision(digits)).toString() : String(value);
}

/** Suffix of the key holding a figure's spread over runs: `p50_ms_spread: [lo, hi]`. */
export const SPREAD = "_spread";

/**
 * Combines the figures of repeated runs: every number becomes the median of its runs, with
 * `<key>_spread: [min, max]` beside it; nested objects are combined key by key; anything else
 * (strings, lists, outcomes) is taken from the last run. Keys missing from a run are skipped.
 */
export function combineRuns(runs: readonly Record<string, unknown>[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const keys = [...new Set(runs.flatMap((r) => Object.keys(r)))];
  for (const key of keys) {
    const values = runs.map((r) => r[key]).filter((v) => v !== undefined);
    if (values.length && values.every((v) => typeof v === "number")) {
      const numbers = values as number[];
      const finite = numbers.filter(Number.isFinite);
      out[key] = finite.length ? median(finite) : numbers.at(-1);
      out[key + SPREAD] = finite.length ? [Math.min(...finite), Math.max(...finite)] : [numbers.at(-1), numbers.at(-1)];
    } else if (values.length && values.every(isPlainObject)) {
      out[key] = combineRuns(values as Record<string, unknown>[]);
    } else {
      out[key] = values.at(-1);
    }
  }
  return out;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The `[lo, hi]` spread of a dotted key in combined figures, if there is one. */
export function spreadOf(figures: Record<string, unknown>, key: string): readonly [number, number] | undefined {
  const parts = key.split(".");
  let at: unknown = figures;
  for (const part of parts.slice(0, -1)) at = isPlainObject(at) ? at[part] : undefined;
  const spread = isPlainObject(at) ? at[parts.at(-1)! + SPREAD] : undefined;
  return Array.isArray(spread) && spread.length === 2 ? (spread as [number, number]) : undefined;
}

let handLoops = 0;

/** One call of a hand-written loop: `fn(arg)`; a `checked` call's result must be 0 (a hot call's panic check). */
export interface HandCall<A = unknown> {
  readonly fn: (arg: A) => unknown;
  readonly arg: A;
  readonly checked?: boolean;
}

/**
 * A hand-written loop body with one call site per call, as a reviewer would write it out by hand
 * (and as the App's compiled schedule runner writes it): `calls[i].fn(calls[i].arg)` in order.
 * Each site sees one function, so the JIT calls it directly or inlines it; a loop over an array
 * of functions would share one call site and pay a dispatch per call: a weaker baseline.
 */
export function unrolledCalls(calls: readonly HandCall<any>[]): () => void {
  const names = calls.map((_, i) => `f${i} = calls[${i}].fn, a${i} = calls[${i}].arg`);
  const body = calls.map((c, i) => (c.checked ? `if (f${i}(a${i}) !== 0) fail(${i});` : `f${i}(a${i});`));
  // A text of its own (JSC's code cache would share one body, and its call sites, between equal texts).
  const source = `"use strict"; // hand loop ${++handLoops}\nconst ${names.join(",\n  ")};\nreturn function handLoop() {\n  ${body.join("\n  ")}\n};`;
  const fail = (i: number) => {
    throw new Error(`bench: hand loop call ${i} failed`);
  };
  return new Function("calls", "fail", source)(calls, fail) as () => void;
}
