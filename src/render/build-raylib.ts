/**
 * Finds or builds the raylib shared library and the hotloop C shim next to it.
 *
 * Order of preference:
 *  1. `HOTLOOP_RAYLIB=/path/to/libraylib.so` (optionally `HOTLOOP_RAYLIB_INCLUDE=/dir/with/raylib.h`,
 *     or `HOTLOOP_RAYLIB_SHIM=/path/to/shim.so`, a compiled shim: then no toolchain at all);
 *  2. a system raylib 5.x on the standard library paths;
 *  3. a build from the C sources bundled in the `raylib-sys` crate from crates.io (fetched with
 *     `cargo fetch`, nothing else is downloaded), cached per user under `~/.cache/hotloop/raylib/`
 *     (see cache.ts: `HOTLOOP_CACHE_DIR`, `XDG_CACHE_HOME`).
 *
 * The shim is compiled into the same cache under a name keyed by its content, so checkouts with
 * different shims never overwrite each other. Nothing is written next to the sources, which may be
 * a read-only node_modules.
 *
 * Nothing cached is loaded before its bytes are checked against what was recorded when it was
 * published: the raylib build's `stamp.json` (written last, inside the directory whose rename
 * publishes the build) holds the size and sha256 of the library and of raylib.h; a shim's name
 * ends with 16 hex digits of its own sha256 (the one rename publishes file and record at once).
 * A damaged entry is said in one line and rebuilt; a build that fails (a full disk, a compiler
 * error) is one {@link RaylibSetupError} line naming the cache and the cause, and the
 * RaylibPlugin turns it into the headless fallback. Checking costs about 3.5 ms at start (reading
 * and hashing the 2.4 MB library is most of it), 1.2 ms more than before, when the library was
 * hashed for the shim's key already.
 *
 * Run it directly (`bun src/render/build-raylib.ts`) to prepare the cache ahead of time; it prints
 * the two library paths on stdout.
 *
 * @module
 */
import {
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  realpathSync,
  renameSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join, resolve } from "node:path";
import { damageOf, elfProblem, publishDir, raylibCacheDir, recordOf, sha256, uniqueSibling, type FileRecord } from "./cache.ts";

/** The `raylib-sys` crate whose bundled C sources we build: pinned so the cache key is stable. */
export const RAYLIB_SYS_VERSION = "5.5.1";
/** The raylib version (`RAYLIB_VERSION` in raylib.h) that `raylib-sys` {@link RAYLIB_SYS_VERSION} bundles. */
export const RAYLIB_VERSION = "5.6-dev";

/** Where the two shared libraries came from and where they are; what {@link ensureRaylib} resolves to. */
export interface RaylibPaths {
  /** Absolute path of the libraylib shared library to dlopen. */
  raylib: string;
  /** Absolute path of the hotloop shim (struct-by-value wrappers), linked against `raylib`. */
  shim: string;
}

/** The shim's C source, compiled on demand and keyed by its hash. */
const SHIM_SOURCE = join(import.meta.dir, "shim.c");
/** The directory name of one cached build: version of raylib and of the crate that carried it. */
const BUILD_KEY = `raylib-${RAYLIB_VERSION}_sys-${RAYLIB_SYS_VERSION}`;

/** Progress goes to stderr so `bun src/render/build-raylib.ts` can print paths on stdout. */
function log(msg: string): void {
  process.stderr.write(`raylib: ${msg}\n`);
}

/** A failure the user can act on: its message is one line that says what to do. */
export class RaylibSetupError extends Error {
  /** `"RaylibSetupError"`. */
  override name = "RaylibSetupError";
}

/** A tool the build needs is missing: its line names the packages (never wrapped in another's). */
class MissingToolError extends RaylibSetupError {}

/** A command of the build that failed: its step, exit code and output. */
class CommandError extends RaylibSetupError {
  constructor(
    readonly step: string,
    readonly code: number | null,
    readonly output: string,
  ) {
    super(`${step} failed (exit ${code}): ${errorLine(output)}`);
  }
}

/** The line of a tool's output that says what went wrong: its first error, else its last line. */
function errorLine(output: string): string {
  const lines = output.split("\n").map((l) => l.trim()).filter((l) => l.length > 0);
  // make's and collect2's summaries ("Error 2", "ld returned 1 exit status") only repeat that it failed.
  const own = lines.filter((l) => !/^(collect2|g?make(\[\d+\])?):/.test(l));
  const line = own.find((l) => /\berror\b|fatal|not recognized|cannot|undefined reference|no such file/i.test(l)) ?? own.at(-1) ?? lines.at(-1) ?? "no output";
  return line.length > 300 ? `${line.slice(0, 300)}…` : line;
}

