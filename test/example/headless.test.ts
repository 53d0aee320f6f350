/**
 * The bevy-like example without a window: scripted keys drive the hot Rust player_movement, and
 * positions follow exactly (one fixed step per frame at 220 px/s). Also runs the CLI as a user would.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { resolve } from "node:path";
import { ManualClock, type App } from "../../src/core/index.ts";
import { parseKeyScript } from "../../src/core/index.ts";
import { Coin, Position, PrevPosition, Score } from "../../examples/bevy-like/src/components.ts";
import { ARENA, COINS, PlayerEntity } from "../../examples/bevy-like/src/gameplay.ts";
import { defineQuery } from "../../src/ecs/index.ts";
import { EXAMPLE_CRATE, exampleApp } from "../support/example.ts";
import { Fixture } from "../support/fixture.ts";

const SLOW = 300_000;
const SPEED = 220; // px/s, SPEED in examples/bevy-like/systems/src/player.rs
const STEP = 1 / 64;

describe("bevy-like example, headless", () => {
  let crate: Fixture;
  let app: App;
  const clock = new ManualClock();
  const lines: string[] = [];

  beforeAll(async () => {
    crate = new Fixture(EXAMPLE_CRATE);
    await crate.build();
    const script = resolve(crate.dir, "keys.txt");
    // frames are 1-based; frame 1 is Startup with no fixed step
    await Bun.write(script, "# move right for 32 steps, then down-left for 16\n2 down RIGHT\n34 up RIGHT\n34 down s\n34 down a\n50 up S\n50 up A\n");
    app = await exampleApp({ reload: false, headless: true, library: crate.library, clock, script, reporter: (e) => void lines.push(JSON.stringify(e)) });
  }, SLOW);

  afterAll(() => {
    app?.shutdown();
    crate?.cleanup();
  });

  test("scripted keys move the player by speed x fixed dt; the one coin on its way is collected and scored once", () => {
    const step = () => {
      clock.advance(1000 / 64);
      app.update();
    };
    step(); // frame 1: Startup
    const player = app.resource(PlayerEntity).id;
    const x0 = Position.x[player]!, y0 = Position.y[player]!;
    expect([x0, y0]).toEqual([ARENA.width / 2, ARENA.height / 2]);
    // One coin 60 px right of the player, which it touches in its first steps right; the others
    // parked in a corner the scripted path never comes near.
    const coins = () => [...defineQuery(app.world, [Coin]).ids()];
    const [onPath, ...parked] = coins();
    expect(parked).toHaveLength(COINS - 1);
    const place = (e: number, x: number, y: number) => {
      Position.x[e] = PrevPosition.x[e] = x;
      Position.y[e] = PrevPosition.y[e] = y;
    };
    place(onPath!, x0 + 60, y0);
    for (const e of parked) place(e, 40, 40);
    for (let f = 2; f <= 33; f++) step();
    expect(Position.x[player]!).toBeCloseTo(x0 + 32 * SPEED * STEP, 3);
    expect(Position.y[player]!).toBe(y0);
    for (let f = 34; f <= 49; f++) step();
    const diagonal = (16 * SPEED * STEP) / Math.SQRT2; // diagonals are normalised
    expect(Position.x[player]!).toBeCloseTo(x0 + 32 * SPEED * STEP - diagonal, 3);
    expect(Position.y[player]!).toBeCloseTo(y0 + diagonal, 3);
    for (let f = 50; f <= 60; f++) step();
    expect(Position.y[player]!).toBeCloseTo(y0 + diagonal, 3); // keys released: it stays
    // Rust's collect_coins despawned and scored it (one point), TypeScript's respawn_coins put a new coin elsewhere.
    expect(app.resource(Score).value).toBe(1);
    expect(coins().filter((c) => Position.x[c] === x0 + 60 && Position.y[c] === y0)).toEqual([]);
    expect(coins()).toHaveLength(COINS);
  });

  test("gamepad 0 moves the player too: the left stick at half a lean is half the speed, the d-pad full", async () => {
    const script = resolve(crate.dir, "pad.txt");
    await Bun.write(script, "2 axis gamepad 0 LEFT_X 0.5\n34 axis gamepad 0 LEFT_X 0\n34 down gamepad 0 LEFT_FACE_DOWN\n50 up gamepad 0 LEFT_FACE_DOWN\n");
    const padClock = new ManualClock();
    const pad = await exampleApp({ reload: false, headless: true, library: crate.library, clock: padClock, script });
    try {
      const step = () => {
        padClock.advance(1000 / 64);
        pad.update();
      };
      step(); // frame 1: Startup
      const player = pad.resource(PlayerEntity).id;
      const x0 = Position.x[player]!, y0 = Position.y[player]!;
      for (const e of defineQuery(pad.world, [Coin]).ids()) Position.x[e] = Position.y[e] = PrevPosition.x[e] = PrevPosition.y[e] = 40; // out of the way
      for (let f = 2; f <= 33; f++) step();
      expect(Position.x[player]!).toBeCloseTo(x0 + 32 * SPEED * 0.5 * STEP, 3);
      expect(Position.y[player]!).toBe(y0);
      for (let f = 34; f <= 49; f++) step();
      expect(Position.y[player]!).toBeCloseTo(y0 + 16 * SPEED * STEP, 3);
    } finally {
      pad.shutdown();
    }
  });

  test("a bad key script is a one-line error naming the line", () => {
    expect(() => parseKeyScript("2 down RIGHT\n5 press LEFT\n", "keys.txt")).toThrow('keys.txt:2: expected "down" or "up", got "press"');
    expect(() => parseKeyScript("2 down PLUTO\n", "keys.txt")).toThrow('keys.txt:1: unknown key "PLUTO"');
  });
});

describe("bun start, as a user runs it", () => {
  test("runs headless where there is no display, plays the demo script and prints the player's position", async () => {
    const proc = Bun.spawn(["bun", "start", "--frames", "120"], {
      cwd: resolve(import.meta.dir, "../.."),
      stdout: "pipe",
      stderr: "pipe",
      env: { ...process.env, DISPLAY: "" },
    });
    const [out, err, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
    expect(code).toBe(0);
    expect(err).toContain("hotloop: no window: DISPLAY is not set");
    expect(err).toContain("hotloop: built bevy-like-systems");
    expect(out).toMatch(/frame +60 {2}player \(\d+\.\d, \d+\.\d\) {2}score \d+ {2}systems v1/);
    expect(out).toMatch(/frame +120 /);
  }, SLOW);
});
