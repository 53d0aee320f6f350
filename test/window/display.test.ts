/**
 * A window that cannot open is one clear line and no window, never a crash. raylib (this snapshot)
 * segfaults the process when its platform fails to start, so the display is checked first (set,
 * answering, with GLX), and the shim stops raylib before it touches what is missing.
 */
import { afterEach, expect, test } from "bun:test";
import { resolve } from "node:path";
import { displayProblem, hasDisplay, headlessRaylib, loadRaylib, loadRaylibSync } from "../../src/render/raylib.ts";
import { skipWindowTests, startXvfb } from "../support/window-env.ts";

const saved = process.env.DISPLAY;
afterEach(() => {
  if (saved === undefined) delete process.env.DISPLAY;
  else process.env.DISPLAY = saved;
});

/** The first build of raylib takes about a minute on two cores; later runs hit the cache. */
const BUILD_TIMEOUT_MS = 600_000;
const NO_GLX_CHILD = resolve(import.meta.dir, "../support/window-no-glx-child.ts");

test.skipIf(process.platform !== "linux" || skipWindowTests({ display: "none" }))("a missing or silent X display is named, not crashed into", () => {
  delete process.env.DISPLAY;
  expect(displayProblem()).toBe("DISPLAY is not set (run under `xvfb-run -a`, or headless)");
  process.env.DISPLAY = ":87";
  expect(displayProblem()).toBe("the X display :87 does not answer (is the X server running?)");
  expect(hasDisplay()).toBe(false);
  const rl = loadRaylibSync();
  expect(() => rl.initWindow(320, 240, "never")).toThrow("raylib: cannot open a window: the X display :87 does not answer (is the X server running?)");
  expect(rl.isWindowReady()).toBe(false);
  expect(() => headlessRaylib().initWindow(320, 240, "headless needs no display")).not.toThrow();
}, BUILD_TIMEOUT_MS);

test.skipIf(process.platform !== "linux" || skipWindowTests({ display: "none", xvfb: true }))(
  "an X server without GLX: displayProblem names GLX, initWindow and the plugin throw one line, the process lives",
  async () => {
    await loadRaylib(); // build or find raylib here, so the child only loads it
    const xvfb = await startXvfb("-extension", "GLX");
    try {
      const glx = `the X display ${xvfb.display} has no GLX extension (raylib needs OpenGL through GLX; run Xvfb with GLX, or use --headless)`;
      process.env.DISPLAY = xvfb.display;
      expect(displayProblem()).toBe(glx); // it answers (else "does not answer"), and lacks GLX

      const child = Bun.spawn(["bun", NO_GLX_CHILD], {
        env: { ...process.env, DISPLAY: xvfb.display },
        stdin: "ignore",
        stdout: "pipe",
        stderr: "pipe",
      });
      const [stdout, stderr, code] = await Promise.all([new Response(child.stdout).text(), new Response(child.stderr).text(), child.exited]);
      // A crash in raylib would end the child by a signal (Bun reports SIGSEGV as a panic).
      expect({ code, signal: child.signalCode, stderr: code === 0 ? "" : stderr }).toEqual({ code: 0, signal: null, stderr: "" });
      const seen = JSON.parse(stdout.trim().split("\n").at(-1)!);
      const line = `raylib: cannot open a window: ${glx}`;
      expect(seen).toEqual({
        displayProblem: glx,
        hasDisplay: false,
        initWindow: line,
        plugin: line,
        shimGuard: { ok: 0, reason: "GLFW could not create the window: GLX: GLX extension not found" },
        ready: false,
      });
    } finally {
      await xvfb.stop();
    }
  },
  BUILD_TIMEOUT_MS,
);
