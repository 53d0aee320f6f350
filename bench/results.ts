/**
 * Kept results: `bun run bench` writes one file per suite, bench/results/<suite>.json, committed
 * beside the README's tables, which `bun bench/table.ts` makes from them (never by hand). Each
 * file says what machine, Bun, rustc and date its figures came from.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { spreadOf, type Row } from "./lib.ts";
import type { MachineInfo } from "./machine.ts";
import type { Suite } from "./suite.ts";
import { SUITE_SOURCES } from "./suites/index.ts";

/** Where a full run's results go. A `--quick` run writes none: its figures are a smoke test's. */
export const RESULTS_DIR = join(import.meta.dir, "results");

/** One suite's kept result. */
export interface SuiteResult {
  readonly suite: string;
  readonly date: string;
  readonly runs: number;
  readonly seconds: number;
  readonly machine: MachineInfo;
  /** The code it was measured with: the commit, whether the tree had changes, a hash of the suite's own files. */
  readonly source: { readonly commit: string; readonly dirty: boolean; readonly hash: string };
  /** The suite's figures: each number the median of the runs, `<key>_spread: [min, max]` beside it. */
  readonly figures: Record<string, unknown>;
}

/** A hash of the files that make a suite's figures (bench/suites/index.ts, SUITE_SOURCES). */
export function suiteSourceHash(suite: string): string {
  const files = SUITE_SOURCES[suite] ?? [];
  const text = files.map((f) => readFileSync(join(import.meta.dir, f), "utf8")).join("\0");
  return Bun.hash(text).toString(16);
}

/** The commit the working tree is on, and whether it has changes. */
export function sourceState(): { commit: string; dirty: boolean } {
  const git = (...args: string[]) => Bun.spawnSync(["git", ...args], { cwd: import.meta.dir, stdout: "pipe", stderr: "ignore" });
  const head = git("rev-parse", "HEAD");
  const status = git("status", "--porcelain");
  return { commit: head.success ? head.stdout.toString().trim() : "unknown", dirty: !status.success || status.stdout.toString().trim().length > 0 };
}

/** Writes one suite's result file. */
export function writeResult(result: SuiteResult, dir = RESULTS_DIR): string {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${result.suite}.json`);
  writeFileSync(file, JSON.stringify(result, null, 2) + "\n");
  return file;
}

/** Every kept result, by suite name. */
export function readResults(dir = RESULTS_DIR): Map<string, SuiteResult> {
  const results = new Map<string, SuiteResult>();
  if (!existsSync(dir)) return results;
  for (const name of readdirSync(dir).filter((f) => f.endsWith(".json")).sort()) {
    const result = JSON.parse(readFileSync(join(dir, name), "utf8")) as SuiteResult;
    results.set(result.suite, result);
  }
  return results;
}

/** A spread's bound, short: 3.23M, 412k, 1.07. */
function short(x: number): string {
  const abs = Math.abs(x);
  const fmt = (v: number) => (Number.isFinite(v) ? Number(v.toPrecision(3)).toString() : String(v));
  return abs >= 1e6 ? `${fmt(x / 1e6)}M` : abs >= 1e4 ? `${fmt(x / 1e3)}k` : fmt(x);
}

/** A suite's rows for its figures, each with the spread of its keys over `runs` (none with one run). */
export function rowsOf(suite: Suite, figures: Record<string, unknown>, runs: number): Row[] {
  return suite.rows(figures as never).map((row) => {
    const spreads = (row.spread ?? []).map((key) => spreadOf(figures, key));
    const spreadText = runs > 1 && spreads.length && spreads.every(Boolean) ? spreads.map((s) => `${short(s![0])}-${short(s![1])}`).join(" / ") : "";
    return { ...row, spreadText };
  });
}
