/**
 * Rewind and replay on the bevy-like example as `hotloop dev --features reload --timeline` runs it
 * (issue 26's "done when"): 10 s recorded with a key script, 5 s rewound and replayed with the code
 * unchanged (every fixed step's checksum equal to the recorded one), then a Rust constant and a
 * TypeScript system edited and the same 5 s replayed with the recorded input (the new behaviour in
 * the first replayed step), a panic of new code during a replay (rolled back, the game as it was),
 * and a looped stretch that picks a save up on its next pass.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { appChecksum, defineQuery, FixedUpdate, ManualClock, Timeline, type App, type Component } from "../../src/api/index.ts";
import { freshCodegen } from "../../src/dev/codegen.ts";
import { createGameApp, gameReloaderOf } from "../../src/dev/game.ts";
import { loadProject } from "../../src/dev/project.ts";
import { formatEvent, HotReloader, type HotEvent } from "../../src/hot/index.ts";
import type { GameReloader } from "../../src/live/game-reloader.ts";
import { EXAMPLE_CRATE, stepFrames, writeExampleProject } from "../support/example.ts";
import { Fixture } from "../support/fixture.ts";

const SLOW = 300_000;
/** Ten seconds at one fixed step a frame (64 Hz), the timeline's default span. */
const FRAMES = 640;
/** The key script: a round started at frame 10, then the player steered around the arena until frame 630. */
const SCRIPT = ["10 down RIGHT", "150 down DOWN", "151 up RIGHT", "260 down LEFT", "261 up DOWN", "390 down UP", "391 up LEFT", "470 down RIGHT", "471 up UP", "630 up RIGHT"].join("\n");
/** The player's speed in systems/src/player.rs, in pixels per second, before and after the edit. */
const SPEED = 220;
const FAST = 440;
const STEP = 1 / 64;

type Columns = Component & Record<string, Float32Array>;

