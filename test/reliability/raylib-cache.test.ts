/**
 * A damaged raylib cache, made for real in a cache of the test's own (HOTLOOP_CACHE_DIR: the
 * user's cache is only read, to copy its build from): a cut shim (the game died of SIGBUS), a
 * libraylib zeroed with its size and mtime kept (SIGSEGV), cut or overwritten with random bytes
 * (`hotloop: command failed (1): cc -shared …`, exit 1), a full disk while raylib builds or the
 * shim compiles (`ENOSPC … (at build-raylib.ts:81:18)`, a stack trace). Each runs a real game
 * (`hotloop dev --window` in a project of its own, under an Xvfb of its own) and checks the one
 * line, that the game runs (in a window with what was rebuilt, or headless), and that the start
 * after the fault is gone uses the cache as it is: no build, no compile, no warning.
 *
 * Only one case builds raylib from its sources (about a minute on two cores); the others copy a
 * built entry, and a damaged library that must not be rebuilt is tried with cmake counted absent.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { findSystemRaylib, RAYLIB_SYS_VERSION, RAYLIB_VERSION } from "../../src/render/build-raylib.ts";
import { raylibCacheDir } from "../../src/render/cache.ts";
import { skipWindowTests, startXvfb } from "../support/window-env.ts";
import { mountTmpfs, mountWorks } from "../support/tmpfs.ts";

const REPO = resolve(import.meta.dir, "../..");
/** The cache entry of the raylib build (build-raylib.ts's BUILD_KEY). */
const ENTRY = `raylib-${RAYLIB_VERSION}_sys-${RAYLIB_SYS_VERSION}`;
/** A real raylib build runs in one case: a minute alone on two cores, more beside other work. */
const BUILD_MS = 900_000;
const RUN_MS = 180_000;
const SHIM_NAME = /^libhotloop_rlshim-[0-9a-f]{32}\.so$/;

/** A system raylib is used before the cache: then nothing here would touch the cache. */
const systemRaylib = process.platform === "linux" ? findSystemRaylib() : null;
const skip = process.platform !== "linux" || skipWindowTests({ display: "none", xvfb: true }) || systemRaylib !== null;
if (systemRaylib) console.error(`test: skipped the raylib cache faults: a system raylib (${systemRaylib}) is used before the cache`);

const cleanups: (() => void)[] = [];

function temp(tag: string): string {
  const dir = mkdtempSync(join(tmpdir(), `hotloop-rlcache-${tag}-`));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A tmpfs of `size` mounted for the test (root only). */
function tmpfs(size: string): string {
  const at = mountTmpfs(size, cleanups, "rlcache-tmpfs");
  if (!at) throw new Error("mount failed: a tmpfs could not be mounted");
  return at;
}

/** Fills the disk under `dir` to its last kilobyte; returns the filler to remove for room. */
function fill(dir: string): string {
  const filler = join(dir, "filler");
  for (const size of [1 << 20, 1 << 10]) {
    try {
      for (;;) appendFileSync(filler, new Uint8Array(size));
    } catch {
      // ENOSPC: full at this granularity
    }
  }
  return filler;
}

/** Regex-escapes a literal. */
const literal = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** What one start of the game did: its exit, its `hotloop:` and `raylib:` lines, what it reported. */
interface Play {
  code: number;
  signal: string | null;
  hotloop: string[];
  raylib: string[];
  game: { frames: number; headless: boolean } | undefined;
  stderr: string;
}

let xvfb: Awaited<ReturnType<typeof startXvfb>>;
let gameDir: string;
/** A primed cache (built entry, compiled shim, hashes recorded) each case copies. */
let template: string;
let stamp: { lib: string; files?: Record<string, { size: number; sha256: string }> };

/**
 * The environment of the game: nothing that would choose raylib for it, the cache and display
 * given, and no audio (its own line where there is no sound card is not what these tests count).
 */
function gameEnv(cache: string, extra: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v !== undefined && !/^HOTLOOP_(RAYLIB|PRETEND_MISSING|HEADLESS|CACHE_DIR|AUDIO)/.test(k)) env[k] = v;
  }
  return { ...env, HOTLOOP_CACHE_DIR: cache, DISPLAY: xvfb.display, HOTLOOP_AUDIO: "off", ...extra };
}

