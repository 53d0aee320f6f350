/**
 * The timeline's keys and HUD in the example's window (Xvfb): keys pressed on the X display
 * (XTest, through GLFW and raylib as a person's would be) pause, step, loop and resume the game;
 * the game's Input never sees them; while paused or looping a bar at the bottom of the screen says
 * so, and it is gone once live again; Escape still closes the window while paused. The screenshots go to screenshots/timeline-*.png. Skipped
 * (one line) without a display or a raylib.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { Key, ManualClock, Timeline, type App } from "../../src/core/index.ts";
import { TimelineConsole } from "../../src/dev/timeline-controls.ts";
import { TIMELINE_HUD_BACKGROUND, TIMELINE_HUD_TEXT } from "../../src/dev/timeline-window.ts";
import type { HotEvent } from "../../src/hot/report.ts";
import { colorComponents } from "../../src/render/ffi-values.ts";
import { Raylib, type ScreenPixels } from "../../src/render/index.ts";
import { exampleApp, REPO, stepFrames } from "../support/example.ts";
import { skipWindowTests } from "../support/window-env.ts";
import { FakeKeyboard, KeySym } from "../support/xtest.ts";

const SLOW = 300_000;
const SHOTS = resolve(REPO, "screenshots");

/** Pixels of exactly `color` in the bottom `rows` rows of the screen. */
function countInBottom(pixels: ScreenPixels, color: number, rows: number): number {
  const [r, g, b] = colorComponents(color);
  let count = 0;
  const d = pixels.data;
  for (let y = pixels.height - rows; y < pixels.height; y++) {
    for (let x = 0; x < pixels.width; x++) {
      const i = (y * pixels.width + x) * 4;
      if (d[i] === r && d[i + 1] === g && d[i + 2] === b) count++;
    }
  }
  return count;
}

