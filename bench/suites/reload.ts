import { readFileSync, renameSync, writeFileSync } from "node:fs";
import { App, FixedUpdate, Update, yieldToEventLoop } from "../../src/core/index.ts";
import { spawn } from "../../src/ecs/index.ts";
import { HotPlugin, HotReloader, hotSystem } from "../../src/hot/index.ts";
import { Position, Stamp, Trap, Velocity } from "../../test/fixtures/hot-fixture/components.ts";
import { Fixture } from "../../test/support/fixture.ts";
import { fmt, median, percentile } from "../lib.ts";
import type { Suite } from "../suite.ts";

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
export const WRITE_GAP_MS = 150;

/** Writes bytes the way cargo publishes a build: a new file renamed over the old (atomic). */
export function publish(path: string, bytes: Uint8Array): void {
  writeFileSync(`${path}.tmp`, bytes);
  renameSync(`${path}.tmp`, path);
}

/**
 * What a reload changes between the two builds the rig alternates (both always differ in STAMP,
 * which is how the suite sees the new code run): a body only; a system placed by the library that
 * comes and goes (added, then removed); a parameter of `stamp` that comes and goes (its call
 * context rebuilt each time).
 */
export type ReloadKind = "body" | "add_system" | "signature";

/** Edits the second build of a kind makes to the fixture (the first is the fixture as it is). */
const SECOND_BUILD: Record<ReloadKind, (f: Fixture) => void> = {
  body: () => {},
  add_system: (f) => {
    f.edit("/// Does nothing: the cost of a call.", "/// Placed in Update by the library.\npub fn extra(mut q: Query<Write<Stamp>>) {\n    let _ = q.len();\n}\n\n/// Does nothing: the cost of a call.");
    f.edit("    systems: [mover, stamp,", "    Update: [extra.after(\"stamp\")],\n    systems: [mover, stamp,");
  },
  signature: (f) => f.edit("pub fn stamp(mut q: Query<Write<Stamp>>) {", "pub fn stamp(mut q: Query<Write<Stamp>>, time: Res<Time>) {\n    let _ = time.delta();"),
};

/** The reload rig: the fixture built in two variants (stamps 1 and 2) and a live app running the first. */
export class ReloadRig {
  /** Latencies (ms, write → running) and swap frame durations (ms) of every reload so far. */
  readonly latencies: number[] = [];
  readonly swapFrames: number[] = [];
  private next = 0;

  private constructor(
    private readonly fixture: Fixture,
    private readonly variants: readonly Uint8Array[],
    private readonly live: ReturnType<typeof liveApp>,
  ) {}

  static async start(kind: ReloadKind = "body"): Promise<ReloadRig> {
    const fixture = new Fixture();
    try {
      const variants: Uint8Array[] = [];
      for (const stamp of [1, 2]) {
        fixture.setConst("STAMP", String(stamp));
        if (stamp === 2) SECOND_BUILD[kind](fixture);
        await fixture.build();
        variants.push(readFileSync(fixture.library));
      }
      const live = liveApp(fixture);
      await live.ready();
      await live.runUntil(2);
      return new ReloadRig(fixture, variants, live);
    } catch (e) {
      fixture.cleanup();
      throw e;
    }
  }

  /**
   * `count` reloads: the variants published alternately, each write → the end of the first frame
   * whose stamp shows it, then frames for {@link WRITE_GAP_MS}.
   */
  async reload(count: number): Promise<void> {
    for (let i = 0; i < count; i++) {
      const stamp = this.next++ % 2 === 0 ? 1 : 2;
      const written = performance.now();
      publish(this.fixture.library, this.variants[stamp - 1]!);
      const seen = await this.live.runUntil(stamp);
      this.latencies.push(seen.at - written);
      this.swapFrames.push(seen.swapFrameMs);
      // Writes come as fast as back-to-back cargo builds could (>= 150 ms apart). chokidar
      // coalesces replacements closer than ~50 ms; the watcher's trailing check then catches the
      // last one 100 ms late, which is right for a storm but is not what this suite measures.
      await this.live.runFor(WRITE_GAP_MS);
    }
  }

  /** The median duration of an ordinary frame (ms). */
  normalFrameMs(): number {
    return median(this.live.frameMs);
  }

  close(): void {
    this.live.app.shutdown();
    this.fixture.cleanup();
  }
}

interface ReloadFigures {
  readonly reloads: number;
  readonly p50_ms: number;
  readonly p95_ms: number;
  readonly max_ms: number;
  readonly swap_frame_ms: number;
  readonly normal_frame_ms: number;
  readonly swap_spike_ms: number;
  /** The same latency when each build adds or removes a system the library places. */
  readonly add_system_p50_ms: number;
  readonly add_system_p95_ms: number;
  /** The same latency when each build changes a system's parameters. */
  readonly signature_p50_ms: number;
  readonly signature_p95_ms: number;
}

