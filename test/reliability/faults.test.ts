/**
 * Faults from outside the build, made for real: a full disk while a shadow copy is written (a
 * small tmpfs), the shadow dir removed under the running game, `cargo clean` taking the library's
 * directory, a FIFO or a directory at the library's path, observers that throw. Each: one line
 * naming the file and the cause, the game on its last good code, no data changed, and the next
 * good build loads once the fault is gone.
 */
import { afterEach, describe, expect, test } from "bun:test";
import { appendFileSync, chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { mountTmpfs, mountWorks } from "../support/tmpfs.ts";
import { literal, reliabilityFile, rig, SLOW, type Rig } from "./rig.ts";

const v = reliabilityFile("stamp1", "stamp2", "stamp3");
const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const undo of cleanups.splice(0).reverse()) undo();
});

/** A library file in a fresh temp dir (outside any tmpfs a test mounts), holding `bytes`. */
function libraryIn(sub = ""): { dir: string; library: string } {
  const dir = mkdtempSync(join(tmpdir(), "hotloop-faults-"));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(join(dir, sub), { recursive: true });
  const library = join(dir, sub, "libhot_fixture.so");
  writeFileSync(library, v.stamp1);
  return { dir, library };
}

const warnings = (r: Rig) => r.lines((e) => e.type === "warning");

/** A tmpfs of `size` mounted for the test (root only: mount needs it). */
const tmpfs = (size: string): string | undefined => mountTmpfs(size, cleanups);

describe("faults of the file system: one line, the last good code, recovery", () => {
  const canMount = mountWorks();
  if (!canMount && process.env.CI === "true") throw new Error("faults.test.ts: the disk-full case mounts a tmpfs, which needs root and a machine that allows it (CI has both)");
  if (!canMount) console.error("test: skipped the disk-full case: it mounts a small tmpfs, which needs root (run the suite as root to include it)");

  test.skipIf(!canMount)("a full disk while the shadow copy is written: a warning, no partial copy, the next save loads", async () => {
    const small = tmpfs("64m")!;
    expect(small).toBeDefined();
    const { library } = libraryIn();
    const saved = process.env.TMPDIR;
    process.env.TMPDIR = small; // the shadow dir lands on the small disk
    cleanups.push(() => (saved === undefined ? delete process.env.TMPDIR : (process.env.TMPDIR = saved)));
    const r = await rig(library);
    expect(r.reloader.shadowDir!.path.startsWith(small)).toBe(true);
    await r.frames(3);
    // Fill the disk to the last kilobyte.
    const filler = join(small, "filler");
    for (const size of [1 << 20, 1 << 10]) {
      try {
        for (;;) appendFileSync(filler, new Uint8Array(size));
      } catch {
        // ENOSPC: full at this granularity
      }
    }
    r.publish(v.stamp2);
    await r.until(() => warnings(r).length > 0, 1500, "the warning");
    expect(warnings(r)).toEqual([
      expect.stringMatching(
        new RegExp(`^hotloop: warning: ${literal(library)}: could not stage the build: cannot write a copy to ${literal(r.reloader.shadowDir!.path)}: no space left on device \\(ENOSPC\\) \\(still running v1; the next save tries again\\)$`),
      ),
    ]);
    expect(r.reloader.shadowDir!.files()).toEqual(["libhot_fixture-1.so"]); // no half-written copy
    await r.frames(10);
    expect([r.stamp(), r.reloader.version]).toEqual([1, 1]);
    r.expectIntact();
    rmSync(filler);
    r.publish(v.stamp3);
    await r.until(() => r.stamp() === 3, 1500, "stamp 3");
    r.expectIntact();
    expect(r.refusals()).toEqual([]);
  }, SLOW);

  test("the shadow dir removed under the running game (a tmp cleaner): a new one is made, said once, and the build loads", async () => {
    const { library } = libraryIn();
    const r = await rig(library);
    const old = r.reloader.shadowDir!.path;
    await r.frames(3);
    rmSync(old, { recursive: true, force: true });
    r.publish(v.stamp2);
    await r.until(() => r.stamp() === 2, 1500, "stamp 2");
    expect(warnings(r)).toEqual([
      `hotloop: warning: ${library}: the shadow dir ${old} was removed (a tmp cleaner?); made ${r.reloader.shadowDir!.path}`,
    ]);
    expect(r.reloader.shadowDir!.path).not.toBe(old);
    r.expectIntact();
    r.app.shutdown();
    expect(existsSync(r.reloader.shadowDir!.path)).toBe(false); // the new one goes at shutdown too
  }, SLOW);

  test("cargo clean takes the library's whole directory: the next build in a new directory loads", async () => {
    const { dir, library } = libraryIn("target/debug");
    const r = await rig(library);
    await r.frames(3);
    rmSync(join(dir, "target"), { recursive: true, force: true });
    await r.until(() => warnings(r).length > 0, 1500, "the deletion warning");
    expect(warnings(r)).toEqual([`hotloop: warning: ${library}: the library was deleted; still running v1, waiting for a new build`]);
    await r.frames(10);
    r.expectIntact();
    mkdirSync(join(dir, "target/debug"), { recursive: true });
    r.publish(v.stamp2);
    await r.until(() => r.stamp() === 2, 1500, "stamp 2");
    expect(r.reloader.version).toBe(2);
    r.expectIntact();
  }, SLOW);

  for (const [what, make] of [
    ["a FIFO", (path: string) => Bun.spawnSync(["mkfifo", path])],
    ["a directory", (path: string) => mkdirSync(path)],
  ] as const) {
    test(`${what} at the library's path: refused (never read, which would block the game), and a library put back loads`, async () => {
      const { library } = libraryIn();
      const r = await rig(library);
      await r.frames(3);
      rmSync(library);
      make(library);
      await r.until(() => r.refusals().length > 0, 1500, "the refusal");
      expect(r.refusals()).toEqual([`hotloop: refused ${library}: not a regular file (${what}) (still running v1)`]);
      await r.frames(10);
      expect([r.stamp(), r.reloader.version]).toEqual([1, 1]);
      r.expectIntact();
      rmSync(library, { recursive: true });
      r.publish(v.stamp2);
      await r.until(() => r.stamp() === 2, 1500, "stamp 2");
      r.expectIntact();
    }, SLOW);
  }
});

