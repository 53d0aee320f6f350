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
const only = args.filter((a) => !a.startsWith("--"));
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

const results: Record<string, unknown> = {
  meta: { bun: Bun.version, date: new Date().toISOString(), quick, cpus: navigator.hardwareConcurrency },
};
const rows: Row[] = [];
for (const [name, suite] of Object.entries(suites)) {
  if (only.length && !only.includes(name)) continue;
  console.error(`bench: ${name}...`);
  const result = await suite();
  results[name] = result.json;
  rows.push(...result.rows);
}
printTable(rows);
const out = new URL("./results.json", import.meta.url).pathname;
await Bun.write(out, JSON.stringify(results, null, 2) + "\n");
console.log(`\nwrote ${out}`);