describe("rewind and replay on the example", () => {
  let crate: Fixture;
  let dir: string;
  let app: App;
  let hot: HotReloader;
  let game: GameReloader;
  let timeline: Timeline;
  const clock = new ManualClock();
  const events: HotEvent[] = [];
  /** The app's checksum after each fixed step, by step: overwritten when a step runs again. */
  const sums = new Map<number, bigint>();
  /** The player's position and a coin's x − previous x after each fixed step, by step. */
  const seen = new Map<number, { x: number; y: number; coinDrift: number }>();
  const frames = (n: number) => stepFrames(app, clock, n);
  const file = (name: string) => join(dir, "src", name);
  const edit = (name: string, from: string, to: string) => {
    const text = readFileSync(file(name), "utf8");
    if (!text.includes(from)) throw new Error(`${name}: ${from} not found`);
    writeFileSync(file(name), text.replace(from, to));
  };
  const until = async (done: () => boolean): Promise<void> => {
    for (let ran = 0; ran < 2000 && !done(); ran++) await frames(1);
    if (!done()) console.error(events.map(formatEvent).join("\n"));
    expect(done()).toBe(true);
  };

  beforeAll(async () => {
    crate = new Fixture(EXAMPLE_CRATE);
    dir = mkdtempSync(join(tmpdir(), "hotloop-rewind-example-"));
    writeExampleProject(dir, crate.dir, "rewind-example");
    writeFileSync(join(dir, "keys.txt"), SCRIPT);
    const project = await loadProject(dir);
    await freshCodegen(project);
    await crate.build();
    app = await createGameApp(project, { reload: true, headless: true, library: crate.library, clock, script: "keys.txt", timeline: { seconds: 10, replaySeconds: 5 }, reporter: (e) => void events.push(e) });
    hot = app.resource(HotReloader);
    game = gameReloaderOf(app)!;
    timeline = app.resource(Timeline);
    await Promise.all([hot.ready(), game.ready()]);
    const { Player, Position, PrevPosition, Coin } = (await import(file("components.ts"))) as Record<string, Columns>;
    const players = defineQuery(app.world, [Player!]);
    const coins = defineQuery(app.world, [Coin!]);
    app.aroundSchedule(FixedUpdate, undefined, (ctx) => {
      const step = ctx.time.fixedSteps;
      sums.set(step, appChecksum(app));
      const p = players.ids()[0]!;
      const c = coins.ids()[0]!;
      seen.set(step, { x: Position!.x![p]!, y: Position!.y![p]!, coinDrift: Position!.x![c]! - PrevPosition!.x![c]! });
    });
    await frames(FRAMES);
  }, SLOW);

  afterAll(() => {
    app?.shutdown();
    crate?.cleanup();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test("10 s recorded; 5 s back and replayed with the code unchanged: every step's checksum as recorded", () => {
    const status = timeline.status();
    expect(status.last).toBe(app.time.frame);
    expect(status.seconds).toBeGreaterThanOrEqual(9.5);
    const recorded = new Map(sums);
    const end = app.time.fixedSteps;
    timeline.backSeconds(5);
    const from = app.time.fixedSteps;
    expect(end - from).toBeGreaterThanOrEqual(5 * 64 - 1);
    sums.clear();
    timeline.forward(status.last - app.time.frame);
    expect(app.time.fixedSteps).toBe(end);
    let compared = 0;
    for (let step = from + 1; step <= end; step++) {
      expect(sums.get(step)).toBe(recorded.get(step)!);
      compared++;
    }
    expect(compared).toBe(end - from);
    // Moving mattered: the player went somewhere in those steps.
    expect(seen.get(end)!.x !== seen.get(from + 1)!.x || seen.get(end)!.y !== seen.get(from + 1)!.y).toBe(true);
    timeline.resume();
  });

  test("a Rust constant and a TypeScript system edited: the same 5 s replayed with the new code from the first replayed step", async () => {
    timeline.pause();
    timeline.replayOnSave = true;
    const end = app.time.fixedSteps;
    const before = new Map(seen);
    // TypeScript: remember_previous now lags a pixel behind in x (a coin that stands still drifts by 1).
    const tsVersion = game.version;
    edit("gameplay.ts", "        PrevPosition.x[e] = Position.x[e]!;", "        PrevPosition.x[e] = Position.x[e]! - 1;");
    await until(() => game.version > tsVersion);
    const tsReplay = timeline.lastReplay!;
    expect(tsReplay.fault).toBeUndefined();
    // Rust: the player twice as fast.
    const rustVersion = hot.version;
    crate.edit(`const SPEED: f32 = ${SPEED}.0;`, `const SPEED: f32 = ${FAST}.0;`, "src/player.rs");
    await crate.build();
    await until(() => hot.version > rustVersion);
    const replay = timeline.lastReplay!;
    expect(replay).not.toBe(tsReplay);
    expect(replay.fault).toBeUndefined();
    expect(app.time.fixedSteps).toBe(end); // paused where it was: the replay ends at the same step
    expect(timeline.status().mode).toBe("paused");
    // The first replayed step: the snapshot's step + 1. Its movement is the new speed's; the coin drifts.
    const first = end - (replay.to - replay.from) + 1;
    const moved = (s: number, m: Map<number, { x: number; y: number }>) => Math.hypot(m.get(s)!.x - m.get(s - 1)!.x, m.get(s)!.y - m.get(s - 1)!.y);
    expect(moved(first, before)).toBeCloseTo(SPEED * STEP, 3);
    expect(moved(first, seen)).toBeCloseTo(FAST * STEP, 3);
    expect(seen.get(first)!.coinDrift).toBe(1);
    expect(before.get(first)!.coinDrift).toBe(0);
    expect(events.map(formatEvent).filter((l) => l.includes("panic"))).toEqual([]);
  }, SLOW);

  test("a panic of the new Rust code during a replay: rolled back, the game as it was before the replay", async () => {
    const frame = app.time.frame;
    const checksum = appChecksum(app);
    const rustVersion = hot.version;
    crate.edit("    let dt = time.delta_f32();", '    let dt = time.delta_f32();\n    if input.key_down(Key::UP) {\n        panic!("no going up");\n    }', "src/player.rs");
    await crate.build();
    await until(() => hot.version > rustVersion && timeline.lastReplay?.fault !== undefined);
    expect(timeline.lastReplay!.fault!.system).toBe("player_movement");
    expect(app.time.frame).toBe(frame);
    expect(appChecksum(app)).toBe(checksum);
    expect(events.map(formatEvent)).toContainEqual(expect.stringMatching(/^hotloop: replay: player_movement failed at replayed frame \d+ of \d+ \(frame \d+\): the game goes on from where it was before the replay$/));
    expect(events.map(formatEvent)).toContainEqual(expect.stringMatching(/panicked: no going up/));
    // The rolled-back code (SPEED 440, no panic) goes on; the loop below needs no other build.
    crate.edit('    if input.key_down(Key::UP) {\n        panic!("no going up");\n    }\n', "", "src/player.rs");
  }, SLOW);

  test("a TypeScript system that throws during a replay: its reload rolled back, the game as it was before the replay", async () => {
    const frame = app.time.frame;
    const checksum = appChecksum(app);
    const version = game.version;
    const faults = app.faults.count;
    // Thrown only where the recorded player went low (y > 800, seconds back): the replay meets it first.
    edit("gameplay.ts", "        PrevPosition.y[e] = Position.y[e]!;", '        PrevPosition.y[e] = Position.y[e]!;\n        if (Position.y[e]! > 800) throw new Error("too low");');
    await until(() => app.faults.count > faults);
    const replay = timeline.lastReplay!;
    expect(replay.fault?.system).toBe("remember_previous");
    expect(app.time.frame).toBe(frame);
    expect(appChecksum(app)).toBe(checksum);
    expect(game.version).toBeGreaterThan(version); // applied, then rolled back
    expect(events.map(formatEvent)).toContainEqual(expect.stringMatching(/^hotloop: replay: remember_previous failed at replayed frame \d+ of \d+ \(frame \d+\): the game goes on from where it was before the replay$/));
    expect(events.map(formatEvent)).toContainEqual(expect.stringMatching(/threw: too low|too low/));
    // The throw taken out again: that save applies (and replays) cleanly.
    const fixed = game.version;
    edit("gameplay.ts", '\n        if (Position.y[e]! > 800) throw new Error("too low");', "");
    await until(() => game.version > fixed);
    expect(timeline.lastReplay!.fault).toBeUndefined();
  }, SLOW);

  test("a looped stretch picks up a save on its next pass", async () => {
    const cursor = app.time.frame;
    timeline.seek(cursor - 120);
    timeline.markLoopStart();
    timeline.seek(cursor - 60);
    timeline.markLoopEnd();
    expect(timeline.status().mode).toBe("looping");
    const startStep = app.time.fixedSteps;
    const firstStep = startStep + 1;
    await frames(30);
    expect(seen.get(firstStep)!.coinDrift).toBe(1);
    const version = game.version;
    edit("gameplay.ts", "        PrevPosition.x[e] = Position.x[e]! - 1;", "        PrevPosition.x[e] = Position.x[e]! - 2;");
    await until(() => game.version > version);
    // Still inside the pass the save came in: the next pass starts from the loop's start with the new code.
    await until(() => app.time.fixedSteps === firstStep);
    expect(seen.get(firstStep)!.coinDrift).toBe(2);
    timeline.clearLoop();
    timeline.resume();
    await frames(5);
    expect(timeline.status().mode).toBe("live");
  }, SLOW);
});