/** Starts the game (`hotloop dev --window`, 10 frames) with its cache at `cache`, and waits for its end. */
async function play(cache: string, extra: Record<string, string> = {}): Promise<Play> {
  const child = Bun.spawn([process.execPath, join(REPO, "src/cli/main.ts"), "dev", "--window", "--frames", "10", "--fps", "0"], {
    cwd: gameDir,
    env: gameEnv(cache, extra),
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
  });
  const [stdout, stderr, code] = await Promise.all([new Response(child.stdout).text(), new Response(child.stderr).text(), child.exited]);
  const lines = stderr.split("\n").filter((l) => l.length > 0);
  const last = stdout.trim().split("\n").at(-1);
  let game: Play["game"];
  try {
    game = last ? (JSON.parse(last) as Play["game"]) : undefined;
  } catch {
    game = undefined;
  }
  return {
    code,
    signal: child.signalCode === null ? null : String(child.signalCode),
    hotloop: lines.filter((l) => l.startsWith("hotloop:")),
    raylib: lines.filter((l) => l.startsWith("raylib:")),
    game,
    stderr,
  };
}

/** The game ran its frames with a window (raylib loaded), or headless. */
function ran(p: Play, headless: boolean): void {
  expect({ code: p.code, signal: p.signal, game: p.game }, p.stderr).toEqual({ code: 0, signal: null, game: { frames: 10, headless } });
}

/** A start that used the cache as it is: in a window, no warning, no build, no compile. */
function usedAsItIs(p: Play, cache: string): void {
  ran(p, false);
  expect(p.hotloop).toEqual([]);
  expect(p.raylib).toEqual([`raylib: cached at ${join(cache, "raylib", ENTRY)}`]);
}

/** A copy of the primed cache at `cache` (made if missing). */
function copyTemplate(cache: string): string {
  mkdirSync(cache, { recursive: true });
  const cp = Bun.spawnSync(["cp", "-a", join(template, "raylib"), join(cache, "raylib")]);
  if (cp.exitCode !== 0) throw new Error(`cp: ${cp.stderr.toString()}`);
  return cache;
}

/** The library file itself (the stamp names a symlink) of the entry in `cache`. */
function libFile(cache: string): string {
  return realpathSync(join(cache, "raylib", ENTRY, stamp.lib));
}

/** The compiled shim(s) in `cache`. */
function shims(cache: string): string[] {
  const dir = join(cache, "raylib", "shim");
  return existsSync(dir) ? readdirSync(dir).sort() : [];
}

const damagedLib = (cache: string, what: string) => `hotloop: warning: the raylib cache at ${join(cache, "raylib", ENTRY)} is damaged (${stamp.lib}: ${what}): rebuilding it`;

