import { readFileSync, renameSync, writeFileSync } from "node:fs";
import { App, FixedUpdate, Update, yieldToEventLoop } from "../../src/core/index.ts";
import { spawn } from "../../src/ecs/index.ts";
import { HotPlugin, HotReloader, hotSystem, type HotEvent } from "../../src/hot/index.ts";
import { Position, Stamp, Trap, Velocity } from "../../test/fixtures/hot-fixture/components.ts";
import * as example from "../../examples/bevy-like/src/components.ts";
import { EXAMPLE_CRATE } from "../../test/support/example.ts";
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

/** What an edit rig edits and watches: a crate, the app its systems need, one constant. */
export interface EditTarget {
  /** The crate copied and edited (a {@link Fixture} source; the hot fixture when absent). */
  readonly crate?: string;
  /** Sets the app up for the crate's systems; returns a reader of the value the edited constant shows in. */
  setup(app: App): () => number;
  /** Saves edit `n` (0, 1, …) in the copy; returns the value the running code then shows. */
  edit(fixture: Fixture, n: number): number;
}

/** The hot fixture's `stamp` system writing its STAMP constant into a Stamp component. */
export const FIXTURE_STAMP: EditTarget = {
  setup(app) {
    app.registerComponents(Position, Velocity, Stamp, Trap);
    app.addSystems(Update, hotSystem("stamp"));
    const e = spawn(app.world, Stamp);
    return () => Stamp.value[e]!;
  },
  edit(fixture, n) {
    fixture.setConst("STAMP", String(100 + n));
    return 100 + n;
  },
};

/** The example crate (examples/bevy-like/systems): PLAYER_RADIUS in src/player.rs, which `player_style` writes into the player's Appearance. */
export const EXAMPLE_RADIUS: EditTarget = {
  crate: EXAMPLE_CRATE,
  setup(app) {
    app.registerComponents(...example.components);
    app.insertResource(new example.Score());
    app.addEvent(example.CoinCollected);
    app.addSystems(Update, hotSystem("player_style"));
    const e = spawn(app.world, example.Player, example.Appearance);
    return () => example.Appearance.radius[e]!;
  },
  edit(fixture, n) {
    fixture.setConst("PLAYER_RADIUS", `${20 + n}.0`, "src/player.rs");
    return 20 + n;
  },
};

/**
 * The edit rig: a copy of a crate, built, and a live app running it in a real-time loop that
 * yields to the event loop every frame. Each edit is saved, built as the dev runner builds it
 * (cargo, or cargo's last rustc command again: src/dev/crate-builder.ts) while the game runs, and
 * timed to the end of the first frame that shows the new value.
 */
export class EditRig {
  /** Latencies (ms, save → running), build times (ms) and who built, of every edit so far. */
  readonly latencies: number[] = [];
  readonly builds: number[] = [];
  readonly builtBy: ("cargo" | "rustc" | undefined)[] = [];
  private edits = 0;

  private constructor(
    private readonly fixture: Fixture,
    private readonly target: EditTarget,
    private readonly app: App,
    private readonly read: () => number,
  ) {}

  static async start(target: EditTarget = FIXTURE_STAMP): Promise<EditRig> {
    const fixture = new Fixture(target.crate);
    try {
      await fixture.build();
      const app = new App();
      app.addPlugins(HotPlugin({ library: fixture.library, reload: true }));
      const read = target.setup(app);
      await app.resource(HotReloader).ready();
      app.update();
      return new EditRig(fixture, target, app, read);
    } catch (e) {
      fixture.cleanup();
      throw e;
    }
  }

  /** `count` edits, each saved → the first frame running it, the build included. */
  async edit(count: number): Promise<void> {
    for (let i = 0; i < count; i++) {
      const saved = performance.now();
      const want = this.target.edit(this.fixture, this.edits++);
      // As the dev runner does on a save: build in the background while the game keeps running.
      const build = this.fixture.build().then((r) => {
        this.builds.push(r.ms);
        this.builtBy.push(r.via);
      });
      const deadline = saved + 120_000;
      for (;;) {
        this.app.update();
        const end = performance.now();
        if (this.read() === want) {
          this.latencies.push(end - saved);
          break;
        }
        if (end > deadline) throw new Error(`bench edit: ${want} not running within 120 s`);
        await Bun.sleep(1);
      }
      await build;
    }
  }

  close(): void {
    this.app.shutdown();
    this.fixture.cleanup();
  }
}

interface EditFigures {
  readonly edits: number;
  readonly p50_ms: number;
  readonly build_p50_ms: number;
  /** The example crate, PLAYER_RADIUS edited: save → running, and its builds. */
  readonly example_p50_ms: number;
  readonly example_build_p50_ms: number;
  /** Edits (of both crates) built by cargo's last rustc command run again, of all edits. */
  readonly rustc_share: number;
}

/** Runs `count` edits of `target` and returns the rig's figures. */
async function editRun(target: EditTarget, count: number): Promise<{ latencies: number[]; builds: number[]; builtBy: EditRig["builtBy"] }> {
  const rig = await EditRig.start(target);
  try {
    await rig.edit(count);
    return rig;
  } finally {
    rig.close();
  }
}

/** edit_to_running: a saved .rs file → new code running, the build included, in the hot fixture and the example crate. */
export const editToRunningSuite: Suite<EditFigures> = {
  async run(options) {
    const count = options.quick ? 2 : 10;
    const fixture = await editRun(FIXTURE_STAMP, count);
    const example = await editRun(EXAMPLE_RADIUS, count);
    const builtBy = [...fixture.builtBy, ...example.builtBy];
    return {
      edits: count,
      p50_ms: median(fixture.latencies),
      build_p50_ms: median(fixture.builds),
      example_p50_ms: median(example.latencies),
      example_build_p50_ms: median(example.builds),
      rustc_share: builtBy.filter((b) => b === "rustc").length / builtBy.length,
    };
  },
  rows: (f) => [
    { suite: "edit_to_running", figure: `example crate: saved .rs → running, p50 (${f.edits} edits)`, value: `${fmt(f.example_p50_ms)} ms`, goal: "<= 150 ms", context: `PLAYER_RADIUS edited; of which the build p50 ${fmt(f.example_build_p50_ms)} ms`, spread: ["example_p50_ms"] },
    { suite: "edit_to_running", figure: `hot fixture: saved .rs → running, p50 (${f.edits} edits)`, value: `${fmt(f.p50_ms)} ms`, goal: "<= 150 ms", context: `of which the build p50 ${fmt(f.build_p50_ms)} ms; ${Math.round(f.rustc_share * 100)}% of all edits built by rustc directly`, spread: ["p50_ms"] },
  ],
};
