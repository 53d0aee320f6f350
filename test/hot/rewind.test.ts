/**
 * A rewind through hot Rust systems (the hot fixture, a real cargo build): a `Local` counting calls,
 * an `EventWriter` every step and an `EventReader` that reads only every third frame (its cursor
 * lags between reads). Seeking back and stepping forward again gives every frame's checksum as
 * recorded: the Local's bytes and the reader's cursor came back with the snapshot.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { App, appChecksum, FixedUpdate, ManualClock, Timeline, TimelinePlugin, Update } from "../../src/api/index.ts";
import { yieldToEventLoop } from "../../src/core/index.ts";
import { HotPlugin, HotReloader, hotSystem } from "../../src/hot/index.ts";
import { Ping, Tally } from "../fixtures/hot-fixture/components.ts";
import { Fixture } from "../support/fixture.ts";
import { STEP_MS } from "../support/hot-app.ts";

const SLOW = 300_000;

describe("rewind through hot systems", () => {
  let fixture: Fixture;
  beforeAll(async () => {
    fixture = new Fixture();
    await fixture.build();
  }, SLOW);
  afterAll(() => fixture?.cleanup());

  test("paused frames do not count down a new build's probation: it proves itself in frames that run its systems", async () => {
    const clock = new ManualClock();
    const app = new App({ clock });
    app.insertResource(new Tally());
    app.addPlugins(HotPlugin({ library: fixture.library, reload: true, debounceMs: 10, reporter: () => {}, probationFrames: 30 }));
    app.addSystems(FixedUpdate, hotSystem("counter"));
    app.addPlugins(TimelinePlugin());
    const reloader = app.resource(HotReloader);
    await reloader.ready();
    const frames = async (n: number) => {
      for (let i = 0; i < n; i++) {
        clock.advance(STEP_MS);
        app.runFrame();
        await Bun.sleep(1);
        await yieldToEventLoop();
      }
    };
    try {
      await frames(5);
      fixture.edit("const TALLY_STEP: u32 = 1;", "const TALLY_STEP: u32 = 2;");
      await fixture.build();
      for (let i = 0; i < 1500 && reloader.version < 2; i++) await frames(1);
      expect(reloader.version).toBe(2);
      expect(reloader.systems().get("counter")!.probation).toBe(true);
      app.resource(Timeline).pause();
      await frames(100);
      expect(reloader.systems().get("counter")!.probation).toBe(true);
      app.resource(Timeline).resume();
      await frames(40);
      expect(reloader.systems().get("counter")!.probation).toBe(false);
    } finally {
      app.shutdown();
      fixture.edit("const TALLY_STEP: u32 = 2;", "const TALLY_STEP: u32 = 1;");
      await fixture.build();
    }
  }, SLOW);

  test("a Local and a lagging EventReader come back with the snapshot: every frame's checksum as recorded", async () => {
    const clock = new ManualClock();
    const app = new App({ clock });
    app.insertResource(new Tally());
    app.addEvent(Ping);
    app.addPlugins(HotPlugin({ library: fixture.library, reload: false, reporter: () => {} }));
    app.addSystems(FixedUpdate, hotSystem("counter"), hotSystem("pinger").after("counter"));
    app.addSystems(Update, hotSystem("listener").runIf(({ time }) => time.frame % 3 === 0));
    app.addPlugins(TimelinePlugin({ snapshotEvery: 10 }));
    await app.resource(HotReloader).ready();
    const sums = new Map<number, bigint>();
    app.onFrameEnd((a) => sums.set(a.time.frame, appChecksum(a)), { always: true });
    const timeline = app.resource(Timeline);
    try {
      for (let i = 0; i < 200; i++) {
        clock.advance(STEP_MS);
        app.runFrame();
      }
      const tally = app.resource(Tally);
      expect(tally.calls).toBeGreaterThan(150);
      expect(tally.heard).toBeGreaterThan(100);
      const recorded = new Map(sums);
      for (const from of [101, 137, 188]) {
        timeline.seek(from);
        expect(appChecksum(app)).toBe(recorded.get(from)!);
        for (let f = from + 1; f <= 200; f++) {
          timeline.forward(1);
          expect(sums.get(f)).toBe(recorded.get(f)!);
        }
      }
      expect(tally.calls).toBe(app.time.fixedSteps); // one call a step, whichever way it got here
    } finally {
      app.shutdown();
    }
  }, SLOW);
});
