/**
 * `bun run bench [--quick] [--runs N] [suite ...]`: runs the benchmark suites, each in a process
 * of its own, N times (default 3; 1 with `--quick`), prints a table of the medians over the runs
 * with their spread (min-max) and writes bench/results.json. No figure here is ever asserted;
 * `--quick` is CI's smoke run.
 */
import { callSuite } from "./suites/call.ts";
import { commandsSuite } from "./suites/commands.ts";
import { ecsMovement } from "./suites/ecs-movement.ts";
import { drawSuite } from "./suites/draw.ts";
import { ecsSuites } from "./suites/ecs.ts";
import { frameSuite } from "./suites/frame.ts";
import { peersSuite } from "./suites/peers.ts";
import { probationSuite } from "./suites/probation.ts";
import { editToRunningSuite, reloadSuite } from "./suites/reload.ts";
import { sceneSuite } from "./suites/scene.ts";
import { soakSuite } from "./suites/soak.ts";
import { systemsSuite } from "./suites/systems.ts";
import { frameTs } from "./suites/frame-ts.ts";
import { liveSuite } from "./suites/live.ts";
import { combineRuns, fmt, printTable, spreadOf, type MeasureOptions, type Row } from "./lib.ts";
import type { Suite } from "./suite.ts";

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

// A Suite<F> with its own figure type, listed by name; `rows` is a method, so each fits Suite.
const suites: Record<string, Suite> = {
  call: callSuite,
  systems: systemsSuite,
  frame: frameSuite,
  reload: reloadSuite,
  probation: probationSuite,
  edit_to_running: editToRunningSuite,
  live: liveSuite,
  soak: soakSuite,
  frame_ts: frameTs,
  ecs_movement: ecsMovement,
  ecs: ecsSuites,
  scene: sceneSuite,
  peers: peersSuite,
  draw: drawSuite,
  commands: commandsSuite,
};

/** A spread's bound, short: 3.23M, 412k, 1.07. */
function short(x: number): string {
  const abs = Math.abs(x);
  return abs >= 1e6 ? `${fmt(x / 1e6)}M` : abs >= 1e4 ? `${fmt(x / 1e3)}k` : fmt(x);
}

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
for (let run = 1; run <= runs; run++) {
  for (const name of selected) {
    console.error(`bench: ${runs > 1 ? `run ${run}/${runs}: ` : ""}${name}...`);
    figures.get(name)!.push(await runChild(name));
  }
}

const results: Record<string, unknown> = {
  meta: { bun: Bun.version, date: new Date().toISOString(), quick, runs, cpus: navigator.hardwareConcurrency, seconds: Math.round((performance.now() - started) / 1000) },
};
const rows: Row[] = [];
for (const name of selected) {
  const combined = combineRuns(figures.get(name)!);
  results[name] = combined;
  for (const row of suites[name]!.rows(combined)) {
    const spreads = (row.spread ?? []).map((key) => spreadOf(combined, key));
    const spreadText = runs > 1 && spreads.length && spreads.every(Boolean) ? spreads.map((s) => `${short(s![0])}-${short(s![1])}`).join(" / ") : "";
    rows.push({ ...row, spreadText });
  }
}
printTable(rows);
const out = new URL("./results.json", import.meta.url).pathname;
await Bun.write(out, JSON.stringify(results, null, 2) + "\n");
console.log(`\nwrote ${out}${runs > 1 ? ` (medians of ${runs} runs, spread min-max under <key>_spread)` : ""}`);
