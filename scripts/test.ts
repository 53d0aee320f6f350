/**
 * `bun run test`: the whole suite. Runs `bun test` with a generous per-test timeout (bunfig's
 * `[test] timeout` is ignored by Bun) and, where no usable display exists but Xvfb is installed,
 * under `xvfb-run` so the window tests run too. Extra arguments go to `bun test`.
 *
 * Where the window tests cannot run (no Xvfb, or raylib can be neither found nor built), they are
 * skipped with one line saying why and how to enable them; under `CI=true` that line fails the run
 * instead. test/support/window-env.ts decides, for this script and for the tests alike.
 */
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
const cmd = useXvfb ? ["xvfb-run", "-a", "-s", "-screen 0 1280x1024x24", ...args] : args;
const proc = Bun.spawn(cmd, {
  stdio: ["inherit", "inherit", "inherit"],
  env: { ...process.env, ...(problem ? noticeShownEnv() : {}) },
});
process.exit(await proc.exited);
