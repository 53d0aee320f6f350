/**
 * The whole system vocabulary in Rust, with real cargo builds of the hot fixture: Commands, a
 * ResMut of a game resource, a Local, events written and read; each surviving a reload, and the
 * bad cases (a dead entity, an unknown component, a full queue) refused in one line without
 * touching the world.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { App, FixedUpdate, Last, ManualClock, yieldToEventLoop } from "../../src/core/index.ts";
import { defineQuery, entityExists, Not, spawn } from "../../src/ecs/index.ts";
import { formatEvent, HotPlugin, HotReloader, hotSystem, type HotEvent, type ReloaderOptions } from "../../src/hot/index.ts";
import { Bullet, Ghost, Ping, Position, Stamp, Tally, Trap, Velocity } from "../fixtures/hot-fixture/components.ts";
import { Fixture } from "../support/fixture.ts";
import { STEP_MS } from "../support/hot-app.ts";

const SLOW = 300_000;

/** An app running `fixed` in FixedUpdate and `last` in Last, from the fixture's library. */
async function paramsApp(fixture: Fixture, fixed: string[], last: string[] = [], options: Partial<ReloaderOptions> = {}) {
  await fixture.build(); // the source as the test left it (an earlier test may have built an edit)
  const clock = new ManualClock();
  const app = new App({ clock });
  const events: HotEvent[] = [];
  app.registerComponents(Position, Velocity, Stamp, Trap, Bullet);
  app.insertResource(new Tally());
  app.addEvent(Ping);
  app.addPlugins(HotPlugin({ library: fixture.library, reload: true, debounceMs: 10, reporter: (e) => void events.push(e), ...options }));
  app.addSystems(FixedUpdate, ...fixed.map((s) => hotSystem(s)));
  app.addSystems(Last, ...last.map((s) => hotSystem(s)));
  const reloader = app.resource(HotReloader);
  await reloader.ready();
  app.update();
  const frame = async () => {
    clock.advance(STEP_MS);
    app.update();
    await Bun.sleep(2);
    await yieldToEventLoop();
  };
  const frames = async (n: number) => {
    for (let i = 0; i < n; i++) await frame();
  };
  /** Builds the edited fixture and runs frames until it is swapped in as `version`. */
  const rebuilt = async (version: number) => {
    await fixture.build();
    for (let i = 0; i < 1500 && reloader.version < version; i++) await frame();
    expect(reloader.version, events.map(formatEvent).join("\n")).toBeGreaterThanOrEqual(version);
  };
  return { app, reloader, events, frames, rebuilt, tally: () => app.resource(Tally), lines: () => events.map(formatEvent) };
}

