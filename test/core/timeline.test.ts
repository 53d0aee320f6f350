/**
 * The timeline (src/core/timeline.ts) on a TypeScript game with everything a snapshot must hold:
 * spawns and despawns (ids recycled), the GlobalRng, an event read by a TypeScript reader a frame
 * later, a plain resource, a state changed by a key, a key script, and frames of 0, 1 and 2 fixed
 * steps. Going back and forward reproduces every frame's checksum; resuming from a rewound frame
 * plays the same future live (the script's place came back with the snapshot); the budget drops
 * the oldest first and a seek past it is refused in one line.
 */
import { describe, expect, test } from "bun:test";
import { appChecksum, defineComponent, defineQuery, FixedUpdate, Key, spawn, Timeline, TimelinePlugin, type SystemContext, type TimelineOptions } from "../../src/api/index.ts";
import { applyMigration, planMigration } from "../../src/ecs/migrate.ts";
import { SIM_DELTAS, simGame, type SimGame } from "../support/sim-game.ts";

/** The timeline's game: a SimGame with a timeline of `options`. */
function game(script: string, options: TimelineOptions = {}): SimGame & { timeline: Timeline } {
  const g = simGame({ seed: 7, script, plugins: (app) => app.addPlugins(TimelinePlugin(options)) });
  return { ...g, timeline: g.app.resource(Timeline) };
}

const SCRIPT = "30 down SPACE\n31 up SPACE\n200 down ENTER\n201 up ENTER\n350 down SPACE\n352 up SPACE\n500 down ENTER\n501 up ENTER";

