/**
 * The benchmark tables (README.md's key figures, docs/benchmarks.md, bench/README.md) are made
 * from the committed results (bench/results/) by bench/table.ts, never typed by hand: a figure
 * edited in one of them, or a result file changed without the tables made again, fails here. The fix: `bun bench/table.ts` (or `bun run bench`).
 */
import { expect, test } from "bun:test";
import { readResults } from "../../bench/results.ts";
import { staleResults, staleTables } from "../../bench/table.ts";
import { SUITES } from "../../bench/suites/index.ts";

test("every suite has a committed result, with the machine it ran on", () => {
  const results = readResults();
  expect([...results.keys()].sort()).toEqual(Object.keys(SUITES).sort());
  for (const r of results.values()) {
    expect(r.machine.cpu.length).toBeGreaterThan(0);
    expect(r.machine.bun).toMatch(/^\d+\.\d+\.\d+/);
    expect(r.machine.rustc).toMatch(/^rustc \d/);
    expect(Number.isNaN(Date.parse(r.date))).toBe(false);
  }
});

test("each result was measured with its suite's code as it is now: run `bun run bench <suite>` after changing a suite", () => {
  expect(staleResults()).toEqual([]);
});

test("README.md, docs/benchmarks.md and bench/README.md show what bench/results/ gives: run `bun bench/table.ts` after a change", () => {
  expect(staleTables()).toEqual([]);
});
