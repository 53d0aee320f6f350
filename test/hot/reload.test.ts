/**
 * Hot reload with real cargo builds: a copy of the fixture crate is edited and rebuilt while an
 * App runs headless, and the tests watch the new code take over between frames.
 */
import { afterEach, beforeAll, describe, expect, test } from "bun:test";
import { copyFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { App, FixedUpdate, ManualClock } from "../../src/core/index.ts";
import { spawn } from "../../src/ecs/index.ts";
import { HotPlugin, HotReloader, hotSystem } from "../../src/hot/index.ts";
import { Position, Stamp, Trap, Velocity } from "../fixtures/hot-fixture/components.ts";
import { Fixture, hostU32 } from "../support/fixture.ts";
import { hotApp, STEP_MS, type HotApp } from "../support/hot-app.ts";

const SLOW = 240_000;
let fixture: Fixture;
let running: HotApp | undefined;

beforeAll(async () => {
  // Warm the shared target dir (compiles the SDK once) so each test pays only its own edits.
  const warm = new Fixture();
  await warm.build();
  warm.cleanup();
}, SLOW);

afterEach(() => {
  running?.app.shutdown();
  running = undefined;
  fixture?.cleanup();
});

async function start(systems?: string[], options?: Parameters<typeof hotApp>[2], before?: (f: Fixture) => void): Promise<HotApp> {
  fixture = new Fixture();
  before?.(fixture);
  await fixture.build();
  running = await hotApp(fixture, systems, options);
  return running;
}

describe("hot reload", () => {
  test("a staged edit runs from the next frame boundary on, data carries over, version + 1", async () => {
    const h = await start();
    const e = spawn(h.app.world, [Position, { x: 0, y: 0 }], [Velocity, { x: 64, y: 0 }], Stamp);
    const xs: number[] = [];
    const stamps: number[] = [];
    const versions: number[] = [];
    /** Whether a staged build was waiting for the frame boundary when each frame ended. */
    const waiting: boolean[] = [];
    const record = () => {
      xs.push(Position.x[e]!);
      stamps.push(Stamp.value[e]!);
      versions.push(h.reloader.version);
      waiting.push(h.reloader.hasPending);
    };
    for (let i = 0; i < 10; i++) {
      await h.frame();
      record();
    }
    expect(stamps.at(-1)).toBe(1);
    expect(xs.at(-1)).toBeCloseTo(10, 4); // 64 px/s * 10 steps of 1/64 s
    expect(h.reloader.version).toBe(1);

    fixture.setConst("SPEED", "2.0");
    fixture.setConst("STAMP", "2");
    await fixture.build();
    await h.until(() => (record(), stamps.at(-1) === 2), 1500, "new stamp");
    const swapAt = stamps.indexOf(2);
    // The build staged (a watcher timer, between frames) waits one frame boundary at most: no frame
    // but the one just before the swap ended with it waiting (it may also be staged and swapped
    // within one boundary), and the frame that swapped it ran it, under the new version.
    expect(waiting.flatMap((w, i) => (w && i !== swapAt - 1 ? [i] : []))).toEqual([]);
    expect([versions[swapAt - 1], versions[swapAt]]).toEqual([1, 2]);
    // positions continue from where they were: the step before the swap moved 1, the swap step 2
    expect(xs[swapAt - 1]! - xs[swapAt - 2]!).toBeCloseTo(1, 4);
    expect(xs[swapAt]! - xs[swapAt - 1]!).toBeCloseTo(2, 4);
    expect(xs[swapAt - 1]!).toBeGreaterThanOrEqual(10);
    expect(h.reloader.version).toBe(2);
    expect(h.reloader.wasUpdated()).toBe(true);
    expect(h.reloader.wasUpdated()).toBe(false);
    for (let i = 0; i < 20; i++) await h.frame();
    expect(h.reloader.version).toBe(2);
    const ok = h.events.filter((ev) => ev.type === "reload" && ev.status === "ok");
    expect(ok.length).toBe(1);
  }, SLOW);

  test("hooks and observers run in order: about → unload → load → reloaded", async () => {
    const h = await start();
    const mem = h.reloader.hostMemory;
    const log: string[] = [];
    h.reloader.onAboutToReload((ev) => void log.push(`about v${ev.nextVersion} loads=${hostU32(mem, 0)} unloads=${hostU32(mem, 4)}`));
    h.reloader.onReloaded((ev) => void log.push(`reloaded v${ev.version} loads=${hostU32(mem, 0)} unloads=${hostU32(mem, 4)} stamp=${hostU32(mem, 8)}`));
    expect(hostU32(mem, 0)).toBe(1); // the first load ran its hook
    fixture.setConst("STAMP", "7");
    await fixture.build();
    await h.until(() => h.reloader.version === 2);
    expect(log).toEqual(["about v2 loads=1 unloads=0", "reloaded v2 loads=2 unloads=1 stamp=7"]);
  }, SLOW);

  test("a held token delays the swap until it is released", async () => {
    const h = await start();
    const e = spawn(h.app.world, Stamp);
    let token: { release(): void } | undefined;
    h.reloader.onAboutToReload((ev) => {
      token = ev.block();
    });
    fixture.setConst("STAMP", "3");
    await fixture.build();
    await h.until(() => token !== undefined, 500, "about-to-reload");
    for (let i = 0; i < 30; i++) await h.frame();
    expect(h.reloader.hasPending).toBe(true);
    expect(h.reloader.version).toBe(1);
    expect(Stamp.value[e]).toBe(1);
    token!.release();
    await h.frame();
    expect(h.reloader.version).toBe(2);
    expect(Stamp.value[e]).toBe(3);
  }, SLOW);

  test("manual mode reloads only when asked", async () => {
    const h = await start(undefined, { mode: "manual" });
    const e = spawn(h.app.world, Stamp);
    fixture.setConst("STAMP", "4");
    await fixture.build();
    await h.until(() => h.events.some((ev) => ev.type === "info" && ev.message.includes("ready")), 500, "build-ready notice");
    for (let i = 0; i < 20; i++) await h.frame();
    expect(h.reloader.version).toBe(1);
    expect(Stamp.value[e]).toBe(1);
    h.reloader.requestReload();
    await h.frame();
    expect(h.reloader.version).toBe(2);
    expect(Stamp.value[e]).toBe(4);
  }, SLOW);

  test("an unknown system name fails at registration with the list of exports", async () => {
    const h = await start();
    expect(() => h.app.addSystems(FixedUpdate, hotSystem("muver"))).toThrow(
      `hotSystem("muver"): lib${fixture.crate}.so exports no system of that name (exports: mover, stamp, trap, noop, counter, pinger, listener, bullets, bad_commands, haunt)`,
    );
  }, SLOW);

  test("a panic rolls back to the previous library within the frame", async () => {
    // the trap springs only in the build with STAMP 2
    const h = await start(["stamp", "trap"], {}, (f) => f.edit("if t.armed != 0 {", "if t.armed != 0 && STAMP == 2 {"));
    const e = spawn(h.app.world, Stamp);
    const trap = spawn(h.app.world, Trap);
    fixture.setConst("STAMP", "2");
    await fixture.build();
    await h.until(() => Stamp.value[e] === 2);
    Trap.armed[trap] = 1;
    await h.frame();
    const panic = h.events.find((ev) => ev.type === "panic");
    expect(panic).toMatchObject({ type: "panic", system: "trap", action: "rolled_back" });
    expect((panic as { message: string }).message).toMatch(/trap sprung \(stamp 2\) \(at .*lib\.rs:\d+:\d+\)/);
    expect(h.reloader.version).toBe(3); // v1 code again, as version 3
    await h.frame();
    expect(Stamp.value[e]).toBe(1); // the rolled-back code runs
    expect(h.events.filter((ev) => ev.type === "panic").length).toBe(1); // v1's trap does not fire at stamp 1
  }, SLOW);
});

describe("static mode", () => {
  test("a bare library name runs the file that was read and checked, never one found through LD_LIBRARY_PATH", async () => {
    fixture = new Fixture();
    await fixture.build();
    const here = mkdtempSync(join(tmpdir(), "hotloop-static-"));
    const elsewhere = mkdtempSync(join(tmpdir(), "hotloop-static-other-"));
    const name = basename(fixture.library);
    copyFileSync(fixture.library, join(here, name)); // stamp 1: the file hotloop reads
    fixture.setConst("STAMP", "7");
    await fixture.build();
    copyFileSync(fixture.library, join(elsewhere, name)); // stamp 7: what dlopen of a bare name would find first
    try {
      // LD_LIBRARY_PATH is read when a process starts: the child gets it from the start.
      const child = Bun.spawn([process.execPath, join(import.meta.dir, "static-child.ts"), name], {
        cwd: here,
        env: { ...process.env, LD_LIBRARY_PATH: elsewhere },
        stdout: "pipe",
        stderr: "pipe",
      });
      const [out, err, code] = await Promise.all([new Response(child.stdout).text(), new Response(child.stderr).text(), child.exited]);
      expect({ code, err }).toEqual({ code: 0, err: "" });
      expect(JSON.parse(out)).toEqual({ stamp: 1, loaded: [join(here, name)] });
    } finally {
      rmSync(here, { recursive: true, force: true });
      rmSync(elsewhere, { recursive: true, force: true });
    }
  }, SLOW);

  test("loads the build output once: no watcher, no copy, rebuilds are ignored", async () => {
    fixture = new Fixture();
    await fixture.build();
    const clock = new ManualClock();
    const app = new App({ clock });
    app.registerComponents(Position, Velocity, Stamp, Trap);
    app.addPlugins(HotPlugin({ library: fixture.library, reload: false, reporter: () => {} }));
    app.addSystems(FixedUpdate, hotSystem("stamp"));
    const reloader = app.resource(HotReloader);
    expect(reloader.shadowDir).toBeUndefined();
    expect(reloader.loadedPaths()).toEqual([fixture.library]);
    const e = spawn(app.world, Stamp);
    fixture.setConst("STAMP", "9");
    await fixture.build();
    for (let i = 0; i < 30; i++) {
      clock.advance(STEP_MS);
      app.update();
      await Bun.sleep(2);
    }
    expect(Stamp.value[e]).toBe(1);
    expect(reloader.version).toBe(1);
    // A second HotPlugin would replace the first and orphan its systems: refused with one line.
    expect(() => app.addPlugins(HotPlugin({ library: fixture!.library, reload: false }))).toThrow(
      `HotPlugin: ${fixture.library} is already loaded by a HotPlugin of this app (add it once)`,
    );
    expect(() => app.addPlugins(HotPlugin({ library: "other/libgame.so", reload: false }))).toThrow(
      `HotPlugin: this app already has a HotPlugin for ${fixture.library}; one hot library per app (put the systems of other/libgame.so in that crate)`,
    );
    expect(app.resource(HotReloader)).toBe(reloader);
    app.shutdown();
  }, SLOW);
});
