/**
 * `bun run soak [--reloads N] [--watch]`: N hot reloads (default 1000) while an app runs hot
 * systems every frame, then the figures that say whether anything leaked or broke: RSS growth
 * after warm-up, open file descriptors, the lowest free pthread key (a per-load TLS key moves it),
 * stale mappings of old shadow copies in /proc/self/maps, shadow copies and dirs left after
 * shutdown.
 *
 * Two ways to reload. By default a swap every frame: each frame publishes the next build and asks
 * for it at once (manual mode, `requestReload`), so 100,000 reloads take minutes; every load still
 * reads, checks, copies, dlopens, validates, swaps and closes as a user's does. `--watch` (and
 * runSoak's default) leaves every other build to the file watcher, as a user's builds are picked
 * up, and requests the others mid-frame (about 30 ms a reload).
 *
 * Builds three variants of the test fixture once with cargo (different STAMP) and publishes them
 * in turn to the watched path, as cargo does (a finished file renamed into place): each is a new
 * content hash, so a reload. The new file is written in the middle of a frame, by a system that
 * runs between hot systems. In watch mode every other one is also staged there at once
 * (requestReload), so half the reloads come through the watcher and half are requested; the
 * result counts the two apart, as the reloader staged them. Systems before and after it check
 * that every hot call of a frame ran the same library, which is the one the reloader calls
 * current. The run throws at the first broken promise.
 *
 * The result's counts are what was observed, not what was asked for: the reload events the
 * reloader reported, the version it reached, the builds the hot code itself was seen to change to.
 */
