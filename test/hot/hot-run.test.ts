/**
 * One FFI crossing for a run of consecutive hot systems (src/hot/hot-run.ts), with real cargo
 * builds of the hot fixture: the library runs the run's systems in order, each with its own
 * context and panic boundary; a TypeScript system or a system with Commands ends a crossing; a
 * panic stops only its own system.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { App, FixedUpdate, ManualClock, type SystemConfig, type SystemContext } from "../../src/core/index.ts";
import { defineQuery, spawn } from "../../src/ecs/index.ts";
import { formatEvent, HotPlugin, HotReloader, hotSystem, type HotEvent } from "../../src/hot/index.ts";
import { Bullet, Ping, Position, Stamp, Tally, Trap, Velocity } from "../fixtures/hot-fixture/components.ts";
import { Fixture } from "../support/fixture.ts";
import { STEP_MS } from "../support/hot-app.ts";

const SLOW = 300_000;

/** An app running `systems` in FixedUpdate from the fixture, with every crossing counted (the real runner, wrapped). */
async function runApp(fixture: Fixture, systems: (string | SystemConfig | ((ctx: SystemContext) => void))[]) {
  const clock = new ManualClock();
  const app = new App({ clock });
  const events: HotEvent[] = [];
  app.registerComponents(Position, Velocity, Stamp, Trap, Bullet);
  app.insertResource(new Tally());
  app.addEvent(Ping);
  app.addPlugins(HotPlugin({ library: fixture.library, reload: false, reporter: (e) => void events.push(e) }));
  app.addSystems(FixedUpdate, ...systems.map((s) => (typeof s === "string" ? hotSystem(s) : s)));
  const reloader = app.resource(HotReloader);
  const lib = reloader.bind("counter").lib;
  const crossings: number[] = [];
  const runner = lib.runSystems;
  // The fused run takes its runner when it plans its list, at its first run: wrapped before it.
  (lib as { runSystems: typeof runner }).runSystems = (list, count, watch) => {
    crossings.push(count);
    return runner(list, count, watch);
  };
  const frames = (n: number) => {
    for (let i = 0; i < n; i++) {
      clock.advance(STEP_MS);
      app.update();
    }
  };
  return { app, events, crossings, frames, tally: () => app.resource(Tally), lines: () => events.filter((e) => e.type === "panic").map(formatEvent) };
}

describe("a run of hot systems", () => {
  let fixture: Fixture;
  beforeAll(async () => {
    fixture = new Fixture();
    await fixture.build();
  }, SLOW);
  afterAll(() => fixture?.cleanup());

  test("consecutive hot systems cross once, in order; a TypeScript system between them ends a crossing", async () => {
    const seen: number[] = [];
    const t = await runApp(fixture, ["counter", "pinger", "listener", (ctx) => void seen.push(ctx.resource(Tally).calls), "noop", "noop"]);
    try {
      t.app.update(); // the first frame runs no fixed step
      t.frames(5);
      // counter → pinger → listener in one crossing: each Ping carries this step's count and is heard in the same step.
      expect(t.tally().calls).toBe(5);
      expect(t.tally().heard).toBe(5);
      expect(t.tally().last).toBe(5);
      expect(seen).toEqual([1, 2, 3, 4, 5]); // between the two runs, after the first
      expect(t.crossings).toEqual([3, 2, 3, 2, 3, 2, 3, 2, 3, 2]);
      expect(t.lines()).toEqual([]);
    } finally {
      t.app.shutdown();
    }
  }, SLOW);

  test("a system with Commands ends its crossing: what it spawned is there for the next system", async () => {
    const t = await runApp(fixture, ["counter", "bullets", hotSystem("bullets").named("bullets_again"), "pinger", "listener"]);
    try {
      t.app.update();
      t.frames(1);
      // The first call spawned two bullets (ttl 3); the second, after they were applied, aged them and spawned two more.
      const ttls = [...defineQuery(t.app.world, [Bullet]).ids()].map((e) => Bullet.ttl[e]!).sort();
      expect(ttls).toEqual([2, 2, 3, 3]);
      expect(t.crossings).toEqual([2, 2]); // [counter, bullets], [pinger, listener]; bullets_again alone
      expect(t.tally().heard).toBe(1);
    } finally {
      t.app.shutdown();
    }
  }, SLOW);

  test("a panic mid-run stops its own system only: the ones before and after it still run that step", async () => {
    const t = await runApp(fixture, ["counter", "trap", "pinger", "listener"]);
    try {
      spawn(t.app.world, [Trap, { armed: 1 }]);
      t.app.update();
      t.frames(3);
      expect(t.lines()).toEqual([`hotloop: system trap of ${fixture.library} v1 panicked: trap sprung (stamp 1) (at src/lib.rs:32:13); disabled until the next good build`]);
      expect(t.tally().calls).toBe(3);
      expect(t.tally().heard).toBe(3); // pinger and listener ran after the panic, in that same step too
      // Step 1: the crossing stopped at trap (index 1); the rest ran one by one. Then the disabled trap is left out.
      expect(t.crossings).toEqual([4, 3, 3]);
    } finally {
      t.app.shutdown();
    }
  }, SLOW);
});
