/**
 * Issue 5, case 3: Rust code that panics, in a system's step, in the load hook and in the unload
 * hook. Panics are caught at the library's boundary (the SDK); the host rolls back, backs out or
 * disables, and says so in one line naming the build output.
 */
import { describe, expect, test } from "bun:test";
import { Position, Trap } from "../fixtures/hot-fixture/components.ts";
import { hostU32 } from "../support/fixture.ts";
import { literal, reliabilityFile, rig, SLOW, type Rig } from "./rig.ts";

const v = reliabilityFile("stamp1", "stamp2", "stamp3", "trapStamp1", "trapStamp2", "loadPanic", "unloadPanic", "returnPanic", "halfWrite");
let r: Rig | undefined;

/** `at src/lib.rs:line:col`, as the SDK reports a panic's place. */
const AT = String.raw`\(at src/lib\.rs:\d+:\d+\)`;

describe("a panic in Rust code is contained and reported once", () => {
  test("in a system's step: rolled back to the previous build within the frame", async () => {
    // trap runs before stamp, so the frame's later systems show which build they ran
    r = await rig(v.stamp1, ["mover", "trap", "stamp"]);
    const running = r;
    running.publish(v.trapStamp2); // a build whose armed trap panics
    await running.until(() => running.stamp() === 2, 1500, "stamp 2");
    expect(running.reloader.version).toBe(2);
    Trap.armed[running.ids.trap] = 1;
    await running.frame(); // one frame: v2's trap panics, v1 comes back, v1's stamp runs
    // (2) within that same frame the rest of the frame ran the previous build
    expect(running.stamp()).toBe(1);
    expect(running.reloader.version).toBe(3);
    // (1)
    expect(running.lines((e) => e.type === "panic")).toEqual([
      expect.stringMatching(
        new RegExp(`^hotloop: system trap of ${literal(running.library)} v2 panicked: trap sprung \\(stamp 2\\) ${AT}; rolled back to the previous build \\(now v3\\)$`),
      ),
    ]);
    await running.frames(20); // v1's trap does not fire although it stays armed
    expect(running.lines((e) => e.type === "panic")).toHaveLength(1);
    expect(running.stamp()).toBe(1);
    // (3)
    running.expectIntact();
    // (4)
    running.publish(v.stamp3);
    await running.until(() => running.stamp() === 3, 1500, "stamp 3");
    expect(running.reloader.version).toBe(4);
    running.expectIntact();
  }, SLOW);

  for (const probationFrames of [60, 0]) {
    test(`a panic half-way through a system's writes ${probationFrames ? "while its build is on probation: the rows are put back" : "without probation (probationFrames: 0, as once it is over): what was written stays"}`, async () => {
      r = await rig(v.stamp1, ["mover", "stamp"], { probationFrames });
      const running = r;
      running.publish(v.halfWrite);
      await running.until(() => running.stamp() === 4, 1500, "stamp 4");
      const moving = running.ids.moving;
      const before = [Position.x[moving], Position.y[moving]];
      running.reloader.hostMemory[16] = 1; // arm: the next mover call writes its first row, then panics
      await running.frame(); // one fixed step: v2's mover panics, v1 comes back
      expect(running.lines((e) => e.type === "panic")).toEqual([expect.stringContaining("panicked: mover half done")]);
      running.reloader.hostMemory[16] = 0;
      const after = [Position.x[moving], Position.y[moving]];
      if (probationFrames) {
        expect(after).toEqual(before); // exactly as the last good code left it
      } else {
        expect(after).toEqual([before[0]! + 1, before[1]]); // x was written before the panic, y was not
      }
      expect(running.stamp()).toBe(1); // rolled back within the frame
    }, SLOW);
  }

  test("a rollback is a version change like a swap: reloaded observers (cause rollback) and wasUpdated() agree", async () => {
    r = await rig(v.stamp1, ["mover", "trap", "stamp"]);
    const running = r;
    const causes: string[] = [];
    running.reloader.onReloaded((e) => void causes.push(`${e.cause} v${e.version}`));
    running.publish(v.trapStamp2);
    await running.until(() => running.stamp() === 2, 1500, "stamp 2");
    expect(running.reloader.wasUpdated()).toBe(true);
    Trap.armed[running.ids.trap] = 1;
    await running.frame();
    expect(causes).toEqual(["swap v2", "rollback v3"]);
    expect(running.reloader.wasUpdated()).toBe(true);
    expect(running.reloader.wasUpdated()).toBe(false);
  }, SLOW);

  test("a build that panicked is not reloaded by itself, but loads again once another build ran", async () => {
    r = await rig(v.stamp1, ["mover", "trap", "stamp"]);
    const running = r;
    running.publish(v.trapStamp2);
    await running.until(() => running.stamp() === 2, 1500, "stamp 2");
    Trap.armed[running.ids.trap] = 1;
    await running.frame(); // rolled back to stamp 1 (v3)
    Trap.armed[running.ids.trap] = 0;
    running.publish(v.trapStamp2); // the same bytes again: not loaded over the build it panicked against
    await running.frames(30);
    expect([running.stamp(), running.reloader.version]).toEqual([1, 3]);
    running.publish(v.stamp3);
    await running.until(() => running.stamp() === 3, 1500, "stamp 3");
    running.publish(v.trapStamp2); // after another build ran, the user may go back to it on purpose
    await running.until(() => running.stamp() === 2, 1500, "stamp 2 again");
    expect(running.reloader.version).toBe(5);
    running.expectIntact();
  }, SLOW);

  test("a rollback whose load hook panics: the panicking build is restored with its own load hook, the system disabled, nothing stale kept", async () => {
    r = await rig(v.returnPanic, ["mover", "trap", "stamp"]); // its load hook panics when loaded a third time
    const running = r;
    const memory = running.reloader.hostMemory;
    running.publish(v.trapStamp2);
    await running.until(() => running.stamp() === 2, 1500, "stamp 2");
    Trap.armed[running.ids.trap] = 1;
    await running.frames(5);
    expect(running.lines((e) => e.type === "warning" || e.type === "panic")).toEqual([
      expect.stringMatching(new RegExp(`^hotloop: warning: ${literal(running.library)}: rollback failed, its load hook panicked: on_load refuses to come back \\(stamp 1\\) ${AT}; staying on v2$`)),
      expect.stringMatching(new RegExp(`^hotloop: system trap of ${literal(running.library)} v2 panicked: trap sprung \\(stamp 2\\) ${AT}; disabled until the next good build$`)),
    ]);
    // v2 runs, re-initialised by its own load hook after its unload hook ran. Loads counted: v1, v2,
    // v2 again (v1's second load panicked before counting); unloads: v1 at the swap, v2 at the rollback.
    expect([running.stamp(), running.reloader.version]).toEqual([2, 2]);
    expect([hostU32(memory, 0), hostU32(memory, 4), hostU32(memory, 8)]).toEqual([3, 2, 2]);
    expect(running.reloader.loadedPaths()).toHaveLength(1); // v1 cannot be rolled back to: closed
    running.expectIntact();
    running.publish(v.stamp3);
    await running.until(() => running.stamp() === 3, 1500, "stamp 3");
    running.expectIntact();
  }, SLOW);

  test("a system that still panics after the rollback is disabled, reported once, until the next good build", async () => {
    r = await rig(v.trapStamp1, ["mover", "trap", "stamp"]); // its trap panics too
    const running = r;
    running.publish(v.trapStamp2);
    await running.until(() => running.stamp() === 2, 1500, "stamp 2");
    Trap.armed[running.ids.trap] = 1;
    await running.frames(30);
    const panics = running.lines((e) => e.type === "panic");
    // (1) one line for the rollback, one for disabling, and no more in 30 frames
    expect(panics).toEqual([
      expect.stringMatching(new RegExp(`^hotloop: system trap of ${literal(running.library)} v2 panicked: trap sprung \\(stamp 2\\) ${AT}; rolled back to the previous build \\(now v3\\)$`)),
      expect.stringMatching(new RegExp(`^hotloop: system trap of ${literal(running.library)} v3 panicked: trap sprung \\(stamp 1\\) ${AT}; disabled until the next good build$`)),
    ]);
    expect(running.reloader.stats.panics).toBe(2);
    // (2) the other systems keep running the rolled-back build
    expect(running.stamp()).toBe(1);
    expect(running.reloader.version).toBe(3);
    // (3)
    running.expectIntact();
    // (4) the next good build loads and re-enables the system (still armed, it no longer panics)
    running.publish(v.stamp3);
    await running.until(() => running.stamp() === 3, 1500, "stamp 3");
    await running.frames(10);
    expect(running.reloader.version).toBe(4);
    expect(running.reloader.stats.panics).toBe(2);
    running.expectIntact();
  }, SLOW);

  test("in the load hook: the new build is refused and the running one restored with its own load hook", async () => {
    r = await rig(v.stamp1);
    const running = r;
    const memory = running.reloader.hostMemory;
    await running.frames(3);
    running.publish(v.loadPanic);
    await running.until(() => running.refusals().length > 0, 1500, "the refusal");
    // (1)
    expect(running.refusals()).toEqual([
      expect.stringMatching(new RegExp(`^hotloop: refused ${literal(running.library)}: load hook panicked: on_load failed \\(stamp 5\\) ${AT} \\(still running v1\\)$`)),
    ]);
    // (2) v1 ran its unload hook, then its load hook again: loads 2, unloads 1, stamp 1 in host memory
    expect([hostU32(memory, 0), hostU32(memory, 4), hostU32(memory, 8)]).toEqual([2, 1, 1]);
    await running.frames(20);
    expect(running.refusals()).toHaveLength(1);
    expect(running.stamp()).toBe(1);
    expect(running.reloader.version).toBe(1);
    // (3)
    running.expectIntact();
    // (4)
    running.publish(v.stamp2);
    await running.until(() => running.stamp() === 2, 1500, "stamp 2");
    expect(running.reloader.version).toBe(2);
    expect(hostU32(memory, 8)).toBe(2);
    running.expectIntact();
  }, SLOW);

  test("in the unload hook: reported with the file, and the new build still takes over", async () => {
    // The unload hook belongs to the build being replaced; refusing the new one would keep the
    // bug running and block every fix, so hotloop warns and goes on with the new build.
    r = await rig(v.unloadPanic);
    const running = r;
    await running.frames(3);
    expect(running.stamp()).toBe(6);
    running.publish(v.stamp2);
    await running.until(() => running.stamp() === 2, 1500, "stamp 2");
    // (1)
    expect(running.lines((e) => e.type === "warning")).toEqual([
      expect.stringMatching(
        new RegExp(`^hotloop: warning: ${literal(running.library)}: unload hook panicked: on_unload failed \\(stamp 6\\) ${AT} \\(continuing with the new library\\)$`),
      ),
    ]);
    // (2) the good code runs: the new build, as version 2
    expect(running.reloader.version).toBe(2);
    await running.frames(10);
    expect(running.lines((e) => e.type === "warning")).toHaveLength(1);
    // (3)
    running.expectIntact();
    // (4) and the next build after it loads as usual
    running.publish(v.stamp3);
    await running.until(() => running.stamp() === 3, 1500, "stamp 3");
    expect(running.reloader.version).toBe(3);
    expect(running.lines((e) => e.type === "warning")).toHaveLength(1);
    running.expectIntact();
  }, SLOW);
});
