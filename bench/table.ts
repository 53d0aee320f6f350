/**
 * `bun bench/table.ts [--check]`: the benchmark tables of README.md (the headline rows' figures
 * and values, the front page's key figures), docs/benchmarks.md (the headline rows in full) and
 * bench/README.md (every row), made from the committed results in bench/results/ by the suites'
 * own `rows`, between `<!-- bench-table:begin -->` and `<!-- bench-table:end -->`. `bun run bench`
 * runs it after a full run; `--check` changes nothing and exits 1 when a table differs from what
 * the results give (test/bench/table.test.ts runs it), so no figure in a document is typed by hand.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import type { Row } from "./lib.ts";
import { bytesText } from "./machine.ts";
import { readResults, rowsOf, suiteSourceHash, type SuiteResult } from "./results.ts";
import { SUITES } from "./suites/index.ts";

const ROOT = join(import.meta.dir, "..");
const BEGIN = "<!-- bench-table:begin -->";
const END = "<!-- bench-table:end -->";

/** The tables' files: which rows each shows, and whether in full or only figure, value and goal. */
const TARGETS: readonly { readonly file: string; readonly rows: (row: Row) => boolean; readonly compact?: boolean }[] = [
  { file: join(ROOT, "README.md"), rows: (row: Row) => row.headline === true, compact: true },
  { file: join(ROOT, "docs/benchmarks.md"), rows: (row: Row) => row.headline === true },
  { file: join(ROOT, "bench/README.md"), rows: () => true },
];

/** A Markdown table cell: no pipes or line breaks. */
function cell(text: string | undefined): string {
  return (text ?? "").replaceAll("|", "\\|").replaceAll("\n", " ");
}

/** The machine and runs the results came from, one line (several when the suites disagree). */
function provenance(results: readonly SuiteResult[]): string {
  const lines = new Map<string, string[]>();
  for (const r of results) {
    const m = r.machine;
    const llc = m.caches.filter((c) => c.type !== "Instruction").at(-1);
    const key = `${m.cpu}, ${m.cores} cores${llc ? `, ${bytesText(llc.bytes)} L${llc.level} cache` : ""}, ${m.memory_gib} GiB; Bun ${m.bun}, ${m.rustc}; ${r.runs} runs per suite, ${r.date.slice(0, 10)}`;
    lines.set(key, [...(lines.get(key) ?? []), r.suite]);
  }
  if (lines.size === 1) return `Measured on ${[...lines.keys()][0]}.`;
  return [...lines].map(([key, suites]) => `${suites.join(", ")}: measured on ${key}.`).join("\n");
}

/**
 * The table text for the rows `keep` selects, from the results: every column, or with `compact`
 * the figure, its value and its goal (the README's key figures; the rest is a link away).
 */
export function tableText(keep: (row: Row) => boolean, results = readResults(), compact = false): string {
  const used: SuiteResult[] = [];
  const lines = compact
    ? ["| figure | value | goal |", "| --- | --- | --- |"]
    : ["| suite | figure | value | spread (min-max) | goal | what was timed |", "| --- | --- | --- | --- | --- | --- |"];
  for (const [name, suite] of Object.entries(SUITES)) {
    const result = results.get(name);
    if (!result) continue;
    const rows = rowsOf(suite, result.figures, result.runs).filter(keep);
    if (!rows.length) continue;
    used.push(result);
    for (const r of rows) {
      lines.push(
        compact
          ? `| ${cell(r.figure)} | ${cell(r.value)} | ${cell(r.goal)} |`
          : `| ${cell(r.suite)} | ${cell(r.figure)} | ${cell(r.value)} | ${cell(r.spreadText)} | ${cell(r.goal)} | ${cell(r.context)} |`,
      );
    }
  }
  if (!used.length) return "No results are committed yet: run `bun run bench`.";
  return `${provenance(used)} Generated from \`bench/results/\` by \`bun bench/table.ts\`.\n\n${lines.join("\n")}`;
}

/** A file's text with its table made again; throws when the markers are missing. */
function withTable(file: string, keep: (row: Row) => boolean, compact = false): { before: string; after: string } {
  const before = readFileSync(file, "utf8");
  const start = before.indexOf(BEGIN);
  const end = before.indexOf(END);
  if (start < 0 || end < start) throw new Error(`${relative(ROOT, file)}: no ${BEGIN} … ${END} block for the benchmark table`);
  const after = `${before.slice(0, start + BEGIN.length)}\n${tableText(keep, readResults(), compact)}\n${before.slice(end)}`;
  return { before, after };
}

/** Writes both tables; returns the files written (relative to the repository). */
export function writeTables(): string[] {
  return TARGETS.map(({ file, rows, compact }) => {
    const { after } = withTable(file, rows, compact);
    writeFileSync(file, after);
    return relative(ROOT, file);
  });
}

/** The suites whose committed result was measured with code other than the suite's files now. */
export function staleResults(results = readResults()): string[] {
  return [...results.values()].filter((r) => r.source?.hash !== suiteSourceHash(r.suite)).map((r) => r.suite);
}

/** The files whose table differs from what the results give. */
export function staleTables(): string[] {
  return TARGETS.filter(({ file, rows, compact }) => {
    const { before, after } = withTable(file, rows, compact);
    return before !== after;
  }).map(({ file }) => relative(ROOT, file));
}

if (import.meta.main) {
  if (process.argv.includes("--check")) {
    const measured = staleResults();
    if (measured.length) {
      console.error(`bench: the results of ${measured.join(", ")} were measured with other code than their suite's files now: run \`bun run bench ${measured.join(" ")}\``);
      process.exit(1);
    }
    const stale = staleTables();
    if (stale.length) {
      console.error(`bench: the table in ${stale.join(" and ")} is not what bench/results/ gives: run \`bun bench/table.ts\` (or \`bun run bench\`)`);
      process.exit(1);
    }
    console.log(`bench: the tables in ${TARGETS.map(({ file }) => relative(ROOT, file)).join(", ")} match bench/results/`);
  } else {
    console.log(`wrote the tables in ${writeTables().join(", ")}`);
  }
}
