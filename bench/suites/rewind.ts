/**
 * rewind: what a timeline of the running game costs (issue 26, src/core/timeline.ts), headless:
 *
 * - recording, per frame: the asteroids scene of scene.ts on its TypeScript side (a ship flying a
 *   circle, N rocks drifting and wrapping, the rocks touching the ship counted; the same four
 *   systems, no Rust library, so nothing is built) on two Apps, one with `TimelinePlugin()` at its
 *   defaults (a snapshot every 16 fixed steps, 10 s kept, 256 MiB) and one without, frames of
 *   1/64 s (one fixed step each) through `app.runFrame()` alternated frame by frame, at 10k and
 *   100k rocks (1k with --quick). The figure is mean frame with / mean frame without, every frame
 *   counted (one in 16 takes a snapshot); beside it the p50 of the frames that took a snapshot and
 *   of those that did not, against the plain frame's p50;
 * - memory: the timeline's own count, `status().bytes / status().seconds`, after more than 10 s of
 *   game time at 10k rocks, and the heap one snapshot holds, measured (held snapshots, after a
 *   full GC), against what the snapshot counts;
 * - rewind and re-simulate 5 s, medians of several from live: `backSeconds(5)` (a restore and up
 *   to 16 recorded frames run again) and `replay(5)` (a snapshot to roll back to, a restore, the
 *   ~320 recorded frames run again without presentation, snapshots taken again on the way), on the
 *   10k scene and on the bevy-like example as `hotloop dev --features reload --timeline` makes it
 *   (createGameApp with its hot library, a fixture copy of its crate built by cargo; a key script
 *   steering the player). Each rewind is checked: going forward again, or the replay itself, must
 *   give the checksum the game had before (the figures of a rewind that diverged would mean
 *   nothing). The example is left out of --quick (its cargo build takes longer than the rest).
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { App, appChecksum, chain, DeterminismCheck, DeterminismCheckPlugin, FixedUpdate, ManualClock, snapshotApp, system, Timeline, TimelinePlugin, yieldToEventLoop, type Plugin, type SystemContext } from "../../src/core/index.ts";
import { defineComponent, defineQuery, entityCount, spawn } from "../../src/ecs/index.ts";
import { freshCodegen } from "../../src/dev/codegen.ts";
import { createGameApp, gameReloaderOf } from "../../src/dev/game.ts";
import { loadProject } from "../../src/dev/project.ts";
import { HotReloader } from "../../src/hot/index.ts";
import { EXAMPLE_CRATE, writeExampleProject } from "../../test/support/example.ts";
import { Fixture } from "../../test/support/fixture.ts";
import { fmt, median, percentile, type Row } from "../lib.ts";
import type { Suite } from "../suite.ts";

/** As scene.ts (and bench-systems): the arena's side (px), the ship's speed (px/s) and size. */
const ARENA = 8192;
const SHIP_SPEED = 120;
const SHIP_RADIUS = 16;
/** 1/64 s: one fixed step a frame at the App's default 64 Hz. */
const FRAME_MS = 1000 / 64;
/** Game time rewound and re-simulated. */
const REWIND_S = 5;
/** Live frames between two rewinds: 7 is prime to the 16 steps between snapshots, so each rewind re-runs a different number of frames after its restore. */
const BETWEEN = 7;

/** Rock counts of the recording figure, and how many frames of each App are timed. */
const RECORD_SIZES = [
  { rocks: 10_000, frames: 1600 },
  { rocks: 100_000, frames: 960 },
];
const QUICK_RECORD_SIZES = [{ rocks: 1_000, frames: 320 }];
/** The rocks of the memory and rewind figures on the scene. */
const REWIND_ROCKS = 10_000;
const QUICK_REWIND_ROCKS = 1_000;

/** The example's key script: a round started at frame 10, then the player steered around the arena (as test/example/rewind.test.ts). */
const SCRIPT = ["10 down RIGHT", "150 down DOWN", "151 up RIGHT", "260 down LEFT", "261 up DOWN", "390 down UP", "391 up LEFT", "470 down RIGHT", "471 up UP", "630 up RIGHT"].join("\n");

