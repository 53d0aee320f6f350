// A game plugin that the dev runner builds through its recording view (src/live/recording.ts)
// reaches the timeline as one added directly does: its snapshot part is in every snapshot, and its
// frame-end hook registered `{ always: true }` runs after re-simulated frames too.
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { App, ManualClock, Timeline, TimelinePlugin } from "../../src/core/index.ts";
import { GameReloader } from "../../src/live/game-reloader.ts";

const API = join(import.meta.dir, "../../src/api/index.ts");

const GAME = `import { addSnapshotPart, FixedUpdate, type App } from ${JSON.stringify(API)};
export class Tally { steps = 0; ends = 0; alwaysEnds = 0; replayed = 0; }
export default function game(app: App): void {
  const tally = app.insertResource(new Tally());
  // State kept in the plugin's closure, given to the timeline as a part.
  let hidden = 0;
  addSnapshotPart(app, { name: "hidden-counter", save: () => hidden, load: (s) => void (hidden = (s as number | undefined) ?? 0) });
  app.addSystems(FixedUpdate, function count() { hidden += 1; tally.steps = hidden; });
  app.onFrameEnd(() => void (tally.ends += 1));
  app.onFrameEnd(() => void (tally.alwaysEnds += 1), { always: true });
  // The App's getters through the view (they read private fields): what a re-simulated frame's hook asks.
  app.onFrameEnd(() => void (tally.replayed += app.replaying ? 1 : 0), { always: true });
}
`;

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "hotloop-live-view-"));
  writeFileSync(join(dir, "game.ts"), GAME);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe("a game plugin under the dev runner, with a timeline", () => {
  test("its snapshot part comes back on a seek; its always frame-end hook runs in re-simulated frames", async () => {
    const clock = new ManualClock();
    const app = new App({ clock });
    await GameReloader.start(app, { entry: join(dir, "game.ts"), reporter: () => {}, watch: false, show: (p) => p });
    app.addPlugins(TimelinePlugin({ snapshotEvery: 8, report: () => {} }));
    const timeline = app.resource(Timeline);
    const tally = () => app.resources.findByName("Tally")!.value as { steps: number; ends: number; alwaysEnds: number; replayed: number };
    try {
      for (let i = 0; i < 100; i++) {
        clock.advance(1000 / 64);
        app.runFrame();
      }
      expect(tally().steps).toBe(app.time.fixedSteps);
      expect(tally().steps).toBeGreaterThan(90);
      timeline.seek(50);
      // The closure's counter came back with the snapshot: the next step counts on from 50's.
      timeline.forward(1);
      expect(tally().steps).toBe(app.time.fixedSteps);
      const { ends, alwaysEnds } = tally();
      timeline.forward(10);
      expect(tally().alwaysEnds - alwaysEnds).toBe(10);
      expect(tally().ends - ends).toBe(0); // a replayed frame runs only the always ones
      expect(tally().replayed).toBeGreaterThanOrEqual(10);
    } finally {
      app.shutdown();
    }
  });

  test("a save whose system throws is rolled back: the part in snapshots is the running build's, not the discarded one's", async () => {
    const clock = new ManualClock();
    const app = new App({ clock });
    const reloader = await GameReloader.start(app, { entry: join(dir, "game.ts"), reporter: () => {}, watch: false, show: (p) => p });
    app.addPlugins(TimelinePlugin({ snapshotEvery: 8, report: () => {} }));
    const timeline = app.resource(Timeline);
    const tally = () => app.resources.findByName("Tally")!.value as { steps: number };
    const frame = () => {
      clock.advance(1000 / 64);
      app.runFrame();
    };
    try {
      for (let i = 0; i < 60; i++) frame();
      // The save's `count` throws: the reloader rolls it back to the running build.
      writeFileSync(join(dir, "game.ts"), GAME.replace("function count() { hidden += 1;", 'function count() { throw new Error("broken save"); hidden += 1;'));
      await reloader.reload([join(dir, "game.ts")]);
      for (let i = 0; i < 60; i++) frame();
      expect(tally().steps).toBe(app.time.fixedSteps - 1); // the throwing step did not count
      timeline.seek(100);
      timeline.forward(1);
      // The running build's closure counter came back with the snapshot and counts on.
      expect(tally().steps).toBe(app.time.fixedSteps - 1);
    } finally {
      app.shutdown();
    }
  });
});
