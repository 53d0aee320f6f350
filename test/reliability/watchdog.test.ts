/**
 * A hung system is reported, not a frozen game: the watchdog (a thread of its own) names a hot
 * system that ran past its budget and stops it at its next use of a query, which then rolls back
 * like a panic. One that touches nothing of the SDK cannot be stopped: the watchdog says so.
 */
import { describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Trap } from "../fixtures/hot-fixture/components.ts";
import { captureStderr } from "../support/stderr.ts";
import { literal, reliabilityFile, rig, SLOW } from "./rig.ts";

const v = reliabilityFile("stamp1", "hang", "hangHard");

describe("the watchdog", () => {
  test("a system that loops forever over its query is stopped after its budget and rolled back", async () => {
    const r = await rig(v.stamp1, ["mover", "trap", "stamp"], { watchdogMs: 200 });
    r.publish(v.hang);
    await r.until(() => r.stamp() === 5, 1500, "stamp 5");
    Trap.armed[r.ids.trap] = 1;
    const stderr = await captureStderr(() => r.frame()); // trap loops until the watchdog stops it
    // The watchdog's own thread said it was stopping trap, once, for running past its budget; the
    // wait it reports is its decision (no clock is read here).
    const said = stderr.split("\n").filter((l) => l.startsWith("hotloop: warning: watchdog:"));
    expect(said).toEqual([expect.stringMatching(/^hotloop: warning: watchdog: system trap has not returned after \d+ ms \(budget 200 ms\): stopping it at its next use of a query or resource$/)]);
    expect(Number(/after (\d+) ms/.exec(said[0]!)![1])).toBeGreaterThanOrEqual(200);
    expect(r.lines((e) => e.type === "panic")).toEqual([
      expect.stringMatching(
        new RegExp(`^hotloop: system trap of ${literal(r.library)} v2 panicked: hotloop: stopped by the watchdog: the system ran past its time budget \\(at src/lib\\.rs:\\d+:\\d+\\); rolled back to the previous build \\(now v3\\)$`),
      ),
    ]);
    expect(r.stamp()).toBe(1); // the rest of the frame ran the previous build
    await r.frames(10); // and the game goes on: v1's trap does not hang
    r.expectIntact();
  }, SLOW);

  test("a system that touches nothing of the SDK cannot be stopped: the watchdog names it from its own thread, and Ctrl-C ends the frozen game", async () => {
    const dir = mkdtempSync(join(tmpdir(), "hotloop-watchdog-"));
    const library = join(dir, "libhot_fixture.so");
    writeFileSync(library, v.hangHard);
    const child = Bun.spawn([process.execPath, join(import.meta.dir, "watchdog-child.ts"), library], { stdout: "pipe", stderr: "pipe" });
    try {
      const reader = child.stderr.getReader();
      let err = "";
      const deadline = performance.now() + 30_000;
      while (!err.includes("the game is frozen") && performance.now() < deadline) {
        const { value, done } = await reader.read();
        if (done) break;
        err += new TextDecoder().decode(value);
      }
      const lines = err.split("\n").filter((l) => l.startsWith("hotloop: warning: watchdog:"));
      expect(lines).toEqual([
        expect.stringMatching(/^hotloop: warning: watchdog: system trap has not returned after \d+ ms \(budget 100 ms\): stopping it at its next use of a query or resource$/),
        expect.stringMatching(
          /^hotloop: warning: watchdog: system trap still has not returned after \d+ ms: it touches no query or resource \(a loop of its own: call hotloop_sdk::checkpoint\(\) in it\), so it cannot be stopped; the game is frozen \(Ctrl-C ends it\)$/,
        ),
      ]);
      expect(child.exitCode).toBeNull(); // frozen, not crashed
      // hotloop's own SIGINT handler (it removes the shadow dir) is JavaScript: while frozen, Ctrl-C has its default.
      child.kill("SIGINT");
      const ended = await Promise.race([child.exited.then(() => true), Bun.sleep(5000).then(() => false)]);
      expect({ ended, signal: child.signalCode }).toEqual({ ended: true, signal: "SIGINT" });
    } finally {
      child.kill("SIGKILL");
      await child.exited;
      rmSync(dir, { recursive: true, force: true });
    }
  }, SLOW);
});