/**
 * The cause of a failed build step, as a few words: a full disk as `no space left on device
 * (ENOSPC)` whether our write or the tool's hit it, a failed tool by its first error line, a
 * file-system error by its path and code.
 */
function causeOf(e: unknown): string | undefined {
  if (e instanceof CommandError) return /no space left on device/i.test(e.output) ? "no space left on device (ENOSPC)" : e.message;
  const errno = e as NodeJS.ErrnoException;
  if (errno instanceof Error && typeof errno.code === "string" && /^E[A-Z]+$/.test(errno.code)) {
    const text = /^E[A-Z]+: ([^,]+)/.exec(errno.message)?.[1] ?? errno.message;
    const where = errno.code !== "ENOSPC" && errno.path ? `${errno.path}: ` : "";
    return `${where}${text} (${errno.code})`;
  }
  if (e instanceof RaylibSetupError) return e.message;
  return undefined;
}

/**
 * A failure while building into the cache, as one line that names where (`context`) and why; a
 * missing tool keeps its own line (it names the packages) and an unexpected error stays itself.
 */
function buildFailure(e: unknown, context: string, log?: string): unknown {
  if (e instanceof MissingToolError) return e;
  const cause = causeOf(e);
  if (cause === undefined) return e;
  return new RaylibSetupError(`${context}: ${cause}${log ? ` (log: ${log})` : ""}`, { cause: e });
}

/** Says that a cached file failed its check and is being rebuilt. */
function sayDamaged(where: string, what: string): void {
  process.stderr.write(`hotloop: warning: the raylib cache at ${where} is damaged (${what}): rebuilding it\n`);
}

/** One external command the resolver wants run; a driver runs it and hands back its stdout. */
interface Command {
  cmd: string[];
  /** The step as a failure names it: "cmake --build", "cc", "cargo fetch". */
  step: string;
  cwd?: string;
  logFile?: string;
}

/**
 * The resolver is a generator of commands, so one body serves both drivers: {@link ensureRaylib}
 * runs them without blocking the event loop, {@link ensureRaylibSync} runs them in place.
 */
type Steps<T> = Generator<Command, T, string>;

/** Writes a finished command's output to its log and turns a failure into a readable error. */
function finish(c: Command, code: number | null, stdout: string, stderr: string): string {
  const out = stdout + stderr;
  if (c.logFile) writeFileSync(c.logFile, `$ ${c.cmd.join(" ")}\n${out}`, { flag: "a" });
  if (code !== 0) throw new CommandError(c.step, code, out);
  return stdout;
}

/** Runs the resolver's commands synchronously (blocks; fine before a game starts). */
function driveSync<T>(gen: Steps<T>): T {
  let step = gen.next();
  while (!step.done) {
    const c = step.value;
    let out: string;
    try {
      const p = Bun.spawnSync(c.cmd, { cwd: c.cwd, stdin: "ignore", stdout: "pipe", stderr: "pipe" });
      out = finish(c, p.exitCode, p.stdout.toString(), p.stderr.toString());
    } catch (e) {
      step = gen.throw(e);
      continue;
    }
    step = gen.next(out);
  }
  return step.value;
}

/** Runs the resolver's commands as child processes, awaiting each without blocking the event loop. */
async function driveAsync<T>(gen: Steps<T>): Promise<T> {
  let step = gen.next();
  while (!step.done) {
    const c = step.value;
    let out: string;
    try {
      const p = Bun.spawn(c.cmd, { cwd: c.cwd, stdin: "ignore", stdout: "pipe", stderr: "pipe" });
      const [stdout, stderr, code] = await Promise.all([new Response(p.stdout).text(), new Response(p.stderr).text(), p.exited]);
      out = finish(c, code, stdout, stderr);
    } catch (e) {
      step = gen.throw(e);
      continue;
    }
    step = gen.next(out);
  }
  return step.value;
}

/** Finds an executable on PATH (Bun.which), so a missing tool is reported before anything runs. */
function which(tool: string): string | null {
  return Bun.which(tool);
}

// ---------------------------------------------------------------------------------------------
// Locating an existing raylib
// ---------------------------------------------------------------------------------------------

/** Is this libraylib file a 5.x one (by its versioned name: libraylib.so.5.x.y, .500, .550…)? */
function isRaylib5(file: string): boolean {
  let real: string;
  try {
    real = realpathSync(file);
  } catch {
    return false;
  }
  return /libraylib\.so\.5/.test(basename(real));
}

