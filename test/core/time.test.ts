import { describe, expect, test } from "bun:test";
import { App, FixedUpdate, ManualClock, Update } from "../../src/core/index.ts";

function fixedApp(options: { fixedHz?: number; maxDelta?: number } = {}) {
  const clock = new ManualClock();
  const app = new App({ clock, ...options });
  const log: { fixed: number; deltas: number[]; overstep: number } = { fixed: 0, deltas: [], overstep: 0 };
  app.addSystems(FixedUpdate, ({ time }) => {
    log.fixed++;
    log.deltas.push(time.delta);
  });
  app.addSystems(Update, ({ time }) => {
    log.overstep = time.overstep;
  });
  return { app, clock, log };
}

describe("fixed timestep", () => {
  test("three 40 ms frames at 64 Hz run FixedUpdate 2, 3, 2 times with the right overstep", () => {
    const { app, clock, log } = fixedApp();
    app.update(); // first frame: delta 0, no fixed step
    expect(log.fixed).toBe(0);
    const runs: number[] = [];
    const oversteps: number[] = [];
    for (let i = 0; i < 3; i++) {
      const before = log.fixed;
      clock.advance(40);
      app.update();
      runs.push(log.fixed - before);
      oversteps.push(log.overstep);
    }
    expect(runs).toEqual([2, 3, 2]);
    // 120 ms - 7 * 15.625 ms = 10.625 ms left over; 10.625 / 15.625 = 0.68
    expect(oversteps[0]).toBeCloseTo(8.75 / 15.625, 12);
    expect(oversteps[1]).toBeCloseTo(1.875 / 15.625, 12);
    expect(oversteps[2]).toBeCloseTo(0.68, 12);
    expect(new Set(log.deltas)).toEqual(new Set([1 / 64]));
  });

  test("a frame longer than 250 ms is clamped", () => {
    const { app, clock, log } = fixedApp();
    app.update();
    clock.advance(2000);
    app.update();
    expect(app.time.frameDelta).toBe(0.25);
    expect(log.fixed).toBe(16); // 250 ms / 15.625 ms
    expect(app.time.elapsed).toBe(0.25);
  });

  test("a rate whose step rounds to no nanosecond is refused (every frame would owe endless steps)", () => {
    expect(() => new App({ fixedHz: 3e9 })).toThrow("fixed timestep rate 3000000000 Hz makes a step shorter than the 1 ns Time counts in");
  });

  test("the clamp and the rate are configurable", () => {
    const { app, clock, log } = fixedApp({ fixedHz: 10, maxDelta: 1 });
    app.update();
    clock.advance(5000);
    app.update();
    expect(app.time.fixedDelta).toBeCloseTo(0.1, 12);
    expect(log.fixed).toBe(10);
  });

  test("delta is the fixed step inside FixedUpdate and the frame delta outside", () => {
    const clock = new ManualClock();
    const app = new App({ clock });
    const seen: [string, number][] = [];
    app.addSystems(FixedUpdate, ({ time }) => void seen.push(["fixed", time.delta]));
    app.addSystems(Update, ({ time }) => void seen.push(["update", time.delta]));
    app.update();
    clock.advance(20);
    app.update();
    expect(seen).toEqual([
      ["update", 0],
      ["fixed", 0.015625],
      ["update", 0.02],
    ]);
    expect(app.time.frame).toBe(2);
  });

  test("TimeData in memory matches the getters (native systems read it)", () => {
    const { app, clock } = fixedApp();
    app.update();
    clock.advance(40);
    app.update();
    expect([...app.time.data]).toEqual([0.04, 0.04, 0.04, 0.015625, app.time.overstep, 2]);
  });
});

describe("a clock that misbehaves", () => {
  test("NaN, a step backwards and a huge jump: each frame counts as no time (or the clamp), said once, and fixed steps go on", () => {
    const readings = [0, 100, Number.NaN, 140, 120, 180, 10_000_180, 10_000_220];
    let i = 0;
    const app = new App({ clock: { now: () => readings[i++]! } });
    let fixed = 0;
    app.addSystems(FixedUpdate, () => void fixed++);
    const said: string[] = [];
    const original = console.error;
    console.error = (line: string) => void said.push(line);
    const counts: number[] = [];
    try {
      for (let frame = 0; frame < readings.length; frame++) {
        const before = fixed;
        app.update();
        counts.push(fixed - before);
      }
    } finally {
      console.error = original;
    }
    // 0 | 100 ms: 6 steps | NaN: none | 140 (40 ms after the last good reading): 2 | back 20 ms: none | 60 ms: 4 | 10,000 s: clamped to 250 ms, 16 | 40 ms: 2 (with the leftover)
    expect(counts).toEqual([0, 6, 0, 2, 0, 4, 16, 3]);
    expect(said).toEqual([
      "hotloop: warning: the clock returned NaN: that frame counts as no time (said once)",
      "hotloop: warning: the clock went back by 20.000 ms: that frame counts as no time (said once)",
    ]);
    expect(Number.isFinite(app.time.elapsed)).toBe(true);
  });
});
