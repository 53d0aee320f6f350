import { readFileSync, renameSync, writeFileSync } from "node:fs";
import { App, FixedUpdate, Update, yieldToEventLoop } from "../../src/core/index.ts";
import { spawn } from "../../src/ecs/index.ts";
import { HotPlugin, HotReloader, hotSystem, type HotEvent } from "../../src/hot/index.ts";
import { forgetRecentManifests } from "../../src/hot/manifest.ts";
import { Position, Stamp, Trap, Velocity } from "../../test/fixtures/hot-fixture/components.ts";
import { Fixture } from "../../test/support/fixture.ts";
import { join } from "node:path";
import { defineQuery, type Component } from "../../src/ecs/index.ts";
import { reloaderOf } from "../../src/dev/game.ts";
import { DevRig, type TimedSave } from "../dev-rig.ts";
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
  async reload(count: number, manifests: "new" | "reused" = "new"): Promise<void> {
    for (let i = 0; i < count; i++) {
      const stamp = this.next++ % 2 === 0 ? 1 : 2;
      // The rig alternates two builds, so after the first two reloads every manifest would be a
      // hit in the parser's cache of recent manifests: a real edit's new manifest is not.
      if (manifests === "new") forgetRecentManifests();
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
  /** Body-only builds whose manifest the parser has seen (the running build's): p50. */
  readonly reused_manifest_p50_ms: number;
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
 * two prebuilt variants (each reload's manifest parsed anew, as a new build's is), and the
 * duration of the frame that swapped against ordinary frames.
 */
export const reloadSuite: Suite<ReloadFigures> = {
  async run(options) {
    const count = options.quick ? 10 : 50;
    const rig = await ReloadRig.start();
    let body;
    try {
      // Blocks of each kind in turn, so neither gets all of the warmer JIT: manifests parsed anew
      // (what the headline figures are), and reused, as a real body edit's manifest (the running
      // build's) is.
      const fresh = { latencies: [] as number[], swaps: [] as number[], stages: [] as ReloadStages[] };
      const reused: number[] = [];
      const half = Math.ceil(count / 2);
      for (let round = 0; round < 2; round++) {
        const at = { latencies: rig.latencies.length, swaps: rig.swapFrames.length, stages: rig.stages.length };
        await rig.reload(half, "new");
        fresh.latencies.push(...rig.latencies.slice(at.latencies));
        fresh.swaps.push(...rig.swapFrames.slice(at.swaps));
        fresh.stages.push(...rig.stages.slice(at.stages));
        const from = rig.latencies.length;
        await rig.reload(half, "reused");
        reused.push(...rig.latencies.slice(from));
      }
      const normal = rig.normalFrameMs();
      body = {
        reloads: fresh.latencies.length,
        p50_ms: percentile(fresh.latencies, 50),
        p95_ms: percentile(fresh.latencies, 95),
        max_ms: Math.max(...fresh.latencies),
        swap_frame_ms: median(fresh.swaps),
        normal_frame_ms: normal,
        swap_spike_ms: median(fresh.swaps) - normal,
        stages_p50_ms: stageMedians(fresh.stages),
        rename_ms: median(rig.renames),
        reused_manifest_p50_ms: percentile(reused, 50),
      };
    } finally {
      rig.close();
    }
    const added = await latencies("add_system", count);
    const signature = await latencies("signature", count);
    return { ...body, add_system_p50_ms: added.p50, add_system_p95_ms: added.p95, signature_p50_ms: signature.p50, signature_p95_ms: signature.p95 };
  },
  rows: (f) => [
    { suite: "reload", figure: `a changed body, written → running, p50 (${f.reloads} reloads)`, headline: true, value: `${fmt(f.p50_ms)} ms`, goal: "<= 3 ms", context: `the publishing rename's return → the end of the first frame running it (the rename itself: ${fmt(f.rename_ms)} ms); each manifest parsed anew`, spread: ["p50_ms"] },
    { suite: "reload", figure: "the same, the manifest's parse reused: p50", value: `${fmt(f.reused_manifest_p50_ms)} ms`, context: `a body-only build's manifest is the running build's, and its parse is kept: what a body edit gets (${f.reloads} reloads, in blocks alternated with the row above)`, spread: ["reused_manifest_p50_ms"] },
    {
      suite: "reload",
      figure: "where it goes (medians): detected / settled / loaded / waited / swapped / ran",
      value: RELOAD_STAGES.map((k) => fmt(f.stages_p50_ms[k])).join(" / ") + " ms",
      context: "watcher latency, debounce, read+check+copy+dlopen+validate, to the frame boundary, swap, rest of the frame",
      spread: RELOAD_STAGES.map((k) => `stages_p50_ms.${k}`),
    },
    { suite: "reload", figure: "written → running, p95", value: `${fmt(f.p95_ms)} ms`, goal: "<= 5 ms", context: `max ${fmt(f.max_ms)} ms`, spread: ["p95_ms"] },
    { suite: "reload", figure: "a build that adds or removes a system: p50 / p95", value: `${fmt(f.add_system_p50_ms)} / ${fmt(f.add_system_p95_ms)} ms`, context: "the system joins or leaves its schedule at the swap; each manifest parsed anew", spread: ["add_system_p50_ms", "add_system_p95_ms"] },
    { suite: "reload", figure: "a build that changes a signature: p50 / p95", value: `${fmt(f.signature_p50_ms)} / ${fmt(f.signature_p95_ms)} ms`, context: "the call context is rebuilt at the swap; each manifest parsed anew", spread: ["signature_p50_ms", "signature_p95_ms"] },
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
  /** The example crate, PLAYER_RADIUS saved in src/player.rs, through the dev runner's path (bench/dev-rig.ts). */
  readonly save_p50_ms: number;
  readonly save_p95_ms: number;
  /** The same saves from their build's start (the source watcher's part left out). */
  readonly build_start_p50_ms: number;
  readonly build_p50_ms: number;
  /** Saves built by cargo's last rustc command run again, of all Rust saves. */
  readonly rustc_share: number;
  /** A field added to or removed from Velocity in components.ts: codegen, cargo, the migration and the swap at one boundary. */
  readonly components_edits: number;
  readonly components_p50_ms: number;
  readonly components_build_p50_ms: number;
}

/**
 * edit_to_running: a saved file → the first frame running it, through `hotloop dev`'s own path
 * (bench/dev-rig.ts): the example's PLAYER_RADIUS saved in src/player.rs (the source watcher, the
 * dev builder, the reloader), and a field added to or removed from a component a Rust system
 * reads (codegen in a fresh process, cargo, the migration paired with the build). The game runs
 * at 60 fps under `App.run`, as `hotloop dev` runs it: the wait for the next frame is included.
 */
export const editToRunningSuite: Suite<EditFigures> = {
  async run(options) {
    const count = options.quick ? 2 : 10;
    const componentEdits = options.quick ? 1 : 4;
    const rig = await DevRig.start();
    try {
      const { Appearance, Player } = (await import(join(rig.dir, "src/components.ts"))) as Record<string, Component & Record<string, Float32Array>>;
      const players = defineQuery(rig.app.world, [Player!, Appearance!]);
      const radius = () => {
        const ids = players.ids();
        return ids.length ? Appearance!.radius![ids[0]!] : undefined;
      };
      await rig.frameWhere(() => radius() === 18, 30_000, "the player");
      const rs = rig.crate.path("src/player.rs");
      const saves: TimedSave[] = [];
      for (let i = 0; i < count; i++) {
        const r = 20 + i;
        const text = rig.read(rs).replace(/const PLAYER_RADIUS: f32 = [^;]+;/, `const PLAYER_RADIUS: f32 = ${r}.0;`);
        saves.push(await rig.timedSave(rs, text, () => radius() === r, `PLAYER_RADIUS ${r}`));
      }
      const ts = join(rig.dir, "src/components.ts");
      const hot = reloaderOf(rig.app)!;
      const velocity = () => rig.app.components.get("Velocity")!;
      const componentSaves: TimedSave[] = [];
      const plain = 'defineComponent("Velocity", { x: "f32", y: "f32" })';
      const withZ = 'defineComponent("Velocity", { x: "f32", y: "f32", z: "f32" }, { defaults: { z: 1 } })';
      for (let i = 0; i < componentEdits; i++) {
        const adding = i % 2 === 0;
        const text = rig.read(ts);
        if (!text.includes(adding ? plain : withZ)) throw new Error("bench edit: components.ts is not as expected");
        const version = hot.version;
        const done = () => hot.version > version && velocity().fieldNames.includes("z") === adding;
        componentSaves.push(await rig.timedSave(ts, text.replace(adding ? plain : withZ, adding ? withZ : plain), done, `Velocity ${adding ? "with" : "without"} z`, 600));
      }
      const ms = (list: TimedSave[], from: (t: TimedSave) => number | undefined) => list.map((t) => t.runningAt - from(t)!).filter(Number.isFinite);
      return {
        edits: count,
        save_p50_ms: percentile(ms(saves, (t) => t.savedAt), 50),
        save_p95_ms: percentile(ms(saves, (t) => t.savedAt), 95),
        build_start_p50_ms: percentile(ms(saves, (t) => t.buildStartedAt), 50),
        build_p50_ms: median(saves.map((t) => t.buildMs ?? Number.NaN).filter(Number.isFinite)),
        rustc_share: saves.filter((t) => t.via === "rustc").length / saves.length,
        components_edits: componentEdits,
        components_p50_ms: median(ms(componentSaves, (t) => t.savedAt)),
        components_build_p50_ms: median(componentSaves.map((t) => t.buildMs ?? Number.NaN).filter(Number.isFinite)),
      };
    } finally {
      await rig.close();
    }
  },
  rows: (f) => [
    { suite: "edit_to_running", figure: `example crate: .rs saved → running, p50 (${f.edits} saves)`, headline: true, value: `${fmt(f.save_p50_ms)} ms`, goal: "<= 150 ms", context: `PLAYER_RADIUS in src/player.rs written in place (as most editors save) → the end of the first frame showing it, through hotloop dev's source watcher, builder and reloader, the game headless at 60 fps under App.run; each save 300 ms after the last one ran; p95 ${fmt(f.save_p95_ms)} ms`, spread: ["save_p50_ms"] },
    { suite: "edit_to_running", figure: "the same, from the build's start: p50", value: `${fmt(f.build_start_p50_ms)} ms`, context: `the build p50 ${fmt(f.build_p50_ms)} ms; ${Math.round(f.rustc_share * 100)}% of the saves built by rustc directly (cargo's recorded command)`, spread: ["build_start_p50_ms"] },
    { suite: "edit_to_running", figure: `components.ts saved → running, p50 (${f.components_edits} saves)`, headline: true, value: `${fmt(f.components_p50_ms)} ms`, context: `a field added to or removed from Velocity (read by Rust's player_movement), written in place: codegen (a fresh process), cargo (build p50 ${fmt(f.components_build_p50_ms)} ms), the migration and the swap at one frame boundary; the same headless game at 60 fps`, spread: ["components_p50_ms"] },
  ],
};
