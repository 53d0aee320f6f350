/**
 * The dev runner when its tools are missing: with cargo gone from PATH after a build, `hotloop dev`
 * says so in one line and runs the last good build instead of dying with a stack trace.
 */
import { expect, test } from "bun:test";
import { dirname, resolve } from "node:path";

const REPO = resolve(import.meta.dir, "../..");
const CLI = resolve(REPO, "src/cli/main.ts");

test("cargo missing from PATH: one line, and the last good build runs", async () => {
  const built = Bun.spawnSync(["bun", CLI, "build"], { cwd: REPO, stdout: "pipe", stderr: "pipe" });
  expect(built.exitCode).toBe(0);
  // Only bun's own directory on PATH: no cargo.
  const env = { ...process.env, PATH: dirname(process.execPath), DISPLAY: "" };
  const proc = Bun.spawn([process.execPath, CLI, "dev", "--headless", "--frames", "61"], { cwd: REPO, env, stdout: "pipe", stderr: "pipe" });
  const [out, err, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  expect({ code, err: err.includes("    at ") ? err : "no stack trace" }).toEqual({ code: 0, err: "no stack trace" });
  expect(err).toContain("cargo is not on PATH: install Rust (https://rustup.rs) to build the hot systems");
  expect(err).toContain("hotloop: running the last good build of bevy-like-systems");
  expect(out).toMatch(/frame +60 {2}player/);
}, 300_000);