import { existsSync, mkdtempSync, readdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { App, FixedUpdate, ManualClock, PostUpdate, PreUpdate, yieldToEventLoop } from "../src/core/index.ts";
import { spawn } from "../src/ecs/index.ts";
import { parseArgs } from "../src/cli/args.ts";
import { formatEvent, HotPlugin, HotReloader, hotSystem, mappedUnder } from "../src/hot/index.ts";
import { Position, Stamp, Trap, Velocity } from "../test/fixtures/hot-fixture/components.ts";
import { holdKeyZero, lowestFreeKey } from "../test/support/pthread-keys.ts";
import { variants } from "../test/support/variants.ts";

export interface SoakOptions {
  readonly reloads: number;
  /** `watch` (default): odd builds are picked up by the file watcher, even ones requested mid-frame; `every-frame`: a swap every frame, each requested at once. */
  readonly mode?: "watch" | "every-frame";
  /** Progress and figures, one line each. */
  readonly log?: (line: string) => void;
}

export interface SoakResult {
  /** Builds published to the watched path (the request: ends at `options.reloads`). */
  readonly reloads: number;
  /** The reloader's swap counter at the end (the loop runs until it reaches the request). */
  readonly swaps: number;
  /** `reload ok` events the reloader reported. */
  readonly reloadsReported: number;
  /** The reloader's version at the end (1 for the first load, + 1 per swap). */
  readonly version: number;
  /** Swaps whose build the file watcher staged (watch mode: the builds not requested). */
  readonly viaWatcher: number;
  /** Swaps whose build requestReload() staged, mid-frame. */
  readonly viaRequest: number;
  /** Frames whose hot stamp system wrote another build's stamp than the frame before: the swaps the hot code itself showed. */
  readonly stampChanges: number;
  /** Reloads before RSS growth starts being measured. */
  readonly warmupReloads: number;
  /** Frames run, each calling four hot systems. */
  readonly frames: number;
  /** New builds loaded in the middle of a frame (requestReload), which the frame's later hot calls did not see. */
  readonly stagedMidFrame: number;
  /** RSS after the last reload minus RSS after warm-up (a tenth of the reloads, at most 1000), after a full GC each time. */
  readonly rssGrowthMb: number;
  /** Open file descriptors after shutdown minus before the first reload. */
  readonly fdGrowth: number;
  /** The lowest free pthread key after shutdown minus before the first reload (a key leaked per load moves it). */
  readonly keyGrowth: number;
  /** Shadow dirs of this process left in the temp dir after shutdown. */
  readonly shadowDirsLeft: number;
  /** The most shadow copies found mapped but not loaded, at any sample (every 50 reloads, at the end, after shutdown). */
  readonly staleMappings: number;
  /** Files in the shadow dir after shutdown. */
  readonly shadowFilesLeft: number;
  /** The soak's duration, builds excluded. */
  readonly ms: number;
}

const STEP_MS = 1000 / 64;
const STAMPS = [1, 2, 3] as const;

export async function runSoak(options: SoakOptions): Promise<SoakResult> {
  const log = options.log ?? (() => {});
  const everyFrame = options.mode === "every-frame";
  log("soak: building 3 variants of the fixture (once)…");
  const v = await variants("stamp1", "stamp2", "stamp3");
  const started = performance.now();
  const builds = [v.stamp1, v.stamp2, v.stamp3];
  const dir = mkdtempSync(join(tmpdir(), "hotloop-soak-"));
  const library = join(dir, "libhot_fixture.so");
  writeFileSync(library, v.stamp1);
  const publish = (bytes: Uint8Array) => {
    writeFileSync(`${library}.next`, bytes);
    renameSync(`${library}.next`, library);
  };

  const clock = new ManualClock();
  const app = new App({ clock });
  const problems: string[] = [];
  let reloadsReported = 0;
  app.registerComponents(Position, Velocity, Stamp, Trap);
  app.addPlugins(
    HotPlugin({
      library,
      reload: true,
      debounceMs: 1,
      // Every frame asks for the next build itself: the watcher must not stage it a second time.
      mode: everyFrame ? "manual" : "auto",
      reporter: (e) => {
        // The fixture exports systems the soak does not schedule (trap, and those of other tests):
        // their one notice each is expected, as are manual mode's "a new build is ready".
        const notice = (e.type === "system" && e.change === "unscheduled") || e.type === "info";
        if (e.type === "reload" && e.status === "ok") reloadsReported++;
        else if (!notice) problems.push(formatEvent(e));
      },
    }),
  );
  const reloader = app.resource(HotReloader);
  for (let i = 0; i < 1000; i++) spawn(app.world, [Position, { x: i }], [Velocity, { x: 1, y: 1 }]);
  const stamped = spawn(app.world, Stamp);

  // Which path staged each build that was swapped in: the reloader's staging counter names the
  // build staged last, which is the one a swap applies (a newer one supersedes a pending one).
  const requestedStagings = new Set<number>();
  let viaWatcher = 0;
  let viaRequest = 0;
  reloader.onReloaded((e) => {
    if (e.cause !== "swap") return;
    if (requestedStagings.has(reloader.stats.stagings)) viaRequest++;
    else viaWatcher++;
  });

  // The promise checked every frame: one library version, the current one, for all hot calls.
  let frames = 0;
  let frameVersion = 0;
  let frameStamp = 0;
  let stampChanges = 0;
  const fail = (why: string): never => {
    throw new Error(`soak: frame ${frames}: ${why}`);
  };
  const expectedStamp = () => STAMPS[reloader.stats.swaps % STAMPS.length];
  app.addSystems(PreUpdate, hotSystem("stamp"), function sawBefore() {
    frameVersion = reloader.version;
    const stamp = Stamp.value[stamped]!;
    if (frames > 0 && stamp !== frameStamp) stampChanges++;
    frameStamp = stamp;
    if (frameStamp !== expectedStamp()) fail(`the hot call ran stamp ${frameStamp}, the reloader's current build has ${expectedStamp()}`);
    const loaded = reloader.loadedPaths().length;
    if (loaded > (reloader.hasPending ? 3 : 2)) fail(`${loaded} libraries loaded: more than the running one and one rollback target`);
  });
  let written = 0;
  let stagedMidFrame = 0;
  app.addSystems(FixedUpdate, hotSystem("mover"), function writeMidFrame() {
    // One write at a time: the next once the last one has been swapped in.
    if (written >= options.reloads || written > reloader.stats.swaps) return;
    written++;
    publish(builds[written % builds.length]!);
    if (everyFrame || written % 2 === 0) {
      const stagings = reloader.stats.stagings;
      reloader.requestReload(); // loaded right here, mid-frame; swapped in at the next frame boundary
      if (reloader.stats.stagings !== stagings) requestedStagings.add(reloader.stats.stagings);
      if (reloader.hasPending) stagedMidFrame++;
    }
  }, hotSystem("noop"));
  app.addSystems(PostUpdate, hotSystem("stamp"), function sawAfter() {
    if (reloader.version !== frameVersion || Stamp.value[stamped] !== frameStamp) {
      fail(`the frame began on v${frameVersion} (stamp ${frameStamp}) and ended on v${reloader.version} (stamp ${Stamp.value[stamped]})`);
    }
  });

  try {
    return await soak();
  } finally {
    app.shutdown(); // a no-op after a clean run, which shuts down itself to count what is left
    rmSync(dir, { recursive: true, force: true });
  }

  async function soak(): Promise<SoakResult> {
    await reloader.ready();
    const shadow = reloader.shadowDir!;
    let staleMappings = 0;
    const sampleStale = () => {
      const loaded = reloader.loadedPaths();
      staleMappings = Math.max(staleMappings, mappedUnder(shadow.path).filter((p) => !loaded.includes(p)).length);
    };
    const rssMb = () => {
      Bun.gc(true);
      return process.memoryUsage().rss / 2 ** 20;
    };
    const frame = async () => {
      clock.advance(STEP_MS);
      app.update();
      frames++;
      if (problems.length) fail(problems.join("; "));
      // A game loop's pause between frames: the watcher and timers run during it (a shorter one
      // when every frame asks for its build itself).
      await (everyFrame ? yieldToEventLoop() : Bun.sleep(1));
    };
    for (let i = 0; i < 10; i++) await frame();
    const fdsBefore = openFds();
    holdKeyZero();
    const keyBefore = freeKey();
    const warmup = Math.min(1000, Math.ceil(options.reloads / 10));
    let rssBefore = rssMb();
    const how = everyFrame ? "a swap every frame, each requested (requestReload)" : "half through the file watcher, half requested mid-frame (requestReload)";
    log(`soak: ${options.reloads} reloads (${how}), RSS ${rssBefore.toFixed(1)} MB before the first`);
    const every = everyFrame ? 1000 : 50;
    let lastLogged = 0;
    let deadline = performance.now() + 10_000;
    while (reloader.stats.swaps < options.reloads) {
      const swaps = reloader.stats.swaps;
      await frame();
      if (reloader.stats.swaps !== swaps) deadline = performance.now() + 10_000;
      else if (performance.now() > deadline) fail(`no reload for 10 s after ${swaps} (pending: ${reloader.hasPending})`);
      const done = reloader.stats.swaps;
      if (done === warmup && lastLogged < warmup) rssBefore = rssMb(); // growth is measured after warm-up
      if (done % every === 0 && done !== lastLogged) {
        lastLogged = done;
        sampleStale();
        if (done % (every * (everyFrame ? 1 : 5)) === 0) log(`soak: ${done} reloads, ${frames} frames, RSS ${rssMb().toFixed(1)} MB, ${openFds()} fds`);
      }
    }
    for (let i = 0; i < 10; i++) await frame();
    sampleStale();
    const rssAfter = rssMb();
    const swaps = reloader.stats.swaps;
    if (reloader.version !== 1 + swaps) fail(`version ${reloader.version} after ${swaps} swaps`);
    app.shutdown();
    staleMappings = Math.max(staleMappings, mappedUnder(shadow.path).length); // nothing stays mapped once closed
    const shadowFilesLeft = existsSync(shadow.path) ? readdirSync(shadow.path).length : 0;
    const shadowDirsLeft = readdirSync(dirname(shadow.path)).filter((name) => name.startsWith(`hotloop-${process.pid}-`)).length;
    return {
      reloads: written,
      swaps,
      reloadsReported,
      version: reloader.version,
      viaWatcher,
      viaRequest,
      stampChanges,
      warmupReloads: warmup,
      frames,
      stagedMidFrame,
      rssGrowthMb: rssAfter - rssBefore,
      fdGrowth: openFds() - fdsBefore,
      keyGrowth: freeKey() - keyBefore,
      staleMappings,
      shadowFilesLeft,
      shadowDirsLeft,
      ms: performance.now() - started,
    };
  }
}

/** Open file descriptors of this process. */
function openFds(): number {
  return readdirSync("/proc/self/fd").length;
}

/** The lowest free pthread key (test/support/pthread-keys.ts), or Infinity once none is left. */
function freeKey(): number {
  try {
    return lowestFreeKey();
  } catch {
    return Number.POSITIVE_INFINITY; // out of keys
  }
}

if (import.meta.main) {
  const usage = "usage: bun run soak [--reloads N] [--watch]   (N >= 1, default 1000; --watch: half through the file watcher, half requested mid-frame, about 30 ms a reload)";
  let reloads = 1000;
  let watch = false;
  try {
    const args = parseArgs(process.argv.slice(2), [{ name: "reloads", value: "number" }, { name: "watch" }]);
    reloads = args.number("reloads") ?? 1000;
    watch = args.has("watch");
  } catch (e) {
    console.error(`soak: ${(e as Error).message}; ${usage}`);
    process.exit(2);
  }
  if (!Number.isInteger(reloads) || reloads < 1) {
    console.error(usage);
    process.exit(2);
  }
  const result = await runSoak({ reloads, mode: watch ? "watch" : "every-frame", log: (line) => console.log(line) });
  const goal = (ok: boolean) => (ok ? "ok" : "OVER GOAL");
  console.log(
    [
      `soak: ${result.reloads} builds published, ${result.reloadsReported} reloads reported (${result.viaWatcher} staged by the file watcher, ${result.viaRequest} by requestReload), now v${result.version}`,
      `  ${result.frames} frames of 4 hot calls each; the hot code showed ${result.stampChanges} changes of build`,
      `  every frame's hot calls ran one library, the current one; ${result.stagedMidFrame} builds were loaded mid-frame and swapped in at the next boundary`,
      `  RSS growth:         ${result.rssGrowthMb.toFixed(1)} MB after a warm-up of ${result.warmupReloads} reloads (goal <= 10 MB: ${goal(result.rssGrowthMb <= 10)})`,
      `  open fds:           ${result.fdGrowth >= 0 ? "+" : ""}${result.fdGrowth}`,
      `  pthread keys:       ${result.keyGrowth >= 0 ? "+" : ""}${result.keyGrowth} (the lowest free key moved by this much)`,
      `  stale mappings:     ${result.staleMappings} (old shadow copies still in /proc/self/maps)`,
      `  shadow files left:  ${result.shadowFilesLeft} (after shutdown), shadow dirs left: ${result.shadowDirsLeft}`,
      `  duration:           ${(result.ms / 1000).toFixed(1)} s (${((result.ms / Math.max(1, result.reloads)) * 1000).toFixed(0)} µs a reload)`,
    ].join("\n"),
  );
  const clean = result.staleMappings === 0 && result.shadowFilesLeft === 0 && result.shadowDirsLeft === 0 && result.fdGrowth <= 0 && result.keyGrowth === 0;
  process.exit(clean ? 0 : 1);
}