/** p50 / p95 of `count` reloads of one kind, in a rig of its own. */
async function latencies(kind: ReloadKind, count: number): Promise<{ p50: number; p95: number }> {
  const rig = await ReloadRig.start(kind);
  try {
    await rig.reload(count);
    return { p50: percentile(rig.latencies, 50), p95: percentile(rig.latencies, 95) };
  } finally {
    rig.close();
  }
}

/**
 * reload: library written → first frame running the new code, over `count` reloads alternating
 * two prebuilt variants, and the duration of the frame that swapped against ordinary frames.
 */
export const reloadSuite: Suite<ReloadFigures> = {
  async run(options) {
    const count = options.quick ? 10 : 50;
    const rig = await ReloadRig.start();
    let body;
    try {
      await rig.reload(count);
      const normal = rig.normalFrameMs();
      body = {
        reloads: count,
        p50_ms: percentile(rig.latencies, 50),
        p95_ms: percentile(rig.latencies, 95),
        max_ms: Math.max(...rig.latencies),
        swap_frame_ms: median(rig.swapFrames),
        normal_frame_ms: normal,
        swap_spike_ms: median(rig.swapFrames) - normal,
      };
    } finally {
      rig.close();
    }
    const added = await latencies("add_system", count);
    const signature = await latencies("signature", count);
    return { ...body, add_system_p50_ms: added.p50, add_system_p95_ms: added.p95, signature_p50_ms: signature.p50, signature_p95_ms: signature.p95 };
  },
  rows: (f) => [
    { suite: "reload", figure: `written → running, p50 (${f.reloads} reloads)`, value: `${fmt(f.p50_ms)} ms`, context: "detection (none for a new inode) + read/check/copy/dlopen/validate + wait for the frame", spread: ["p50_ms"] },
    { suite: "reload", figure: "written → running, p95", value: `${fmt(f.p95_ms)} ms`, goal: "<= 20 ms", context: `max ${fmt(f.max_ms)} ms`, spread: ["p95_ms"] },
    { suite: "reload", figure: "a build that adds or removes a system: p50 / p95", value: `${fmt(f.add_system_p50_ms)} / ${fmt(f.add_system_p95_ms)} ms`, context: "the system joins or leaves its schedule at the swap", spread: ["add_system_p50_ms", "add_system_p95_ms"] },
    { suite: "reload", figure: "a build that changes a signature: p50 / p95", value: `${fmt(f.signature_p50_ms)} / ${fmt(f.signature_p95_ms)} ms`, context: "the call context is rebuilt at the swap", spread: ["signature_p50_ms", "signature_p95_ms"] },
    { suite: "reload", figure: "swap frame spike (median)", value: `${fmt(f.swap_spike_ms)} ms`, context: `swap frame ${fmt(f.swap_frame_ms)} ms vs ${fmt(f.normal_frame_ms, 2)} ms`, spread: ["swap_spike_ms"] },
  ],
};

/** The edit rig: a copy of the fixture crate, built, and a live app running it. */
export class EditRig {
  /** Latencies (ms, save → running) and cargo build times (ms) of every edit so far. */
  readonly latencies: number[] = [];
  readonly builds: number[] = [];
  private stamp = 100;

  private constructor(
    private readonly fixture: Fixture,
    private readonly live: ReturnType<typeof liveApp>,
  ) {}

  static async start(): Promise<EditRig> {
    const fixture = new Fixture();
    try {
      await fixture.build();
      const live = liveApp(fixture);
      await live.ready();
      await live.runUntil(1);
      return new EditRig(fixture, live);
    } catch (e) {
      fixture.cleanup();
      throw e;
    }
  }

  /** `count` edits of STAMP, each saved → the first frame running it, cargo build included. */
  async edit(count: number): Promise<void> {
    for (let i = 0; i < count; i++) {
      const stamp = this.stamp++;
      const saved = performance.now();
      this.fixture.setConst("STAMP", String(stamp));
      // As the dev runner does on a save: build in the background while the game keeps running.
      const build = this.fixture.build().then((r) => this.builds.push(r.ms));
      const seen = await this.live.runUntil(stamp, 120_000);
      await build;
      this.latencies.push(seen.at - saved);
    }
  }

  close(): void {
    this.live.app.shutdown();
    this.fixture.cleanup();
  }
}

interface EditFigures {
  readonly edits: number;
  readonly p50_ms: number;
  readonly build_p50_ms: number;
}

/** edit_to_running: a saved .rs file → new code running, the cargo build included, over `count` edits. */
export const editToRunningSuite: Suite<EditFigures> = {
  async run(options) {
    const count = options.quick ? 2 : 10;
    const rig = await EditRig.start();
    try {
      await rig.edit(count);
      return { edits: count, p50_ms: median(rig.latencies), build_p50_ms: median(rig.builds) };
    } finally {
      rig.close();
    }
  },
  rows: (f) => [
    { suite: "edit_to_running", figure: `saved .rs → running, p50 (${f.edits} edits)`, value: `${fmt(f.p50_ms)} ms`, context: `of which cargo build p50 ${fmt(f.build_p50_ms)} ms`, spread: ["p50_ms"] },
  ],
};
