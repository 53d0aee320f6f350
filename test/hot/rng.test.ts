/**
 * One random stream for TypeScript and Rust: a TypeScript system draws from the App's GlobalRng,
 * then a hot Rust system built by cargo (test/fixtures/rng-fixture) draws through
 * `ResMut<GlobalRng>`, then another TypeScript system: the numbers are, in that order, the stream
 * of one generator seeded as the App was. Two Apps with one seed draw the same frames.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { copyFileSync } from "node:fs";
import { join } from "node:path";
import { App, GlobalRng, ManualClock, system, Update, yieldToEventLoop } from "../../src/core/index.ts";
import { formatEvent, HotPlugin, HotReloader, type HotEvent } from "../../src/hot/index.ts";
import { Position, Tally, Velocity } from "../fixtures/hot-fixture/components.ts";
import { Fixture } from "../support/fixture.ts";

const SLOW = 300_000;
const SEED = 2026;

describe("GlobalRng from Rust", () => {
  let fixture: Fixture;

  beforeAll(async () => {
    fixture = new Fixture("test/fixtures/rng-fixture");
    copyFileSync(join(import.meta.dir, "../fixtures/hot-fixture/src/components.rs"), fixture.path("src/components.rs"));
    await fixture.build();
  }, SLOW);

  afterAll(() => fixture?.cleanup());

  /** An App seeded SEED whose Update draws TS, Rust, TS; returns each frame's draws, in order. */
  async function run(frames: number): Promise<number[][]> {
    const clock = new ManualClock();
    const events: HotEvent[] = [];
    const app = new App({ clock, seed: SEED });
    try {
      app.registerComponents(Position, Velocity);
      const tally = app.insertResource(new Tally());
      const drawn: number[][] = [];
      let before = 0;
      app.addSystems(
        Update,
        system(function before_rust({ resource }) {
          before = resource(GlobalRng).nextU32();
        }),
        system(function after_rust({ resource }) {
          drawn.push([before, tally.value, tally.calls, tally.heard, tally.last, resource(GlobalRng).nextU32()]);
        }),
      );
      app.addPlugins(HotPlugin({ library: fixture.library, reload: false, reporter: (e) => void events.push(e) }));
      await app.resource(HotReloader).ready();
      for (let i = 0; i < frames; i++) {
        clock.advance(1000 / 64);
        app.update();
        await yieldToEventLoop();
      }
      expect(events.filter((e) => e.type === "panic" || e.type === "system").map(formatEvent)).toEqual([]);
      return drawn;
    } finally {
      app.shutdown();
    }
  }

  test("TypeScript, Rust and TypeScript again draw one generator's stream, in the order they run", async () => {
    const drawn = await run(3);
    const reference = new GlobalRng(SEED);
    const expected = drawn.map(() => {
      const ts = reference.nextU32();
      const [a, b, c] = [reference.nextU32(), reference.nextU32(), reference.nextU32()];
      const die = reference.rangeI32(1, 6);
      return [ts, a, b, c, die, reference.nextU32()];
    });
    expect(drawn).toEqual(expected);
    expect(new Set(drawn.flat()).size).toBeGreaterThan(12); // real draws, not a constant
  }, SLOW);

  test("two Apps with one seed draw the same frames", async () => {
    expect(await run(4)).toEqual(await run(4));
  }, SLOW);
});
