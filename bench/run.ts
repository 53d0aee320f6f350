/**
 * `bun run bench [--quick] [suite ...]`: runs the benchmark suites side by side, prints a table and
 * writes bench/results.json. No figure here is ever asserted; `--quick` is CI's smoke run.
 */
import { buildBenchLibrary } from "./bench-library.ts";
import { callSuite } from "./suites/call.ts";
import { ecsMovement } from "./suites/ecs-movement.ts";
import { ecsSuites } from "./suites/ecs.ts";
import { frameSuite } from "./suites/frame.ts";
import { editToRunningSuite, reloadSuite } from "./suites/reload.ts";
import { soakSuite } from "./suites/soak.ts";
import { systemsSuite } from "./suites/systems.ts";
import { frameTs } from "./suites/frame-ts.ts";
import { printTable, type MeasureOptions, type Row } from "./lib.ts";
import type { SuiteResult } from "./suite.ts";

const args = process.argv.slice(2);
const quick = args.includes("--quick");
/** `--child NAME`: run one suite and print its result as JSON (the parent runs each suite so). */
const childIndex = args.indexOf("--child");
const child = childIndex >= 0 ? args[childIndex + 1] : undefined;
const only = args.filter((a, i) => !a.startsWith("--") && !(childIndex >= 0 && i === childIndex + 1));
const options: MeasureOptions = quick ? { samples: 5, sampleMs: 5 } : { samples: 15, sampleMs: 20 };

const suites: Record<string, () => SuiteResult | Promise<SuiteResult>> = {
  call: async () => (await buildBenchLibrary(), callSuite(options)),
  systems: async () => (await buildBenchLibrary(), systemsSuite(options, [10_000, 100_000, 1_000_000])),
  frame: async () => (await buildBenchLibrary(), frameSuite(options)),
  reload: () => reloadSuite(quick ? 10 : 50),
  edit_to_running: () => editToRunningSuite(quick ? 2 : 10),
  soak: () => soakSuite(quick ? 100 : 1000),
  frame_ts: () => frameTs(options),
  ecs_movement: () => ecsMovement(options, quick ? 10_000 : 100_000),
  ecs: () => ecsSuites(options, quick),
};

const unknown = only.filter((name) => !(name in suites));
if (unknown.length) {
  console.error(`bench: unknown suite ${unknown.join(", ")} (have: ${Object.keys(suites).join(", ")})`);
  process.exit(2);
}

if (child !== undefined) {
  const suite = suites[child];
  if (!suite) throw new Error(`bench: unknown suite ${child}`);
  console.log(JSON.stringify(await suite()));
  process.exit(0);
}

/**
 * Each suite runs in a process of its own: the variants of one comparison share a process (side
 * by side), but a suite never inherits another's JIT state, heap or leftover watchers, which
 * measurably skewed later suites when they all shared one process.
 */
async function runChild(name: string): Promise<SuiteResult> {
  const cmd = ["bun", import.meta.path, "--child", name, ...(quick ? ["--quick"] : [])];
  const proc = Bun.spawn(cmd, { stdout: "pipe", stderr: "inherit" });
  const [out, code] = await Promise.all([new Response(proc.stdout).text(), proc.exited]);
  if (code !== 0) throw new Error(`bench: suite ${name} failed (exit ${code})`);
  return JSON.parse(out.trim().split("\n").at(-1)!) as SuiteResult;
}

const results: Record<string, unknown> = {
  meta: { bun: Bun.version, date: new Date().toISOString(), quick, cpus: navigator.hardwareConcurrency },
};
const rows: Row[] = [];
for (const name of Object.keys(suites)) {
  if (only.length && !only.includes(name)) continue;
  console.error(`bench: ${name}...`);
  const result = await runChild(name);
  results[name] = result.json;
  rows.push(...result.rows);
}
printTable(rows);
const out = new URL("./results.json", import.meta.url).pathname;
await Bun.write(out, JSON.stringify(results, null, 2) + "\n");
console.log(`\nwrote ${out}`);
