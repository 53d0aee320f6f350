/**
 * The dev runner's path, for the save → running figures: a copy of the example project (its
 * TypeScript in a temp project, its crate a fixture copy), run as `hotloop dev --features reload`
 * runs it: the game made by createGameApp with reload, the crate and components watched by
 * watchProject (the source watcher, the session's CrateBuilder, codegen for a components save),
 * the library watched and swapped by the reloader, and the frames run by `App.run` at 60 fps.
 * A probe system in Last marks the end of the first frame whose state shows an edit.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Last, type App } from "../src/core/index.ts";
import { buildProject } from "../src/dev/build.ts";
import { freshCodegen } from "../src/dev/codegen.ts";
import { createGameApp, reloaderOf } from "../src/dev/game.ts";
import { loadProject, type Project } from "../src/dev/project.ts";
import { devBuilder, watchProject } from "../src/dev/watch-project.ts";
import type { SourceWatcher } from "../src/dev/watch-sources.ts";
import { formatEvent, type HotEvent } from "../src/hot/index.ts";
import { writeExampleProject } from "../test/support/example.ts";
import { Fixture, FIXTURE_TARGET_DIR } from "../test/support/fixture.ts";

const EXAMPLE_CRATE = "examples/bevy-like/systems";

/** One timed save: when it was written, when its build started (ms, one clock), when it ran, the build. */
export interface TimedSave {
  readonly savedAt: number;
  readonly runningAt: number;
  readonly buildStartedAt: number | undefined;
  readonly buildMs: number | undefined;
  readonly via: "cargo" | "rustc" | undefined;
}

export class DevRig {
  #probe: { done: () => boolean; resolve: (at: number) => void } | undefined;
  /** CARGO_TARGET_DIR as it was before the rig set it. */
  #targetDir: string | undefined;
  #running: Promise<number> | undefined;

  private constructor(
    /** Every build and reload event so far, with when it came (performance.now()). */
    readonly events: { at: number; event: HotEvent }[],
    readonly crate: Fixture,
    readonly dir: string,
    readonly project: Project,
    readonly app: App,
    private readonly sources: SourceWatcher,
  ) {}

  static async start(): Promise<DevRig> {
    // The copies share the fixtures' target dir (the SDK compiled once per machine); the dev
    // runner's builder and `cargo metadata` learn it from the environment, as a user's would.
    const targetDir = process.env.CARGO_TARGET_DIR;
    process.env.CARGO_TARGET_DIR = FIXTURE_TARGET_DIR;
    const crate = new Fixture(EXAMPLE_CRATE);
    const dir = mkdtempSync(join(tmpdir(), "hotloop-bench-dev-"));
    let app: App | undefined;
    try {
      writeExampleProject(dir, crate.dir, "bench-dev");
      const project = await loadProject(dir);
      const events: { at: number; event: HotEvent }[] = [];
      const report = (event: HotEvent) => {
        events.push({ at: performance.now(), event });
        if (process.env.BENCH_DEBUG) console.error(formatEvent(event));
      };
      await freshCodegen(project);
      const builder = devBuilder(project)!;
      // As `hotloop dev` starts: a build (cargo, which records its rustc command), then the game.
      const first = await buildProject(project, { profile: "debug", report, builder });
      if (!first.ok) throw new Error(`bench dev rig: the first build failed:\n${first.errors}`);
      app = await createGameApp(project, { reload: true, headless: true, reporter: report });
      const sources = watchProject(project, { report, builder, reloader: reloaderOf(app) });
      await sources.ready();
      const rig = new DevRig(events, crate, dir, project, app, sources);
      rig.#targetDir = targetDir;
      app.addSystems(Last, function benchProbe() {
        const probe = rig.#probe;
        if (probe?.done()) {
          rig.#probe = undefined;
          probe.resolve(performance.now());
        }
      });
      rig.#running = app.run({ targetFps: 60 });
      return rig;
    } catch (e) {
      app?.shutdown();
      crate.cleanup();
      rmSync(dir, { recursive: true, force: true });
      if (targetDir === undefined) delete process.env.CARGO_TARGET_DIR;
      else process.env.CARGO_TARGET_DIR = targetDir;
      throw e;
    }
  }

