import { readFileSync, renameSync, writeFileSync } from "node:fs";
import { App, FixedUpdate, Update, yieldToEventLoop } from "../../src/core/index.ts";
import { spawn } from "../../src/ecs/index.ts";
import { HotPlugin, HotReloader, hotSystem, type HotEvent } from "../../src/hot/index.ts";
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
  /** The last successful reload's report and when it arrived (right after its swap). */
  let lastReload: { event: Extract<HotEvent, { type: "reload"; status: "ok" }>; at: number } | undefined;
  const reporter = (e: HotEvent) => {
    if (e.type === "reload" && e.status === "ok") lastReload = { event: e, at: performance.now() };
    if (process.env.BENCH_DEBUG) console.error(JSON.stringify(e));
  };
  app.addPlugins(HotPlugin({ library: fixture.library, reload: true, reporter }));
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
  const takeReload = () => {
    const taken = lastReload;
    lastReload = undefined;
    return taken;
  };
  return { app, runUntil, runFor, frameMs, takeReload, ready: () => app.resource(HotReloader).ready() };
}

/** Time between two library writes in the reload suite. */
export const WRITE_GAP_MS = 150;

/**
 * Writes bytes the way cargo publishes a build: a new file renamed over the old (atomic). Returns
 * how long the rename took (ms) and when it returned: the latency starts there. Writing the file
 * is the build's time (counted in edit → running), and the rename runs in this process, where
 * the game cannot run meanwhile; cargo renames from a process of its own, and the kernel's work
 * of freeing the replaced file (about 0.5 ms here for a 0.5 MB library) is then no frame's.
 */
export function publish(path: string, bytes: Uint8Array): { placed: number; renameMs: number } {
  writeFileSync(`${path}.tmp`, bytes);
  const start = performance.now();
  renameSync(`${path}.tmp`, path);
  const placed = performance.now();
  return { placed, renameMs: placed - start };
}

/**
 * Where one reload's time went (ms), from the file in place to the end of the frame running it:
 * the watcher's latency (`detected`), the debounce (`settled`: none for a new inode but a timer
 * hop), read/check/copy/dlopen/validate (`loaded`), the wait for the next frame boundary
 * (`waited`), the swap (`swapped`), and the rest of that frame (`ran`).
 */
export interface ReloadStages {
  readonly detected: number;
  readonly settled: number;
  readonly loaded: number;
  readonly waited: number;
  readonly swapped: number;
  readonly ran: number;
}

/** The stage names, in order. */
export const RELOAD_STAGES = ["detected", "settled", "loaded", "waited", "swapped", "ran"] as const satisfies readonly (keyof ReloadStages)[];

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
  /** Where the time of each reload went (the reloads whose report was seen). */
  readonly stages: ReloadStages[] = [];
  /** How long each publishing rename took (ms): before the clock starts, see {@link publish}. */
  readonly renames: number[] = [];
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
      this.live.takeReload();
      const { placed, renameMs } = publish(this.fixture.library, this.variants[stamp - 1]!);
      this.renames.push(renameMs);
      const seen = await this.live.runUntil(stamp);
      this.latencies.push(seen.at - placed);
      this.swapFrames.push(seen.swapFrameMs);
      const report = this.live.takeReload();
      if (report) {
        const e = report.event;
        const detectedAt = report.at - e.totalMs;
        this.stages.push({
          detected: detectedAt - placed,
          settled: e.detectedMs,
          loaded: e.loadMs,
          waited: e.totalMs - e.detectedMs - e.loadMs - e.swapMs,
          swapped: e.swapMs,
          ran: seen.at - report.at,
        });
      }
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
  /** Where the body reloads' time went: the median of each stage (ms), see {@link ReloadStages}. */
  readonly stages_p50_ms: ReloadStages;
  /** The median publishing rename (ms), before the clock starts. */
  readonly rename_ms: number;
}

/** The median of each stage over `stages`. */
function stageMedians(stages: readonly ReloadStages[]): ReloadStages {
  const of = (key: keyof ReloadStages) => median(stages.map((s) => s[key]));
  return { detected: of("detected"), settled: of("settled"), loaded: of("loaded"), waited: of("waited"), swapped: of("swapped"), ran: of("ran") };
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
        stages_p50_ms: stageMedians(rig.stages),
        rename_ms: median(rig.renames),
      };
    } finally {
      rig.close();
    }
    const added = await latencies("add_system", count);
    const signature = await latencies("signature", count);
    return { ...body, add_system_p50_ms: added.p50, add_system_p95_ms: added.p95, signature_p50_ms: signature.p50, signature_p95_ms: signature.p95 };
  },
  rows: (f) => [
    { suite: "reload", figure: `written → running, p50 (${f.reloads} reloads)`, value: `${fmt(f.p50_ms)} ms`, goal: "<= 3 ms", context: `the publishing rename's return → the end of the first frame running it (the rename itself: ${fmt(f.rename_ms)} ms)`, spread: ["p50_ms"] },
    {
      suite: "reload",
      figure: "where it goes (medians): detected / settled / loaded / waited / swapped / ran",
      value: RELOAD_STAGES.map((k) => fmt(f.stages_p50_ms[k])).join(" / ") + " ms",
      context: "watcher latency, debounce, read+check+copy+dlopen+validate, to the frame boundary, swap, rest of the frame",
      spread: RELOAD_STAGES.map((k) => `stages_p50_ms.${k}`),
    },
    { suite: "reload", figure: "written → running, p95", value: `${fmt(f.p95_ms)} ms`, goal: "<= 5 ms", context: `max ${fmt(f.max_ms)} ms`, spread: ["p95_ms"] },
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
    { suite: "edit_to_running", figure: `saved .rs → running, p50 (${f.edits} edits)`, value: `${fmt(f.p50_ms)} ms`, goal: "<= 3 ms", context: `of which cargo build p50 ${fmt(f.build_p50_ms)} ms`, spread: ["p50_ms"] },
  ],
};
