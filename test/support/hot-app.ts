/** An App wired to a fixture library, stepped frame by frame with a manual clock. */
import { App, FixedUpdate, ManualClock, yieldToEventLoop } from "../../src/core/index.ts";
import { HotPlugin, HotReloader, hotSystem, type HotEvent, type ReloaderOptions } from "../../src/hot/index.ts";
import { Position, Stamp, Trap, Velocity } from "../fixtures/hot-fixture/components.ts";
import type { Fixture } from "./fixture.ts";

export const STEP_MS = 1000 / 64;

export interface HotApp {
  readonly app: App;
  readonly clock: ManualClock;
  readonly reloader: HotReloader;
  readonly events: HotEvent[];
  /** One frame of exactly one fixed step, then a pause so file events reach the watcher. */
  frame(): Promise<void>;
  /** Frames until `done()` holds; throws after `max` frames. Returns the number of frames run. */
  until(done: () => boolean, max?: number, what?: string): Promise<number>;
}

export async function hotApp(
  fixture: Pick<Fixture, "library">,
  systems: string[] = ["mover", "stamp"],
  options: Partial<ReloaderOptions> = {},
): Promise<HotApp> {
  const clock = new ManualClock();
  const app = new App({ clock });
  const events: HotEvent[] = [];
  app.registerComponents(Position, Velocity, Stamp, Trap);
  app.addPlugins(HotPlugin({ library: fixture.library, reload: true, debounceMs: 10, reporter: (e) => void events.push(e), ...options }));
  app.addSystems(FixedUpdate, ...systems.map((s) => hotSystem(s)));
  const reloader = app.resource(HotReloader);
  await reloader.ready();
  app.update(); // the first frame: Startup, no fixed step
  const frame = async () => {
    clock.advance(STEP_MS);
    app.update();
    await Bun.sleep(2);
    await yieldToEventLoop();
  };
  const until = async (done: () => boolean, max = 1500, what = "condition") => {
    for (let n = 1; n <= max; n++) {
      await frame();
      if (done()) return n;
    }
    throw new Error(`${what} not reached within ${max} frames; events: ${JSON.stringify(events)}`);
  };
  return { app, clock, reloader, events, frame, until };
}
