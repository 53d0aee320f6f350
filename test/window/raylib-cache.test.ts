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
