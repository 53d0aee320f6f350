/**
 * `bun run test`: the whole suite. Runs `bun test` with a generous per-test timeout (bunfig's
 * `[test] timeout` is ignored by Bun) and, where no usable display exists but Xvfb is installed,
 * under `xvfb-run` so the window tests run too. Extra arguments go to `bun test`.
 *
 * Where the window tests cannot run (no Xvfb, or raylib can be neither found nor built), they are
 * skipped with one line saying why and how to enable them; under `CI=true` that line fails the run
 * instead. test/support/window-env.ts decides, for this script and for the tests alike.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { displayProblem } from "../src/render/raylib.ts";
import { noticeShownEnv, onCI, windowTestsLine, windowTestsProblem, xvfbMissing } from "../test/support/window-env.ts";

const args = ["bun", "test", "--timeout", "180000", ...process.argv.slice(2)];

const problem = windowTestsProblem({ display: "xvfb-run" });
if (problem && onCI) {
  console.error(`${windowTestsLine(problem, "cannot run")}; CI=true skips nothing`);
  process.exit(1);
}
if (problem) console.error(windowTestsLine(problem, "skipped"));

// A display that is unset, silent or without GLX is replaced by an Xvfb of our own when possible.
const useXvfb = displayProblem() !== undefined && xvfbMissing().length === 0;
// Xvfb's own output is kept (xvfb-run drops it by default): when a window test finds the server
// gone, its last lines say why.
const logDir = useXvfb ? mkdtempSync(join(tmpdir(), "hotloop-xvfb-")) : undefined;
const xvfbLog = logDir && join(logDir, "xvfb.log");
const cmd = xvfbLog ? ["xvfb-run", "-a", "-e", xvfbLog, "-s", "-screen 0 1280x1024x24", ...args] : args;
const proc = Bun.spawn(cmd, {
  stdio: ["inherit", "inherit", "inherit"],
  env: { ...process.env, ...(problem ? noticeShownEnv() : {}) },
});
const code = await proc.exited;
if (code !== 0 && xvfbLog && existsSync(xvfbLog)) {
  const tail = readFileSync(xvfbLog, "utf8").trim().split("\n").slice(-15).join("\n");
  if (tail) console.error(`test: the last lines of Xvfb's log (${xvfbLog}):\n${tail}`);
}
if (logDir) rmSync(logDir, { recursive: true, force: true });
process.exit(code);