describe.skipIf(skip)("a damaged raylib cache: checked by its hashes, said in one line, rebuilt; a failed build runs the game headless", () => {
  const canMount = mountWorks();
  if (!canMount && process.env.CI === "true") throw new Error("raylib-cache.test.ts: the disk-full cases mount a tmpfs, which needs root and a machine that allows it (CI has both)");
  if (!canMount) console.error("test: skipped the raylib cache's disk-full cases: they mount a small tmpfs, which needs root");

  beforeAll(async () => {
    xvfb = await startXvfb();
    gameDir = temp("game");
    writeFileSync(join(gameDir, "package.json"), JSON.stringify({ name: "cache-game", private: true, hotloop: { entry: "game.ts" } }));
    // The game says at its end how many frames ran and whether raylib was loaded (a window) or not.
    writeFileSync(
      join(gameDir, "game.ts"),
      `import { Update, type App } from ${JSON.stringify(join(REPO, "src/api/index.ts"))};
import { Raylib, RaylibPlugin } from ${JSON.stringify(join(REPO, "src/api/render.ts"))};
export default function game(app: App): void {
  app.addPlugins(RaylibPlugin({ width: 160, height: 120, title: "cache" }));
  let frames = 0;
  app.addSystems(Update, () => void frames++);
  app.onShutdown(() => console.log(JSON.stringify({ frames, headless: app.getResource(Raylib)?.headless })));
}
`,
    );
    // The user's build is copied (read, never written); without one the priming start builds it here.
    template = temp("template");
    mkdirSync(join(template, "raylib"));
    const users = join(raylibCacheDir(), ENTRY);
    if (existsSync(join(users, "stamp.json"))) Bun.spawnSync(["cp", "-a", users, join(template, "raylib", ENTRY)]);
    const primed = await play(template);
    ran(primed, false);
    stamp = JSON.parse(readFileSync(join(template, "raylib", ENTRY, "stamp.json"), "utf8"));
    expect(Object.keys(stamp.files ?? {})).toEqual([stamp.lib, "include/raylib.h"]); // recorded (a build's, or adopted once)
    expect(shims(template)).toEqual([expect.stringMatching(SHIM_NAME)]);
  }, BUILD_MS);

  afterAll(async () => {
    await xvfb?.stop();
    for (const undo of cleanups.splice(0).reverse()) undo();
  });

  test("a cut shim (SIGBUS before): said, compiled again whole, the game runs in a window; the next start uses it", async () => {
    const cache = copyTemplate(temp("cut-shim"));
    const [name] = shims(cache);
    const shim = join(cache, "raylib", "shim", name!);
    const whole = readFileSync(shim);
    const half = Math.floor(whole.length / 2);
    writeFileSync(shim, whole.subarray(0, half));

    const p = await play(cache);
    ran(p, false);
    expect(p.hotloop).toEqual([
      `hotloop: warning: the raylib cache at ${join(cache, "raylib", "shim")} is damaged (${name}: hash mismatch, cut short: its headers point past its ${half} bytes): rebuilding it`,
    ]);
    expect(p.raylib).toContain("raylib: compiling shim.c…");
    // Compiled again for the same key (the same source and library), named by its new bytes (its
    // rpath names this cache, not the template's), and nothing else left: the cut one is gone.
    const key = name!.slice(0, "libhotloop_rlshim-".length + 16);
    expect(shims(cache)).toEqual([expect.stringMatching(new RegExp(`^${key}[0-9a-f]{16}\\.so$`))]);

    usedAsItIs(await play(cache), cache);
  }, RUN_MS);

  for (const [what, damage, said] of [
    ["cut to half its size", (b: Buffer) => b.subarray(0, b.length >> 1), (b: Buffer) => `cut short: ${b.length >> 1} of ${b.length} bytes`],
    ["overwritten with random bytes, its size kept", (b: Buffer) => randomBytes(b.length), () => "hash mismatch, not a shared library (no ELF header)"],
  ] as const) {
    test(`libraylib ${what} (cc failed, exit 1 before), with no cmake to rebuild it: said, the game runs headless; put back, it loads as it is`, async () => {
      const cache = copyTemplate(temp("lib"));
      const lib = libFile(cache);
      const good = readFileSync(lib);
      writeFileSync(lib, damage(good));

      const noCmake = { HOTLOOP_PRETEND_MISSING: "cmake" };
      const p = await play(cache, noCmake);
      ran(p, true);
      expect(p.hotloop).toEqual([
        damagedLib(cache, said(good)),
        "hotloop: raylib: cannot open a window: missing cmake to build raylib; install with: apt-get install -y cmake; running headless",
      ]);
      expect(shims(cache)).toEqual(shims(template)); // no shim compiled against the damaged library

      writeFileSync(lib, good); // the fault gone: still no cmake, and none needed
      usedAsItIs(await play(cache, noCmake), cache);
    }, RUN_MS);
  }

  test(
    "libraylib zeroed with its size and mtime kept (SIGSEGV before): said; on a full disk the rebuild is one line and the game runs headless; with room it is rebuilt for real and runs in a window; the next start uses it",
    async () => {
      const disk = canMount ? tmpfs("256m") : undefined;
      const cache = copyTemplate(join(disk ?? temp("zeroed"), "cache"));
      const lib = libFile(cache);
      const before = statSync(lib);
      writeFileSync(lib, new Uint8Array(before.size));
      utimesSync(lib, before.atime, before.mtime);
      expect([statSync(lib).size, statSync(lib).mtimeMs]).toEqual([before.size, before.mtimeMs]);
      const damaged = damagedLib(cache, "hash mismatch, every byte is zero");

      if (disk) {
        const filler = fill(disk);
        const full = await play(cache);
        ran(full, true);
        expect(full.hotloop).toEqual([
          damaged,
          expect.stringMatching(
            new RegExp(
              `^hotloop: raylib: cannot open a window: could not build raylib in the cache at ${literal(join(cache, "raylib"))}: no space left on device \\(ENOSPC\\)( \\(log: ${literal(join(cache, "raylib", `build-${ENTRY}.log`))}\\))?; running headless$`,
            ),
          ),
        ]);
        expect(readdirSync(join(cache, "raylib")).filter((n) => n.startsWith(".tmp-"))).toEqual([]); // no half build left
        rmSync(filler); // room again
      }

      const rebuilt = await play(cache);
      ran(rebuilt, false);
      expect(rebuilt.hotloop).toEqual([damaged]);
      expect(rebuilt.raylib).toContainEqual(expect.stringMatching(/^raylib: built in [\d.]+s: /));
      // The new entry recorded what it published, so the next start checks it rather than adopting it.
      const rebuiltLib = readFileSync(libFile(cache));
      expect(rebuiltLib.subarray(0, 4).toString("latin1")).toBe("\x7fELF");
      const recorded = JSON.parse(readFileSync(join(cache, "raylib", ENTRY, "stamp.json"), "utf8")).files[stamp.lib];
      expect(recorded).toEqual({ size: rebuiltLib.length, sha256: new Bun.CryptoHasher("sha256").update(rebuiltLib).digest("hex") });

      usedAsItIs(await play(cache), cache);
    },
    BUILD_MS,
  );

  test("an entry from before stamps held hashes: checked by its ELF headers, given its record once, then checked by it; a zeroed one is still found out", async () => {
    const legacy = (cache: string) => {
      const file = join(cache, "raylib", ENTRY, "stamp.json");
      const { files: _, ...old } = JSON.parse(readFileSync(file, "utf8"));
      writeFileSync(file, JSON.stringify(old, null, 2));
      return file;
    };
    const cache = copyTemplate(temp("legacy"));
    const file = legacy(cache);
    usedAsItIs(await play(cache), cache);
    expect(JSON.parse(readFileSync(file, "utf8")).files).toEqual(stamp.files); // recorded, the same as a build records

    const zeroed = copyTemplate(temp("legacy-zeroed"));
    legacy(zeroed);
    writeFileSync(libFile(zeroed), new Uint8Array(statSync(libFile(zeroed)).size));
    const p = await play(zeroed, { HOTLOOP_PRETEND_MISSING: "cmake" });
    ran(p, true);
    expect(p.hotloop[0]).toBe(damagedLib(zeroed, "every byte is zero"));
  }, RUN_MS);

  test("a raylib the loader refuses (HOTLOOP_RAYLIB naming a file that is no library): one line naming it, the game runs headless", async () => {
    const bad = join(temp("refused"), "libraylib.so.550");
    writeFileSync(bad, "not a library\n");
    const shim = join(template, "raylib", "shim", shims(template)[0]!);
    const p = await play(temp("refused-cache"), { HOTLOOP_RAYLIB: bad, HOTLOOP_RAYLIB_SHIM: shim });
    ran(p, true);
    expect(p.hotloop).toEqual([expect.stringMatching(new RegExp(`^hotloop: raylib: cannot open a window: cannot load ${literal(bad)}: .*file too short; running headless$`))]);
  }, RUN_MS);

  test("the shim's compile fails (a raylib.h cc cannot compile): one line naming the cache and cc's error, the game runs headless, no shim left", async () => {
    const include = temp("include");
    writeFileSync(join(include, "raylib.h"), "#error this raylib.h is broken\n");
    const cache = temp("cc");
    const p = await play(cache, { HOTLOOP_RAYLIB: libFile(template), HOTLOOP_RAYLIB_INCLUDE: include });
    ran(p, true);
    expect(p.hotloop).toEqual([
      expect.stringMatching(
        new RegExp(
          `^hotloop: raylib: cannot open a window: could not compile the raylib shim into the cache at ${literal(join(cache, "raylib", "shim"))}: cc failed \\(exit 1\\): ${literal(join(include, "raylib.h"))}:1:2: error: #error this raylib\\.h is broken; running headless$`,
        ),
      ),
    ]);
    expect(shims(cache)).toEqual([]);
  }, RUN_MS);

  test.skipIf(!canMount)("a full disk while the shim compiles: one line naming the cache and ENOSPC, the game runs headless; with room it is compiled, then used as it is", async () => {
    const disk = tmpfs("32m");
    const cache = copyTemplate(join(disk, "cache"));
    rmSync(join(cache, "raylib", "shim"), { recursive: true });
    const filler = fill(disk);

    const full = await play(cache);
    ran(full, true);
    expect(full.hotloop).toEqual([
      `hotloop: raylib: cannot open a window: could not compile the raylib shim into the cache at ${join(cache, "raylib", "shim")}: no space left on device (ENOSPC); running headless`,
    ]);
    expect(shims(cache)).toEqual([]); // no partial shim, no temp file

    rmSync(filler);
    const compiled = await play(cache);
    ran(compiled, false);
    expect(compiled.hotloop).toEqual([]);
    expect(compiled.raylib).toContain("raylib: compiling shim.c…");
    usedAsItIs(await play(cache), cache);
  }, RUN_MS);

  test.skipIf(!canMount)("a full disk while raylib builds into an empty cache: one line naming the cache and ENOSPC, no stack trace, the game runs headless, no half build left", async () => {
    const disk = tmpfs("32m");
    const cache = join(disk, "cache");
    fill(disk);

    const p = await play(cache);
    ran(p, true);
    expect(p.hotloop).toEqual([
      expect.stringMatching(
        new RegExp(
          `^hotloop: raylib: cannot open a window: could not build raylib in the cache at ${literal(join(cache, "raylib"))}: no space left on device \\(ENOSPC\\)( \\(log: ${literal(join(cache, "raylib", `build-${ENTRY}.log`))}\\))?; running headless$`,
        ),
      ),
    ]);
    expect(p.stderr).not.toContain("    at ");
    expect(readdirSync(join(cache, "raylib")).filter((n) => n !== `build-${ENTRY}.log`)).toEqual([]);
  }, RUN_MS);
});
