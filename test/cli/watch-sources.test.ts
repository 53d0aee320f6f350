/**
 * The dev runner's source watcher (`rebuildOnSave`) on a real directory with real file events; the
 * build is a stand-in that records what it was asked to build and reads those files from disk as
 * a compiler would. No timing is asserted: waits are only for events to land, and each claim is an
 * order of events or what was built.
 */
import { afterEach, expect, spyOn, test } from "bun:test";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, renameSync, rmSync, symlinkSync, utimesSync, watch, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { rebuildOnSave, type SourceWatcher } from "../../src/dev/watch-sources.ts";

interface Call {
  readonly changed: readonly string[];
  /** Each changed file's content when the build started (null: not there). */
  readonly read: Readonly<Record<string, string | null>>;
}

let dir = "";
let watcher: SourceWatcher | undefined;

afterEach(async () => {
  await watcher?.close();
  watcher = undefined;
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = "";
});

function read(path: string): string | null {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return null;
  }
}

/** A crate-like directory: Cargo.toml, src/lib.rs, src/a.rs, src/b.rs, and a target/ dir. */
function crateDir(): string {
  dir = mkdtempSync(join(tmpdir(), "hotloop-watch-"));
  mkdirSync(join(dir, "src"));
  mkdirSync(join(dir, "target/debug"), { recursive: true });
  writeFileSync(join(dir, "Cargo.toml"), '[package]\nname = "w"\n');
  for (const f of ["lib", "a", "b"]) writeFileSync(src(f), `// ${f}\n`);
  return dir;
}

function src(name: string): string {
  return join(dir, "src", `${name}.rs`);
}

/**
 * Watches `dir` with a build that records each call; `gate()` makes the next build wait until
 * the returned function is called.
 */
async function watching(options: { onBuild?: (call: Call) => void } = {}) {
  const calls: Call[] = [];
  let gate: Promise<void> | undefined;
  watcher = rebuildOnSave({
    paths: [dir],
    build: async (changed) => {
      const call = { changed: [...changed], read: Object.fromEntries(changed.map((p) => [p, read(p)])) };
      calls.push(call);
      options.onBuild?.(call);
      const wait = gate;
      gate = undefined;
      await wait;
    },
  });
  await watcher.ready();
  return {
    calls,
    gate(): () => void {
      let open!: () => void;
      gate = new Promise<void>((done) => (open = done));
      return open;
    },
    /** Waits (polling, bounded) for `done`; the bound only keeps a broken watcher from hanging the test. */
    async until(done: () => boolean, what: string): Promise<void> {
      for (let i = 0; i < 2000; i++) {
        if (done()) return;
        await Bun.sleep(5);
      }
      throw new Error(`${what}: not reached; builds: ${JSON.stringify(calls)}`);
    },
  };
}

test("a second save 40-45 ms after the first is built: what was built last is what is on disk", async () => {
  crateDir();
  const w = await watching();
  const lib = src("lib");
  for (const [round, gapMs] of [40, 45, 40, 45].entries()) {
    writeFileSync(lib, `const V: u32 = ${round * 2};\n`);
    await Bun.sleep(gapMs); // format-on-save, save-all: a second write of the same file right after the first
    writeFileSync(lib, `const V: u32 = ${round * 2 + 1};\n`);
    const disk = read(lib);
    await w.until(() => w.calls.at(-1)?.read[lib] === disk, `round ${round}: the second save built`);
    expect(w.calls.at(-1)!.read[lib]).toBe(read(lib));
  }
  expect(w.calls.every((c) => c.changed.length === 1 && c.changed[0] === lib)).toBe(true);
});

