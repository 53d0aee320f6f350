/**
 * Issue 5, case 1: bad library files. Each test writes the bad file for real to the watched path
 * of a running app and checks the line that names it, that the game keeps running the last good
 * code with its data untouched, and that the next good build loads.
 */
import { describe, expect, test } from "bun:test";
import { appendFileSync, mkdtempSync, rmSync, unlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expectRefusedThenRecovers } from "./refusal.ts";
import { literal, reliabilityFile, rig, SLOW, type Rig } from "./rig.ts";
import type { RewriteJob } from "./rewriter.ts";

const v = reliabilityFile("stamp1", "stamp2", "stamp3");
let r: Rig | undefined;

/** The one-line "reloaded" report of the build output. */
const reloadedLine = (version: number) => new RegExp(`^hotloop: reloaded libhot_fixture\\.so → v${version} in [\\d.]+ m?s \\(`);

describe("a bad library file is refused with one line; the game keeps running; the next build loads", () => {
  test("an empty file", async () => {
    r = await rig(v.stamp1);
    await expectRefusedThenRecovers(r, () => r!.write(""), "the file is empty", v.stamp2, 2);
  }, SLOW);

  test("a file truncated in the middle", async () => {
    r = await rig(v.stamp1);
    const half = v.stamp2.subarray(0, v.stamp2.length >> 1);
    await expectRefusedThenRecovers(r, () => r!.write(half), `the file is truncated (${half.length} bytes; its headers point past the end)`, v.stamp3, 3);
  }, SLOW);

  test("random bytes", async () => {
    r = await rig(v.stamp1);
    const noise = crypto.getRandomValues(new Uint8Array(64 * 1024));
    noise[0] = 0; // not by chance an ELF magic number
    await expectRefusedThenRecovers(r, () => r!.write(noise), "not a shared library (no ELF header)", v.stamp2, 2);
  }, SLOW);

  test("a text file", async () => {
    r = await rig(v.stamp1);
    await expectRefusedThenRecovers(r, () => r!.write("this is not a library\n"), "not a shared library (no ELF header)", v.stamp2, 2);
  }, SLOW);
});

