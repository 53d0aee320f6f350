/**
 * `bun run bench [--quick] [--runs N] [suite ...]`: runs the benchmark suites, each in a process
 * of its own, N times (default 3; 1 with `--quick`), prints a table of the medians over the runs
 * with their spread (min-max), writes bench/results/<suite>.json for each suite it ran (with the
 * machine, Bun and rustc versions and the date) and makes the documents' tables again from those
 * files (bench/table.ts). No figure here is ever asserted; `--quick` is CI's smoke run and keeps
 * nothing.
 */
import { combineRuns, printTable, type MeasureOptions, type Row } from "./lib.ts";
import { machineInfo } from "./machine.ts";
import { rowsOf, sourceState, suiteSourceHash, writeResult } from "./results.ts";
import { SUITES as suites } from "./suites/index.ts";
import { writeTables } from "./table.ts";

const args = process.argv.slice(2);
const quick = args.includes("--quick");
/** `--child NAME`: run one suite once and print its figures as JSON (the parent runs each suite so). */
const child = valueOf("--child");
const runsArg = valueOf("--runs");
const runs = runsArg === undefined ? (quick ? 1 : 3) : Number(runsArg);
if (!Number.isInteger(runs) || runs < 1) {
  console.error(`bench: --runs takes a positive integer, got ${runsArg}`);
  process.exit(2);
}
const only = args.filter((a, i) => !a.startsWith("--") && !["--child", "--runs"].includes(args[i - 1] ?? ""));
const measure: MeasureOptions = quick ? { samples: 5, sampleMs: 5 } : { samples: 15, sampleMs: 20 };

function valueOf(flag: string): string | undefined {
  const i = args.indexOf(flag);
  return i >= 0 ? args[i + 1] : undefined;
}

const unknown = only.filter((name) => !(name in suites));
if (unknown.length) {
  console.error(`bench: unknown suite ${unknown.join(", ")} (have: ${Object.keys(suites).join(", ")})`);
  process.exit(2);
}

if (child !== undefined) {
  const suite = suites[child];
  if (!suite) throw new Error(`bench: unknown suite ${child}`);
  console.log(JSON.stringify(await suite.run({ quick, measure })));
  process.exit(0);
}

/**
 * Each run of a suite is a process of its own: the variants of one comparison share a process
 * (side by side), but a suite never inherits another's JIT state, heap or leftover watchers,
 * which measurably skewed later suites when they all shared one process.
 */
async function runChild(name: string): Promise<Record<string, unknown>> {
  const cmd = ["bun", import.meta.path, "--child", name, ...(quick ? ["--quick"] : [])];
  const proc = Bun.spawn(cmd, { stdout: "pipe", stderr: "inherit" });
  const [out, code] = await Promise.all([new Response(proc.stdout).text(), proc.exited]);
  if (code !== 0) throw new Error(`bench: suite ${name} failed (exit ${code})`);
  return JSON.parse(out.trim().split("\n").at(-1)!) as Record<string, unknown>;
}

const selected = Object.keys(suites).filter((name) => (only.length ? only.includes(name) : !(quick && suites[name]!.notInQuick)));
// Run after run over all the suites, rather than one suite's runs back to back: a burst of load
// from elsewhere on the machine then lands in one run of several suites, not in every run of one.
const figures = new Map<string, Record<string, unknown>[]>(selected.map((name) => [name, []]));
const started = performance.now();
const failed = new Set<string>();
for (let run = 1; run <= runs; run++) {
  for (const name of selected) {
    if (failed.has(name)) continue;
    console.error(`bench: ${runs > 1 ? `run ${run}/${runs}: ` : ""}${name}...`);
    try {
      figures.get(name)!.push(await runChild(name));
    } catch (e) {
      // One suite failing loses only its own figures: the others' runs go on and are kept.
      console.error((e as Error).message);
      failed.add(name);
    }
  }
}

const seconds = Math.round((performance.now() - started) / 1000);
const source = sourceState();
// Results are kept from full runs only: a quick run is CI's smoke test (smaller sizes), and fewer
// than 3 runs give no spread worth reading, unless --keep says so.
const keep = !quick && (runs >= 3 || args.includes("--keep"));
if (!quick && !keep) console.error(`bench: ${runs} run(s): nothing kept under bench/results/ (3 runs or more, or --keep)`);
const machine = machineInfo();
const date = new Date().toISOString();
const rows: Row[] = [];
const written: string[] = [];
for (const name of selected.filter((n) => !failed.has(n))) {
  const combined = combineRuns(figures.get(name)!);
  rows.push(...rowsOf(suites[name]!, combined, runs));
  if (keep) written.push(writeResult({ suite: name, date, runs, seconds, machine, source: { ...source, hash: suiteSourceHash(name) }, figures: combined }));
}
printTable(rows);
if (written.length) {
  console.log(`\nwrote ${written.length} result files under bench/results/ (medians of ${runs} runs, spread min-max under <key>_spread)`);
  const tables = writeTables();
  console.log(`the tables in ${tables.join(" and ")} are made again from bench/results/`);
}
if (failed.size) {
  console.error(`bench: ${[...failed].join(", ")} failed (see above): nothing of ${failed.size === 1 ? "it" : "them"} was kept`);
  process.exit(1);
}
