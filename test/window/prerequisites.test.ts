/**
 * On a machine with only Bun and cargo, `bun run test` skips the window tests with one line that
 * says why and how to enable them; under CI=true the same line fails the run. The bare machine is
 * simulated: an empty cache (so raylib would have to be built) and HOTLOOP_PRETEND_MISSING.
 */
import { afterEach, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { raylibBuildProblem } from "../../src/render/build-raylib.ts";

const REPO = resolve(import.meta.dir, "../..");
const KEYS = ["HOTLOOP_CACHE_DIR", "HOTLOOP_PRETEND_MISSING", "HOTLOOP_RAYLIB"] as const;
const saved = Object.fromEntries(KEYS.map((k) => [k, process.env[k]]));
const temps: string[] = [];
afterEach(() => {
  for (const k of KEYS) {
    if (saved[k] === undefined) delete process.env[k];
    else process.env[k] = saved[k];
  }
  for (const t of temps.splice(0)) rmSync(t, { recursive: true, force: true });
});

function emptyCache(): string {
  const t = mkdtempSync(join(tmpdir(), "hotloop-bare-"));
  temps.push(t);
  return t;
}

test("raylibBuildProblem names what the raylib build lacks, and an external raylib that is not there", () => {
  process.env.HOTLOOP_CACHE_DIR = emptyCache();
  process.env.HOTLOOP_PRETEND_MISSING = "cmake,libx11-dev";
  const problem = raylibBuildProblem();
  // Only when no system raylib exists does the build matter; this machine may have more missing.
  if (problem?.reason.includes("the raylib build")) {
    expect(problem.packages).toEqual(expect.arrayContaining(["cmake", "libx11-dev"]));
    expect(problem.reason).toMatch(/^cmake, .*libx11-dev.* for the raylib build are missing$/);
  }
  process.env.HOTLOOP_RAYLIB = "/nonexistent/libraylib.so";
  expect(raylibBuildProblem()).toEqual({ reason: "HOTLOOP_RAYLIB=/nonexistent/libraylib.so does not exist", packages: [] });
});

/** `bun scripts/test.ts <args>` on the simulated bare machine, without a display. */
async function runTests(ci: boolean): Promise<{ code: number; out: string }> {
  const env: Record<string, string | undefined> = {
    ...process.env,
    HOTLOOP_CACHE_DIR: emptyCache(),
    HOTLOOP_PRETEND_MISSING: "xvfb,cmake,libx11-dev",
    CI: ci ? "true" : undefined,
    DISPLAY: undefined,
    HOTLOOP_WINDOW_TESTS_NOTICE: undefined,
  };
  delete env.HOTLOOP_RAYLIB;
  for (const k of Object.keys(env)) if (env[k] === undefined) delete env[k];
  const p = Bun.spawn(["bun", "scripts/test.ts", "test/window/raylib.test.ts"], { cwd: REPO, env, stdin: "ignore", stdout: "pipe", stderr: "pipe" });
  const [out, err, code] = await Promise.all([new Response(p.stdout).text(), new Response(p.stderr).text(), p.exited]);
  return { code, out: out + err };
}

test("without Xvfb and the build packages: one line says what was skipped and how to enable it; the rest runs", async () => {
  const { code, out } = await runTests(false);
  const lines = out.split("\n").filter((l) => l.includes("the window tests"));
  expect(lines.length).toBe(1);
  expect(lines[0]).toMatch(/^test: skipped the window tests: no X display and no Xvfb; .* \(apt-get install -y xvfb .*cmake.*libx11-dev.*\)$/);
  expect(out).toContain("(pass) Color packing (no window) > rgba packs");
  expect(out).toContain("(skip) raylib window (Xvfb)");
  expect(code).toBe(0);
}, 120_000);

test("under CI=true the same line fails the run instead", async () => {
  const { code, out } = await runTests(true);
  expect(out.trim()).toMatch(/^test: cannot run the window tests: no X display and no Xvfb; .*\(apt-get install -y xvfb .*\); CI=true skips nothing$/);
  expect(code).toBe(1);
}, 120_000);
