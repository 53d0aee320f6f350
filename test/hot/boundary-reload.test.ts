/**
 * A build renamed into place is taken at the next frame boundary by itself (the watcher's inotify
 * read, src/hot/inotify.ts), without waiting for an event from the event loop.
 */
import { expect, test } from "bun:test";
import { App, Update } from "../../src/core/index.ts";
import { spawn } from "../../src/ecs/index.ts";
import { HotPlugin, HotReloader, hotSystem } from "../../src/hot/index.ts";
import { Stamp } from "../fixtures/hot-fixture/components.ts";
import { stampLibrary } from "../support/stamp-library.ts";

const SLOW = 300_000;
const { library, publish } = stampLibrary();

test.skipIf(process.platform !== "linux")(
  "a build renamed into place runs from the very next frame, with no turn of the event loop in between",
  async () => {
    const app = new App();
    app.registerComponents(Stamp);
    app.addPlugins(HotPlugin({ library, reload: true, reporter: () => {} }));
    app.addSystems(Update, hotSystem("stamp"));
    const e = spawn(app.world, Stamp);
    const reloader = app.resource(HotReloader);
    await reloader.ready();
    try {
      app.update();
      expect(Stamp.value[e]).toBe(2); // the last build made
      for (const [i, stamp] of [1, 2, 1].entries()) {
        await publish(stamp === 1 ? "stamp1" : "stamp2"); // built already: the await is a microtask, not a turn of the event loop
        app.update(); // synchronously: chokidar's event cannot have been delivered
        expect(Stamp.value[e]).toBe(stamp);
        expect(reloader.version).toBe(i + 2);
      }
    } finally {
      app.shutdown();
    }
  },
  SLOW,
);