describe("faults of user code around a reload", () => {
  test("observers that throw: one warning each, the swap happens, the game runs on", async () => {
    const { library } = libraryIn();
    const r = await rig(library);
    r.reloader.onAboutToReload(() => {
      throw new Error("about-to-reload broke");
    });
    r.reloader.onReloaded(() => {
      throw new Error("reloaded broke");
    });
    const later: number[] = [];
    r.reloader.onReloaded((e) => void later.push(e.version)); // observers after a throwing one still run
    r.publish(v.stamp2);
    await r.until(() => r.stamp() === 2, 1500, "stamp 2");
    expect(warnings(r)).toEqual([
      expect.stringMatching(new RegExp(`^hotloop: warning: ${literal(library)}: an onAboutToReload observer threw: about-to-reload broke \\(at .*faults\\.test\\.ts:\\d+:\\d+\\)$`)),
      expect.stringMatching(new RegExp(`^hotloop: warning: ${literal(library)}: an onReloaded observer threw: reloaded broke \\(at .*faults\\.test\\.ts:\\d+:\\d+\\)$`)),
    ]);
    expect(later).toEqual([2]);
    await r.frames(5);
    r.expectIntact();
    expect(readdirSync(r.reloader.shadowDir!.path).length).toBeGreaterThan(0);
  }, SLOW);
});

describe("a build the game may not read", () => {
  // Root reads anything: the game runs as nobody, the test (root) writes a build only root may read.
  const asNobody = process.getuid?.() === 0 && Bun.which("setpriv") !== null;
  if (!asNobody && process.env.CI === "true") throw new Error("faults.test.ts: the permission case runs the game as nobody, which needs root and setpriv (CI has both)");

  test.skipIf(!asNobody)("is said to be unreadable (not deleted), the game keeps its code, loads once made readable, and a later build loads", async () => {
    const dir = mkdtempSync(join(tmpdir(), "hotloop-perm-"));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    chmodSync(dir, 0o1777); // the game's TMPDIR too: writable by nobody, sticky so it counts as safe
    const library = join(dir, "libhot_fixture.so");
    writeFileSync(library, v.stamp1, { mode: 0o644 });
    const home = join(dir, "home");
    mkdirSync(home);
    chmodSync(home, 0o777);
    const child = Bun.spawn(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", process.execPath, join(import.meta.dir, "permission-child.ts"), library], {
      env: { ...process.env, HOME: home, TMPDIR: dir, XDG_CACHE_HOME: join(home, ".cache") },
      stdout: "pipe",
      stderr: "pipe",
    });
    cleanups.push(() => child.kill("SIGKILL"));
    const lines: string[] = [];
    void (async () => {
      const decoder = new TextDecoder();
      let rest = "";
      for await (const chunk of child.stdout) {
        const parts = (rest + decoder.decode(chunk, { stream: true })).split("\n");
        rest = parts.pop()!;
        lines.push(...parts);
      }
    })();
    const waitFor = async (what: (l: string) => boolean, label: string, from = 0) => {
      const found = () => lines.slice(from).some(what);
      for (let i = 0; i < 3000 && !found(); i++) await Bun.sleep(5);
      if (!found()) {
        child.kill("SIGKILL");
        throw new Error(`no ${label}: ${lines.join("\n")}${await new Response(child.stderr).text()}`);
      }
    };
    await waitFor((l) => l === '{"stamp":1}', "stamp 1");
    // A new build only root may read, put in place as cargo does.
    writeFileSync(`${library}.tmp`, v.stamp2, { mode: 0o600 });
    renameSync(`${library}.tmp`, library);
    await waitFor((l) => l.includes('"status":"refused"'), "refusal");
    const events = lines.filter((l) => l.startsWith('{"event"')).map((l) => JSON.parse(l).event as { type: string; status?: string; reason?: string; message?: string });
    expect(events.filter((e) => e.type === "reload")).toEqual([
      { type: "reload", status: "refused", file: library, version: 1, reason: "cannot read it: permission denied (EACCES)" } as never,
    ]);
    expect(events.some((e) => e.type === "warning" && e.message?.includes("deleted"))).toBe(false);
    await waitFor((l) => l === '{"stamp":1}', "the game still on stamp 1", lines.length);
    chmodSync(library, 0o644); // the same build made readable: it loads, with no new build
    await waitFor((l) => l === '{"stamp":2}', "stamp 2 once readable");
    writeFileSync(`${library}.tmp`, v.stamp3, { mode: 0o644 });
    renameSync(`${library}.tmp`, library);
    await waitFor((l) => l === '{"stamp":3}', "stamp 3");
  }, SLOW);
});
