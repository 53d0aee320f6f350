/**
 * Issue 5, case 7: where files go. Shadow copies live in a private temp dir (mode 0700) that is
 * removed at shutdown and when the process ends, Ctrl-C included, checked on real child processes.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { App, ManualClock } from "../../src/core/index.ts";
import { HotReloader, ShadowDir } from "../../src/hot/index.ts";
import { removeBuilders, variant } from "../support/variants.ts";
import { rig, SLOW } from "./rig.ts";

afterAll(removeBuilders);

const CHILD = join(import.meta.dir, "shadow-child.ts");
let dir: string;
let library: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "hotloop-shadow-test-"));
  library = join(dir, "libhot_fixture.so");
  writeFileSync(library, await variant("stamp1"));
}, SLOW);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Started {
  readonly shadow: { dir: string; mode: number; files: string[] };
  readonly proc: Bun.Subprocess<"ignore", "pipe", "pipe">;
  readonly output: () => Promise<string>;
  /** Waits until the child's output so far matches `pattern`; throws after `deadlineMs` (a generous bound, not a measurement). */
  readonly waitFor: (pattern: RegExp, deadlineMs?: number) => Promise<void>;
}

/** Starts the child and waits for its first line: the shadow dir it made. */
async function start(mode: string, ...more: string[]): Promise<Started> {
  const proc = Bun.spawn([process.execPath, CHILD, library, mode, ...more], { stdin: "ignore", stdout: "pipe", stderr: "pipe" });
  const reader = proc.stdout.getReader();
  let text = "";
  while (!text.includes("\n")) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`child (${mode}) ended before reporting its shadow dir: ${await new Response(proc.stderr).text()}`);
    text += new TextDecoder().decode(value);
  }
  const rest = (async () => {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return text;
      text += new TextDecoder().decode(value);
    }
  })();
  const waitFor = async (pattern: RegExp, deadlineMs = 60_000) => {
    const deadline = performance.now() + deadlineMs;
    while (!pattern.test(text)) {
      if (performance.now() > deadline || proc.exitCode !== null) {
        proc.kill("SIGKILL");
        throw new Error(`child (${mode}) never printed ${pattern}; it printed: ${text.slice(-500)}`);
      }
      await Bun.sleep(5);
    }
  };
  return { shadow: JSON.parse(text.split("\n")[0]!), proc, output: () => rest, waitFor };
}