/** Looks for a system libraylib 5.x via `ldconfig -p` and the usual library directories. */
export function findSystemRaylib(): string | null {
  const candidates: string[] = [];
  const ldconfig = which("ldconfig") ?? (existsSync("/sbin/ldconfig") ? "/sbin/ldconfig" : null);
  if (ldconfig) {
    const p = Bun.spawnSync([ldconfig, "-p"], { stdout: "pipe", stderr: "ignore" });
    for (const line of p.stdout.toString().split("\n")) {
      const m = /^\s*(libraylib\.so[^\s]*)\s.*=>\s*(\S+)/.exec(line);
      if (m?.[2]) candidates.push(m[2]);
    }
  }
  for (const dir of ["/usr/local/lib", "/usr/lib", "/usr/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/usr/lib64"]) {
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      continue;
    }
    for (const n of names) if (n === "libraylib.so" || n.startsWith("libraylib.so.5")) candidates.push(join(dir, n));
  }
  for (const c of candidates) {
    if (!existsSync(c)) continue;
    if (isRaylib5(c)) return c;
    log(`ignoring ${c}: not a raylib 5.x shared library`);
  }
  return null;
}

/** Finds raylib.h for an external libraylib: HOTLOOP_RAYLIB_INCLUDE, `<libdir>/../include`, system dirs. */
function findHeaderDirFor(lib: string): string | null {
  const libDir = dirname(lib);
  const dirs = [
    process.env.HOTLOOP_RAYLIB_INCLUDE,
    join(libDir, "..", "include"),
    libDir,
    "/usr/local/include",
    "/usr/include",
  ];
  for (const d of dirs) if (d && existsSync(join(d, "raylib.h"))) return resolve(d);
  return null;
}

// ---------------------------------------------------------------------------------------------
// Fetching raylib-sys and building raylib
// ---------------------------------------------------------------------------------------------

/** A Debian package and the file or tool by which it is recognised as installed. */
interface Dep {
  pkg: string;
  file?: string;
  tool?: string;
}

/** The C compiler: all the shim needs. */
const SHIM_DEPS: Dep[] = [{ pkg: "gcc", tool: "cc" }];
/** cargo fetches the raylib C sources (the `raylib-sys` crate). */
const FETCH_DEPS: Dep[] = [{ pkg: "cargo", tool: "cargo" }];

/** Packages the cmake build needs on Debian, and the file by which each one is recognised. */
const BUILD_DEPS: Dep[] = [
  { pkg: "cmake", tool: "cmake" },
  ...SHIM_DEPS,
  { pkg: "make", tool: "make" },
  { pkg: "libx11-dev", file: "/usr/include/X11/Xlib.h" },
  { pkg: "libxrandr-dev", file: "/usr/include/X11/extensions/Xrandr.h" },
  { pkg: "libxinerama-dev", file: "/usr/include/X11/extensions/Xinerama.h" },
  { pkg: "libxcursor-dev", file: "/usr/include/X11/Xcursor/Xcursor.h" },
  { pkg: "libxi-dev", file: "/usr/include/X11/extensions/XInput2.h" },
  { pkg: "libxext-dev", file: "/usr/include/X11/extensions/shape.h" },
  { pkg: "libgl-dev", file: "/usr/include/GL/gl.h" },
];

/**
 * Debian packages named in `HOTLOOP_PRETEND_MISSING` (comma-separated, e.g. `xvfb,cmake,libx11-dev`)
 * count as not installed, so the skip-or-fail paths of a bare machine can be tried on a full one.
 */
export function pretendMissing(pkg: string): boolean {
  const list = process.env.HOTLOOP_PRETEND_MISSING;
  return list !== undefined && list.split(",").some((p) => p.trim() === pkg);
}

/** The packages among `deps` that are not installed. */
function missingPackages(deps: Dep[]): string[] {
  return deps.filter((d) => pretendMissing(d.pkg) || (d.tool ? !which(d.tool) : !existsSync(d.file!))).map((d) => d.pkg);
}

/** Throws one clear line naming any missing build dependency and the `apt-get` command that fixes it. */
export function checkBuildDeps(needed: "raylib" | "shim" = "raylib"): void {
  const missing = missingPackages(needed === "shim" ? SHIM_DEPS : BUILD_DEPS);
  if (missing.length > 0) {
    throw new MissingToolError(
      `missing ${missing.join(", ")} to build ${needed === "shim" ? "the raylib shim" : "raylib"}; install with: apt-get install -y ${missing.join(" ")}` +
        (needed === "shim" ? " (or set HOTLOOP_RAYLIB_SHIM=/path/to/a/compiled/shim.so)" : ""),
    );
  }
}