  /** The end of the first frame (in Last) where `done()` holds; rejects after `limitMs`. */
  frameWhere(done: () => boolean, limitMs = 120_000, what = "the edit"): Promise<number> {
    return new Promise((resolveAt, reject) => {
      const timer = setTimeout(() => {
        this.#probe = undefined;
        const tail = this.events.slice(-8).map((e) => formatEvent(e.event)).join("\n");
        reject(new Error(`bench dev rig: ${what} not running within ${limitMs} ms; last events:\n${tail}`));
      }, limitMs);
      this.#probe = {
        done,
        resolve: (at) => {
          clearTimeout(timer);
          resolveAt(at);
        },
      };
    });
  }

  /**
   * Writes `file` (a path in the project or the crate) with `text` in place, as an editor saving
   * over the file does, and waits for the first frame where `done()` holds.
   */
  async save(file: string, text: string, done: () => boolean, what?: string): Promise<{ savedAt: number; runningAt: number }> {
    const ran = this.frameWhere(done, 120_000, what);
    const savedAt = performance.now();
    writeFileSync(file, text);
    return { savedAt, runningAt: await ran };
  }

  /**
   * The one build a save made, from its `started` report to its `finished` one (which may come
   * after the swap: ask once frames ran on). A save that started no build, or more than one, is
   * an error: a figure timed over a second build, or over builds that never stop, would be wrong.
   */
  buildAfter(since: number, what: string): { startedAt: number; ms: number; via: "cargo" | "rustc" | undefined } {
    const builds = this.events.filter((e) => e.at >= since && e.event.type === "build");
    const started = builds.filter((e) => e.event.type === "build" && e.event.status === "started");
    const ended = builds.filter((e) => e.event.type === "build" && e.event.status !== "started");
    if (started.length !== 1 || ended.length !== 1) {
      throw new Error(`bench dev rig: ${what} started ${started.length} builds and ended ${ended.length} (one of each expected): ${builds.map((e) => formatEvent(e.event).split("\n")[0]).join("; ")}`);
    }
    const end = ended[0]!.event as Extract<HotEvent, { type: "build" }>;
    if (end.status !== "finished") throw new Error(`bench dev rig: ${what}: the build failed: ${formatEvent(end)}`);
    return { startedAt: started[0]!.at, ms: end.ms, via: end.via };
  }

  /** Resolves once every build started has ended (or after `limitMs`). */
  async buildsDone(limitMs = 60_000): Promise<void> {
    const deadline = performance.now() + limitMs;
    const count = (ended: boolean) => this.events.filter((e) => e.event.type === "build" && (e.event.status === "started") !== ended).length;
    while (count(true) < count(false) && performance.now() < deadline) await Bun.sleep(20);
  }

  /** A file's text. */
  read(file: string): string {
    return readFileSync(file, "utf8");
  }

  /** Saves, waits for the frame running it, runs on for `gapMs` (saves a person makes are apart), and times it all. */
  async timedSave(file: string, text: string, done: () => boolean, what: string, gapMs = 300): Promise<TimedSave> {
    const { savedAt, runningAt } = await this.save(file, text, done, what);
    await Bun.sleep(gapMs);
    const build = this.buildAfter(savedAt, what);
    return { savedAt, runningAt, buildStartedAt: build.startedAt, buildMs: build.ms, via: build.via };
  }

  async close(): Promise<void> {
    this.app.exit();
    await this.#running;
    await this.sources.close();
    await this.buildsDone(); // no build left writing into a crate about to be removed
    this.crate.cleanup();
    // The dev builder's recorded rustc command, kept in the shared target dir for a next session that will not come.
    rmSync(join(FIXTURE_TARGET_DIR, "hotloop", `rustc-${this.project.crate!.package}.json`), { force: true });
    rmSync(this.dir, { recursive: true, force: true });
    if (this.#targetDir === undefined) delete process.env.CARGO_TARGET_DIR;
    else process.env.CARGO_TARGET_DIR = this.#targetDir;
  }
}