function label(n: number): string {
  return `${n / 1000}k`;
}

/** A rock's initial state from its index (scene.ts's hash): the same rocks in every run. */
function rockInit(i: number): [x: number, y: number, vx: number, vy: number, radius: number] {
  let h = Math.imul(i + 1, 0x9e3779b1);
  const next = () => {
    h ^= h >>> 15;
    h = Math.imul(h, 0x2c1b3c6d);
    h ^= h >>> 12;
    h = Math.imul(h, 0x297a2d39);
    h ^= h >>> 15;
    return (h >>> 0) / 2 ** 32;
  };
  return [next() * ARENA, next() * ARENA, (next() - 0.5) * 120, (next() - 0.5) * 120, 4 + next() * 8];
}

function wrap(v: number): number {
  return v < 0 ? v + ARENA : v >= ARENA ? v - ARENA : v;
}

/**
 * The asteroids scene's TypeScript side on an App of its own, with components of its own (columns
 * are per component, not per world: two Apps sharing components would write each other's rows),
 * and `plugins` (a timeline, or none). The systems run in FixedUpdate, where a game's simulation
 * runs; a frame of 1/64 s is one fixed step, so they see the time values scene.ts's Update does.
 */
class Asteroids {
  readonly app: App;
  readonly clock = new ManualClock();
  readonly timeline: Timeline | undefined;

  constructor(rocks: number, plugins: readonly Plugin[] = []) {
    const Position = defineComponent("Position", { x: "f32", y: "f32" });
    const Velocity = defineComponent("Velocity", { x: "f32", y: "f32" });
    const Rock = defineComponent("Rock", { radius: "f32" });
    const Ship = defineComponent("Ship", { radius: "f32", hits: "u32" });
    const app = (this.app = new App({ clock: this.clock }));
    app.registerComponents(Position, Velocity, Rock, Ship);
    const world = app.world;
    spawn(world, [Position, { x: ARENA / 2, y: ARENA / 2 }], Velocity, [Ship, { radius: SHIP_RADIUS }]);
    for (let i = 0; i < rocks; i++) {
      const [x, y, vx, vy, radius] = rockInit(i);
      spawn(world, [Position, { x, y }], [Velocity, { x: vx, y: vy }], [Rock, { radius }]);
    }
    const ships = defineQuery(world, [Position, Velocity, Ship]);
    const drifting = defineQuery(world, [Position, Velocity, Rock]);
    const rocksQ = defineQuery(world, [Position, Rock]);
    const shipsHit = defineQuery(world, [Position, Ship]);
    // scene.ts's TypeScript systems, line for line.
    const shipFly = (ctx: SystemContext) => {
      const ids = ships.ids();
      const dt = ctx.time.delta, heading = ctx.time.elapsed;
      const px = Position.x, py = Position.y, vx = Velocity.x, vy = Velocity.y;
      for (let i = 0; i < ids.length; i++) {
        const e = ids[i]!;
        vx[e] = Math.cos(heading) * SHIP_SPEED;
        vy[e] = Math.sin(heading) * SHIP_SPEED;
        px[e] = wrap(px[e]! + vx[e]! * dt);
        py[e] = wrap(py[e]! + vy[e]! * dt);
      }
    };
    const rockDrift = (ctx: SystemContext) => {
      const ids = drifting.ids();
      const dt = ctx.time.delta;
      const px = Position.x, py = Position.y, vx = Velocity.x, vy = Velocity.y;
      for (let i = 0; i < ids.length; i++) {
        const e = ids[i]!;
        px[e]! += vx[e]! * dt;
        py[e]! += vy[e]! * dt;
      }
    };
    const rockWrap = () => {
      const ids = rocksQ.ids();
      const px = Position.x, py = Position.y;
      for (let i = 0; i < ids.length; i++) {
        const e = ids[i]!;
        px[e] = wrap(px[e]!);
        py[e] = wrap(py[e]!);
      }
    };
    const shipHits = () => {
      const ids = shipsHit.ids(), rockIds = rocksQ.ids();
      const px = Position.x, py = Position.y, radius = Rock.radius, shipRadius = Ship.radius, hitsOut = Ship.hits;
      for (let s = 0; s < ids.length; s++) {
        const ship = ids[s]!;
        const sx = px[ship]!, sy = py[ship]!, sr = shipRadius[ship]!;
        let hits = 0;
        for (let i = 0; i < rockIds.length; i++) {
          const e = rockIds[i]!;
          const dx = px[e]! - sx, dy = py[e]! - sy, reach = sr + radius[e]!;
          if (dx * dx + dy * dy < reach * reach) hits++;
        }
        hitsOut[ship] = hits;
      }
    };
    app.addSystems(FixedUpdate, chain(system(shipFly, "ts_ship_fly"), system(rockDrift, "ts_rock_drift"), system(rockWrap, "ts_rock_wrap"), system(shipHits, "ts_ship_hits")));
    for (const plugin of plugins) app.addPlugins(plugin);
    this.timeline = app.getResource(Timeline);
    this.frame(); // Startup, the first frame's zero delta, the timeline's first snapshot
  }

