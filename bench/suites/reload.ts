import { readFileSync, renameSync, writeFileSync } from "node:fs";
import { App, FixedUpdate, Update, yieldToEventLoop } from "../../src/core/index.ts";
import { spawn } from "../../src/ecs/index.ts";
import { HotPlugin, HotReloader, hotSystem } from "../../src/hot/index.ts";
import { Position, Stamp, Trap, Velocity } from "../../test/fixtures/hot-fixture/components.ts";
import { Fixture } from "../../test/support/fixture.ts";
import { fmt, median, percentile, type Row } from "../lib.ts";
import type { SuiteResult } from "../suite.ts";

/**
 * A live app for timing reloads: the fixture library with its `stamp` system in Update, run by a
 * real-time loop that yields to the event loop every frame (as `app.run({ targetFps: 0 })` does).
 * `runUntil` frames until a stamp shows up and says when, and how long each frame took.
 */
function liveApp(fixture: Fixture) {
  const app = new App();
  app.registerComponents(Position, Velocity, Stamp, Trap);
  app.addPlugins(HotPlugin({ library: fixture.library, reload: true, reporter: (e) => { if (process.env.BENCH_DEBUG) console.error(JSON.stringify(e)); } }));
  app.addSystems(Update, hotSystem("stamp"));
  app.addSystems(FixedUpdate, hotSystem("mover"));
  for (let i = 0; i < 1000; i++) spawn(app.world, [Position, { x: i }], [Velocity, { x: 1 }]);
  const e = spawn(app.world, Stamp);
  const frameMs: number[] = [];
  const runUntil = async (stamp: number, limitMs = 30_000): Promise<{ at: number; swapFrameMs: number }> => {
    const deadline = performance.now() + limitMs;
    for (;;) {
      const start = performance.now();
      app.update();
      const end = performance.now();
      if (Stamp.value[e] === stamp) return { at: end, swapFrameMs: end - start };
      frameMs.push(end - start);
      if (end > deadline) throw new Error(`bench reload: stamp ${stamp} not seen within ${limitMs} ms`);
      await yieldToEventLoop();
    }
  };
  /** Keeps the loop running (frames and event loop) for `ms`. */
  const runFor = async (ms: number): Promise<void> => {
    const end = performance.now() + ms;
    while (performance.now() < end) {
      const start = performance.now();
      app.update();
      frameMs.push(performance.now() - start);
      await yieldToEventLoop();
    }
  };
  return { app, runUntil, runFor, frameMs, ready: () => app.resource(HotReloader).ready() };
}

/** Time between two library writes in the reload suite. */
const WRITE_GAP_MS = 150;

/** Writes bytes the way cargo publishes a build: a new file renamed over the old (atomic). */
function publish(path: string, bytes: Uint8Array): void {
  writeFileSync(`${path}.tmp`, bytes);
  renameSync(`${path}.tmp`, path);
}

/**
 * reload: library written → first frame running the new code, over `count` reloads alternating
 * two prebuilt variants, and the duration of the frame that swapped against ordinary frames.
 */
export async function reloadSuite(count: number): Promise<SuiteResult> {
  const fixture = new Fixture();
  try {
    const variants: Uint8Array[] = [];
    for (const stamp of [1, 2]) {
      fixture.setConst("STAMP", String(stamp));
      await fixture.build();
      variants.push(readFileSync(fixture.library));
    }
    const live = liveApp(fixture);
    await live.ready();
    await live.runUntil(2);
    const latencies: number[] = [];
    const swapFrames: number[] = [];
    for (let i = 0; i < count; i++) {
      const stamp = i % 2 === 0 ? 1 : 2;
      const written = performance.now();
      publish(fixture.library, variants[stamp - 1]!);
      const seen = await live.runUntil(stamp);
      latencies.push(seen.at - written);
      swapFrames.push(seen.swapFrameMs);
      // Writes come as fast as back-to-back cargo builds could (>= 150 ms apart). chokidar
      // coalesces replacements closer than ~50 ms; the watcher's trailing check then catches the
      // last one 100 ms late, which is right for a storm but is not what this suite measures.
      await live.runFor(WRITE_GAP_MS);
    }
    live.app.shutdown();
    const normal = median(live.frameMs);
    const json = {
      reloads: count,
      p50_ms: percentile(latencies, 50),
      p95_ms: percentile(latencies, 95),
      max_ms: Math.max(...latencies),
      swap_frame_ms: median(swapFrames),
      normal_frame_ms: normal,
      swap_spike_ms: median(swapFrames) - normal,
    };
    const rows: Row[] = [
      { suite: "reload", figure: `written → running, p50 (${count} reloads)`, value: `${fmt(json.p50_ms)} ms`, context: "5 ms debounce + read/check/copy/dlopen/validate + wait for the frame" },
      { suite: "reload", figure: "written → running, p95", value: `${fmt(json.p95_ms)} ms`, goal: "<= 20 ms", context: `max ${fmt(json.max_ms)} ms` },
      { suite: "reload", figure: "swap frame spike (median)", value: `${fmt(json.swap_spike_ms)} ms`, context: `swap frame ${fmt(json.swap_frame_ms)} ms vs ${fmt(normal, 2)} ms` },
    ];
    return { json, rows };
  } finally {
    fixture.cleanup();
  }
}

/** edit_to_running: a saved .rs file → new code running, the cargo build included, over `count` edits. */
export async function editToRunningSuite(count: number): Promise<SuiteResult> {
  const fixture = new Fixture();
  try {
    await fixture.build();
    const live = liveApp(fixture);
    await live.ready();
    await live.runUntil(1);
    const latencies: number[] = [];
    const builds: number[] = [];
    for (let i = 0; i < count; i++) {
      const stamp = 100 + i;
      const saved = performance.now();
      fixture.setConst("STAMP", String(stamp));
      // As the dev runner does on a save: build in the background while the game keeps running.
      const build = fixture.build().then((r) => builds.push(r.ms));
      const seen = await live.runUntil(stamp, 120_000);
      await build;
      latencies.push(seen.at - saved);
    }
    live.app.shutdown();
    const json = { edits: count, p50_ms: median(latencies), build_p50_ms: median(builds) };
    return {
      json,
      rows: [{ suite: "edit_to_running", figure: `saved .rs → running, p50 (${count} edits)`, value: `${fmt(json.p50_ms)} ms`, context: `of which cargo build p50 ${fmt(json.build_p50_ms)} ms` }],
    };
  } finally {
    fixture.cleanup();
  }
}
