/**
 * raylib (this snapshot) crashes the process in GL setup when its platform fails to start, so a
 * window is opened only after the X display answered; otherwise one clear line, and the example
 * falls back to headless.
 */
import { afterEach, expect, test } from "bun:test";
import { displayProblem, headlessRaylib, loadRaylibSync } from "../../src/render/raylib.ts";
import { parseExampleArgs } from "../../examples/bevy-like/cli.ts";

const saved = process.env.DISPLAY;
afterEach(() => {
  if (saved === undefined) delete process.env.DISPLAY;
  else process.env.DISPLAY = saved;
});

test.skipIf(process.platform !== "linux")("a missing or silent X display is named, not crashed into", () => {
  delete process.env.DISPLAY;
  expect(displayProblem()).toBe("DISPLAY is not set (run under `xvfb-run -a`, or headless)");
  process.env.DISPLAY = ":87";
  expect(displayProblem()).toBe("the X display :87 does not answer (is the X server running?)");
  const rl = loadRaylibSync();
  expect(() => rl.initWindow(320, 240, "never")).toThrow("raylib: cannot open a window: the X display :87 does not answer (is the X server running?)");
  expect(rl.isWindowReady()).toBe(false);
  expect(() => headlessRaylib().initWindow(320, 240, "headless needs no display")).not.toThrow();
  expect(parseExampleArgs([], "debug").headless).toBe(true);
}, 600_000);