/** Why raylib cannot be had on this machine: one line, and the Debian packages that fix it. */
export interface RaylibBuildProblem {
  /** e.g. "cmake, libx11-dev for the raylib build are missing". */
  reason: string;
  /** What `apt-get install -y` needs (empty when no package fixes it). */
  packages: string[];
}

/**
 * What stands between this machine and a working raylib + shim, or undefined when nothing does:
 * without running anything, it follows {@link ensureRaylib}'s order. An external raylib
 * (`HOTLOOP_RAYLIB`, a system one) or a cached build needs no build packages, only a C compiler
 * for the shim when that is not cached either. The test runner and the window tests both ask
 * this, so they agree on what is skipped.
 */
export function raylibBuildProblem(): RaylibBuildProblem | undefined {
  const env = process.env.HOTLOOP_RAYLIB;
  if (env && !existsSync(env)) return { reason: `HOTLOOP_RAYLIB=${env} does not exist`, packages: [] };
  const external = env ? resolve(env) : findSystemRaylib();
  let missing: string[];
  let what: string;
  if (external) {
    if (process.env.HOTLOOP_RAYLIB_SHIM) return existsSync(process.env.HOTLOOP_RAYLIB_SHIM) ? undefined : { reason: `HOTLOOP_RAYLIB_SHIM=${process.env.HOTLOOP_RAYLIB_SHIM} does not exist`, packages: [] };
    if (findShim(shimKey(sha256(readFileSync(external))), false)) return undefined;
    const includeDir = findHeaderDirFor(external);
    missing = missingPackages(includeDir ? SHIM_DEPS : [...SHIM_DEPS, ...FETCH_DEPS]);
    what = "the raylib shim";
  } else {
    const build = cachedBuild();
    if (build && findShim(shimKey(build.sha256), false)) return undefined;
    missing = missingPackages(build ? SHIM_DEPS : [...BUILD_DEPS, ...FETCH_DEPS]);
    what = build ? "the raylib shim" : "the raylib build";
  }
  if (missing.length === 0) return undefined;
  return { reason: `${missing.join(", ")} for ${what} ${missing.length === 1 ? "is" : "are"} missing`, packages: missing };
}

