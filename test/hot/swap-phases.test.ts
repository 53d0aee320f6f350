/**
 * The phases of a swap are data (SWAP_PHASES in src/hot/reloader/transaction.ts): the frame
 * boundary runs them in that order, stops at `wait` while a staged build is held, and says why.
 */
import { expect, test } from "bun:test";
import { App, Update } from "../../src/core/index.ts";
import { spawn } from "../../src/ecs/index.ts";
import { HotPlugin, HotReloader, hotSystem, SWAP_PHASES, type SwapPhase } from "../../src/hot/index.ts";
import { reloaderInternals } from "../../src/hot/reloader/typescript-link.ts";
import { Stamp } from "../fixtures/hot-fixture/components.ts";
import { stampLibrary } from "../support/stamp-library.ts";

const SLOW = 300_000;
const { library, publish } = stampLibrary();

/** An app running the fixture's `stamp` with reload on, and the phases of every swap, traced. */
async function tracedApp() {
  const app = new App();
  app.registerComponents(Stamp);
  app.addPlugins(HotPlugin({ library, reload: true, reporter: () => {} }));
  app.addSystems(Update, hotSystem("stamp"));
  const e = spawn(app.world, Stamp);
  const reloader = app.resource(HotReloader);
  await reloader.ready();
  const phases: SwapPhase[] = [];
  reloaderInternals(reloader).tracePhases((phase) => phases.push(phase));
  return { app, e, reloader, phases };
}

test("the phases are announce, wait, plan, unload, activate, load, commit, notify, close, report", () => {
  expect([...SWAP_PHASES]).toEqual(["announce", "wait", "plan", "unload", "activate", "load", "commit", "notify", "close", "report"]);
});

test.skipIf(process.platform !== "linux")(
  "a swap runs every phase of SWAP_PHASES in order; held by an observer's block, it stops at wait and says why",
  async () => {
    const { app, e, reloader, phases } = await tracedApp();
    try {
      app.update();
      expect(Stamp.value[e]).toBe(2);

      await publish("stamp1");
      app.update(); // the boundary's inotify read stages it, and the swap follows in the same boundary
      expect(phases).toEqual([...SWAP_PHASES]);
      expect(Stamp.value[e]).toBe(1);

      phases.length = 0;
      const block = reloader.block();
      await publish("stamp2");
      app.update();
      expect(phases).toEqual(["announce", "wait"]);
      expect(reloader.hasStaged).toBe(true);
      expect(reloader.stagedWait).toBe("observer-block");
      expect(Stamp.value[e]).toBe(1);

      phases.length = 0;
      block.release();
      app.update();
      expect(phases).toEqual([...SWAP_PHASES]);
      expect(reloader.stagedWait).toBeUndefined();
      expect(Stamp.value[e]).toBe(2);
    } finally {
      app.shutdown();
    }
  },
  SLOW,
);

test.skipIf(process.platform !== "linux")(
  "a build whose load hook panics: the swap stops at load, the old build runs on, the new one is refused",
  async () => {
    const { app, e, reloader, phases } = await tracedApp();
    try {
      app.update();
      const before = { version: reloader.version, stamp: Stamp.value[e], refusals: reloader.stats.refusals };
      await publish("loadPanic"); // a build whose on_load panics
      app.update();
      expect(phases).toEqual(SWAP_PHASES.slice(0, SWAP_PHASES.indexOf("load") + 1));
      expect(reloader.version).toBe(before.version);
      expect(reloader.stats.refusals).toBe(before.refusals + 1);
      app.update();
      expect(Stamp.value[e]).toBe(before.stamp);
    } finally {
      app.shutdown();
    }
  },
  SLOW,
);