test("three saves during a running build become exactly one more build, with all three files in it", async () => {
  crateDir();
  const w = await watching();
  const [lib, a, b, marker] = [src("lib"), src("a"), src("b"), join(dir, "src/marker.rs")];
  const open = w.gate();
  const first = performance.now();
  writeFileSync(lib, "// lib 1\n");
  await w.until(() => w.calls.length === 1, "the first build");
  // While it runs: lib.rs again (within 50 ms of its first save, where chokidar drops a change), a.rs, b.rs.
  await Bun.sleep(Math.max(0, 45 - (performance.now() - first)));
  // Their events, seen by a watcher of the test's own on the same inotify instance: the watcher under test has had them too.
  const seen = new Set<string>();
  const spy = watch(join(dir, "src"), (_event, name) => void seen.add(String(name)));
  writeFileSync(lib, "// lib 2\n");
  writeFileSync(a, "// a 2\n");
  writeFileSync(b, "// b 2\n");
  await w.until(() => seen.has("b.rs"), "the saves' events");
  spy.close();
  await Bun.sleep(50);
  expect(w.calls.length).toBe(1);
  open();
  await w.until(() => w.calls.length >= 2, "the build after the running one");
  // A later save of another file, built on its own, shows no other build was left to come.
  writeFileSync(marker, "// marker\n");
  await w.until(() => w.calls.some((c) => c.changed.includes(marker)), "the marker's build");
  expect(w.calls.map((c) => [...c.changed].sort())).toEqual([[lib], [a, b, lib].sort(), [marker]]);
  expect(w.calls[1]!.read).toEqual({ [lib]: "// lib 2\n", [a]: "// a 2\n", [b]: "// b 2\n" });
});

test("an editor's atomic save (a temp file renamed over the source) is built; the temp file is not a source", async () => {
  crateDir();
  const w = await watching();
  const lib = src("lib");
  const temp = join(dir, "src/.lib.rs.tmp");
  writeFileSync(temp, "const V: u32 = 7;\n");
  renameSync(temp, lib);
  await w.until(() => w.calls.length > 0, "the atomic save's build");
  expect(w.calls).toEqual([{ changed: [lib], read: { [lib]: "const V: u32 = 7;\n" } }]);
});

test("a save with the same content (or a touch) builds nothing", async () => {
  crateDir();
  const w = await watching();
  const lib = src("lib");
  writeFileSync(lib, read(lib)!);
  const now = new Date();
  utimesSync(lib, now, now);
  writeFileSync(join(dir, "Cargo.toml"), read(join(dir, "Cargo.toml"))!);
  // Saved after them: once its build came, their events were seen (inotify keeps the order).
  writeFileSync(src("a"), "// a changed\n");
  await w.until(() => w.calls.length > 0, "the real save's build");
  expect(w.calls.map((c) => c.changed)).toEqual([[src("a")]]);
});

test("the build starts at the first save's event, while saves are still coming (no quiet time first)", async () => {
  crateDir();
  const w = await watching();
  // A stream of saves (new modules, 5 ms apart): a watcher that waits for quiet builds only after the last one.
  const written: string[] = [];
  for (let i = 0; i < 200 && w.calls.length === 0; i++) {
    const file = join(dir, `src/s${i}.rs`);
    writeFileSync(file, `// ${i}\n`);
    written.push(file);
    await Bun.sleep(5);
  }
  expect(w.calls.length).toBeGreaterThan(0);
  expect(written.length).toBeLessThan(200);
  expect(w.calls[0]!.changed[0]).toBe(written[0]!);
});

test("an editor that truncates then writes: the empty file in between is not built on its own", async () => {
  crateDir();
  const w = await watching();
  const lib = src("lib");
  for (let round = 0; round < 5; round++) {
    writeFileSync(lib, ""); // open(O_TRUNC): inotify's first event comes here
    await Bun.sleep(5);
    writeFileSync(lib, `const V: u32 = ${round};\n`);
    const disk = read(lib);
    await w.until(() => w.calls.at(-1)?.read[lib] === disk, `round ${round}: the written content built`);
  }
  expect(w.calls.filter((c) => c.read[lib] === "")).toEqual([]);
});

test("a deleted source is built (after waiting for a writer that does not come)", async () => {
  crateDir();
  const w = await watching();
  rmSync(src("a"));
  await w.until(() => w.calls.length > 0, "the deletion's build");
  expect(w.calls).toEqual([{ changed: [src("a")], read: { [src("a")]: null } }]);
});

