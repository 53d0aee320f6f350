/**
 * What the window tests (test/window/*) need, asked the same way by the runner (scripts/test.ts)
 * and by the tests themselves (`skipIf`), so the two never disagree about what is skipped.
 *
 * A machine with only Bun and cargo skips them with one line that says how to enable them; under
 * `CI=true` nothing is skipped: a missing prerequisite fails. To try the bare-machine path on a
 * full one: `HOTLOOP_CACHE_DIR=$(mktemp -d) HOTLOOP_PRETEND_MISSING=xvfb,cmake,libx11-dev bun run test`
 * (an empty cache, so the raylib build is needed, and those packages counted as absent).
 */
import { pretendMissing, raylibBuildProblem } from "../../src/render/build-raylib.ts";
import { displayProblem } from "../../src/render/raylib.ts";

/** CI must run everything it can install: there a missing prerequisite is a failure, not a skip. */
export const onCI = process.env.CI === "true" || process.env.CI === "1";

/** Set by scripts/test.ts once it printed the skip line, so the tests do not repeat it. */
const NOTICE_ENV = "HOTLOOP_WINDOW_TESTS_NOTICE";

/** The packages missing to start an X server of our own with `xvfb-run` (which needs xauth too). */
export function xvfbMissing(): string[] {
  const missing: string[] = [];
  if (pretendMissing("xvfb") || !Bun.which("Xvfb") || !Bun.which("xvfb-run")) missing.push("xvfb");
  if (pretendMissing("xauth") || !Bun.which("xauth")) missing.push("xauth");
  return missing;
}

/** Why some window tests cannot run here: one-line reasons, and the packages that fix them. */
export interface WindowTestsProblem {
  reasons: string[];
  packages: string[];
}

/** What a group of window tests needs besides raylib. */
export interface WindowNeeds {
  /**
   * "answering": an X display must answer now (inside the tests); "xvfb-run": one answers, or
   * xvfb-run can start one (the runner, which will); "none": no display at all.
   */
  display: "answering" | "xvfb-run" | "none";
  /** The `Xvfb` binary itself (a test that starts its own server). */
  xvfb?: boolean;
}

/** What stands in the way of tests with these needs, or undefined when nothing does. */
export function windowTestsProblem(needs: WindowNeeds): WindowTestsProblem | undefined {
  const reasons: string[] = [];
  const packages: string[] = [];
  const display = needs.display === "none" ? undefined : displayProblem();
  const xvfb = xvfbMissing();
  if (display && needs.display === "answering") {
    reasons.push(display);
  } else if (display && xvfb.length > 0) {
    reasons.push(process.env.DISPLAY ? `${display}, and no Xvfb to use instead` : "no X display and no Xvfb");
    packages.push(...xvfb);
  } else if (needs.xvfb && xvfb.length > 0) {
    reasons.push("no Xvfb");
    packages.push(...xvfb);
  }
  const raylib = raylibBuildProblem();
  if (raylib) {
    reasons.push(raylib.reason);
    packages.push(...raylib.packages.filter((p) => !packages.includes(p)));
  }
  return reasons.length > 0 ? { reasons, packages } : undefined;
}

/** The one line that says what was not run, why, and how to enable it. */
export function windowTestsLine(problem: WindowTestsProblem, verdict: "skipped" | "cannot run"): string {
  const fix = problem.packages.length > 0 ? ` (apt-get install -y ${problem.packages.join(" ")})` : "";
  return `test: ${verdict} the window tests: ${problem.reasons.join("; ")}${fix}`;
}

const shown = new Set<string>();

/**
 * For `describe.skipIf(...)`: true when tests with these needs cannot run here (never under CI,
 * where they run and fail with raylib's or the display's own one-line error). Prints the skip
 * line once per process unless the runner already did.
 */
export function skipWindowTests(needs: WindowNeeds): boolean {
  if (onCI) return false;
  const problem = windowTestsProblem(needs);
  if (!problem) return false;
  const line = windowTestsLine(problem, "skipped");
  if (process.env[NOTICE_ENV] !== "shown" && !shown.has(line)) {
    shown.add(line);
    console.warn(line);
  }
  return true;
}

/** Tells the tests started by the runner that the skip line was printed already. */
export function noticeShownEnv(): Record<string, string> {
  return { [NOTICE_ENV]: "shown" };
}

/** Starts an Xvfb of its own (with `args`, e.g. "-extension", "GLX" to turn GLX off) on a display number it picks itself; resolves once it accepts clients. */
export async function startXvfb(...args: string[]): Promise<{ display: string; stop: () => Promise<void> }> {
  // -displayfd: Xvfb chooses a free number and writes it once it is ready for connections.
  const proc = Bun.spawn(["Xvfb", "-displayfd", "1", ...args, "-nolisten", "tcp", "-screen", "0", "1024x768x24"], {
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
  });
  const stop = async (): Promise<void> => {
    proc.kill();
    await proc.exited;
  };
  const reader = proc.stdout.getReader();
  let out = "";
  const deadline = Date.now() + 20_000;
  while (!out.includes("\n") && Date.now() < deadline) {
    const chunk = await Promise.race([reader.read(), Bun.sleep(deadline - Date.now()).then(() => undefined)]);
    if (!chunk || chunk.done) break;
    out += new TextDecoder().decode(chunk.value);
  }
  reader.releaseLock();
  const n = /^(\d+)\n/.exec(out)?.[1];
  if (n === undefined) {
    await stop();
    throw new Error(`Xvfb did not report a display: ${out}${await new Response(proc.stderr).text()}`);
  }
  return { display: `:${n}`, stop };
}