describe.skipIf(skipWindowTests({ display: "answering" }))("the timeline in a window", () => {
  const clock = new ManualClock();
  const events: Extract<HotEvent, { type: "timeline" }>[] = [];
  let app: App;
  let keys: FakeKeyboard;
  let capture: { path: string; pixels?: ScreenPixels } | undefined;

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    const built = Bun.spawnSync([process.execPath, resolve(REPO, "src/cli/main.ts"), "build"], { cwd: REPO, stdout: "pipe", stderr: "pipe" });
    expect(built.exitCode).toBe(0);
    // A key script holding D from frame 2, beside the window's keys: a resync must not take it away.
    const script = join(mkdtempSync(join(tmpdir(), "hotloop-timeline-keys-")), "keys.txt");
    writeFileSync(script, "2 down D\n");
    app = await exampleApp({ headless: false, timeline: true, clock, script, reporter: (e) => void (e.type === "timeline" && events.push(e)) });
    const rl = app.resource(Raylib);
    rl.beforeEndDrawing.push(() => {
      if (!capture) return;
      capture.pixels = rl.readScreen();
      rl.takeScreenshot(capture.path);
    });
    keys = new FakeKeyboard();
  }, SLOW);

  afterAll(() => {
    keys?.close();
    app?.shutdown();
  });

  const frames = (n: number) => stepFrames(app, clock, n);
  const timeline = () => app.resource(Timeline).status();

  async function shot(name: string): Promise<ScreenPixels> {
    capture = { path: resolve(SHOTS, name) };
    await frames(1);
    const pixels = capture.pixels!;
    capture = undefined;
    return pixels;
  }

  /** Presses and releases a key (with Shift held, if asked), with frames between so raylib sees each event. */
  async function press(keysym: number, shift = false): Promise<void> {
    if (shift) keys.key(KeySym.Shift_L, true);
    await frames(2);
    keys.key(keysym, true);
    await frames(3);
    keys.key(keysym, false);
    if (shift) keys.key(KeySym.Shift_L, false);
    await frames(3);
  }

  test("keys pause, step, loop and resume; the game never sees them; the HUD shows while paused or looping", async () => {
    await frames(120);
    const live = await shot("timeline-live.png");
    expect(countInBottom(live, TIMELINE_HUD_BACKGROUND, 40)).toBe(0);

    // F5, live: paused. Its press reached the timeline, not the game's Input (the poller ran that frame).
    await press(KeySym.F5);
    expect(events.at(-1)).toMatchObject({ key: "F5", command: "pause", status: "ok", mode: "paused" });
    expect(app.input.isKeyDown(Key.F5)).toBe(false);
    const at = timeline().cursor;
    const paused = await shot("timeline-paused.png");
    expect(timeline().cursor).toBe(at); // paused frames do not advance
    expect(countInBottom(paused, TIMELINE_HUD_BACKGROUND, 40)).toBeGreaterThan(paused.width * 10);
    expect(countInBottom(paused, TIMELINE_HUD_TEXT, 40)).toBeGreaterThan(100);

    // F6 a frame back, F7 a frame forward, Shift+F6 a second back.
    await press(KeySym.F6);
    expect(events.at(-1)).toMatchObject({ key: "F6", command: "back 1", frame: at - 1 });
    await press(KeySym.F7);
    expect(events.at(-1)).toMatchObject({ key: "F7", command: "step 1", frame: at });
    await press(KeySym.F6, true);
    expect(events.at(-1)).toMatchObject({ key: "Shift+F6", command: "back 1s", mode: "paused" });
    expect(events.at(-1)!.frame).toBeLessThan(at - 50);
    const loopStart = timeline().cursor;

    // F8: loop start; 20 frames on (a stdin line, the same console); F8: loop end, it plays; F8: cleared.
    await press(KeySym.F8);
    expect(events.at(-1)).toMatchObject({ key: "F8", command: "loop start", loopStart });
    app.resource(TimelineConsole).line("step 20");
    await frames(1);
    await press(KeySym.F8);
    expect(events.at(-1)).toMatchObject({ key: "F8", command: "loop end", mode: "looping", loopStart, loopEnd: loopStart + 20 });
    const looping = await shot("timeline-looping.png");
    expect(countInBottom(looping, TIMELINE_HUD_TEXT, 40)).toBeGreaterThan(100);
    await press(KeySym.F8);
    expect(events.at(-1)).toMatchObject({ key: "F8", command: "loop off", mode: "paused" });
    expect(events.at(-1)!.loopStart).toBeUndefined();

    // F10: replay on save on; F5: live again, the HUD gone.
    await press(KeySym.F10);
    expect(events.at(-1)).toMatchObject({ key: "F10", command: "replay on", replayOnSave: true });
    await press(KeySym.F5);
    expect(events.at(-1)).toMatchObject({ key: "F5", command: "resume", mode: "live" });
    const resumed = await shot("timeline-resumed.png");
    expect(countInBottom(resumed, TIMELINE_HUD_BACKGROUND, 40)).toBe(0);
    for (const key of [Key.F5, Key.F6, Key.F7, Key.F8, Key.F10]) expect(app.input.isKeyDown(key)).toBe(false);
    expect(events.filter((e) => e.status !== "ok")).toEqual([]);

    // A key held when paused and released while paused is up once live again (Input resynced from the window).
    keys.key(KeySym.Right, true);
    await frames(3);
    expect(app.input.isKeyDown(Key.RIGHT)).toBe(true);
    await press(KeySym.F5);
    expect(timeline().mode).toBe("paused");
    keys.key(KeySym.Right, false);
    await frames(3);
    await press(KeySym.F5);
    expect(timeline().mode).toBe("live");
    expect(app.input.isKeyDown(Key.RIGHT)).toBe(false);
    expect(app.input.isKeyDown(Key.D)).toBe(true); // the script's key: held again after the window's resync

    // Paused frames run no First, where the window's close is asked for: the timeline asks instead.
    await press(KeySym.F5);
    expect(timeline().mode).toBe("paused");
    expect(app.exitRequested).toBeUndefined();
    await press(KeySym.Escape);
    expect(app.exitRequested).toBe(0);
  }, SLOW);
});