describe("the timeline", () => {
  test("back and forward through 600 frames reproduce every frame's checksum; resuming replays the same future live", () => {
    const g = game(SCRIPT);
    for (let i = 0; i < 600; i++) g.next();
    const recorded = new Map(g.sums);
    expect(g.app.time.frame).toBe(600);
    const status = g.timeline.status();
    expect(status.mode).toBe("live");
    expect(status.last).toBe(600);
    expect(status.first).toBeLessThan(300);

    g.timeline.seek(300);
    expect(g.timeline.status().mode).toBe("paused");
    expect(g.app.time.frame).toBe(300);
    expect(g.sum()).toBe(recorded.get(300)!);
    for (let f = 301; f <= 600; f++) {
      g.timeline.forward(1);
      expect(g.app.time.frame).toBe(f);
      expect(g.sums.get(f)).toBe(recorded.get(f)!);
    }
    // Back from the end one frame at a time, through snapshots and between them.
    for (let f = 599; f >= 560; f--) {
      g.timeline.back(1);
      expect(g.sum()).toBe(recorded.get(f)!);
    }

    // Resume from frame 320: the future is dropped and played again live, script included.
    g.timeline.seek(320);
    g.timeline.resume();
    expect(g.timeline.status().last).toBe(320);
    // The same deltas as the first time round from frame 321 on.
    const replay = game(SCRIPT);
    for (let i = 0; i < 320; i++) replay.next();
    let n = 320;
    for (let f = 321; f <= 600; f++) {
      g.clock.advance(SIM_DELTAS[n++ % SIM_DELTAS.length]!);
      g.app.runFrame();
      expect(g.sums.get(f)).toBe(recorded.get(f)!);
    }
    expect(g.timeline.status().last).toBe(600);
  });

  test("paused, the game does not advance; a step past the newest frame runs and records a new one", () => {
    const g = game(SCRIPT);
    for (let i = 0; i < 100; i++) g.next();
    g.timeline.pause();
    for (let i = 0; i < 10; i++) g.next();
    expect(g.app.time.frame).toBe(100);
    g.timeline.forward(3);
    expect(g.app.time.frame).toBe(103);
    expect(g.timeline.status().last).toBe(103);
    g.timeline.back(2);
    expect(g.app.time.frame).toBe(101);
  });

  test("fixed steps back and forward: frames of two steps are stepped over whole, frames of none passed through", () => {
    const g = game(SCRIPT);
    for (let i = 0; i < 120; i++) g.next();
    const at = g.app.time.fixedSteps;
    g.timeline.backSteps(1);
    expect(g.app.time.fixedSteps).toBeLessThanOrEqual(at - 1);
    expect(g.app.time.fixedSteps).toBeGreaterThanOrEqual(at - 2);
    g.timeline.backSteps(10);
    const back = g.app.time.fixedSteps;
    expect(back).toBeLessThanOrEqual(at - 11);
    g.timeline.forwardSteps(1);
    expect(g.app.time.fixedSteps).toBeGreaterThanOrEqual(back + 1);
    expect(g.app.time.fixedSteps).toBeLessThanOrEqual(back + 2);
    // Every frame of SIM_DELTAS is visited one way or the other: a 2-step frame (33.4 ms) is in the script.
    const seen = new Set<number>();
    for (let i = 0; i < 20; i++) {
      g.timeline.forwardSteps(1);
      seen.add(g.app.time.fixedSteps);
    }
    expect(seen.size).toBe(20);
  });

  test("a small budget drops the oldest snapshots first; a seek before the oldest kept is refused in one line", () => {
    const g = game(SCRIPT, { seconds: 2, snapshotEvery: 8 });
    for (let i = 0; i < 600; i++) g.next();
    const status = g.timeline.status();
    expect(status.seconds).toBeLessThan(2.6);
    expect(status.seconds).toBeGreaterThanOrEqual(2);
    expect(() => g.timeline.seek(status.first - 1)).toThrow(/^timeline: frame \d+ is before the oldest kept \(\d+; the timeline keeps 2 s\)$/);
    expect(() => g.timeline.seek(601)).toThrow("timeline: frame 601 is after the newest recorded (600)");
  });

  test("a small memory budget drops the oldest first: what is kept stays within it, fewer seconds than the time limit allows", () => {
    const roomy = game(SCRIPT);
    const tight = game(SCRIPT, { budgetMiB: 0.05 });
    for (let i = 0; i < 600; i++) {
      roomy.next();
      tight.next();
    }
    const kept = tight.timeline.status();
    expect(kept.bytes).toBeLessThanOrEqual(kept.budgetBytes);
    expect(kept.budgetBytes).toBe(0.05 * 1024 * 1024);
    expect(roomy.timeline.status().bytes).toBeGreaterThan(kept.budgetBytes); // the budget is what bit
    expect(kept.seconds).toBeLessThan(roomy.timeline.status().seconds);
    expect(kept.last).toBe(600);
    tight.timeline.seek(kept.first);
    expect(tight.app.time.frame).toBe(kept.first);
  });

  test("a component migrated since the snapshots: a replay converts them on the way in; reverted, the old layout restores as before", () => {
    const g = game(SCRIPT);
    const Vel = defineComponent("TlVel", { vx: "f32" });
    g.app.addSystems(FixedUpdate, function drift({ world }: SystemContext) {
      for (const e of defineQuery(world, [Vel]).ids()) Vel.vx[e] = Vel.vx[e]! + 1;
    });
    for (let i = 0; i < 5; i++) spawn(g.app.world, [Vel, { vx: i * 10 }]);
    for (let i = 0; i < 200; i++) g.next();
    const recorded = new Map(g.sums);
    const ids = [...defineQuery(g.app.world, [Vel]).ids()];
    const vx = ids.map((e) => Vel.vx[e]!);
    // The game saves { vx } → { vx, vy = 7 } (the dev runner applies it at a frame boundary).
    const migration = applyMigration(planMigration(Vel, defineComponent("TlVel", { vx: "f32", vy: "f32" }, { defaults: { vy: 7 } })), ids);
    expect([...Vel.fieldNames] as string[]).toEqual(["vx", "vy"]);
    const lines: string[] = [];
    const report = console.error;
    console.error = (line: string) => void lines.push(String(line));
    try {
      const result = g.timeline.replay(1);
      expect(result.fault).toBeUndefined();
      expect(result.to - result.from).toBeGreaterThanOrEqual(55);
    } finally {
      console.error = report;
    }
    expect(lines).toEqual([]);
    // Converted on the way in: the old field replayed to where it was, the new one at its default.
    expect(ids.map((e) => Vel.vx[e]!)).toEqual(vx);
    expect(ids.map((e) => (Vel as unknown as Record<string, Float32Array>).vy![e]!)).toEqual(ids.map(() => 7));
    // Rolled back: the old layout, and the snapshots (never rewritten) restore as recorded.
    migration.revert();
    expect(Vel.fieldNames).toEqual(["vx"]);
    g.timeline.seek(150);
    expect(g.sum()).toBe(recorded.get(150)!);
  });

  test("a fault during a replay after a migration (the reloader reverts it): the game exactly as before the replay, renamed fields included", () => {
    const g = game(SCRIPT);
    const Vel = defineComponent("TlVel2", { vx: "f32" });
    const movers = defineQuery(g.app.world, [Vel]);
    let migration: ReturnType<typeof applyMigration> | undefined;
    // What GameReloader does when a system of the save throws: revert the migration, report the fault.
    g.app.addSystems(FixedUpdate, function boom({ app, time }: SystemContext) {
      // Its first field, whatever its name (vx before the save, speed_x after it).
      const first = (Vel as unknown as Record<string, Float32Array>)[Vel.fieldNames[0]!]!;
      for (const e of movers.ids()) first[e] = first[e]! + 1;
      if (app.replaying && migration && time.frame > 180) {
        migration.revert();
        migration = undefined;
        app.reportFault("boom");
      }
    });
    for (let i = 0; i < 3; i++) spawn(g.app.world, [Vel, { vx: i * 10 }]);
    for (let i = 0; i < 200; i++) g.next();
    const checksum = appChecksum(g.app);
    const ids = [...movers.ids()];
    const vx = ids.map((e) => Vel.vx[e]!);
    // The save renames vx to speed_x (the data moves with it).
    migration = applyMigration(planMigration(Vel, defineComponent("TlVel2", { speed_x: "f32" }, { renamed: { speed_x: "vx" } })), ids);
    const result = g.timeline.replay(1);
    expect(result.fault?.system).toBe("boom");
    expect([...Vel.fieldNames] as string[]).toEqual(["vx"]);
    expect(ids.map((e) => Vel.vx[e]!)).toEqual(vx);
    expect(appChecksum(g.app)).toBe(checksum);
  });

  test("a loop's start marked, then live past what is kept: the loop goes, not the budget", () => {
    const g = game(SCRIPT, { seconds: 1, snapshotEvery: 4 });
    for (let i = 0; i < 120; i++) g.next();
    const lines: string[] = [];
    const report = console.error;
    console.error = (line: string) => void lines.push(String(line));
    try {
      g.timeline.markLoopStart();
      g.timeline.resume();
      for (let i = 0; i < 600; i++) g.next();
    } finally {
      console.error = report;
    }
    const status = g.timeline.status();
    expect(status.seconds).toBeLessThan(1.6);
    expect(status.loop).toBeUndefined();
    expect(lines).toContainEqual(expect.stringMatching(/^hotloop: timeline: the loop's start \(frame 120\) is older than the 1 s \(or 256 MiB\) kept: the loop is cleared$/));
  });

  test("resuming before a marked loop's start drops it with the future: later seeks give what was played after the resume", () => {
    const g = game(SCRIPT);
    for (let i = 0; i < 100; i++) g.next();
    g.timeline.markLoopStart();
    g.timeline.seek(90);
    g.timeline.resume();
    expect(g.timeline.status().loop).toBeUndefined();
    // Played on from 90 with other input than the first time: the recording after 90 is this one.
    g.app.input.setKey(Key.SPACE, true);
    for (let i = 0; i < 40; i++) g.next();
    const played = new Map(g.sums);
    for (const f of [99, 100, 101, 125]) {
      g.timeline.seek(f);
      expect(g.sum()).toBe(played.get(f)!);
    }
    g.timeline.seek(99);
    g.timeline.forward(1);
    const stepped = appChecksum(g.app);
    g.timeline.seek(100);
    expect(appChecksum(g.app)).toBe(stepped);
  });

  test("frames run outside the driver while paused: the timeline starts again, no hole, no error", () => {
    const g = game(SCRIPT);
    for (let i = 0; i < 100; i++) g.next();
    g.timeline.markLoopStart();
    for (let i = 0; i < 3; i++) {
      g.clock.advance(16.6);
      g.app.update();
    }
    const lines: string[] = [];
    const report = console.error;
    console.error = (line: string) => void lines.push(String(line));
    try {
      g.timeline.resume();
    } finally {
      console.error = report;
    }
    expect(lines).toEqual(["hotloop: timeline: frames ran that it did not record (update() called outside its driver): it records again from frame 103, the loop cleared"]);
    expect(g.timeline.status()).toMatchObject({ first: 103, last: 103, loop: undefined });
    for (let i = 0; i < 40; i++) g.next();
    const status = g.timeline.status();
    expect(status.first).toBe(104);
    expect(status.last).toBe(143);
    g.timeline.seek(120);
    expect(g.app.time.frame).toBe(120);
  });

  test("a loop plays its stretch again and again from the same state", () => {
    const g = game(SCRIPT);
    for (let i = 0; i < 100; i++) g.next();
    g.timeline.seek(40);
    g.timeline.markLoopStart();
    g.timeline.seek(70);
    g.timeline.markLoopEnd();
    expect(g.timeline.status().mode).toBe("looping");
    const seen: bigint[] = [];
    for (let pass = 0; pass < 3; pass++) {
      for (let f = 41; f <= 70; f++) {
        g.next();
        expect(g.app.time.frame).toBe(f);
      }
      seen.push(g.sums.get(70)!);
    }
    expect(new Set(seen).size).toBe(1);
    // A seek while it plays stops there, paused; the loop stays marked.
    g.timeline.seek(50);
    expect(g.timeline.status()).toMatchObject({ mode: "paused", cursor: 50, loop: { start: 40, end: 70 } });
    g.next();
    expect(g.app.time.frame).toBe(50);
  });

  test("a system no reloader watches throws during a replay: the error goes on, the game and the timeline as before it", () => {
    const g = game(SCRIPT);
    let armed = false;
    g.app.addSystems(FixedUpdate, function fragile({ app }: SystemContext) {
      if (armed && app.replaying && app.time.frame > 150) throw new Error("fragile");
    });
    for (let i = 0; i < 200; i++) g.next();
    const before = { sum: g.sum(), status: g.timeline.status() };
    armed = true;
    expect(() => g.timeline.replay(1)).toThrow("fragile");
    expect(g.sum()).toBe(before.sum);
    expect(g.timeline.status()).toEqual(before.status);
    armed = false;
    g.next();
    expect(g.app.time.frame).toBe(201);
  });
});
