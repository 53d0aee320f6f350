/**
 * The X server goes away under a running game (the window killed, the display gone): one line
 * says so, the game ends with code 1, and its shadow copies go with it. (It cannot go on headless:
 * libX11 ends the process once its I/O error handler returns.)
 */
import { expect, test } from "bun:test";
import { readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { resolve } from "node:path";
import { loadRaylib } from "../../src/render/raylib.ts";
import { skipWindowTests, startXvfb } from "../support/window-env.ts";

const REPO = resolve(import.meta.dir, "../..");

test.skipIf(process.platform !== "linux" || skipWindowTests({ display: "none", xvfb: true }))(
  "the X server dies while the example runs in a window with reload: one line, exit 1, no shadow dir left",
  async () => {
    await loadRaylib(); // built or found here, so the child only loads it
    const xvfb = await startXvfb();
    const game = Bun.spawn([process.execPath, "src/cli/main.ts", "dev", "--window", "--features", "reload"], {
      cwd: REPO,
      env: { ...process.env, DISPLAY: xvfb.display },
      stdout: "pipe",
      stderr: "pipe",
    });
    const shadowDirs = () => readdirSync(tmpdir()).filter((name) => name.startsWith(`hotloop-${game.pid}-`));
    try {
      const reader = game.stderr.getReader();
      let err = "";
      while (!err.includes("hotloop: watching")) {
        const { value, done } = await reader.read();
        if (done) throw new Error(`the game ended before it ran: ${err}`);
        err += new TextDecoder().decode(value);
      }
      expect(shadowDirs()).toHaveLength(1);
      await xvfb.stop(); // the display goes away under the window
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        err += new TextDecoder().decode(value);
      }
      expect(await game.exited).toBe(1);
      expect(err).toContain(`hotloop: the X server closed the window's connection (the window was killed, or the display ${xvfb.display} went away): the game ends\n`);
      expect(shadowDirs()).toEqual([]);
    } finally {
      game.kill("SIGKILL");
      await xvfb.stop();
    }
  },
  600_000,
);