  /** One frame of 1/64 s as `App.run` runs it (the timeline's driver when there is one); its duration in ms. */
  frame(): number {
    this.clock.advance(FRAME_MS);
    const start = Bun.nanoseconds();
    this.app.runFrame();
    return (Bun.nanoseconds() - start) / 1e6;
  }
}

const mean = (values: readonly number[]) => values.reduce((a, b) => a + b, 0) / values.length;

/** Whether the timeline took a snapshot since `before` (its count grew, or its oldest was dropped for the new one). */
function snapshotTaken(timeline: Timeline, before: { snapshots: number; first: number }): boolean {
  const now = timeline.status();
  return now.snapshots !== before.snapshots || now.first !== before.first;
}

/**
 * Recording cost at `rocks`: the two Apps' frames alternated (each goes first every other frame,
 * so neither always runs on the caches the other left), after a warm-up. Returns the figures and
 * the App with the timeline (the memory and rewind figures go on with it).
 */
function measureRecording(rocks: number, frames: number): { figures: Record<string, number>; recorded: Asteroids } {
  const withTl = new Asteroids(rocks, [TimelinePlugin({ report: () => {} })]);
  const without = new Asteroids(rocks);
  const timeline = withTl.timeline!;
  for (let i = 0; i < 64; i++) {
    withTl.frame();
    without.frame();
  }
  const withMs: number[] = [];
  const withoutMs: number[] = [];
  const snapshotMs: number[] = [];
  const plainRecordedMs: number[] = [];
  for (let i = 0; i < frames; i++) {
    const before = timeline.status();
    const recordOne = () => {
      const ms = withTl.frame();
      withMs.push(ms);
      (snapshotTaken(timeline, before) ? snapshotMs : plainRecordedMs).push(ms);
    };
    if (i % 2 === 0) {
      recordOne();
      withoutMs.push(without.frame());
    } else {
      withoutMs.push(without.frame());
      recordOne();
    }
  }
  without.app.shutdown();
  const l = label(rocks);
  const plainP50 = median(withoutMs);
  return {
    recorded: withTl,
    figures: {
      [`frames_${l}`]: frames,
      [`with_ms_${l}`]: mean(withMs),
      [`without_ms_${l}`]: mean(withoutMs),
      [`with_over_without_${l}`]: mean(withMs) / mean(withoutMs),
      [`plain_p50_ms_${l}`]: plainP50,
      [`recorded_p50_ms_${l}`]: median(plainRecordedMs),
      [`snapshot_frames_${l}`]: snapshotMs.length,
      [`snapshot_frame_p50_ms_${l}`]: median(snapshotMs),
      [`snapshot_frame_p95_ms_${l}`]: percentile(snapshotMs, 95),
      [`snapshot_added_ms_${l}`]: median(snapshotMs) - plainP50,
    },
  };
}

/**
 * The determinism check's cost at `rocks`: the scene with DeterminismCheckPlugin and without,
 * frames alternated as for recording. Valid only if every fixed step was checked and none diverged.
 */