test("a new module directory is followed; target/, scratch files and non-sources are not watched", async () => {
  crateDir();
  const w = await watching();
  writeFileSync(join(dir, "target/debug/out.rs"), "// built\n");
  mkdirSync(join(dir, "target/debug/new"));
  writeFileSync(join(dir, "target/debug/new/x.rs"), "// built\n");
  for (const scratch of [".lib.rs.swp", "lib.rs~", ".#lib.rs", "4913", "notes.txt"]) writeFileSync(join(dir, "src", scratch), "x");
  const nested = join(dir, "src/systems/deeper/m.rs");
  mkdirSync(join(dir, "src/systems/deeper"), { recursive: true });
  writeFileSync(nested, "// m 1\n");
  await w.until(() => w.calls.some((c) => c.read[nested] === "// m 1\n"), "the new module's build");
  writeFileSync(nested, "// m 2\n"); // its directory is watched now
  await w.until(() => w.calls.some((c) => c.read[nested] === "// m 2\n"), "the new module's second save");
  expect(w.calls.flatMap((c) => c.changed).every((p) => p === nested)).toBe(true);
});

test("a build that throws is one line; its files count as changed in the next build", async () => {
  crateDir();
  let throws = true;
  const errors = spyOn(console, "error").mockImplementation(() => {});
  try {
    const w = await watching({
      onBuild: () => {
        if (!throws) return;
        throws = false;
        throw new Error("cargo vanished");
      },
    });
    writeFileSync(src("lib"), "// lib 2\n");
    await w.until(() => w.calls.length === 1, "the failing build");
    await w.until(() => errors.mock.calls.length > 0, "the line");
    expect(errors.mock.calls).toEqual([["hotloop: could not build: cargo vanished"]]);
    writeFileSync(src("a"), "// a 2\n");
    await w.until(() => w.calls.length === 2, "the next build");
    expect([...w.calls[1]!.changed].sort()).toEqual([src("a"), src("lib")].sort());
  } finally {
    errors.mockRestore();
  }
});

/** inotify watches this process holds (Linux: one line per watch in the inotify fd's fdinfo), or undefined elsewhere. */
function inotifyWatches(): number | undefined {
  if (!existsSync("/proc/self/fdinfo")) return undefined;
  let watches = 0;
  for (const fd of readdirSync("/proc/self/fd")) {
    try {
      if (!readlinkSync(`/proc/self/fd/${fd}`).includes("inotify")) continue;
      watches += readFileSync(`/proc/self/fdinfo/${fd}`, "utf8").split("\n").filter((l) => l.startsWith("inotify wd:")).length;
    } catch {
      // closed meanwhile
    }
  }
  return watches;
}

test("close() leaves no watch behind, and nothing is built after it", async () => {
  crateDir();
  const before = inotifyWatches();
  const w = await watching();
  rmSync(src("b")); // a deletion waiting for its writer when the watcher closes
  mkdirSync(join(dir, "src/more"));
  // The crate's directory, src/ and src/more/ (not target/), once src/more's event is handled.
  if (before !== undefined) await w.until(() => inotifyWatches() === before + 3, "src/more watched");
  await watcher!.close();
  if (before !== undefined) expect(inotifyWatches()).toBe(before);
  writeFileSync(src("lib"), "// after close\n");
  await Bun.sleep(200);
  expect(w.calls).toEqual([]);
});

/** Resolves once a watcher of the test's own (on the same inotify instance) has seen `name` change in `where`. */
async function eventSeen(where: string, name: string, write: () => void): Promise<void> {
  let seen = false;
  const spy = watch(where, (_event, n) => {
    if (String(n) === name) seen = true;
  });
  write();
  for (let i = 0; i < 2000 && !seen; i++) await Bun.sleep(5);
  spy.close();
  if (!seen) throw new Error(`no event for ${name}`);
}

test("a save undone while its build runs is built again: the compiler may have read the version in between", async () => {
  crateDir();
  const w = await watching();
  const lib = src("lib");
  const open = w.gate();
  writeFileSync(lib, "// v1\n");
  await w.until(() => w.calls.length === 1, "the first build");
  await eventSeen(join(dir, "src"), "lib.rs", () => writeFileSync(lib, "// v2\n")); // read by the running build, say
  await eventSeen(join(dir, "src"), "lib.rs", () => writeFileSync(lib, "// v1\n")); // undone: the hash is back to the one built
  open();
  await w.until(() => w.calls.length === 2, "the build after the undo");
  expect(w.calls[1]!.read).toEqual({ [lib]: "// v1\n" });
});

