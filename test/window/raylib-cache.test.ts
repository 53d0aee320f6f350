/**
 * raylib and the shim are cached per user (not next to the sources, which may be a read-only
 * node_modules), and an entry appears whole or not at all, even with two processes at work.
 */
import { afterEach, expect, test } from "bun:test";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { ensureRaylib } from "../../src/render/build-raylib.ts";
import { cacheRoot, publishDir, raylibCacheDir } from "../../src/render/cache.ts";
import { skipWindowTests } from "../support/window-env.ts";

const REPO = resolve(import.meta.dir, "../..");
const saved = { HOTLOOP_CACHE_DIR: process.env.HOTLOOP_CACHE_DIR, XDG_CACHE_HOME: process.env.XDG_CACHE_HOME };
const temps: string[] = [];
afterEach(() => {
  for (const [k, v] of Object.entries(saved)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  for (const t of temps.splice(0)) rmSync(t, { recursive: true, force: true });
});

function temp(): string {
  const t = mkdtempSync(join(tmpdir(), "hotloop-cache-test-"));
  temps.push(t);
  return t;
}

test("the cache is per user: HOTLOOP_CACHE_DIR, else an absolute XDG_CACHE_HOME, else ~/.cache", () => {
  process.env.HOTLOOP_CACHE_DIR = "/tmp/explicit";
  process.env.XDG_CACHE_HOME = "/tmp/xdg";
  expect(raylibCacheDir()).toBe("/tmp/explicit/raylib");
  delete process.env.HOTLOOP_CACHE_DIR;
  expect(cacheRoot()).toBe("/tmp/xdg/hotloop");
  process.env.XDG_CACHE_HOME = "relative/cache"; // the XDG spec says to ignore a relative one
  expect(cacheRoot()).toBe(join(homedir(), ".cache", "hotloop"));
  delete process.env.XDG_CACHE_HOME;
  expect(raylibCacheDir()).toBe(join(homedir(), ".cache", "hotloop", "raylib"));
  expect(raylibCacheDir().startsWith(REPO)).toBe(false);
});

test("publishDir: the rename commits; a complete entry already there wins; an incomplete one is replaced", () => {
  const root = temp();
  const complete = (d: string): boolean => existsSync(join(d, "stamp"));
  const work = (content: string): string => {
    const w = join(root, `.tmp-${content}`);
    mkdirSync(w);
    writeFileSync(join(w, "stamp"), content);
    return w;
  };
  const final = join(root, "entry");

  publishDir(work("first"), final, complete);
  expect(readFileSync(join(final, "stamp"), "utf8")).toBe("first");

  publishDir(work("second"), final, complete); // another process finished first: keep its entry
  expect(readFileSync(join(final, "stamp"), "utf8")).toBe("first");

  rmSync(join(final, "stamp")); // an entry cut short
  writeFileSync(join(final, "half"), "");
  publishDir(work("third"), final, complete);
  expect(readFileSync(join(final, "stamp"), "utf8")).toBe("third");
  expect(readdirSync(root)).toEqual(["entry"]); // no work or stale dirs left behind
});

test.skipIf(skipWindowTests({ display: "none" }))(
  "two processes compiling the shim at once into an empty cache end with one whole shim, outside the sources",
  async () => {
    const { raylib } = await ensureRaylib(); // a raylib to link against (built or found once)
    const cache = temp();
    const resolveIn = () =>
      Bun.spawn(["bun", join(REPO, "src/render/build-raylib.ts")], {
        env: { ...process.env, HOTLOOP_RAYLIB: raylib, HOTLOOP_CACHE_DIR: cache },
        stdin: "ignore",
        stdout: "pipe",
        stderr: "pipe",
      });
    const runs = await Promise.all(
      [resolveIn(), resolveIn()].map(async (p) => ({ code: await p.exited, out: await new Response(p.stdout).text(), err: await new Response(p.stderr).text() })),
    );
    for (const r of runs) expect({ code: r.code, err: r.code === 0 ? "" : r.err }).toEqual({ code: 0, err: "" });
    const shims = runs.map((r) => r.out.trim().split("\n")[1]!);
    expect(shims[0]).toBe(shims[1]!);
    expect(shims[0]!.startsWith(join(cache, "raylib", "shim", "libhotloop_rlshim-"))).toBe(true);
    expect(readdirSync(join(cache, "raylib", "shim"))).toEqual([shims[0]!.split("/").at(-1)!]); // no temp files
    expect([...readFileSync(shims[0]!).subarray(0, 4)]).toEqual([0x7f, 0x45, 0x4c, 0x46]); // a whole ELF
    expect(readdirSync(join(REPO, "src/render")).filter((n) => n.endsWith(".so"))).toEqual([]);
  },
  600_000,
);

/** Runs `bun src/render/build-raylib.ts` (ensureRaylib, then the two paths) with `env` added. */
async function resolveIn(env: Record<string, string>): Promise<{ code: number; out: string; err: string }> {
  const proc = Bun.spawn(["bun", join(REPO, "src/render/build-raylib.ts")], { env: { ...process.env, ...env }, stdout: "pipe", stderr: "pipe" });
  const [out, err, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  return { code, out, err };
}

/** No C compiler, no cmake, no cargo: a player's machine, or a developer's without build tools. */
const NO_TOOLCHAIN = { HOTLOOP_PRETEND_MISSING: "gcc,cmake,make,cargo" };

test.skipIf(skipWindowTests({ display: "none" }))("a cache moved to another path is used as it is: no compiler, no cargo", async () => {
  const real = await ensureRaylib(); // the real cache, built or found
  const moved = temp();
  const from = resolve(real.raylib, "../../..");
  Bun.spawnSync(["cp", "-a", from, join(moved, "raylib")]);
  const r = await resolveIn({ ...NO_TOOLCHAIN, HOTLOOP_CACHE_DIR: moved });
  expect(r.err).not.toContain("missing");
  expect(r.code).toBe(0);
  expect(r.out.trim().split("\n").every((p) => p.startsWith(join(moved, "raylib")))).toBe(true);
});

test.skipIf(skipWindowTests({ display: "none" }))("HOTLOOP_RAYLIB with HOTLOOP_RAYLIB_SHIM needs no toolchain; without a header or shim the line names fixes that work", async () => {
  const real = await ensureRaylib();
  const given = await resolveIn({ ...NO_TOOLCHAIN, HOTLOOP_CACHE_DIR: temp(), HOTLOOP_RAYLIB: real.raylib, HOTLOOP_RAYLIB_SHIM: real.shim });
  expect(given.code).toBe(0);
  expect(given.out.trim().split("\n")).toEqual([real.raylib, real.shim]);
  // The library alone, copied where no raylib.h is, into an empty cache: the shim must be compiled.
  const lone = join(temp(), "libraylib.so.550");
  Bun.spawnSync(["cp", real.raylib, lone]);
  const noCompiler = await resolveIn({ ...NO_TOOLCHAIN, HOTLOOP_CACHE_DIR: temp(), HOTLOOP_RAYLIB: lone });
  expect(noCompiler.code).toBe(1);
  expect(noCompiler.err).toContain("raylib: missing gcc to build the raylib shim; install with: apt-get install -y gcc (or set HOTLOOP_RAYLIB_SHIM=/path/to/a/compiled/shim.so)");
  // A compiler but no cargo to fetch the header with:
  const alone = await resolveIn({ HOTLOOP_PRETEND_MISSING: "cargo", HOTLOOP_CACHE_DIR: temp(), HOTLOOP_RAYLIB: lone });
  expect(alone.code).toBe(1);
  expect(alone.err).toContain(`raylib: HOTLOOP_RAYLIB=${lone} has no raylib.h beside it`);
  expect(alone.err).toContain("HOTLOOP_RAYLIB_SHIM=/path/to/a/compiled/shim.so");
  expect(alone.err).not.toContain("or set HOTLOOP_RAYLIB=");
});
