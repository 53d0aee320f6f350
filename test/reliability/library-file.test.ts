/**
 * Issue 5, case 1: bad library files. Each test writes the bad file for real to the watched path
 * of a running app and checks the line that names it, that the game keeps running the last good
 * code with its data untouched, and that the next good build loads.
 */
import { afterEach, beforeAll, describe, expect, test } from "bun:test";
import { appendFileSync, unlinkSync, writeFileSync } from "node:fs";
import { variants } from "../support/variants.ts";
import { expectRefusedThenRecovers } from "./refusal.ts";
import { literal, rig, SLOW, type Rig } from "./rig.ts";
import type { RewriteJob } from "./rewriter.ts";

let v: Awaited<ReturnType<typeof build>>;
const build = () => variants("stamp1", "stamp2", "stamp3");
let r: Rig | undefined;

beforeAll(async () => {
  v = await build();
}, SLOW);

afterEach(() => {
  r?.cleanup();
  r = undefined;
});

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
    const rig_ = r;
    await rig_.frames(3);
    const chunks = 5;
    const size = Math.ceil(v.stamp2.length / chunks);
    let written = 0;
    const writing = (async () => {
      for (let i = 0; i < chunks; i++) {
        const chunk = v.stamp2.subarray(i * size, (i + 1) * size);
        if (i === 0) writeFileSync(rig_.library, chunk);
        else appendFileSync(rig_.library, chunk);
        written++;
        await Bun.sleep(50);
      }
    })();
    const seen = new Set<number>();
    while (written < chunks) {
      await rig_.frame();
      if (written < chunks) expect(rig_.stamp()).toBe(1); // the last chunk is not written yet: v1 runs
      rig_.expectLoadedAmong([v.stamp1, v.stamp2]);
      seen.add(rig_.stamp());
    }
    await writing;
    await rig_.until(() => rig_.stamp() === 2, 1500, "stamp 2");
    // (1) the only line is the reload of the complete file; no refusal on the way
    expect(rig_.lines()).toHaveLength(1);
    expect(rig_.lines()[0]).toMatch(reloadedLine(2));
    // (2) until then v1 ran; (4) then the complete build, once
    expect(rig_.reloader.version).toBe(2);
    expect(rig_.reloader.stats.swaps).toBe(1);
    // (3) nothing but the good code touched the data
    rig_.expectIntact();
  }, SLOW);

  test("deleted and then re-created", async () => {
    r = await rig(v.stamp1);
    const rig_ = r;
    await rig_.frames(3);
    unlinkSync(rig_.library);
    await rig_.until(() => rig_.lines().length > 0, 1500, "the deletion warning");
    await rig_.frames(20);
    expect(rig_.lines()).toEqual([`hotloop: warning: ${rig_.library}: the library was deleted; still running v1, waiting for a new build`]);
    expect(rig_.reloader.version).toBe(1);
    expect(rig_.stamp()).toBe(1);
    rig_.expectIntact();
    rig_.write(v.stamp2);
    await rig_.until(() => rig_.stamp() === 2, 1500, "stamp 2");
    expect(rig_.reloader.version).toBe(2);
    expect(rig_.lines()).toHaveLength(2);
    expect(rig_.lines()[1]).toMatch(reloadedLine(2));
    rig_.expectIntact();
  }, SLOW);

  test("replaced again and again while shadow copies are being made: only whole builds are ever loaded, the last one wins", async () => {
    r = await rig(v.stamp1);
    const rig_ = r;
    await rig_.frames(3);
    const builds = [v.stamp1, v.stamp2, v.stamp3];
    const worker = new Worker(new URL("./rewriter.ts", import.meta.url).href);
    let done = false;
    worker.onmessage = () => void (done = true);
    const job: RewriteJob = { path: rig_.library, builds: [v.stamp2, v.stamp3, v.stamp1], writes: 60, final: v.stamp3 };
    worker.postMessage(job);
    let frames = 0;
    try {
      while (!done) {
        // Stage now, in the middle of the writes (the watcher alone would wait for them to stop).
        rig_.reloader.requestReload();
        await rig_.frame();
        frames++;
        expect([1, 2, 3]).toContain(rig_.stamp());
        rig_.expectLoadedAmong(builds);
      }
    } finally {
      worker.terminate();
    }
    await rig_.until(() => rig_.stamp() === 3 && !rig_.reloader.hasPending, 1500, "the last build");
    await rig_.frames(10);
    rig_.expectLoadedAmong(builds);
    console.log(`replaced ${2 * job.writes + 1} times over ${frames} frames: ${rig_.reloader.stats.stagings} stagings, ${rig_.reloader.stats.swaps} swaps`);
    // (1) nothing was refused for being half-written; anything else that was refused names the file and why
    for (const line of rig_.refusals()) expect(line).toMatch(new RegExp(`^hotloop: refused ${literal(rig_.library)}: (the file changed while it was read|the file is still being written) \\(still running v\\d+\\)$`));
    // (2)/(4) every swap was a whole build; the last one runs
    expect(rig_.stamp()).toBe(3);
    expect(rig_.reloader.version).toBe(1 + rig_.reloader.stats.swaps);
    // (3)
    rig_.expectIntact();
  }, SLOW);
});
