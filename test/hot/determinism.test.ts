/**
 * The determinism check with hot Rust systems built by cargo (test/fixtures/determinism-fixture):
 * systems that read only what a snapshot holds (components, Time, GlobalRng, a Local) are not
 * named; one that reads the wall clock is, and so is one that counts in a `static` (state no
 * snapshot reaches, so a rewind would not restore it either).
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { copyFileSync } from "node:fs";
import { join } from "node:path";
import { App, DeterminismCheckPlugin, FixedUpdate, ManualClock, spawn, type DivergenceReport } from "../../src/api/index.ts";
import { formatEvent, HotPlugin, HotReloader, hotSystem, type HotEvent } from "../../src/hot/index.ts";
import { Position, Tally, Velocity } from "../fixtures/hot-fixture/components.ts";
import { Fixture } from "../support/fixture.ts";

const SLOW = 300_000;

describe("the determinism check with hot Rust systems", () => {
  let fixture: Fixture;

  beforeAll(async () => {
    fixture = new Fixture("test/fixtures/determinism-fixture");
    copyFileSync(join(import.meta.dir, "../fixtures/hot-fixture/src/components.rs"), fixture.path("src/components.rs"));
    await fixture.build();
  }, SLOW);

  afterAll(() => fixture?.cleanup());

  /** Runs `systems` of the fixture in FixedUpdate for 40 frames of one step with the check on; returns the reports. */
  async function check(systems: string[]): Promise<{ reports: DivergenceReport[]; tally: InstanceType<typeof Tally> }> {
    const clock = new ManualClock();
    const events: HotEvent[] = [];
    const app = new App({ clock, seed: 5 });
    try {
      app.registerComponents(Position, Velocity);
      const tally = app.insertResource(new Tally());
      for (let i = 0; i < 50; i++) spawn(app.world, [Position, { x: i, y: 0 }], [Velocity, { x: 1, y: i / 10 }]);
      app.addPlugins(HotPlugin({ library: fixture.library, reload: false, reporter: (e) => void events.push(e) }));
      app.addSystems(FixedUpdate, ...systems.map((s) => hotSystem(s)));
      const reports: DivergenceReport[] = [];
      app.addPlugins(DeterminismCheckPlugin({ onDivergence: (r) => reports.push(r) }));
      await app.resource(HotReloader).ready();
      for (let i = 0; i < 40; i++) {
        clock.advance(1000 / 64);
        app.update();
      }
      expect(events.filter((e) => e.type === "panic").map(formatEvent)).toEqual([]);
      return { reports, tally };
    } finally {
      app.shutdown();
    }
  }

  test("systems reading components, Time, GlobalRng and a Local are not named; one reading the wall clock is", async () => {
    const { reports, tally } = await check(["drift", "die", "local_count", "wall_clock"]);
    expect(reports.map((r) => [r.system, r.differs, r.reads])).toEqual([["wall_clock", ["resource Tally"], []]]);
    expect(tally.calls).toBe(39); // the Local counted each step once: the second run started from the snapshot's count
    expect(tally.last).toBeGreaterThanOrEqual(1);
  }, SLOW);

  test("a system counting in a static (no snapshot holds it) is named", async () => {
    const { reports } = await check(["drift", "die", "static_count"]);
    expect(reports.map((r) => r.line)).toEqual(["determinism: FixedUpdate step 1: static_count wrote differently on a second run from the same state (resource Tally)"]);
  }, SLOW);
});