describe("shadow copies live in a private temp dir, removed however the process ends", () => {
  test("the dir is private (0700) and holds the running copy; app shutdown removes it", async () => {
    const r = await rig(await variant("stamp1"));
    const shadow = r.reloader.shadowDir!;
    expect(statSync(shadow.path).mode & 0o777).toBe(0o700);
    expect(shadow.files()).toEqual(["libhot_fixture-1.so"]);
    r.cleanup();
    expect(existsSync(shadow.path)).toBe(false);
  }, SLOW);

  test("a reloader that cannot load its first library says why and leaves no dir behind", async () => {
    const bad = join(dir, "libno_exports.so");
    writeFileSync(bad, await variant("noExport")); // a shared library, copied and opened before it is refused
    const before = new Set(readdirSync(tmpdir()));
    expect(() => new HotReloader(new App({ clock: new ManualClock() }), { library: bad, reload: true, reporter: () => {} })).toThrow(
      `hotloop: cannot load ${bad}: not a hotloop library: it lacks hotloop_abi_version (build it with hotloop_sdk::export!)`,
    );
    expect(readdirSync(tmpdir()).filter((name) => !before.has(name))).toEqual([]);
  }, SLOW);

  for (const [how, mode, signal, code] of [
    ["Ctrl-C (SIGINT from outside)", "wait", "SIGINT", 130],
    ["SIGTERM", "wait", "SIGTERM", 143],
    ["Ctrl-C sent to itself", "self", undefined, 130],
    ["process.exit() without shutting the app down", "exit", undefined, 0],
  ] as const) {
    test(`${how}: the dir is gone, exit code ${code}`, async () => {
      const child = await start(mode);
      expect(child.shadow.mode).toBe(0o700);
      expect(child.shadow.files).toEqual(["libhot_fixture-1.so"]);
      if (signal) child.proc.kill(signal);
      expect(await child.proc.exited).toBe(code);
      expect(existsSync(child.shadow.dir)).toBe(false);
    }, SLOW);
  }

  test("SIGKILL leaves the dir (nothing runs then); the next hotloop that starts removes it, and only dirs of dead processes", async () => {
    const child = await start("wait");
    const alive = await start("wait"); // another running game's dir must survive
    child.proc.kill("SIGKILL");
    expect(await child.proc.exited).not.toBe(0);
    expect(existsSync(child.shadow.dir)).toBe(true);
    const r = await rig(await variant("stamp1"));
    expect(existsSync(child.shadow.dir)).toBe(false);
    expect(existsSync(alive.shadow.dir)).toBe(true);
    r.cleanup();
    alive.proc.kill("SIGTERM");
    await alive.proc.exited;
  }, SLOW);

  test("a shadow dir swapped for a link to another directory is not written through", async () => {
    const r = await rig(await variant("stamp1"));
    const shadow = r.reloader.shadowDir!;
    const elsewhere = mkdtempSync(join(tmpdir(), "hotloop-elsewhere-"));
    rmSync(shadow.path, { recursive: true, force: true });
    symlinkSync(elsewhere, shadow.path); // what another user could do in a TMPDIR without the sticky bit
    r.publish(await variant("stamp2"));
    await r.until(() => r.lines((e) => e.type === "warning").length > 0, 1500, "the warning");
    expect(r.lines((e) => e.type === "warning")).toEqual([
      `hotloop: warning: ${r.library}: could not stage the build: ${shadow.path} is no longer the directory hotloop made (replaced by another file or a link): not writing there (still running v1; the next save tries again)`,
    ]);
    expect(readdirSync(elsewhere)).toEqual([]);
    expect(r.stamp()).toBe(1);
    r.cleanup();
    expect(existsSync(elsewhere)).toBe(true); // the link's target is not ours to remove
    rmSync(shadow.path, { force: true });
    rmSync(elsewhere, { recursive: true, force: true });
  }, SLOW);

  test("in a TMPDIR anyone may write to without the sticky bit, copies go under the user's cache instead", () => {
    const open = mkdtempSync(join(tmpdir(), "hotloop-open-tmp-"));
    const cache = mkdtempSync(join(tmpdir(), "hotloop-cache-"));
    chmodSync(open, 0o777); // world-writable, no sticky bit: anyone may rename our dir away
    const saved = { TMPDIR: process.env.TMPDIR, XDG_CACHE_HOME: process.env.XDG_CACHE_HOME };
    process.env.TMPDIR = open;
    process.env.XDG_CACHE_HOME = cache;
    try {
      const shadow = new ShadowDir();
      expect(shadow.path.startsWith(join(cache, "hotloop", "shadow", `hotloop-${process.pid}-`))).toBe(true);
      expect(statSync(shadow.path).mode & 0o777).toBe(0o700);
      shadow.remove();
      chmodSync(open, 0o1777); // with the sticky bit, TMPDIR is safe again
      const sticky = new ShadowDir();
      expect(sticky.path.startsWith(join(open, `hotloop-${process.pid}-`))).toBe(true);
      sticky.remove();
    } finally {
      for (const [key, value] of Object.entries(saved)) value === undefined ? delete process.env[key] : (process.env[key] = value);
      rmSync(open, { recursive: true, force: true });
      rmSync(cache, { recursive: true, force: true });
    }
  });

  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    test(`${signal} while reloads are under way (builds published every 4 ms): the dir is gone, nothing half-done is left`, async () => {
      const a = join(dir, "build-a.so");
      const b = join(dir, "build-b.so");
      writeFileSync(a, await variant("stamp2"));
      writeFileSync(b, await variant("stamp3"));
      const child = await start("storm", a, b);
      // Signalled once it has swapped builds in (v4 or later): reloading when the signal comes.
      await child.waitFor(/"version":([4-9]|\d{2,})\b/);
      child.proc.kill(signal);
      expect(await child.proc.exited).toBe({ SIGINT: 130, SIGTERM: 143, SIGHUP: 129 }[signal]);
      expect(existsSync(child.shadow.dir)).toBe(false);
      expect(readdirSync(tmpdir()).filter((name) => name.startsWith(`hotloop-${child.proc.pid}-`))).toEqual([]);
      writeFileSync(library, await variant("stamp1")); // the storm replaced it
    }, SLOW);
  }

  test("an app with its own Ctrl-C handler decides when to end; the dir is gone when it does", async () => {
    const child = await start("graceful");
    expect(await child.proc.exited).toBe(0); // the app's handler ran and chose exit code 0
    expect(await child.output()).toContain('{"handled":"SIGINT"}');
    expect(existsSync(child.shadow.dir)).toBe(false);
  }, SLOW);
});

test("an unusable TMPDIR: shadow copies go to the cache, said once", async () => {
  const src = new URL("../../src/hot/shadow-dir.ts", import.meta.url).pathname;
  // No XDG_CACHE_HOME at all (an empty one would also send bun's own transpiler cache to ./bun in the cwd).
  const { XDG_CACHE_HOME: _unset, ...env } = process.env;
  const proc = Bun.spawn(["bun", "-e", `import { shadowBase } from ${JSON.stringify(src)}; console.log(shadowBase()); shadowBase();`], {
    env: { ...env, TMPDIR: "/nonexistent/hotloop-tmp" },
    stdout: "pipe",
    stderr: "pipe",
  });
  const [out, err, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  expect(code).toBe(0);
  const base = out.trim();
  expect(base.endsWith("/.cache/hotloop/shadow")).toBe(true);
  expect(err.trim().split("\n")).toEqual([`hotloop: warning: shadow copies go to ${base}, not the temp dir /nonexistent/hotloop-tmp: no such file or directory (ENOENT) (said once)`]);
});
