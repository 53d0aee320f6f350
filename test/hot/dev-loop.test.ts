/**
 * The dev runner's loop, for real: saving a .rs file rebuilds the crate while the game runs and
 * the reloader swaps the build in; a compile error is reported and the game keeps the last good
 * code; saves made during a build are built afterwards, so the last save wins.
 */
import { afterEach, expect, test } from "bun:test";
import { spawn } from "../../src/ecs/index.ts";
import { reportedBuild } from "../../src/dev/cargo.ts";
import { rebuildOnSave, type SourceWatcher } from "../../src/dev/watch-sources.ts";
import type { HotEvent } from "../../src/hot/index.ts";
import { Stamp } from "../fixtures/hot-fixture/components.ts";
import { Fixture, FIXTURE_TARGET_DIR } from "../support/fixture.ts";
import { hotApp, type HotApp } from "../support/hot-app.ts";

let fixture: Fixture | undefined;
let h: HotApp | undefined;
let sources: SourceWatcher | undefined;

afterEach(async () => {
  await sources?.close();
  h?.app.shutdown();
  fixture?.cleanup();
});

test("save → build → running; a compile error keeps the game on the last good code; the last save wins", async () => {
  fixture = new Fixture();
  await fixture.build();
  h = await hotApp(fixture, ["stamp"]);
  const e = spawn(h.app.world, Stamp);
  const builds: HotEvent[] = [];
  const crate = fixture.crate;
  const dir = fixture.dir;
  sources = rebuildOnSave({ paths: [dir], build: () => reportedBuild(crate, { cwd: dir, targetDir: FIXTURE_TARGET_DIR }, (ev) => void builds.push(ev)) });
  await sources.ready();
  await h.until(() => Stamp.value[e] === 1);

  fixture.setConst("STAMP", "5");
  await h.until(() => Stamp.value[e] === 5, 3000, "the saved edit running");
  // The new library lands (and may be running) before cargo's own exit is seen: wait for the report too.
  await h.until(() => builds.length === 2, 3000, "the build's report");
  expect(builds.map((b) => (b.type === "build" ? b.status : b.type))).toEqual(["started", "finished"]);
  const version = h.reloader.version;

  fixture.setConst("STAMP", "6 +");
  await h.until(() => builds.some((b) => b.type === "build" && b.status === "failed"), 3000, "the failed build");
  const failed = builds.find((b) => b.type === "build" && b.status === "failed") as { error: string };
  expect(failed.error).toMatch(/src\/lib\.rs:\d+:\d+: error/);
  for (let i = 0; i < 20; i++) await h.frame();
  expect(Stamp.value[e]).toBe(5);
  expect(h.reloader.version).toBe(version);

  fixture.setConst("STAMP", "7");
  await Bun.sleep(60); // a second save, likely while the first build runs
  fixture.setConst("STAMP", "8");
  await h.until(() => Stamp.value[e] === 8, 3000, "the last save running");
  expect(h.events.filter((ev) => ev.type === "reload" && ev.status === "refused")).toEqual([]);
}, 240_000);
