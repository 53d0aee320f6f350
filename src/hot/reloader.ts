import { readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { basename } from "node:path";
import type { App } from "../core/index.ts";
import { nativeBuffer } from "../ecs/index.ts";
import { imageProblem } from "./elf.ts";
import { HotLibrary, LibraryError, type SystemEntry } from "./library.ts";
import { checkCompatible, checkSystemComponents, describeParams, exportList, findSystem, ManifestError, type SourceLayouts, type SystemManifest } from "./manifest.ts";
import { stillMapped } from "./maps.ts";
import { consoleReporter, type HotEvent, type Reporter } from "./report.ts";
import { ShadowDir } from "./shadow-dir.ts";
import { LibraryWatcher } from "./watcher.ts";

/** Options of a {@link HotReloader}. */
export interface ReloaderOptions {
  /** The library cargo builds, e.g. `systems-rs/target/debug/libgame.so`. */
  readonly library: string;
  /** Watch and swap (cargo feature `reload`). Off: loaded once from its build path, no copy, no watcher. */
  readonly reload: boolean;
  /** `auto` swaps each good build; `manual` waits for {@link HotReloader.requestReload}. */
  readonly mode?: "auto" | "manual";
  /** Quiet time after the last file event before loading, in ms (default 5: completeness is checked separately). */
  readonly debounceMs?: number;
  /** Bytes of host memory handed to load hooks; it outlives every library (default 64 KiB). */
  readonly hostMemoryBytes?: number;
  /** How many times an incomplete or unloadable image is retried before it is reported (default 4). */
  readonly retries?: number;
  /** Delay between retries in ms (default 40). */
  readonly retryDelayMs?: number;
  /** Where events go (default: readable lines on stderr). */
  readonly reporter?: Reporter;
}

/** A held token that keeps the reloader from swapping, like hot-lib-reloader's BlockReload. */
export interface ReloadBlock {
  /** Lets the swap proceed at the next frame boundary (once every block is released). */
  release(): void;
}

/** What about-to-reload observers receive. */
export interface AboutToReload {
  readonly file: string;
  /** The version the app will run after the swap. */
  readonly nextVersion: number;
  /** Holds the swap until the returned token is released. */
  block(): ReloadBlock;
}

/** What reloaded observers receive. */
export interface Reloaded {
  readonly file: string;
  readonly version: number;
}

/**
 * The call slot of one hot system name: every hotSystem() of that name calls `entry`. The
 * reloader rewrites `entry` at the swap; `undefined` means disabled (it panicked, no rollback).
 */
export interface Binding {
  readonly name: string;
  readonly system: SystemManifest;
  entry: SystemEntry | undefined;
}

interface Pending {
  readonly lib: HotLibrary;
  readonly detectedAt: number;
  readonly loadedAt: number;
  readonly stagedAt: number;
  announced: boolean;
}

const MAX_EVENTS = 50;

/**
 * Loads a hot library, and with `reload` on watches it, validates each new build against the
 * registered systems and component layouts, and swaps it in at the next frame boundary:
 *
 *   about-to-reload observers (may block) → old unload hook → swap every binding's entry →
 *   new load hook → version + 1 → reloaded observers → the library before the old one is closed.
 *
 * The old library stays loaded as the rollback target, so a panicking system is rolled back
 * within its frame, and a build that fails any step never leaves the game without code.
 */
export class HotReloader {
  /** Memory that outlives every library, handed to load hooks (docs/abi.md). */
  readonly hostMemory: Uint8Array;
  /** The most recent events, newest last (for a HUD). */
  readonly events: HotEvent[] = [];
  /** Counts for tests and benchmarks. */
  readonly stats = { loads: 0, swaps: 0, refusals: 0, rollbacks: 0, panics: 0, stagings: 0 };

  readonly #app: App;
  readonly #options: Required<Omit<ReloaderOptions, "reporter">>;
  readonly #report: Reporter;
  readonly #bindings = new Map<string, Binding>();
  readonly #registered = new Map<string, string>();
  readonly #blocks = new Set<ReloadBlock>();
  readonly #aboutObservers: ((e: AboutToReload) => void)[] = [];
  readonly #reloadedObservers: ((e: Reloaded) => void)[] = [];
  readonly #badHashes = new Set<string>();
  #shadow: ShadowDir | undefined;
  #watcher: LibraryWatcher | undefined;
  #current: HotLibrary | undefined;
  #previous: HotLibrary | undefined;
  #pending: Pending | undefined;
  #version = 0;
  #updated = false;
  #buildReady = false;
  #retryTimer: ReturnType<typeof setTimeout> | undefined;
  #retriesLeft = 0;
  #firstEventAt: number | undefined;
  #warnedMapped = false;
  /** Inode of the build output when it was last read: the same inode modified again was rewritten in place. */
  #readIno: number | undefined;
  /** Inode, size and mtime seen by the last attempt to stage. */
  #lastSignature: string | undefined;
  #closed = false;
  #sourceLayouts: SourceLayouts | undefined;

  constructor(app: App, options: ReloaderOptions) {
    this.#app = app;
    this.#options = {
      library: options.library,
      reload: options.reload,
      mode: options.mode ?? "auto",
      debounceMs: options.debounceMs ?? 5,
      hostMemoryBytes: options.hostMemoryBytes ?? 64 * 1024,
      retries: options.retries ?? 4,
      retryDelayMs: options.retryDelayMs ?? 40,
    };
    const reporter = options.reporter ?? consoleReporter();
    this.#report = (event) => {
      this.events.push(event);
      if (this.events.length > MAX_EVENTS) this.events.shift();
      reporter(event);
    };
    this.hostMemory = new Uint8Array(nativeBuffer(this.#options.hostMemoryBytes), 0, this.#options.hostMemoryBytes);
    this.#loadInitial();
    if (this.#options.reload) {
      app.onFrameBoundary(() => this.#onFrameBoundary());
      this.#watcher = new LibraryWatcher(this.#options.library, this.#options.debounceMs, {
        first: () => {
          this.#firstEventAt ??= performance.now();
        },
        settled: () => this.#onFileSettled(),
        removed: () =>
          this.#report({ type: "warning", file: this.#options.library, message: `the library was deleted; still running v${this.#version}, waiting for a new build` }),
      });
    }
    app.onShutdown(() => this.close());
  }

  /** The build output this reloader follows. */
  get library(): string {
    return this.#options.library;
  }

  /** Resolves once the watcher is watching (at once without reload). */
  ready(): Promise<void> {
    return this.#watcher?.ready() ?? Promise.resolve();
  }

  /** Whether watching and swapping are on. */
  get reloading(): boolean {
    return this.#options.reload;
  }

  /** 1 after the first load, + 1 for every swap or rollback. */
  get version(): number {
    return this.#version;
  }

  /** The running library's manifest. */
  get manifest(): HotLibrary["manifest"] | undefined {
    return this.#current?.manifest;
  }

  /** The shadow copies' directory (reload mode). */
  get shadowDir(): ShadowDir | undefined {
    return this.#shadow;
  }

  /** Paths of the libraries loaded now: the running one and the rollback target. */
  loadedPaths(): string[] {
    return [this.#current, this.#previous, this.#pending?.lib].flatMap((l) => (l && !l.closed ? [l.path] : []));
  }

  /** True once after each reload or rollback, like hot-lib-reloader's `updated()`. */
  wasUpdated(): boolean {
    const updated = this.#updated;
    this.#updated = false;
    return updated;
  }

  /** Whether a validated library waits for the next frame boundary. */
  get hasPending(): boolean {
    return this.#pending !== undefined;
  }

  /**
   * Tells the reloader each component's layout hash as the TypeScript source defines it now (the
   * dev runner does, from the codegen before each build), so a layout refusal can say which side
   * is stale: the library (rebuild) or the running app (restart).
   */
  setSourceLayouts(layouts: SourceLayouts): void {
    this.#sourceLayouts = layouts;
  }

  /** Called before each swap; may call `block()` to hold it. */
  onAboutToReload(observer: (e: AboutToReload) => void): void {
    this.#aboutObservers.push(observer);
  }

  /** Called after each swap. */
  onReloaded(observer: (e: Reloaded) => void): void {
    this.#reloadedObservers.push(observer);
  }

  /** Holds every swap until the token is released. */
  block(): ReloadBlock {
    const token: ReloadBlock = { release: () => void this.#blocks.delete(token) };
    this.#blocks.add(token);
    return token;
  }

  /** In manual mode: load the current build now and swap it in at the next frame boundary. */
  requestReload(): void {
    if (!this.#options.reload) throw new Error("requestReload() needs the reload feature (bun run dev --features reload)");
    this.#buildReady = false;
    this.#firstEventAt ??= performance.now();
    this.#retriesLeft = this.#options.retries; // a file caught mid-write is retried, as in auto mode
    this.#stage();
  }

  /**
   * Binds a system name for a hotSystem(): fails with the list of exports when the library has no
   * such system, or when its components do not match the app's.
   */
  bind(name: string): Binding {
    const known = this.#bindings.get(name);
    if (known) return known;
    const lib = this.#current;
    if (!lib) throw new Error(`hotSystem("${name}"): no library is loaded`);
    const system = findSystem(lib.manifest, name);
    if (!system) throw new Error(`hotSystem("${name}"): ${basename(lib.source)} exports no system of that name (exports: ${exportList(lib.manifest)})`);
    try {
      checkSystemComponents(lib.manifest, system, this.#app.components, this.#sourceLayouts);
    } catch (e) {
      throw new Error(`hotSystem("${name}"): ${(e as Error).message}`);
    }
    const binding: Binding = { name, system, entry: lib.entry(name) };
    this.#bindings.set(name, binding);
    this.#registered.set(name, describeParams(system.params));
    return binding;
  }

  /** Handles a system that returned "panicked": roll back if there is a library to go back to, else disable it. */
  systemPanicked(binding: Binding): void {
    this.stats.panics++;
    const bad = this.#current!;
    const message = bad.lastError() || "panicked";
    const panicked = { type: "panic", file: bad.source, system: binding.name, version: this.#version, message } as const;
    const previous = this.#previous;
    if (previous && !previous.closed && this.#options.reload) {
      // No frame of the library is on the stack here: the panic was caught at its boundary.
      const unloadPanic = bad.unload();
      this.#point(previous);
      const loadPanic = previous.load(this.hostMemory);
      if (!loadPanic) {
        this.#previous = undefined;
        this.#current = previous;
        this.#badHashes.add(bad.hash);
        this.#dispose(bad);
        this.#version++;
        this.#updated = true;
        this.stats.rollbacks++;
        this.#report({ ...panicked, action: "rolled_back", now: this.#version });
        if (unloadPanic) this.#report({ type: "warning", file: bad.source, message: `unload hook panicked during rollback: ${unloadPanic}` });
        return;
      }
      this.#point(bad);
      this.#report({ type: "warning", file: previous.source, message: `rollback failed, its load hook panicked: ${loadPanic}` });
    }
    binding.entry = undefined;
    this.#report({ ...panicked, action: "disabled", now: this.#version });
  }

  /** Stops watching, runs the unload hook, closes every library and removes the shadow copies. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#retryTimer);
    this.#watcher?.close();
    const panic = this.#current?.unload();
    if (panic && this.#current) this.#report({ type: "warning", file: this.#current.source, message: `unload hook panicked at shutdown: ${panic}` });
    for (const lib of [this.#pending?.lib, this.#previous, this.#current]) if (lib) this.#dispose(lib);
    this.#pending = undefined;
    this.#previous = this.#current = undefined;
    this.#shadow?.remove();
  }

  #loadInitial(): void {
    const path = this.#options.library;
    const fail = (why: string): never => {
      this.#shadow?.remove(); // no copy outlives a reloader that never started
      throw new Error(`hotloop: cannot load ${path}: ${why}`);
    };
    let bytes: Uint8Array;
    try {
      bytes = readFileSync(path);
      this.#readIno = statSync(path).ino;
    } catch (e) {
      return fail((e as NodeJS.ErrnoException).code === "ENOENT" ? "no such file (build the crate first, e.g. bun run dev)" : (e as Error).message);
    }
    const problem = imageProblem(bytes);
    if (problem) fail(problem);
    const hash = Bun.hash(bytes).toString(16);
    let lib: HotLibrary;
    try {
      if (this.#options.reload) {
        this.#shadow = new ShadowDir();
        lib = new HotLibrary(this.#writeShadow(bytes), path, hash);
      } else {
        lib = new HotLibrary(path, path, hash);
      }
    } catch (e) {
      return fail((e as Error).message);
    }
    const panic = lib.load(this.hostMemory);
    if (panic) {
      this.#dispose(lib);
      fail(`its load hook panicked: ${panic}`);
    }
    this.#current = lib;
    this.#version = 1;
    this.stats.loads++;
  }

  #writeShadow(bytes: Uint8Array): string {
    const copy = this.#shadow!.nextPath(basename(this.#options.library));
    writeFileSync(copy, bytes, { mode: 0o700 });
    if (process.platform === "darwin") {
      // As hot-lib-reloader does: a copied dylib must be re-signed before macOS loads it.
      Bun.spawnSync(["codesign", "-s", "-", "-f", copy], { stdout: "ignore", stderr: "ignore" });
    }
    return copy;
  }

  #onFileSettled(): void {
    if (this.#closed) return;
    if (this.#options.mode === "manual") {
      if (!this.#buildReady) this.#report({ type: "info", message: `a new build of ${basename(this.#options.library)} is ready: reload on request` });
      this.#buildReady = true;
      return;
    }
    this.#retriesLeft = this.#options.retries;
    this.#stage();
  }

  /** Reads, checks, copies, opens and validates the file; on success it waits for the frame boundary. */
  #stage(): void {
    clearTimeout(this.#retryTimer);
    this.#retryTimer = undefined;
    const path = this.#options.library;
    const started = performance.now();
    const read = readComplete(path, this.#readIno);
    if (read.signature !== this.#lastSignature) {
      // The file changed since the last attempt: it is being worked on, which is progress, so the
      // retries (for a file that stays incomplete or unloadable) start over.
      this.#lastSignature = read.signature;
      this.#retriesLeft = this.#options.retries;
    }
    if ("problem" in read) return this.#retryOrRefuse(read.problem, undefined, read.waitMs);
    const bytes = read.bytes;
    this.#readIno = read.ino;
    const hash = Bun.hash(bytes).toString(16);
    const latest = this.#pending?.lib ?? this.#current;
    if (latest && hash === latest.hash) return this.#settle();
    if (this.#badHashes.has(hash)) return this.#settle();
    const problem = imageProblem(bytes);
    if (problem) return this.#retryOrRefuse(problem, hash);
    this.stats.stagings++;
    let lib: HotLibrary | undefined;
    const copy = this.#writeShadow(bytes);
    try {
      lib = new HotLibrary(copy, path, hash);
      checkCompatible(lib.manifest, this.#registered, this.#app.components, this.#sourceLayouts);
    } catch (e) {
      if (lib) this.#dispose(lib);
      else rmSync(copy, { force: true });
      if (e instanceof LibraryError && this.#retriesLeft > 0) return this.#retryOrRefuse(e.message, hash);
      if (e instanceof ManifestError || e instanceof LibraryError) return this.#refuse(e.message, hash);
      return this.#refuse(`unexpected error: ${(e as Error).message}`, hash);
    }
    if (this.#pending) this.#dispose(this.#pending.lib); // a newer build supersedes one still waiting
    const now = performance.now();
    this.#pending = { lib, detectedAt: this.#firstEventAt ?? started, loadedAt: started, stagedAt: now, announced: false };
    this.#firstEventAt = undefined;
  }

  #retryOrRefuse(reason: string, hash?: string, delayMs = this.#options.retryDelayMs): void {
    if (this.#retriesLeft > 0) {
      this.#retriesLeft--;
      this.#retryTimer = setTimeout(() => this.#stage(), delayMs);
      return;
    }
    this.#refuse(reason, hash);
  }

  #refuse(reason: string, hash?: string): void {
    if (hash) this.#badHashes.add(hash);
    this.stats.refusals++;
    this.#settle();
    this.#report({ type: "reload", status: "refused", file: this.#options.library, version: this.#version, reason });
  }

  #settle(): void {
    this.#firstEventAt = undefined;
  }

  /** Between frames: apply a pending library unless an observer holds a block. */
  #onFrameBoundary(): void {
    const pending = this.#pending;
    if (pending === undefined) return;
    if (!pending.announced) {
      pending.announced = true;
      const event: AboutToReload = { file: pending.lib.source, nextVersion: this.#version + 1, block: () => this.block() };
      for (const observer of this.#aboutObservers) observer(event);
    }
    if (this.#blocks.size > 0) return;
    this.#pending = undefined;
    const swapStart = performance.now();
    const old = this.#current;
    const unloadPanic = old?.unload();
    if (unloadPanic && old) this.#report({ type: "warning", file: old.source, message: `unload hook panicked: ${unloadPanic} (continuing with the new library)` });
    this.#point(pending.lib);
    const loadPanic = pending.lib.load(this.hostMemory);
    if (loadPanic) {
      // Back out: the old library comes back and re-initialises its state with its own load hook.
      if (old) {
        this.#point(old);
        const again = old.load(this.hostMemory);
        if (again) this.#report({ type: "warning", file: old.source, message: `load hook panicked when restored: ${again}` });
      }
      this.#dispose(pending.lib);
      return this.#refuse(`load hook panicked: ${loadPanic}`, pending.lib.hash);
    }
    this.#version++;
    this.#updated = true;
    this.stats.loads++;
    this.stats.swaps++;
    const retired = this.#previous;
    this.#previous = old;
    this.#current = pending.lib;
    const swapEnd = performance.now();
    for (const observer of this.#reloadedObservers) observer({ file: pending.lib.source, version: this.#version });
    if (retired) this.#dispose(retired);
    this.#report({
      type: "reload",
      status: "ok",
      file: pending.lib.source,
      version: this.#version,
      detectedMs: pending.loadedAt - pending.detectedAt,
      loadMs: pending.stagedAt - pending.loadedAt,
      swapMs: swapEnd - swapStart,
      totalMs: swapEnd - pending.detectedAt,
    });
  }

  /** Points every binding at `lib`'s entries (re-enabling disabled systems). */
  #point(lib: HotLibrary): void {
    for (const binding of this.#bindings.values()) binding.entry = lib.entry(binding.name);
  }

  /** Closes a library and deletes its shadow copy; warns once if the mapping outlived dlclose. */
  #dispose(lib: HotLibrary): void {
    lib.close();
    if (lib.path === lib.source) return; // static mode: the build output is not ours to delete
    if (!this.#warnedMapped && stillMapped(lib.path)) {
      this.#warnedMapped = true;
      this.#report({
        type: "warning",
        file: lib.source,
        message: `an old copy (${basename(lib.path)}) stayed mapped after dlclose, most likely a Rust thread_local! with a destructor (rust-lang/rust#59629); reloads keep working, but old versions' memory is not returned (warned once)`,
      });
    }
    rmSync(lib.path, { force: true });
  }
}

/**
 * How long a file rewritten in place must have been left alone before it is read, in ms. Longer
 * than a coarse timestamp tick (up to 10 ms), which is how far mtime may lag the write.
 */
const REWRITE_QUIET_MS = 25;

/** The build output's bytes and inode, or why it cannot be read now (and when it may be mid-write, how long to wait). */
type ReadResult = { signature: string } & ({ bytes: Uint8Array; ino: number } | { problem: string; waitMs?: number });

/**
 * Reads the file if it is stable: the same size and mtime before and after reading, and, when it
 * is the inode read last time (rewritten in place: cp, Bun.write), not modified within
 * REWRITE_QUIET_MS. Why: a reader racing an in-place rewrite gets a torn mix of old and new bytes
 * with size and mtime unchanged (timestamps are coarse), which passes the ELF checks and can crash
 * in dlopen; a write sets mtime when it starts, so a file left alone for the quiet time was not
 * being written while it was read. A new inode needs no wait: cargo links a finished file and
 * atomic writers rename one into place, and a new file still being written is a prefix of the
 * final one, which the ELF check refuses as truncated.
 */
function readComplete(path: string, rewrittenIno: number | undefined): ReadResult {
  try {
    const before = statSync(path);
    const bytes = readFileSync(path);
    const after = statSync(path);
    const signature = `${after.ino}:${after.size}:${after.mtimeMs}`;
    if (before.ino !== after.ino || before.size !== after.size || before.mtimeMs !== after.mtimeMs || bytes.length !== after.size) {
      return { signature, problem: "the file changed while it was read" };
    }
    const age = Date.now() - after.mtimeMs;
    // More than a second in the future is clock skew (a network file system), not a writer.
    if (after.ino === rewrittenIno && age > -1000 && age < REWRITE_QUIET_MS) {
      return { signature, problem: "the file is still being written", waitMs: Math.ceil(REWRITE_QUIET_MS - age) };
    }
    return { signature, bytes, ino: after.ino };
  } catch (e) {
    const missing = (e as NodeJS.ErrnoException).code === "ENOENT";
    return { signature: missing ? "missing" : "unreadable", problem: missing ? "the file is missing" : (e as Error).message };
  }
}