test("an event that comes while a build runs, for a write the build already has, starts no second build", async () => {
  crateDir();
  const w = await watching();
  const lib = src("lib");
  const open = w.gate();
  writeFileSync(lib, "// v1\n");
  await w.until(() => w.calls.length === 1, "the first build");
  // What a late event looks like: the content the build read, and a time from before its batch
  // was hashed (under load, one save's second event came during the build it had started).
  const before = new Date(Date.now() - 60_000);
  await eventSeen(join(dir, "src"), "lib.rs", () => {
    writeFileSync(lib, "// v1\n");
    utimesSync(lib, before, before);
  });
  open();
  await Bun.sleep(300); // a second build, if one were started, would be called within this
  expect(w.calls.length).toBe(1);
  // A real change during a build still builds again.
  const close = w.gate();
  writeFileSync(lib, "// v2\n");
  await w.until(() => w.calls.length === 2, "the build of v2");
  await eventSeen(join(dir, "src"), "lib.rs", () => writeFileSync(lib, "// v3\n"));
  close();
  await w.until(() => w.calls.length === 3, "the build of v3");
  expect(w.calls[2]!.read).toEqual({ [lib]: "// v3\n" });
});

test("sources behind symlinks are followed: a linked file and a linked directory", async () => {
  crateDir();
  const outside = mkdtempSync(join(tmpdir(), "hotloop-watch-outside-"));
  try {
    writeFileSync(join(outside, "shared.rs"), "// shared 1\n");
    mkdirSync(join(outside, "more"));
    writeFileSync(join(outside, "more/m.rs"), "// m 1\n");
    symlinkSync(join(outside, "shared.rs"), src("ext"));
    symlinkSync(join(outside, "more"), join(dir, "src/linked"));
    const w = await watching();
    writeFileSync(join(outside, "shared.rs"), "// shared 2\n");
    await w.until(() => w.calls.some((c) => c.read[src("ext")] === "// shared 2\n"), "the linked file's save");
    const linked = join(dir, "src/linked/m.rs");
    writeFileSync(join(outside, "more/m.rs"), "// m 2\n");
    await w.until(() => w.calls.some((c) => c.read[linked] === "// m 2\n"), "the linked directory's save");
  } finally {
    rmSync(outside, { recursive: true, force: true });
  }
});

test("a rename-away save that changed nothing leaves no stale state: the next one is not built half-written", async () => {
  crateDir();
  const w = await watching();
  const lib = src("lib");
  const same = read(lib)!;
  // vim's backup-and-write, with the same content: nothing to build.
  renameSync(lib, `${lib}~`);
  await Bun.sleep(20);
  writeFileSync(lib, same);
  await Bun.sleep(200); // past the wait for a writer (the watcher's 100 ms)
  // Now a real one, the new content 20 ms after the rename.
  renameSync(lib, `${lib}~`);
  await Bun.sleep(20);
  writeFileSync(lib, "// lib 2\n");
  await w.until(() => w.calls.some((c) => c.read[lib] === "// lib 2\n"), "the real save");
  expect(w.calls.filter((c) => lib in c.read && c.read[lib] === null)).toEqual([]);
});

test("a directory renamed over a watched one: the sources it lacks count as changed", async () => {
  crateDir();
  const w = await watching();
  const next = join(dir, "src-next");
  mkdirSync(next);
  writeFileSync(join(next, "lib.rs"), read(src("lib"))!);
  writeFileSync(join(next, "b.rs"), read(src("b"))!); // a.rs left out: the new tree deletes it
  renameSync(join(dir, "src"), join(dir, "src-old"));
  renameSync(next, join(dir, "src"));
  await w.until(() => w.calls.some((c) => c.changed.includes(src("a"))), "the deleted module's build");
  expect(w.calls.find((c) => c.changed.includes(src("a")))!.read[src("a")]).toBeNull();
});

test("a file to watch whose directory does not exist (a project without src/) is skipped without a word", async () => {
  crateDir();
  const errors = spyOn(console, "error").mockImplementation(() => {});
  try {
    watcher = rebuildOnSave({ paths: [dir, join(dir, "nosuch/components.ts")], build: async () => {} });
    await watcher.ready();
    expect(errors).not.toHaveBeenCalled();
  } finally {
    errors.mockRestore();
  }
});
