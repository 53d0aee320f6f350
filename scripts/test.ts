/**
 * `bun run test`: the whole suite. Runs `bun test` with a generous per-test timeout (bunfig's
 * `[test] timeout` is ignored by Bun) and, where no display exists but Xvfb is installed, under
 * `xvfb-run` so the window tests run too. Extra arguments go to `bun test`.
 */
const args = ["bun", "test", "--timeout", "180000", ...process.argv.slice(2)];
const needsXvfb = !process.env.DISPLAY && Bun.which("xvfb-run") !== null;
const cmd = needsXvfb ? ["xvfb-run", "-a", "-s", "-screen 0 1280x1024x24", ...args] : args;
if (!process.env.DISPLAY && !needsXvfb) console.error("test: no DISPLAY and no xvfb-run: window tests will be skipped (apt-get install xvfb)");
const proc = Bun.spawn(cmd, { stdio: ["inherit", "inherit", "inherit"] });
process.exit(await proc.exited);
