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
  // Size each batch so one sample of the slowest variant takes about sampleMs.
  let batch = 1;
  for (const v of variants) v.run(1); // warm up and JIT
  for (;;) {
    const slowest = Math.max(...variants.map((v) => timeMs(() => v.run(batch))));
    if (slowest >= sampleMs / 4 || batch >= 1 << 26) {
      batch = Math.max(1, Math.round((batch * sampleMs) / Math.max(slowest, 1e-3)));
      break;
    }
    batch *= 4;
  }
  const times: Record<string, number[]> = Object.fromEntries(variants.map((v) => [v.name, []]));
  for (let s = 0; s < samples; s++) {
    for (const v of variants) times[v.name]!.push((timeMs(() => v.run(batch)) * 1e6) / batch);
  }
  return Object.fromEntries(variants.map((v) => [v.name, median(times[v.name]!)]));
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
}

/** Prints rows as an aligned table. */
export function printTable(rows: readonly Row[]): void {
  const header: Row = { suite: "suite", figure: "figure", value: "value", goal: "goal", context: "context" };
  const all = [header, ...rows];
  const cols: (keyof Row)[] = ["suite", "figure", "value", "goal", "context"];
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