describe("Rust system parameters beyond queries", () => {
  let fixture: Fixture;
  beforeAll(async () => {
    fixture = new Fixture();
    await fixture.build();
  }, SLOW);
  afterAll(() => fixture?.cleanup());

  test("a Local keeps counting and a resource keeps its value across a swap; a changed Local type starts again, with one notice", async () => {
    const t = await paramsApp(fixture, ["counter"]);
    try {
      await t.frames(5);
      expect(t.tally().calls).toBe(5);
      expect(t.tally().value).toBe(5);
      fixture.setConst("TALLY_STEP", "10");
      await t.rebuilt(2);
      const calls = t.tally().calls;
      const value = t.tally().value;
      expect(calls).toBeGreaterThan(5); // counted on through the swap, not from 0
      await t.frames(3);
      expect(t.tally().calls).toBe(calls + 3);
      expect(t.tally().value).toBe(value + 30);

      fixture.edit("pub fn counter(mut calls: Local<u32>,", "pub fn counter(mut calls: Local<u16>,");
      fixture.edit("tally.calls = *calls;", "tally.calls = *calls as u32;");
      await t.rebuilt(3);
      await t.frames(1);
      expect(t.tally().calls).toBeLessThan(calls); // a fresh Local<u16>
      expect(t.lines()).toContain(`hotloop: warning: ${fixture.library}: system counter: Local<u16> is not the Local<u32> it kept (size 4 → 2): it starts again from its Default`);
    } finally {
      t.app.shutdown();
      fixture.edit("pub fn counter(mut calls: Local<u16>,", "pub fn counter(mut calls: Local<u32>,");
      fixture.edit("tally.calls = *calls as u32;", "tally.calls = *calls;");
      fixture.setConst("TALLY_STEP", "1");
    }
  }, SLOW);

  test("events sent before a swap are read after it, each once, by Rust and TypeScript readers", async () => {
    const t = await paramsApp(fixture, ["counter", "listener"], ["pinger"]);
    // A TypeScript reader of the same queue, after pinger in Last.
    const ts = t.app.eventReader(Ping);
    let tsHeard = 0;
    t.app.addSystems(Last, function ts_listener() {
      tsHeard += ts.read().length;
    });
    try {
      await t.frames(4);
      // Frame k: counter makes calls = k, listener reads the ping pinger sent at the end of frame
      // k-1 (n = k-1; the first frame, without a fixed step, sent n = 0).
      expect([t.tally().calls, t.tally().heard, t.tally().last]).toEqual([4, 4, 3]);
      fixture.setConst("TALLY_STEP", "2");
      await t.rebuilt(2);
      await t.frames(2);
      const calls = t.tally().calls;
      // Across the swap no ping was lost or read twice: every ping but the one in flight.
      expect([t.tally().heard, t.tally().last]).toEqual([calls, calls - 1]);
      expect(tsHeard).toBe(calls); // n = 1..calls: a TypeScript reader sees what is sent after it was made
    } finally {
      t.app.shutdown();
      fixture.setConst("TALLY_STEP", "1");
    }
  }, SLOW);

  test("commands apply right after the system, in order; a spawned id takes further commands", async () => {
    const t = await paramsApp(fixture, ["bullets"]);
    const bullets = defineQuery(t.app.world, [Bullet, Position]);
    try {
      await t.frames(1);
      expect(bullets.ids().length).toBe(2);
      const [a, b] = [...bullets.ids()].sort((x, y) => Position.x[x]! - Position.x[y]!);
      // spawned with ttl 1, then given 3 by the second command: applied in order
      expect([Bullet.ttl[a!], Bullet.ttl[b!]]).toEqual([3, 3]);
      expect([Position.x[a!], Position.x[b!]]).toEqual([0, 1]);
      await t.frames(3); // each lives three calls: 2 spawned per call, those of three calls ago gone
      expect(bullets.ids().length).toBe(6);
      expect(entityExists(t.app.world, a!)).toBe(true); // its id was recycled by a newer bullet, or it is still there
      fixture.setConst("SPAWNS", "5");
      await t.rebuilt(2);
      const before = bullets.ids().length;
      await t.frames(1);
      expect(bullets.ids().length).toBe(before + 5 - 2);
    } finally {
      t.app.shutdown();
      fixture.setConst("SPAWNS", "2");
    }
  }, SLOW);

  test("a dead entity, an unknown component and a full queue: one line naming the system, and the world untouched", async () => {
    fixture.setConst("BAD_ID", "4242");
    const t = await paramsApp(fixture, ["bad_commands", "haunt"]);
    try {
      const notBullets = defineQuery(t.app.world, [Position, Not(Bullet)]);
      const before = [...notBullets.ids()];
      const marker = spawn(t.app.world, [Position, { x: 7 }]);
      await t.frames(1);
      const lines = t.lines();
      const lib = fixture.library;
      expect(lines).toContain(
        `hotloop: system bad_commands of ${lib} v1 panicked: Commands: despawn: entity 4242 does not exist; none of this call's commands were applied; disabled until the next good build`,
      );
      expect(lines).toContain(
        `hotloop: system haunt of ${lib} v1 panicked: Commands: insert of an unknown component (layout hash ${Ghost.layout.hash}: not registered in the app, or the library was built against another layout of it); none of this call's commands were applied; disabled until the next good build`,
      );
      // Ghost was never spawned, nor the Position that came with it.
      expect([...notBullets.ids()].sort()).toEqual([...before, marker].sort());
      expect(t.app.components.get(Ghost.name)).toBeUndefined();
    } finally {
      t.app.shutdown();
      fixture.setConst("BAD_ID", "0");
    }
    fixture.setConst("SPAWNS", "50"); // 2 spawns take 26 words, 50 far more than 64
    const small = await paramsApp(fixture, ["bullets"], [], { commandWords: 64 });
    try {
      await small.frames(1);
      expect(small.lines()).toContain(
        `hotloop: system bullets of ${fixture.library} v1 panicked: hotloop: the command queue is full (64 words): spawn less in one call, or raise HotPlugin's commandWords (at src/lib.rs:78:18); disabled until the next good build`,
      );
      expect(defineQuery(small.app.world, [Bullet]).ids().length).toBe(0);
    } finally {
      small.app.shutdown();
      fixture.setConst("SPAWNS", "2");
    }
  }, SLOW);
});
