/**
 * Issue 5, case 4: the build. A compile error while the game runs (through reportedBuild, which the
 * dev runner prints with), and a storm of 50 writes of the library within a second.
 */
import { afterEach, describe, expect, test } from "bun:test";
import { appendFileSync, statSync, writeFileSync } from "node:fs";
import { reportedBuild, type CargoResult } from "../../src/dev/cargo.ts";
import { formatEvent, type HotEvent } from "../../src/hot/index.ts";
import { Fixture, FIXTURE_TARGET_DIR } from "../support/fixture.ts";
import { variants } from "../support/variants.ts";
import { reliabilityFile, rig, SLOW, type Rig } from "./rig.ts";

reliabilityFile();

let fixture: Fixture | undefined;
let r: Rig | undefined;

afterEach(() => {
  fixture?.cleanup();
  fixture = undefined;
});

describe("the build", () => {
  test("a compile error: the build reports the file and the cause, the game keeps running, the fixed build loads", async () => {
    fixture = new Fixture();
    await fixture.build();
    const running = (r = await rig(fixture.library));
    await running.frames(3);
    expect(running.stamp()).toBe(1);
    const published = statSync(fixture.library).mtimeMs;
    const build: HotEvent[] = [];
    const options = { cwd: fixture.dir, targetDir: FIXTURE_TARGET_DIR };
    fixture.edit("*s.value = STAMP;", "*s.value = STAMP_TYPO;");
    // The game runs frames while cargo compiles and fails.
    let result: CargoResult | undefined;
    const compiling = reportedBuild(fixture.crate, options, (ev) => void build.push(ev)).then((res) => void (result = res));
    let frames = 0;
    while (result === undefined) {
      await running.frame();
      frames++;
    }
    await compiling;
    expect(result.ok).toBe(false);
    // (1) what the dev runner prints: a header, then the compiler's line naming the file and the cause
    const lines = build.map(formatEvent);
    expect(lines[0]).toBe(`hotloop: building ${fixture.crate}…`);
    const [header, ...diagnostics] = lines[1]!.split("\n");
    expect(header).toMatch(new RegExp(`^hotloop: build of ${fixture.crate} failed after [\\d.]+ m?s; the game keeps running the last good code$`));
    expect(diagnostics[0]).toMatch(/^src\/lib\.rs:\d+:\d+: error\[E0425\]: cannot find value `STAMP_TYPO` in this scope/);
    // (2) the build output was not touched; the game kept running v1, during the build and after
    expect(statSync(fixture.library).mtimeMs).toBe(published);
    await running.frames(20);
    expect(running.stamp()).toBe(1);
    expect(running.reloader.version).toBe(1);
    expect(running.lines()).toEqual([]);
    // (3)
    running.expectIntact();
    // (4) the fixed build loads
    fixture.edit("*s.value = STAMP_TYPO;", "*s.value = STAMP;");
    fixture.setConst("STAMP", "2");
    expect((await reportedBuild(fixture.crate, options, (ev) => void build.push(ev))).ok).toBe(true);
    expect(formatEvent(build.at(-1)!)).toMatch(new RegExp(`^hotloop: built ${fixture.crate} in [\\d.]+ m?s$`));
    await running.until(() => running.stamp() === 2, 1500, "stamp 2");
    expect(running.reloader.version).toBe(2);
    running.expectIntact();
    console.log(`compile error: the game ran ${frames} frames while cargo failed`);
  }, SLOW);

  test("50 writes of the library within a second: nothing half-written is loaded, the last write wins", async () => {
    const v = await variants("stamp1", "stamp2", "stamp3");
    const builds = [v.stamp1, v.stamp2, v.stamp3];
    const running = (r = await rig(v.stamp1));
    await running.frames(3);
    const writes = 50;
    let written = 0;
    const start = performance.now();
    const storm = (async () => {
      for (let i = 0; i < writes; i++) {
        // Each write lands in two halves in place, a few ms apart: a reader can see half a build.
        const bytes = i % 2 === 0 ? v.stamp2 : v.stamp3;
        const half = bytes.length >> 1;
        writeFileSync(running.library, bytes.subarray(0, half));
        await Bun.sleep(1 + Math.random() * 4);
        appendFileSync(running.library, bytes.subarray(half));
        written++;
        await Bun.sleep(Math.max(0, start + (i + 1) * 18 - performance.now()));
      }
    })();
    const stamps = new Set<number>();
    while (written < writes) {
      await running.frame();
      stamps.add(running.stamp());
      running.expectLoadedAmong(builds); // every copy ever loaded is a whole build
    }
    await storm;
    const stormMs = performance.now() - start;
    await running.until(() => running.stamp() === 3 && !running.reloader.hasPending, 1500, "the last write");
    await running.frames(10);
    const { stats } = running.reloader;
    console.log(`50 writes in ${stormMs.toFixed(0)} ms: ${stats.stagings} stagings, ${stats.swaps} swaps (loads after the first), ${stats.refusals} refusals`);
    // (1) nothing was refused: half-written files are waited for, not reported
    expect(running.refusals()).toEqual([]);
    // (2) only whole builds ever ran
    expect([...stamps].every((s) => s >= 1 && s <= 3)).toBe(true);
    // (3)
    running.expectIntact();
    // (4) the last write won, and the version counts every swap
    expect(running.stamp()).toBe(3);
    expect(stats.swaps).toBeGreaterThanOrEqual(1);
    expect(running.reloader.version).toBe(1 + stats.swaps);
    running.expectLoadedAmong(builds);
  }, SLOW);
});