function measureDeterminism(rocks: number, frames: number): Record<string, number> {
  const checked = new Asteroids(rocks, [DeterminismCheckPlugin({ onDivergence: () => {} })]);
  const plain = new Asteroids(rocks);
  try {
    for (let i = 0; i < 32; i++) {
      checked.frame();
      plain.frame();
    }
    const check = checked.app.resource(DeterminismCheck);
    const stepsBefore = check.stepsChecked;
    const checkedMs: number[] = [];
    const plainMs: number[] = [];
    for (let i = 0; i < frames; i++) {
      if (i % 2 === 0) {
        checkedMs.push(checked.frame());
        plainMs.push(plain.frame());
      } else {
        plainMs.push(plain.frame());
        checkedMs.push(checked.frame());
      }
    }
    if (check.stepsChecked - stepsBefore !== frames) throw new Error(`bench rewind: the determinism check checked ${check.stepsChecked - stepsBefore} steps of ${frames}`);
    if (check.reports.length > 0) throw new Error(`bench rewind: the scene is not deterministic: ${check.reports[0]!.line}`);
    const l = label(rocks);
    return { [`check_frames_${l}`]: frames, [`check_ms_${l}`]: mean(checkedMs), [`check_plain_ms_${l}`]: mean(plainMs), [`check_over_plain_${l}`]: mean(checkedMs) / mean(plainMs) };
  } finally {
    checked.app.shutdown();
    plain.app.shutdown();
  }
}

/** Bytes the JS heap holds, typed arrays' stores included, after a full collection. */
function heapBytes(): number {
  Bun.gc(true);
  // JSC's heapUsed already counts typed arrays' stores (as extra memory); `external` counts them
  // again (20 snapshots of 390 KiB counted: heapUsed +394 KiB and external +392 KiB each).
  return process.memoryUsage().heapUsed;
}

/** The timeline's memory after at least 10 s of game time, and one snapshot's heap measured against its count. */
function measureMemory(scene: Asteroids, rocks: number): Record<string, number> {
  const timeline = scene.timeline!;
  // The timeline keeps 10 s (the oldest snapshot goes once the next is 10 s old): its span settles just under or over 10 s.
  while (scene.app.time.elapsed < 11) scene.frame();
  const status = timeline.status();
  const held = 8;
  const before = heapBytes();
  const snapshots = Array.from({ length: held }, () => snapshotApp(scene.app));
  const heapPerSnapshot = (heapBytes() - before) / held;
  const counted = snapshots[0]!.bytes;
  snapshots.length = 0;
  return {
    memory_rocks: rocks,
    timeline_bytes: status.bytes,
    timeline_seconds: status.seconds,
    timeline_snapshots: status.snapshots,
    bytes_per_second: status.bytes / status.seconds,
    snapshot_counted_bytes: counted,
    snapshot_heap_bytes: heapPerSnapshot,
    heap_bytes_per_second: (heapPerSnapshot * status.snapshots) / status.seconds,
  };
}

/**
 * `backSeconds(5)` and `replay(5)` from live, `samples` of each, a few live frames before each
 * (`live`). After a rewind, the recorded frames run forward again to where it was (untimed) and
 * the game resumes; the checksum there, and after each replay, must be the one it had before.
 */
async function measureRewinds(app: App, live: () => Promise<void> | void, samples: number, what: string): Promise<Record<string, number>> {
  const timeline = app.resource(Timeline);
  const back: number[] = [];
  const rerun: number[] = [];
  const replay: number[] = [];
  let replayed = 0;
  for (let s = 0; s < samples; s++) {
    for (let i = 0; i < BETWEEN; i++) await live();
    const sum = appChecksum(app);
    const at = app.time.frame;
    const start = Bun.nanoseconds();
    timeline.backSeconds(REWIND_S);
    back.push((Bun.nanoseconds() - start) / 1e6);
    rerun.push(at - app.time.frame);
    timeline.forward(timeline.status().last - app.time.frame);
    timeline.resume();
    if (app.time.frame !== at || appChecksum(app) !== sum) throw new Error(`bench rewind: ${what}: ${REWIND_S} s back and forward again did not give frame ${at} as it was recorded`);
  }
  for (let s = 0; s < samples; s++) {
    for (let i = 0; i < BETWEEN; i++) await live();
    const sum = appChecksum(app);
    const start = Bun.nanoseconds();
    const result = timeline.replay(REWIND_S);
    replay.push((Bun.nanoseconds() - start) / 1e6);
    if (result.fault) throw new Error(`bench rewind: ${what}: the replay failed at frame ${result.fault.frame} (${result.fault.system})`);
    if (appChecksum(app) !== sum) throw new Error(`bench rewind: ${what}: re-simulating ${REWIND_S} s with the same code did not give the same state`);
    replayed = result.to - result.from;
  }
  return {
    back_ms: median(back),
    back_max_ms: Math.max(...back),
    back_rewound_frames: median(rerun),
    replay_ms: median(replay),
    replay_max_ms: Math.max(...replay),
    replay_frames: replayed,
    samples,
  };
}

