/**
 * The dev runner's loop, for real, as `hotloop dev --features reload` runs it: a project around a
 * fixture crate, the session's builder (`devBuilder`: cargo first, recording its rustc command;
 * saves of the crate's own sources replay that command) driven by `watchProject` (the source
 * watcher), and the reloader swapping each good build in. A compile error is reported and the
 * game keeps the last good code; saves made during a build are built after it, so the last save runs.
 */
import { afterEach, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { spawn } from "../../src/ecs/index.ts";
import { buildProject } from "../../src/dev/build.ts";
import { loadProject } from "../../src/dev/project.ts";
import { devBuilder, watchProject } from "../../src/dev/watch-project.ts";
import type { SourceWatcher } from "../../src/dev/watch-sources.ts";
import type { HotEvent } from "../../src/hot/index.ts";
import { Stamp } from "../fixtures/hot-fixture/components.ts";
import { Fixture, FIXTURE_TARGET_DIR } from "../support/fixture.ts";
import { hotApp, type HotApp } from "../support/hot-app.ts";

let fixture: Fixture | undefined;
let h: HotApp | undefined;
let sources: SourceWatcher | undefined;
let projectDir: string | undefined;
const targetDir = process.env.CARGO_TARGET_DIR;

afterEach(async () => {
  await sources?.close();
  h?.app.shutdown();
  // The builder keeps cargo's rustc command for the next session in the shared target dir: this crate has none.
  if (fixture) rmSync(join(FIXTURE_TARGET_DIR, "hotloop", `rustc-${fixture.crate}.json`), { force: true });
  fixture?.cleanup();
  if (projectDir) rmSync(projectDir, { recursive: true, force: true });
  if (targetDir === undefined) delete process.env.CARGO_TARGET_DIR;
  else process.env.CARGO_TARGET_DIR = targetDir;
});

/** The builds' outcomes so far: status and who built. */
function outcomes(builds: readonly HotEvent[]): string[] {
  return builds.flatMap((b) => (b.type !== "build" ? [] : b.status === "started" ? ["started"] : [`${b.status} via ${b.via}`]));
}

test("save → rustc replay → running; a compile error keeps the game on the last good code; the last save wins", async () => {
  fixture = new Fixture();
  const builds: HotEvent[] = [];
  const report = (ev: HotEvent) => void builds.push(ev);
  // A project whose crate is the fixture copy. The fixtures' target dir is shared (the SDK compiled
  // once); the dev runner's builder and `cargo metadata` learn it from the environment, as a user's would.
  process.env.CARGO_TARGET_DIR = FIXTURE_TARGET_DIR;
  projectDir = mkdtempSync(join(tmpdir(), "hotloop-dev-loop-"));
  const config = { crate: fixture.dir, components: "components.ts", entry: "game.ts", names: "systems.gen.ts" };
  writeFileSync(join(projectDir, "package.json"), JSON.stringify({ name: "dev-loop", type: "module", hotloop: config }));
  const project = await loadProject(projectDir);
  expect(project.library("debug")).toBe(fixture.library);
  // As `hotloop dev` starts (src/cli/run.ts): the session's builder, a build (cargo, which records its rustc command), the game, the watcher.
  const builder = devBuilder(project)!;
  expect(await buildProject(project, { profile: "debug", report, builder })).toMatchObject({ ok: true, via: "cargo" });
  h = await hotApp(fixture, ["stamp"]);
  const e = spawn(h.app.world, Stamp);
  sources = watchProject(project, { report, builder, reloader: h.reloader });
  await sources.ready();
  await h.until(() => Stamp.value[e] === 1);

  builds.length = 0;
  fixture.setConst("STAMP", "5");
  await h.until(() => Stamp.value[e] === 5, 3000, "the saved edit running");
  // The new library lands (and may be running) before the build's own end is seen: wait for the report too.
  await h.until(() => builds.length === 2, 3000, "the build's report");
  expect(outcomes(builds)).toEqual(["started", "finished via rustc"]);
  const version = h.reloader.version;

  builds.length = 0;
  fixture.setConst("STAMP", "6 +");
  await h.until(() => builds.some((b) => b.type === "build" && b.status === "failed"), 3000, "the failed build");
  const failed = builds.find((b) => b.type === "build" && b.status === "failed") as { error: string; via?: string };
  expect(failed.via).toBe("rustc");
  expect(failed.error).toMatch(/src\/lib\.rs:\d+:\d+: error/);
  for (let i = 0; i < 20; i++) await h.frame();
  expect(Stamp.value[e]).toBe(5);
  expect(h.reloader.version).toBe(version);

  builds.length = 0;
  fixture.setConst("STAMP", "7");
  await h.until(() => builds.length > 0, 3000, "the next build's start");
  fixture.setConst("STAMP", "8"); // saved while the build of 7 runs
  await h.until(() => Stamp.value[e] === 8, 3000, "the last save running");
  await h.until(() => builds.filter((b) => b.type === "build" && b.status !== "started").length === 2, 3000, "both builds' reports");
  // One build for the save of 7, one more after it for the save of 8: both replays.
  expect(outcomes(builds)).toEqual(["started", "finished via rustc", "started", "finished via rustc"]);
  expect(h.events.filter((ev) => ev.type === "reload" && ev.status === "refused")).toEqual([]);
}, 240_000);