describe("a library file that is complete only in the end is loaded only then", () => {
  test("written in several chunks over 200 ms: nothing half-written is loaded, no refusal, then it loads", async () => {
    r = await rig(v.stamp1);
    const running = r;
    await running.frames(3);
    const chunks = 5;
    const size = Math.ceil(v.stamp2.length / chunks);
    let written = 0;
    const writing = (async () => {
      for (let i = 0; i < chunks; i++) {
        const chunk = v.stamp2.subarray(i * size, (i + 1) * size);
        if (i === 0) writeFileSync(running.library, chunk);
        else appendFileSync(running.library, chunk);
        written++;
        await Bun.sleep(50);
      }
    })();
    while (written < chunks) {
      await running.frame();
      if (written < chunks) expect(running.stamp()).toBe(1); // the last chunk is not written yet: v1 runs
      running.expectLoadedAmong([v.stamp1, v.stamp2]);
    }
    await writing;
    await running.until(() => running.stamp() === 2, 1500, "stamp 2");
    // (1) the only line is the reload of the complete file; no refusal on the way
    expect(running.lines()).toEqual([expect.stringMatching(reloadedLine(2))]);
    // (2) until then v1 ran; (4) then the complete build, once
    expect(running.reloader.version).toBe(2);
    expect(running.reloader.stats.swaps).toBe(1);
    // (3) nothing but the good code touched the data
    running.expectIntact();
  }, SLOW);

  test("deleted and then re-created", async () => {
    r = await rig(v.stamp1);
    const running = r;
    await running.frames(3);
    unlinkSync(running.library);
    await running.until(() => running.lines().length > 0, 1500, "the deletion warning");
    await running.frames(20);
    expect(running.lines()).toEqual([`hotloop: warning: ${running.library}: the library was deleted; still running v1, waiting for a new build`]);
    expect(running.reloader.version).toBe(1);
    expect(running.stamp()).toBe(1);
    running.expectIntact();
    running.write(v.stamp2);
    await running.until(() => running.stamp() === 2, 1500, "stamp 2");
    expect(running.reloader.version).toBe(2);
    expect(running.lines()).toHaveLength(2);
    expect(running.lines()[1]).toMatch(reloadedLine(2));
    running.expectIntact();
  }, SLOW);

  test("rewritten in place: not read until it has been left alone for a moment; a finished file replacing it is read at once", async () => {
    r = await rig(v.stamp1);
    const running = r;
    await running.frames(3);
    // In place, the inode the reloader read before: a reader could catch it mid-write, so it waits.
    running.write(v.stamp2);
    running.reloader.requestReload();
    expect(running.reloader.hasPending).toBe(false);
    expect(running.reloader.shadowDir!.files()).toEqual(["libhot_fixture-1.so"]);
    await running.until(() => running.stamp() === 2, 1500, "stamp 2");
    // A finished file renamed into place (as cargo links one) cannot be caught mid-write: staged at once.
    running.publish(v.stamp3);
    running.reloader.requestReload();
    expect(running.reloader.hasPending).toBe(true);
    await running.frame();
    expect(running.stamp()).toBe(3);
    // (1) no line but the two reloads; (2)/(4) each build ran in turn; (3)
    expect(running.lines()).toEqual([expect.stringMatching(reloadedLine(2)), expect.stringMatching(reloadedLine(3))]);
    expect(running.reloader.version).toBe(3);
    running.expectIntact();
  }, SLOW);

  test("replaced again and again while shadow copies are being made: only whole builds are ever loaded, the last one wins", async () => {
    r = await rig(v.stamp1);
    const running = r;
    await running.frames(3);
    const builds = [v.stamp1, v.stamp2, v.stamp3];
    const worker = new Worker(new URL("./rewriter.ts", import.meta.url).href);
    let done = false;
    worker.onmessage = () => void (done = true);
    const job: RewriteJob = { path: running.library, builds: [v.stamp2, v.stamp3, v.stamp1], writes: 150, pauseMs: 0.5, final: v.stamp3 };
    worker.postMessage(job);
    let frames = 0;
    try {
      while (!done) {
        // Stage now, several times a frame, in the middle of the writes (the watcher alone would
        // wait for them to stop).
        for (let k = 0; k < 5; k++) {
          running.reloader.requestReload();
          running.expectLoadedAmong(builds); // the copy just staged, if any, is a whole build
        }
        await running.frame();
        frames++;
        expect([1, 2, 3]).toContain(running.stamp());
        running.expectLoadedAmong(builds);
      }
    } finally {
      worker.terminate();
    }
    await running.until(() => running.stamp() === 3 && !running.reloader.hasPending, 1500, "the last build");
    await running.frames(10);
    running.expectLoadedAmong(builds);
    console.log(`replaced ${2 * job.writes + 1} times over ${frames} frames: ${running.reloader.stats.stagings} stagings, ${running.reloader.stats.swaps} swaps, ${running.refusals().length} refusals`);
    // (1) nothing was refused for being half-written; anything else that was refused names the file and why
    for (const line of running.refusals()) expect(line).toMatch(new RegExp(`^hotloop: refused ${literal(running.library)}: (the file changed while it was read|the file is still being written) \\(still running v\\d+\\)$`));
    // (2)/(4) every swap was a whole build; the last one runs
    expect(running.stamp()).toBe(3);
    expect(running.reloader.version).toBe(1 + running.reloader.stats.swaps);
    // (3)
    running.expectIntact();
  }, SLOW);

  test("a new build identical to the running one is said once, and nothing is loaded", async () => {
    r = await rig(v.stamp1);
    const running = r;
    running.publish(v.stamp1); // a save that changed nothing the compiler sees (a comment), linked anew
    await running.until(() => running.events.some((e) => e.type === "info" && e.message.includes("nothing to load")), 1500, "the line");
    await running.frames(20);
    expect(running.events.filter((e) => e.type === "info").map((e) => ("message" in e ? e.message : ""))).toEqual(["libhot_fixture.so: the new build is the one running (v1): nothing to load"]);
    expect(running.reloader.version).toBe(1);
    expect(running.reloader.stats.stagings).toBe(0);
  }, SLOW);

  test("a game started while builds land every few ms starts on a whole build, every time", async () => {
    const dir = mkdtempSync(join(tmpdir(), "hotloop-start-race-"));
    const library = join(dir, "libhot_fixture.so");
    writeFileSync(library, v.stamp1);
    const builds = [v.stamp1, v.stamp2, v.stamp3];
    const worker = new Worker(new URL("./rewriter.ts", import.meta.url).href);
    // In place and by rename, 0-15 ms apart, for longer than the starts take (ended below).
    const job: RewriteJob = { path: library, builds: [v.stamp2, v.stamp3, v.stamp1], writes: 100_000, pauseMs: 15, final: v.stamp1 };
    worker.postMessage(job);
    try {
      await Bun.sleep(20);
      for (let start = 0; start < 12; start++) {
        const game = await rig(library, ["stamp"]);
        try {
          await game.frames(2);
          expect([1, 2, 3]).toContain(game.stamp());
          game.expectLoadedAmong(builds);
        } finally {
          game.cleanup();
        }
      }
    } finally {
      worker.terminate();
      rmSync(dir, { recursive: true, force: true });
    }
  }, SLOW);
});