/**
 * The example as `hotloop dev --features reload --timeline` makes it, headless on a ManualClock:
 * a temp project with a fixture copy of its crate (built by cargo, debug as the dev runner builds
 * it), the key script, 11 s recorded at one fixed step a frame, then the rewinds.
 */
async function measureExample(samples: number): Promise<Record<string, number>> {
  const crate = new Fixture(EXAMPLE_CRATE);
  const dir = mkdtempSync(join(tmpdir(), "hotloop-bench-rewind-"));
  let app: App | undefined;
  try {
    writeExampleProject(dir, crate.dir, "bench-rewind");
    writeFileSync(join(dir, "keys.txt"), SCRIPT);
    const project = await loadProject(dir);
    await freshCodegen(project);
    await crate.build();
    const clock = new ManualClock();
    const game = await createGameApp(project, { reload: true, headless: true, library: crate.library, clock, script: "keys.txt", timeline: { seconds: 10 }, reporter: () => {} });
    app = game;
    await Promise.all([game.resource(HotReloader).ready(), gameReloaderOf(game)!.ready()]);
    const frameMs: number[] = [];
    const live = async () => {
      clock.advance(FRAME_MS);
      const start = Bun.nanoseconds();
      game.runFrame();
      frameMs.push((Bun.nanoseconds() - start) / 1e6);
      await yieldToEventLoop();
    };
    const timeline = game.resource(Timeline);
    while (game.time.elapsed < 11) await live();
    const status = timeline.status();
    const rewinds = await measureRewinds(game, live, samples, "the example");
    return {
      ...Object.fromEntries(Object.entries(rewinds).map(([k, v]) => [`example_${k}`, v])),
      example_entities: entityCount(game.world),
      example_frame_p50_ms: median(frameMs),
      example_snapshot_bytes: status.bytes / status.snapshots,
    };
  } finally {
    app?.shutdown();
    crate.cleanup();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function runRewind(options: { quick: boolean }): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  const rewindRocks = options.quick ? QUICK_REWIND_ROCKS : REWIND_ROCKS;
  let kept: Asteroids | undefined;
  for (const { rocks, frames } of options.quick ? QUICK_RECORD_SIZES : RECORD_SIZES) {
    const { figures, recorded } = measureRecording(rocks, frames);
    Object.assign(out, figures);
    if (rocks === rewindRocks) kept = recorded;
    else recorded.app.shutdown();
  }
  Object.assign(out, measureDeterminism(options.quick ? 1_000 : 10_000, options.quick ? 64 : 400));
  const scene = kept ?? new Asteroids(rewindRocks, [TimelinePlugin({ report: () => {} })]);
  try {
    Object.assign(out, measureMemory(scene, rewindRocks));
    const rewinds = await measureRewinds(scene.app, () => void scene.frame(), options.quick ? 3 : 9, `the scene at ${label(rewindRocks)} rocks`);
    for (const [k, v] of Object.entries(rewinds)) out[`scene_${k}`] = v;
    out.scene_rocks = rewindRocks;
  } finally {
    scene.app.shutdown();
  }
  if (!options.quick) Object.assign(out, await measureExample(9));
  return out;
}

const mib = (bytes: number) => bytes / (1024 * 1024);

export const rewindSuite: Suite<Record<string, number>> = {
  run: runRewind,
  rows(f) {
    const rows: Row[] = [];
    const sizes = f.with_over_without_1k !== undefined ? QUICK_RECORD_SIZES : RECORD_SIZES;
    for (const { rocks } of sizes) {
      const l = label(rocks);
      rows.push({
        suite: "rewind",
        figure: `recording a timeline, asteroids at ${l} rocks (TypeScript): mean frame with / without`,
        value: f[`with_over_without_${l}`]!.toFixed(3),
        goal: rocks === 10_000 ? "<= 1.05" : undefined,
        context:
          `two Apps of the scene's four TS systems (in FixedUpdate), frames of 1/64 s (one fixed step) through app.runFrame() alternated, ${f[`frames_${l}`]} each after 64 to warm up: TimelinePlugin's defaults (a snapshot every 16 fixed steps, ${f[`snapshot_frames_${l}`]} of them in the timed frames, 10 s kept) ` +
          `${fmt(f[`with_ms_${l}`]!)} ms against none ${fmt(f[`without_ms_${l}`]!)} ms a frame (means, snapshot frames and GC included): +${fmt(f[`with_ms_${l}`]! - f[`without_ms_${l}`]!)} ms a frame on average, ${fmt((100 * (f[`with_ms_${l}`]! - f[`without_ms_${l}`]!)) / (1000 / 60), 2)}% of a 60 fps frame; ` +
          `p50 of a frame that took no snapshot ${fmt(f[`recorded_p50_ms_${l}`]!)} ms vs plain ${fmt(f[`plain_p50_ms_${l}`]!)} ms (the input capture and the frame's entry); ` +
          `limited by the snapshot frames: a whole copy of the world into the buffers of the snapshot the timeline dropped last (bitecs' entity index and masks, every query's members, the columns), the resources, event queues and parts beside it`,
        spread: [`with_over_without_${l}`],
        headline: rocks === 10_000,
      });
    }
    rows.push({
      suite: "rewind",
      figure: `a frame that takes a snapshot, ${sizes.map(({ rocks }) => label(rocks)).join(" / ")} rocks: added to the frame`,
      value: sizes.map(({ rocks }) => fmt(f[`snapshot_added_ms_${label(rocks)}`]!)).join(" / ") + " ms",
      context:
        `p50 of the recorded frames that took a snapshot minus the p50 of the plain App's frames (${sizes.map(({ rocks }) => `${fmt(f[`snapshot_frame_p50_ms_${label(rocks)}`]!)} - ${fmt(f[`plain_p50_ms_${label(rocks)}`]!)} ms`).join("; ")}; p95 ${sizes.map(({ rocks }) => fmt(f[`snapshot_frame_p95_ms_${label(rocks)}`]!)).join(" / ")} ms): ` +
        `snapshotApp copying bitecs' entity index (a JS array) and masks, every query's members and the columns into a dropped snapshot's buffers, then the resources, event queues and parts`,
      spread: sizes.map(({ rocks }) => `snapshot_added_ms_${label(rocks)}`),
    });
    rows.push({
      suite: "rewind",
      figure: `timeline memory, asteroids at ${label(f.memory_rocks!)} rocks: per second of game time`,
      value: `${fmt(mib(f.bytes_per_second!))} MiB/s counted (heap: ${fmt(mib(f.heap_bytes_per_second!))})`,
      context:
        `status().bytes / status().seconds after 11 s of game time (the timeline keeps ${fmt(f.timeline_seconds!)} s): ${f.timeline_snapshots} snapshots, ${fmt(mib(f.timeline_bytes!))} MiB counted (4 snapshots a second, the recorded inputs beside them); ` +
        `one snapshot counts ${fmt(f.snapshot_counted_bytes! / 1024)} KiB and holds ${fmt(f.snapshot_heap_bytes! / 1024)} KiB of heap, measured (8 snapshotApp results held, heapUsed after a full GC): the heap figure is snapshots kept x that / seconds; ` +
        `limited by whole copies, no deltas between snapshots: the columns (7 f32 a rock), bitecs' index, masks, membership order and query members`,
      spread: ["bytes_per_second"],
    });
    rows.push({
      suite: "rewind",
      figure: `rewind ${REWIND_S} s / re-simulate ${REWIND_S} s, asteroids at ${label(f.scene_rocks!)} rocks`,
      value: `${fmt(f.scene_back_ms!)} / ${fmt(f.scene_replay_ms!)} ms`,
      context:
        `medians of ${f.scene_samples} from live, ${BETWEEN} live frames apart: backSeconds(${REWIND_S}) restores the newest snapshot at or before the frame and runs the recorded frames after it again (median ${fmt(f.scene_back_rewound_frames!)} frames back, up to 15 re-run; max ${fmt(f.scene_back_max_ms!)} ms); ` +
        `replay(${REWIND_S}) snapshots the app to roll back to, restores, runs ${f.scene_replay_frames} recorded frames again without presentation and takes their snapshots again (max ${fmt(f.scene_replay_max_ms!)} ms; ${fmt((REWIND_S * 1000) / f.scene_replay_ms!)}x real time); ` +
        `limited by the restore (the world written back in place, only what differs: the members of queries, the masks and the membership map of the entities that changed) and, for the replay, the ~${Math.ceil(f.scene_replay_frames! / 16) + 1} snapshots it takes (the frames themselves: ${f.scene_replay_frames} x ${fmt(f[`plain_p50_ms_${label(f.scene_rocks!)}`] ?? NaN)} ms p50 = ${fmt(f.scene_replay_frames! * (f[`plain_p50_ms_${label(f.scene_rocks!)}`] ?? NaN))} ms); each checked: the same checksum afterwards`,
      spread: ["scene_back_ms", "scene_replay_ms"],
      headline: f.scene_rocks === REWIND_ROCKS,
    });
    const checkLabel = f.check_over_plain_1k !== undefined ? "1k" : "10k";
    rows.push({
      suite: "rewind",
      figure: `the determinism check, asteroids at ${checkLabel} rocks: mean frame checked / unchecked`,
      value: f[`check_over_plain_${checkLabel}`]!.toFixed(2),
      context:
        `the same two Apps, one with DeterminismCheckPlugin, ${f[`check_frames_${checkLabel}`]} frames of one fixed step alternated: ${fmt(f[`check_ms_${checkLabel}`]!)} vs ${fmt(f[`check_plain_ms_${checkLabel}`]!)} ms a frame (every step checked, none diverged); ` +
        `limited by what each step that agrees costs it: a snapshot, a restore, the step run twice and the checksums (every column of the living entities hashed) at its end on both runs; a step whose ends differ runs twice more with checksums after each system (none here)`,
      spread: [`check_over_plain_${checkLabel}`],
    });
    if (f.example_back_ms !== undefined) {
      rows.push({
        suite: "rewind",
        figure: `rewind ${REWIND_S} s / re-simulate ${REWIND_S} s, the example (hotloop dev --timeline)`,
        value: `${fmt(f.example_back_ms)} / ${fmt(f.example_replay_ms!)} ms`,
        context:
          `the bevy-like example as createGameApp makes it with reload and a timeline (its hot library a debug build of a fixture copy, a key script steering the player, ${f.example_entities} entities, headless, ManualClock, frames of 1/64 s: p50 ${fmt(f.example_frame_p50_ms!)} ms, snapshots of ${fmt(f.example_snapshot_bytes! / 1024)} KiB), medians of ${f.example_samples} from live; ` +
          `backSeconds(${REWIND_S}): a restore and up to 15 recorded frames (max ${fmt(f.example_back_max_ms!)} ms); replay(${REWIND_S}): ${f.example_replay_frames} frames again with the hot library's and the TS systems (max ${fmt(f.example_replay_max_ms!)} ms; ${fmt((REWIND_S * 1000) / f.example_replay_ms!)}x real time); ` +
          `limited by the frames run again (in a world this small, each frame's own overhead, the hot calls included: a live frame's p50 is ${fmt(f.example_frame_p50_ms!)} ms with its presentation, which a replayed frame skips) and the snapshots (the resources, events, Locals and states beside the world); each checked: the same checksum afterwards`,
        spread: ["example_back_ms", "example_replay_ms"],
      });
    }
    return rows;
  },
};
