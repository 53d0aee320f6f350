/**
 * Run by test/window/display.test.ts in a child `bun`, with DISPLAY pointing at an Xvfb started
 * without GLX: everything raylib-side that used to segfault happens here, so a crash shows as the
 * child's signal instead of taking the test runner down. Prints one JSON object of what it saw.
 */
import { App } from "../../src/core/index.ts";
import { RaylibPlugin } from "../../src/render/plugin.ts";
import { cstr, displayProblem, hasDisplay, loadRaylibSync } from "../../src/render/raylib.ts";

/** The message of what `fn` throws, or "did not throw". */
function thrown(fn: () => unknown): string {
  try {
    fn();
    return "did not throw";
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
}

const rl = loadRaylibSync();
const seen = {
  displayProblem: displayProblem(),
  hasDisplay: hasDisplay(),
  initWindow: thrown(() => rl.initWindow(320, 240, "no GLX")),
  plugin: thrown(() => new App().addPlugins(RaylibPlugin({ width: 320, height: 240, title: "no GLX" }))),
  // The shim's guard on its own, past the display check: raylib's InitWindow crashed right here.
  shimGuard: (() => {
    const reason = Buffer.alloc(512);
    const ok = rl.shim.hl_init_window(320, 240, cstr("no GLX"), reason, reason.length);
    return { ok, reason: reason.toString("utf8", 0, Math.max(0, reason.indexOf(0))) };
  })(),
  ready: rl.isWindowReady(),
};
console.log(JSON.stringify(seen));