/** Runs `cargo fetch` for `raylib-sys` in a throwaway project and returns the crate's raylib/ source dir. */
export function* fetchRaylibSources(): Steps<string> {
  if (missingPackages(FETCH_DEPS).length > 0) {
    throw new MissingToolError(
      process.env.HOTLOOP_RAYLIB
        ? `HOTLOOP_RAYLIB=${process.env.HOTLOOP_RAYLIB} has no raylib.h beside it, and the shim must be compiled once against one: set HOTLOOP_RAYLIB_INCLUDE=/dir/with/raylib.h, or HOTLOOP_RAYLIB_SHIM=/path/to/a/compiled/shim.so, or install Rust (cargo fetches the header)`
        : "cargo not found: it is needed to fetch the raylib C sources from crates.io (raylib-sys); install Rust (e.g. apt-get install -y cargo) or set HOTLOOP_RAYLIB=/path/to/libraylib.so",
    );
  }
  const dir = join(tmpdir(), `hotloop-raylib-fetch-${process.pid}-${Date.now()}`);
  mkdirSync(join(dir, "src"), { recursive: true });
  try {
    writeFileSync(
      join(dir, "Cargo.toml"),
      `[package]\nname = "hotloop-raylib-fetch"\nversion = "0.0.0"\nedition = "2021"\npublish = false\n\n` +
        `[dependencies]\nraylib-sys = { version = "=${RAYLIB_SYS_VERSION}", default-features = false }\n\n[workspace]\n`,
    );
    writeFileSync(join(dir, "src", "lib.rs"), "");
    log(`fetching raylib-sys ${RAYLIB_SYS_VERSION} (cargo fetch: cargo's cache, else crates.io)…`);
    try {
      // Already in cargo's cache: no network needed (and none used).
      yield { cmd: ["cargo", "fetch", "--quiet", "--offline"], step: "cargo fetch", cwd: dir };
    } catch {
      yield { cmd: ["cargo", "fetch", "--quiet"], step: "cargo fetch", cwd: dir };
    }
    const meta = JSON.parse(yield { cmd: ["cargo", "metadata", "--format-version", "1", "--offline", "--quiet"], step: "cargo metadata", cwd: dir }) as {
      packages: { name: string; version: string; manifest_path: string }[];
    };
    const pkg = meta.packages.find((p) => p.name === "raylib-sys" && p.version === RAYLIB_SYS_VERSION);
    if (!pkg) throw new RaylibSetupError(`cargo fetched no raylib-sys ${RAYLIB_SYS_VERSION}`);
    const src = join(dirname(pkg.manifest_path), "raylib");
    if (!existsSync(join(src, "CMakeLists.txt")) || !existsSync(join(src, "src", "raylib.h"))) {
      throw new RaylibSetupError(`raylib-sys ${RAYLIB_SYS_VERSION} at ${dirname(pkg.manifest_path)} bundles no raylib C sources`);
    }
    const m = /#define\s+RAYLIB_VERSION\s+"([^"]+)"/.exec(readFileSync(join(src, "src", "raylib.h"), "utf8"));
    if (m?.[1] !== RAYLIB_VERSION) {
      throw new RaylibSetupError(
        `raylib-sys ${RAYLIB_SYS_VERSION} bundles raylib ${m?.[1] ?? "?"}, expected ${RAYLIB_VERSION}: update RAYLIB_VERSION in build-raylib.ts`,
      );
    }
    return src;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Metadata written last into a finished build; its presence is what makes a cache entry valid. */
interface Stamp {
  raylibVersion: string;
  raylibSysVersion: string;
  lib: string;
  seconds: number;
  builtAt: string;
  /**
   * Size and sha256 of the files a reader uses (the library, `include/raylib.h`), by their path in
   * the entry, taken before the entry was published. Absent in entries published before stamps held them.
   */
  files?: Record<string, FileRecord>;
}

/** A cached raylib build whose files match its stamp. */
interface Build {
  /** The entry's directory. */
  dir: string;
  /** Absolute path of its libraylib. */
  lib: string;
  /** The hex sha256 of the library's bytes (the shim's key is made of it). */
  sha256: string;
}

/** The files of an entry that are checked before use: what the shim needs and what is loaded. */
function checkedFiles(stamp: Stamp): string[] {
  return [stamp.lib, "include/raylib.h"];
}

/**
 * What is in `dir`: a build whose files match what its stamp recorded, nothing, or a damaged
 * entry and what is wrong with it (`lib/libraylib.so.550: hash mismatch, every byte is zero`).
 * An entry from before stamps recorded hashes is checked for what can be seen (an ELF image
 * whose headers fit in the file) and, with `adopt`, given the record it lacks, once.
 */
function inspectBuild(dir: string, adopt: boolean): { build: Build } | { damage: string } | { absent: true } {
  if (!existsSync(dir)) return { absent: true };
  let stamp: Stamp;
  try {
    stamp = JSON.parse(readFileSync(join(dir, "stamp.json"), "utf8")) as Stamp;
  } catch (e) {
    return { damage: (e as NodeJS.ErrnoException).code === "ENOENT" ? "stamp.json is missing" : "stamp.json is not valid JSON" };
  }
  if (typeof stamp !== "object" || stamp === null || typeof stamp.lib !== "string") return { damage: "stamp.json names no library" };
  if (stamp.raylibVersion !== RAYLIB_VERSION) return { damage: `stamp.json is for raylib ${String(stamp.raylibVersion)}, not ${RAYLIB_VERSION}` };
  const records: Record<string, FileRecord> = {};
  let libSum = "";
  for (const rel of checkedFiles(stamp)) {
    let bytes: Buffer;
    try {
      bytes = readFileSync(join(dir, rel));
    } catch (e) {
      return { damage: `${rel}: ${(e as NodeJS.ErrnoException).code === "ENOENT" ? "missing" : `cannot read it (${(e as NodeJS.ErrnoException).code})`}` };
    }
    const sum = sha256(bytes);
    const recorded = stamp.files?.[rel];
    const damage = recorded
      ? damageOf(bytes, sum, recorded)
      : rel === stamp.lib
        ? elfProblem(bytes)
        : bytes.length === 0
          ? "the file is empty"
          : undefined;
    if (damage) return { damage: `${rel}: ${damage}` };
    records[rel] = { size: bytes.length, sha256: sum };
    if (rel === stamp.lib) libSum = sum;
  }
  if (!stamp.files && adopt) {
    // An entry published before stamps held hashes: record them now, so from here on it is checked
    // like any other (written aside and renamed over, so a reader sees the old stamp or the new).
    const tmp = uniqueSibling(join(dir, "stamp.json"), "tmp");
    try {
      writeFileSync(tmp, JSON.stringify({ ...stamp, files: records }, null, 2) + "\n");
      renameSync(tmp, join(dir, "stamp.json"));
    } catch {
      rmSync(tmp, { force: true }); // a read-only or full cache: checked by its headers again next time
    }
  }
  return { build: { dir, lib: join(dir, stamp.lib), sha256: libSum } };
}

/** The directory of the cached build for {@link BUILD_KEY}. */
function buildDir(): string {
  return join(raylibCacheDir(), BUILD_KEY);
}

/** The cached build for {@link BUILD_KEY} when it is whole, else null (nothing written, nothing said). */
function cachedBuild(): Build | null {
  const found = inspectBuild(buildDir(), false);
  return "build" in found ? found.build : null;
}

/** Deletes `.tmp-*-<pid>` build dirs left by processes that died mid-build (their pid is gone). */
function removeAbandonedBuilds(cacheDir: string): void {
  let names: string[];
  try {
    names = readdirSync(cacheDir);
  } catch {
    return;
  }
  for (const n of names) {
    const m = /^\.tmp-.*-(\d+)$/.exec(n);
    if (!m) continue;
    const pid = Number(m[1]);
    let alive = true;
    try {
      process.kill(pid, 0);
    } catch (e) {
      alive = (e as NodeJS.ErrnoException).code === "EPERM";
    }
    if (!alive) rmSync(join(cacheDir, n), { recursive: true, force: true });
  }
}

/**
 * Builds raylib as a shared library with cmake into a temp dir, then renames it into the cache.
 * Any failure after the tools are found (a full disk, cmake or the compiler failing, a cache that
 * cannot be written) is one line naming the cache and the cause, and leaves no work dir behind.
 */
function* buildRaylib(): Steps<Build> {
  checkBuildDeps("raylib");
  const cacheDir = raylibCacheDir();
  const finalDir = buildDir();
  const work = join(cacheDir, `.tmp-${BUILD_KEY}-${process.pid}`);
  // The log lives in the work dir so concurrent builds never share one; it ends up in the entry,
  // or beside the cache when the build fails.
  const logFile = join(work, "build.log");
  const failedLog = join(cacheDir, `build-${BUILD_KEY}.log`);
  try {
    const src = yield* fetchRaylibSources();
    mkdirSync(cacheDir, { recursive: true });
    removeAbandonedBuilds(cacheDir);
    rmSync(work, { recursive: true, force: true });
    mkdirSync(work, { recursive: true });
    const cmakeDir = join(work, "build");
    writeFileSync(logFile, "");
    const t0 = performance.now();
    log(`building ${RAYLIB_VERSION} from raylib-sys ${RAYLIB_SYS_VERSION} sources (once, ~1 min)… log: ${logFile}`);
    // Everything raylib needs is in its tree (GLFW is in src/external): forbid any fetch anyway.
    yield {
      cmd: [
        "cmake",
        "--no-warn-unused-cli",
        "-S", src,
        "-B", cmakeDir,
        "-DCMAKE_BUILD_TYPE=Release",
        "-DBUILD_SHARED_LIBS=ON",
        "-DPLATFORM=Desktop",
        "-DBUILD_EXAMPLES=OFF",
        "-DUSE_EXTERNAL_GLFW=OFF",
        "-DGLFW_BUILD_WAYLAND=OFF",
        "-DGLFW_BUILD_X11=ON",
        "-DFETCHCONTENT_FULLY_DISCONNECTED=ON",
        "-DCMAKE_INSTALL_LIBDIR=lib",
        "-DCMAKE_INSTALL_INCLUDEDIR=include",
        `-DCMAKE_INSTALL_PREFIX=${work}`,
      ],
      step: "cmake",
      logFile,
    };
    const jobs = String(Math.max(1, navigator.hardwareConcurrency || 2));
    yield { cmd: ["cmake", "--build", cmakeDir, "--parallel", jobs], step: "cmake --build", logFile };
    yield { cmd: ["cmake", "--install", cmakeDir], step: "cmake --install", logFile };
    rmSync(cmakeDir, { recursive: true, force: true });
    const libs = readdirSync(join(work, "lib")).filter((n) => /^libraylib\.so\.\d+$/.test(n));
    const soname = libs[0];
    if (!soname) throw new RaylibSetupError(`cmake installed no libraylib.so.<api> in ${join(work, "lib")}`);
    const seconds = Math.round((performance.now() - t0) / 100) / 10;
    const stamp: Stamp = {
      raylibVersion: RAYLIB_VERSION,
      raylibSysVersion: RAYLIB_SYS_VERSION,
      lib: join("lib", soname),
      seconds,
      builtAt: new Date().toISOString(),
    };
    // What a reader checks before loading: recorded from the finished files, inside the entry, so
    // the rename below publishes the files and their record together.
    stamp.files = Object.fromEntries(checkedFiles(stamp).map((rel) => [rel, recordOf(readFileSync(join(work, rel)))]));
    writeFileSync(join(work, "stamp.json"), JSON.stringify(stamp, null, 2) + "\n");
    // A half-finished build never has the final name: the rename is the commit point, and a
    // build another process finished first is kept (it may already be loaded). A damaged entry
    // there is not complete: it is moved aside and ours takes its place.
    const ours = publishDir(work, finalDir, (d) => "build" in inspectBuild(d, false));
    const done = cachedBuild();
    if (!done) throw new RaylibSetupError(`the raylib build vanished from ${finalDir} right after it was put there`);
    log(ours ? `built in ${seconds}s: ${finalDir}` : `another process finished first: using its build at ${finalDir}`);
    return done;
  } catch (e) {
    let kept: string | undefined;
    try {
      renameSync(logFile, failedLog);
      if (statSync(failedLog).size > 0) kept = failedLog;
      else rmSync(failedLog, { force: true }); // nothing was written to it (a disk full from the start)
    } catch {
      // no log yet (failed before cmake ran)
    }
    rmSync(work, { recursive: true, force: true });
    throw buildFailure(e, `could not build raylib in the cache at ${cacheDir}`, kept);
  }
}

// ---------------------------------------------------------------------------------------------
// The shim
// ---------------------------------------------------------------------------------------------

/** Compiled shims unused this long are removed when another one is compiled. */
const SHIM_MAX_IDLE_MS = 30 * 24 * 3600_000;

/**
 * A cached shim's name: `libhotloop_rlshim-<key><sum>.so`, 16 hex digits of its key (what it was
 * compiled from) and 16 of the sha256 of its own bytes (what was published). Names of the older
 * form (the key alone) never match, so their shims are compiled again once and pruned later.
 */
const SHIM_NAME = /^libhotloop_rlshim-([0-9a-f]{16})([0-9a-f]{16})\.so$/;

/** Where compiled shims are cached. */
function shimDir(): string {
  return join(raylibCacheDir(), "shim");
}

/**
 * The key of the shim for a raylib library whose bytes hash to `libSum`: the shim's source and
 * the library's content, not where either is, so a cache moved to another path (or a home
 * restored elsewhere) still finds its shim and needs no compiler. (The shim's rpath may then be
 * stale: harmless, since raylib is always loaded first and the shim's DT_NEEDED resolves to it by
 * its soname.)
 */
function shimKey(libSum: string): string {
  return sha256(readFileSync(SHIM_SOURCE), libSum).slice(0, 16);
}

/**
 * The cached shim of `key` whose bytes match the sum in its name, or undefined. With `repair`, a
 * shim of this key that does not match is said (one line) and removed, so it is compiled again.
 */
function findShim(key: string, repair: boolean): string | undefined {
  const dir = shimDir();
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return undefined;
  }
  for (const name of names) {
    const m = SHIM_NAME.exec(name);
    if (m?.[1] !== key) continue;
    const file = join(dir, name);
    let bytes: Buffer;
    try {
      bytes = readFileSync(file);
    } catch {
      continue; // removed meanwhile, or not ours to read
    }
    const damage = damageOf(bytes, sha256(bytes), { sha256: m[2]! });
    if (!damage) return file;
    if (!repair) continue;
    sayDamaged(dir, `${name}: ${damage}`);
    rmSync(file, { force: true }); // a process that has it mapped keeps its pages; no one loads it again
  }
  return undefined;
}

/**
 * Compiles shim.c against `includeDir`/raylib.h and links it to `lib` (found through `rpath`),
 * cached by content; a cached one is used only when its bytes match the sum in its name.
 */
function* ensureShim(lib: string, libSum: string, includeDir: () => Steps<string>, rpath: string): Steps<string> {
  const key = shimKey(libSum);
  const found = findShim(key, true);
  if (found) {
    try {
      const now = new Date();
      utimesSync(found, now, now); // marks it in use, so pruning spares it
    } catch {
      // a read-only cache: nothing will prune it either
    }
    return found;
  }
  checkBuildDeps("shim");
  const outDir = shimDir();
  let out: string;
  try {
    const include = yield* includeDir();
    mkdirSync(outDir, { recursive: true });
    log("compiling shim.c…");
    // cc writes a temp name; the rename publishes the whole file, named by its own hash, at once
    // (concurrent compiles of the same key write identical files, and either rename wins).
    const tmp = uniqueSibling(join(outDir, `libhotloop_rlshim-${key}.so`), "tmp");
    try {
      yield {
        cmd: [
          "cc", "-shared", "-fPIC", "-O2", "-std=c99", "-Wall", "-Wextra",
          "-I", include,
          SHIM_SOURCE,
          "-o", tmp,
          lib,
          `-Wl,-rpath,${rpath}`,
          "-Wl,--no-undefined",
          "-lm",
        ],
        step: "cc",
      };
      out = join(outDir, `libhotloop_rlshim-${key}${sha256(readFileSync(tmp)).slice(0, 16)}.so`);
      renameSync(tmp, out);
    } finally {
      rmSync(tmp, { force: true });
    }
  } catch (e) {
    throw buildFailure(e, `could not compile the raylib shim into the cache at ${outDir}`);
  }
  // Other checkouts may still use their shims: only long-unused ones go.
  const now = Date.now();
  for (const n of readdirSync(outDir)) {
    const f = join(outDir, n);
    try {
      if (f !== out && now - statSync(f).mtimeMs > SHIM_MAX_IDLE_MS) rmSync(f, { force: true });
    } catch {
      // removed by another process meanwhile
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Entry point
// ---------------------------------------------------------------------------------------------

let pending: Promise<RaylibPaths> | null = null;

let resolved: RaylibPaths | null = null;

/**
 * Resolves the raylib and shim shared libraries, building them once if needed, without blocking
 * the event loop. Memoised per process (a failure is forgotten, so a retry after installing
 * packages works).
 */
export function ensureRaylib(): Promise<RaylibPaths> {
  if (resolved) return Promise.resolve(resolved);
  pending ??= driveAsync(resolvePaths()).then(
    (paths) => (resolved = paths),
    (e: unknown) => {
      pending = null;
      throw e;
    },
  );
  return pending;
}

/**
 * Uses these two libraries, as they are, for the rest of the process: no search, no cache, no
 * build, no toolchain. A released game hands over the copies it wrote out and checked
 * (src/ship/player.ts); call it before anything loads raylib.
 */
export function provideRaylib(paths: RaylibPaths): void {
  for (const path of [paths.raylib, paths.shim]) {
    if (!existsSync(path)) throw new RaylibSetupError(`${path} does not exist`);
  }
  resolved = { raylib: resolve(paths.raylib), shim: resolve(paths.shim) };
  pending = null;
}

/**
 * The `raylib/` source directory bundled in the pinned `raylib-sys` crate (cargo's cache, else
 * crates.io), blocking: where the binding generator reads raylib's own `parser/output/raylib_api.json`.
 */
export function raylibSourcesSync(): string {
  return driveSync(fetchRaylibSources());
}

/** {@link ensureRaylib}, blocking: for plugins and scripts that must have raylib before going on. */
export function ensureRaylibSync(): RaylibPaths {
  resolved ??= driveSync(resolvePaths());
  return resolved;
}

/** The work behind {@link ensureRaylib}: external raylib first, then the cache, then a build. */
function* resolvePaths(): Steps<RaylibPaths> {
  const env = process.env.HOTLOOP_RAYLIB;
  let external: string | null = null;
  if (env) {
    if (!existsSync(env)) throw new RaylibSetupError(`HOTLOOP_RAYLIB=${env} does not exist`);
    external = resolve(env);
  } else {
    external = findSystemRaylib();
  }

  if (external) {
    const given = process.env.HOTLOOP_RAYLIB_SHIM;
    if (given) {
      // A compiled shim given (a packaged game, a distribution): used as it is, no toolchain.
      if (!existsSync(given)) throw new RaylibSetupError(`HOTLOOP_RAYLIB_SHIM=${given} does not exist`);
      return { raylib: external, shim: resolve(given) };
    }
    // The header only matters when the shim must be compiled (a cached one is keyed by content).
    function* includeDir(): Steps<string> {
      // No raylib.h beside it: borrow the header from the crate (the shim only needs struct layouts).
      return findHeaderDirFor(external!) ?? join(yield* fetchRaylibSources(), "src");
    }
    const libDir = dirname(realpathSync(external));
    const shim = yield* ensureShim(external, sha256(readFileSync(external)), includeDir, libDir);
    log(`using ${env ? "HOTLOOP_RAYLIB" : "system raylib"} ${external}`);
    return { raylib: external, shim };
  }

  // Checked against its stamp before anything of it is used: a damaged build is said and rebuilt.
  const found = inspectBuild(buildDir(), true);
  let build: Build;
  if ("build" in found) {
    build = found.build;
    log(`cached at ${build.dir}`);
  } else {
    if ("damage" in found) sayDamaged(buildDir(), found.damage);
    build = yield* buildRaylib();
  }
  const include = join(build.dir, "include");
  const shim = yield* ensureShim(build.lib, build.sha256, function* () {
    return include;
  }, dirname(build.lib));
  return { raylib: build.lib, shim };
}

if (import.meta.main) {
  try {
    const paths = await ensureRaylib();
    console.log(paths.raylib);
    console.log(paths.shim);
  } catch (e) {
    if (e instanceof RaylibSetupError) {
      log(e.message);
      process.exit(1);
    }
    throw e;
  }
}
