import { rmSync } from "node:fs";
import { basename, resolve } from "node:path";
import { SystemConfig, type App } from "../core/index.ts";
import { nativeBuffer, type Layout } from "../ecs/index.ts";
import { HotSlot, type SlotTarget } from "./bindings.ts";
import { imageProblem } from "./elf.ts";
import { hostParamsOf } from "./host-params.ts";
import { HotLibrary, LibraryError } from "./library.ts";
import { describePlacement, exportList, findSystem, ManifestError, systemProblem, type ComponentLayouts, type SourceLayouts, type SystemManifest } from "./manifest.ts";
import { stillMapped } from "./maps.ts";
import { planSwap, type SystemChange } from "./plan.ts";
import { consoleReporter, type HotEvent, type LogFormat, type Reporter } from "./report.ts";
import { ShadowDir, ShadowWriteError } from "./shadow-dir.ts";
import { contentHash, openCopy, readComplete } from "./staging.ts";
import { Watchdog } from "./watchdog.ts";
import { LibraryWatcher } from "./watcher.ts";

/** Options of a {@link HotReloader}. */
export interface ReloaderOptions {
  /** The library cargo builds, e.g. `systems/target/debug/libgame.so`. */
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
  /**
   * Frames a build just swapped in stays on probation (default 60, about a second): its systems'
   * written rows are saved before each call and put back if the call panics. 0 turns it off.
   */
  readonly probationFrames?: number;
  /**
   * Budget of one frame inside a hot system, in ms, before the watchdog (a thread of its own)
   * names the system and stops it at its next use of a query or resource. Default 1000 with
   * `reload`, off (0) without: the watchdog costs two stores a call.
   */
  readonly watchdogMs?: number;
  /** How the watchdog's own lines are printed (it writes straight to stderr while the game is stuck). */
  readonly logFormat?: LogFormat;
  /** Where events go (default: readable lines on stderr). */
  readonly reporter?: Reporter;
  /**
   * Size of the command queue hot systems write with `Commands`, in 8-byte words (default 2^20,
   * 8 MiB: about 100k spawns of two components in one system call). A call that writes more
   * panics with one line saying so, and none of its commands apply.
   */
  readonly commandWords?: number;
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
  /** `swap`: a new build took over; `rollback`: the previous one came back after a panic. */
  readonly cause: "swap" | "rollback";
}

/** The hot systems as they run at one moment: every slot's target, and the library that is current. */
interface RunningState {
  readonly current: HotLibrary;
  readonly slots: ReadonlyMap<string, SlotTarget>;
  /** What else changed with the swap away from this state (a component migration), undone first by a rollback to it. */
  readonly companion?: SwapCompanion;
}

/**
 * Changes made together with a library swap that a rollback must undo with it: a TypeScript
 * reload that migrated components the new library was built against.
 */
export interface SwapCompanion {
  /** Puts the data and TypeScript back as they were before the swap (called before the old code runs again). */
  revert(): void;
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
 * Loads a hot library and, with `reload` on, watches it, stages each new build (staging.ts) and
 * swaps it in at the next frame boundary, system by system (plan.ts):
 *
 *   about-to-reload observers (may block) → old unload hook → every slot pointed at its new
 *   target (new code, a rebuilt call context, added / moved / removed in its schedule, or kept on
 *   older code it cannot leave yet) → new load hook → version + 1 → reloaded observers → the
 *   libraries nothing uses any more are closed.
 *
 * The state before the swap is the rollback target: a system of the new build that panics
 * brings the whole previous state back within its frame, through the same activation path.
 * A library stays loaded while any slot, or the rollback target, uses it.
 */
export class HotReloader {
  /** Memory that outlives every library, handed to load hooks (docs/abi.md). */
  readonly hostMemory: Uint8Array;
  /** The most recent events, newest last (for a HUD). */
  readonly events: HotEvent[] = [];
  /** Counts for tests and benchmarks. */
  readonly stats = { loads: 0, swaps: 0, refusals: 0, rollbacks: 0, panics: 0, stagings: 0 };

  readonly #app: App;
  readonly #options: Required<Omit<ReloaderOptions, "reporter" | "logFormat" | "commandWords">>;
  readonly #watchdog: Watchdog | undefined;
  readonly #report: Reporter;
  readonly #slots = new Map<string, HotSlot>();
  readonly #blocks = new Set<ReloadBlock>();
  readonly #aboutObservers: ((e: AboutToReload) => void)[] = [];
  readonly #reloadedObservers: ((e: Reloaded) => void)[] = [];
  /** Builds that panicked and were rolled back: not loaded again until another build ran. */
  readonly #badHashes = new Set<string>();
  /** Every library open now, with the version it became current as. */
  readonly #loaded = new Map<HotLibrary, number>();
  /** Systems already announced as exported but not scheduled. */
  readonly #announcedUnscheduled = new Set<string>();
  #shadow: ShadowDir | undefined;
  #watcher: LibraryWatcher | undefined;
  /** Libraries out of use, waiting for the event loop to close them (see {@link #closeUnused}). */
  readonly #closing: HotLibrary[] = [];
  #closeScheduled = false;
  #current: HotLibrary | undefined;
  #previous: RunningState | undefined;
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
  /** Frames left on probation for the build swapped in last (0: none). */
  #probationLeft = 0;
  /** Layouts a staged TypeScript reload migrates components to: builds are checked against them and wait for it. */
  #expected: ReadonlyMap<string, Layout> | undefined;

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
      probationFrames: options.probationFrames ?? 60,
      watchdogMs: options.watchdogMs ?? (options.reload ? 1000 : 0),
    };
    const reporter = options.reporter ?? consoleReporter();
    this.#report = (event) => {
      this.events.push(event);
      if (this.events.length > MAX_EVENTS) this.events.shift();
      reporter(event);
    };
    this.hostMemory = new Uint8Array(nativeBuffer(this.#options.hostMemoryBytes), 0, this.#options.hostMemoryBytes);
    hostParamsOf(app, options.commandWords).notice = (message) => this.#report({ type: "warning", file: this.#options.library, message });
    if (this.#options.watchdogMs > 0) {
      const watchdog = new Watchdog(this.#options.watchdogMs, options.logFormat === "json");
      this.#watchdog = watchdog;
      app.onFrameBoundary(() => watchdog.beginFrame());
      app.onFrameEnd(() => watchdog.endFrame());
    }
    try {
      this.#loadInitial();
    } catch (e) {
      this.#watchdog?.close();
      throw e;
    }
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

  /** Paths of the libraries loaded now: the running one, any an older system still runs, the rollback target, a pending build. */
  loadedPaths(): string[] {
    return [...this.#loaded.keys(), ...(this.#pending ? [this.#pending.lib] : [])].filter((l) => !l.closed).map((l) => l.path);
  }

  /** The hot systems by name, with the version whose code each runs (undefined: disabled). */
  systems(): Map<string, { version: number | undefined; placement: string | undefined }> {
    return new Map([...this.#slots].map(([name, slot]) => [name, { version: slot.entry ? this.#loaded.get(slot.lib) : undefined, placement: slot.placement }]));
  }

  /**
   * True once after each version change, like hot-lib-reloader's `updated()`. The rule: every
   * version change — a swap or a rollback — sets it and calls the reloaded observers (with its
   * cause); about-to-reload observers run before swaps only, since a rollback cannot wait.
   */
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

  /**
   * Tells the reloader that a staged TypeScript reload will migrate components to these layouts
   * (undefined: none any more). Until then, builds are validated against them and a good one is
   * held for {@link swapPending}, so the data, the TypeScript and the Rust of one layout change
   * at one frame boundary. Setting them reads the build output again: a build that was refused
   * for being newer than the running components may be the one awaited.
   */
  expectLayouts(layouts: ReadonlyMap<string, Layout> | undefined): void {
    this.#expected = layouts && layouts.size > 0 ? layouts : undefined;
    if (this.#pending && !this.#builtForExpected(this.#pending.lib)) {
      this.#dispose(this.#pending.lib);
      this.#pending = undefined;
    }
    if (!this.#expected || !this.#options.reload || this.#closed || this.#pending) return;
    // The build may have been swapped in already (its systems that use these components kept on
    // older code, since the running layouts differed): then it is the awaited one, loaded again.
    if (!this.#current || !this.#builtForExpected(this.#current)) return;
    this.#lastSignature = undefined;
    this.#retriesLeft = this.#options.retries;
    this.#stage(true);
  }

  /** Whether `lib` was compiled against the expected layouts of every expected component it uses. */
  #builtForExpected(lib: HotLibrary): boolean {
    const expected = this.#expected;
    if (!expected) return true;
    return lib.manifest.components.every((c) => expected.get(c.name)?.hash === undefined || expected.get(c.name)!.hash === c.hash);
  }

  #expectedNames(lib: HotLibrary): string {
    return lib.manifest.components.filter((c) => this.#expected?.has(c.name)).map((c) => c.name).join(", ");
  }

  /** Whether the running library was compiled against any of these components. */
  usesComponents(names: Iterable<string>): boolean {
    const compiled = new Set(this.#current?.manifest.components.map((c) => c.name) ?? []);
    for (const name of names) if (compiled.has(name)) return true;
    return false;
  }

  /**
   * Swaps the held build in now, with `companion` as what a rollback must also undo. For the
   * TypeScript reloader at a frame boundary, after it migrated the components. Returns whether
   * the build runs (false: nothing pending, or its load hook panicked and it was refused).
   */
  swapPending(companion: SwapCompanion): boolean {
    const pending = this.#pending;
    if (!pending) return false;
    this.#pending = undefined;
    const migrated = new Set(this.#expected?.keys() ?? []);
    this.#expected = undefined;
    if (!this.#swap(pending, companion)) return false;
    for (const slot of this.#slots.values()) {
      if (slot.lib === this.#current || !slot.entry || !slot.system.params.some((p) => p.kind === "query" && p.components.some((c) => migrated.has(c.name)))) continue;
      slot.disable(); // kept on older code, which was built for a layout the data no longer has
      this.#report({ type: "warning", file: slot.lib.source, message: `system ${slot.name} is disabled: its code (v${this.#loaded.get(slot.lib)}) was built for components that were just migrated` });
    }
    return true;
  }

  /**
   * Rolls the swap that had a companion back (a TypeScript system of that reload threw): the
   * companion is undone, the previous build runs again. `blameLibrary` false: the build itself did
   * nothing wrong and may be loaded again. Returns whether it rolled back.
   */
  rollBackCompanion(blameLibrary: boolean): boolean {
    const previous = this.#previous;
    return previous?.companion !== undefined && this.#rollBack(previous, blameLibrary);
  }

  /** Forgets the rollback target (its companion committed: the old code's data layout is gone). */
  dropRollbackTarget(): void {
    if (!this.#previous) return;
    this.#previous = undefined;
    this.#closeUnused();
  }

  /** Called before each swap; may call `block()` to hold it. */
  onAboutToReload(observer: (e: AboutToReload) => void): void {
    this.#aboutObservers.push(observer);
  }

  /** Called after each swap and rollback. */
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
   * The slot of a system the app places itself (hotSystem()): fails with the list of exports when
   * the library has no such system, when the library places it already, or when its components do
   * not match the app's.
   */
  bind(name: string): HotSlot {
    const known = this.#slots.get(name);
    if (known?.placer === "app") return known;
    const lib = this.#current;
    if (!lib) throw new Error(`hotSystem("${name}"): no library is loaded`);
    const system = findSystem(lib.manifest, name);
    if (!system) throw new Error(`hotSystem("${name}"): ${basename(lib.source)} exports no system of that name (exports: ${exportList(lib.manifest)})`);
    if (known) {
      throw new Error(`hotSystem("${name}"): the library already places ${name} in ${known.placement} (export!); remove one of the two`);
    }
    const problem = systemProblem(lib.manifest, system, this.#app.components, this.#sourceLayouts, hostParamsOf(this.#app).layouts);
    if (problem) throw new Error(`hotSystem("${name}"): ${problem}`);
    const slot = new HotSlot(name, this.#app, { lib, system, placer: "app", enabled: true }, (s, m) => this.systemPanicked(s, m), this.#watchdog);
    this.#slots.set(name, slot);
    return slot;
  }

  /** Handles a system that returned "panicked": roll back if its build has a previous state to go back to, else disable it. */
  systemPanicked(slot: HotSlot, refused?: string): void {
    this.stats.panics++;
    const lib = slot.lib;
    const message = refused ?? (lib.lastError() || "panicked");
    const panicked = { type: "panic", file: lib.source, system: slot.name, version: this.#loaded.get(lib) ?? this.#version, message } as const;
    const previous = this.#previous;
    if (previous && lib === this.#current && this.#options.reload && this.#rollBack(previous)) {
      this.#report({ ...panicked, action: "rolled_back", now: this.#version });
      return;
    }
    slot.disable();
    this.#report({ ...panicked, action: "disabled", now: this.#version });
  }

  /** Stops watching, runs the unload hook, closes every library and removes the shadow copies. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#retryTimer);
    this.#watcher?.close();
    this.#watchdog?.close();
    const panic = this.#current?.unload();
    if (panic && this.#current) this.#report({ type: "warning", file: this.#current.source, message: `unload hook panicked at shutdown: ${panic}` });
    for (const lib of [this.#pending?.lib, ...this.#loaded.keys(), ...this.#closing.splice(0)]) if (lib) this.#dispose(lib);
    this.#loaded.clear();
    this.#pending = undefined;
    this.#previous = undefined;
    this.#current = undefined;
    this.#shadow?.remove();
  }

  #loadInitial(): void {
    const path = this.#options.library;
    const fail = (why: string): never => {
      this.#shadow?.remove(); // no copy outlives a reloader that never started
      throw new Error(`hotloop: cannot load ${path}: ${why}`);
    };
    const read = readComplete(path, undefined);
    if ("problem" in read) return fail(read.problem === "the file is missing" ? "no such file (build the crate first, e.g. hotloop build)" : read.problem);
    this.#readIno = read.ino;
    const problem = imageProblem(read.bytes);
    if (problem) fail(problem);
    const hash = contentHash(read.bytes);
    let lib: HotLibrary;
    try {
      if (this.#options.reload) {
        this.#shadow = new ShadowDir("hotloop-", (message) => this.#report({ type: "warning", file: this.#options.library, message }));
        lib = openCopy(this.#shadow, path, read.bytes, hash);
      } else {
        // Loaded from its build path by an absolute name: never looked up through LD_LIBRARY_PATH.
        lib = new HotLibrary(resolve(path), path, hash);
      }
    } catch (e) {
      return fail((e as Error).message);
    }
    if (this.#watchdog) lib.setAbortFlag(this.#watchdog.abortFlag);
    const panic = lib.load(this.hostMemory);
    if (panic) {
      this.#dispose(lib);
      fail(`its load hook panicked: ${panic}`);
    }
    this.#current = lib;
    this.#version = 1;
    this.#loaded.set(lib, 1);
    this.stats.loads++;
    // The systems the library places itself are in their schedules from the first frame: placed
    // then, once the game's plugins have registered the components they use (this plugin comes first).
    this.#app.onNextFrameBoundary(() => {
      if (this.#closed || this.#current !== lib) return;
      const placed = new Map([...this.#slots].map(([name, slot]) => [name, slot.snapshot()]));
      const { targets, changes } = planSwap(placed, lib, (system) => this.#problem(lib, system));
      this.#activate(targets);
      for (const change of changes) if (change.change !== "unscheduled" && change.change !== "kept") this.#reportChange(change);
      // Systems placed by nobody: known only now that the app's plugins had their chance to call hotSystem().
      for (const system of this.#current?.manifest.systems ?? []) {
        if (!this.#slots.has(system.name) && !system.schedule) this.#reportChange({ change: "unscheduled", system: system.name });
      }
    });
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

  /**
   * Stages the file (see #stageFile). Runs from timers and watcher events, so nothing may escape:
   * an unexpected error is one warning, and the game keeps its code.
   */
  #stage(restageCurrent = false): void {
    try {
      this.#stageFile(restageCurrent);
    } catch (e) {
      this.#settle();
      this.#report({ type: "warning", file: this.#options.library, message: `could not stage the build: ${(e as Error).message} (still running v${this.#version})` });
    }
  }

  /** Reads, checks, copies, opens and validates the file; on success it waits for the frame boundary. */
  #stageFile(restageCurrent: boolean): void {
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
    const hash = contentHash(bytes);
    const latest = this.#pending?.lib ?? this.#current;
    if (latest && hash === latest.hash && !(restageCurrent && latest === this.#current)) return this.#settle();
    if (this.#badHashes.has(hash)) return this.#settle();
    const problem = imageProblem(bytes);
    if (problem) return this.#retryOrRefuse(problem, hash);
    this.stats.stagings++;
    let lib: HotLibrary;
    try {
      lib = openCopy(this.#shadow!, path, bytes, hash);
    } catch (e) {
      if (e instanceof ShadowWriteError) {
        // Not the build's fault (a full disk, a removed directory): tried again, and the same build loads once it can.
        if (this.#retriesLeft-- > 0) return void (this.#retryTimer = setTimeout(() => this.#stage(), this.#options.retryDelayMs));
        this.#settle();
        this.#lastSignature = undefined;
        return this.#report({ type: "warning", file: path, message: `could not stage the build: ${e.message} (still running v${this.#version}; the next save tries again)` });
      }
      if (e instanceof LibraryError && this.#retriesLeft > 0) return this.#retryOrRefuse(e.message, hash);
      if (e instanceof ManifestError || e instanceof LibraryError) return this.#refuse(e.message, hash);
      return this.#refuse(`unexpected error: ${(e as Error).message}`, hash);
    }
    if (!this.#builtForExpected(lib)) {
      // Built from the components as they were: the game waits for the build of the layouts it is moving to.
      this.#dispose(lib);
      this.#settle();
      return this.#report({ type: "info", message: `${basename(path)} was built against the old layout of ${this.#expectedNames(lib)}; waiting for the build against the new one` });
    }
    if (this.#watchdog) lib.setAbortFlag(this.#watchdog.abortFlag);
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

  /** Why `system` of `lib` cannot run in this app, or undefined. */
  #problem(lib: HotLibrary, system: SystemManifest): string | undefined {
    if (system.schedule && !this.#app.scheduleNamed(system.schedule)) return `the app has no schedule ${system.schedule}`;
    const registry = this.#app.components;
    const expected = this.#expected;
    const layouts: ComponentLayouts = expected
      ? { get: (name) => (registry.get(name) && expected.has(name) ? { layout: expected.get(name)! } : registry.get(name)) }
      : registry;
    return systemProblem(lib.manifest, system, layouts, this.#sourceLayouts, hostParamsOf(this.#app).layouts);
  }

  /** Between frames: end probation when its frames are over; apply a pending library unless an observer holds a block. */
  #onFrameBoundary(): void {
    // A build put in place since the last frame is staged here and swapped in below, in this boundary.
    this.#watcher?.poll();
    if (this.#probationLeft > 0 && --this.#probationLeft === 0) this.#setProbation(undefined);
    const pending = this.#pending;
    if (pending === undefined) return;
    if (!pending.announced) {
      pending.announced = true;
      const event: AboutToReload = { file: pending.lib.source, nextVersion: this.#version + 1, block: () => this.block() };
      this.#notify("onAboutToReload", this.#aboutObservers, event);
    }
    if (this.#blocks.size > 0 || this.#expected) return; // held: by an observer, or for the TypeScript reload it goes with
    this.#pending = undefined;
    this.#swap(pending);
  }

  /** Swaps a staged build in: the unload hook of the old, the slots, the load hook of the new. Returns whether it runs. */
  #swap(pending: Pending, companion?: SwapCompanion): boolean {
    const swapStart = performance.now();
    const lib = pending.lib;
    const old = this.#current!;
    const before = this.#state();
    const { targets, changes } = planSwap(before.slots, lib, (system) => this.#problem(lib, system));
    const unloadPanic = old.unload();
    if (unloadPanic) this.#report({ type: "warning", file: old.source, message: `unload hook panicked: ${unloadPanic} (continuing with the new library)` });
    this.#activate(targets);
    const loadPanic = lib.load(this.hostMemory);
    if (loadPanic) {
      // Back out: the old state comes back and re-initialises its globals with its own load hook.
      this.#activate(before.slots);
      const again = old.load(this.hostMemory);
      if (again) this.#report({ type: "warning", file: old.source, message: `load hook panicked when restored: ${again}` });
      this.#dispose(lib);
      this.#refuse(`load hook panicked: ${loadPanic}`, lib.hash);
      return false;
    }
    this.#version++;
    this.#updated = true;
    this.stats.loads++;
    this.stats.swaps++;
    this.#current = lib;
    this.#loaded.set(lib, this.#version);
    this.#previous = companion ? { ...before, companion } : before;
    this.#setProbation(lib);
    // A build that panicked before may be chosen again once another one ran.
    this.#badHashes.clear();
    const swapEnd = performance.now();
    this.#notify("onReloaded", this.#reloadedObservers, { file: lib.source, version: this.#version, cause: "swap" });
    this.#closeUnused(true);
    this.#report({
      type: "reload",
      status: "ok",
      file: lib.source,
      version: this.#version,
      detectedMs: pending.loadedAt - pending.detectedAt,
      loadMs: pending.stagedAt - pending.loadedAt,
      swapMs: swapEnd - swapStart,
      totalMs: swapEnd - pending.detectedAt,
    });
    for (const change of changes) this.#reportChange(change);
    return true;
  }

  /**
   * Brings `previous` back after a panic of the current build, within the frame (no frame of the
   * library is on the stack: the panic was caught at its boundary). Returns false when that
   * failed (the previous build's load hook panicked too): the current build is then restored
   * whole, and the caller disables the panicking system.
   */
  #rollBack(previous: RunningState, blameLibrary = true): boolean {
    const bad = this.#current!;
    const now = this.#state();
    const unloadPanic = bad.unload();
    previous.companion?.revert(); // the old layout's data first: the old code's contexts are built for it
    this.#activate(previous.slots);
    const loadPanic = previous.current.load(this.hostMemory);
    if (loadPanic && previous.companion) {
      // The new build cannot come back over data reverted to the old layout: the old code runs, its globals as they are.
      this.#report({ type: "warning", file: previous.current.source, message: `its load hook panicked during the rollback: ${loadPanic}; running it anyway (the data is back in its layout)` });
    } else if (loadPanic) {
      this.#report({ type: "warning", file: previous.current.source, message: `rollback failed, its load hook panicked: ${loadPanic}; staying on v${this.#version}` });
      this.#activate(now.slots);
      const again = bad.load(this.hostMemory);
      if (again) this.#report({ type: "warning", file: bad.source, message: `load hook panicked when restored: ${again}` });
      this.#previous = undefined; // it cannot be rolled back to
      this.#closeUnused();
      return false;
    }
    this.#current = previous.current;
    this.#previous = undefined;
    this.#setProbation(undefined);
    if (blameLibrary) this.#badHashes.add(bad.hash);
    this.#version++;
    this.#loaded.set(previous.current, this.#version);
    this.#updated = true;
    this.stats.rollbacks++;
    if (unloadPanic) this.#report({ type: "warning", file: bad.source, message: `unload hook panicked during rollback: ${unloadPanic}` });
    this.#notify("onReloaded", this.#reloadedObservers, { file: previous.current.source, version: this.#version, cause: "rollback" });
    this.#closeUnused();
    return true;
  }

  /** Puts the systems running `lib`'s code on probation for probationFrames (undefined: ends it for all). */
  #setProbation(lib: HotLibrary | undefined): void {
    const on = lib !== undefined && this.#options.probationFrames > 0;
    this.#probationLeft = on ? this.#options.probationFrames : 0;
    for (const slot of this.#slots.values()) slot.probation = on && slot.lib === lib;
  }

  /** What runs now. */
  #state(): RunningState {
    return { current: this.#current!, slots: new Map([...this.#slots].map(([name, slot]) => [name, slot.snapshot()])) };
  }

  /**
   * The one path that makes a state run, for the first load, a swap, a backed-out load hook and a
   * rollback alike: slots not in `targets` leave their schedules, new ones join theirs, the others
   * point at their target (a moved one changes schedule).
   */
  #activate(targets: ReadonlyMap<string, SlotTarget>): void {
    for (const [name, slot] of this.#slots) {
      if (targets.has(name)) continue;
      this.#unschedule(slot);
      this.#slots.delete(name);
    }
    for (const [name, target] of targets) {
      const slot = this.#slots.get(name);
      if (!slot) {
        const created = new HotSlot(name, this.#app, target, (s, m) => this.systemPanicked(s, m), this.#watchdog);
        this.#slots.set(name, created);
        this.#schedule(created);
        continue;
      }
      const moved = slot.placement !== (target.placer === "library" ? describePlacement(target.system) : undefined);
      if (moved) this.#unschedule(slot);
      slot.point(target);
      if (moved) this.#schedule(slot);
    }
  }

  /** Adds a library-placed slot to its schedule (app-placed slots are in the app's hands). */
  #schedule(slot: HotSlot): void {
    if (slot.placer !== "library" || !slot.system.schedule) return;
    const label = this.#app.scheduleNamed(slot.system.schedule);
    if (!label) return; // refused earlier by #problem
    this.#app.addSystems(label, new SystemConfig(slot.name, () => slot.run, slot.system.before, slot.system.after, [], { hot: true }));
  }

  #unschedule(slot: HotSlot): void {
    if (slot.placer !== "library" || !slot.system.schedule) return;
    const label = this.#app.scheduleNamed(slot.system.schedule);
    if (label) this.#app.removeSystem(label, slot.name);
  }

  #reportChange(change: SystemChange<HotLibrary>): void {
    const version = this.#version;
    switch (change.change) {
      case "kept":
        this.#report({ type: "system", change: "kept", system: change.system, keptOn: this.#loaded.get(change.on) ?? version, reason: change.reason, version });
        return;
      case "unscheduled":
        if (this.#announcedUnscheduled.has(change.system)) return; // one notice per name
        this.#announcedUnscheduled.add(change.system);
        this.#report({ type: "system", change: "unscheduled", system: change.system, version });
        return;
      case "added":
      case "removed":
        // At the first load, being in a schedule is where a placed system starts, not news.
        if (version > 1) this.#report({ type: "system", change: change.change, system: change.system, placement: change.placement, version });
        return;
      case "not_added":
        this.#report({ type: "system", change: "not_added", system: change.system, placement: change.placement, reason: change.reason, version });
        return;
      case "placed_twice":
        this.#report({ type: "system", change: "placed_twice", system: change.system, placement: change.placement, version });
        return;
      default:
        this.#report({ type: "system", change: change.change, system: change.system, from: change.from, to: change.to, version });
    }
  }

  /** Calls observers; one that throws is reported and the rest still run (an observer never stops the game). */
  #notify<E>(what: string, observers: readonly ((e: E) => void)[], event: E): void {
    for (const observer of observers) {
      try {
        observer(event);
      } catch (e) {
        this.#report({ type: "warning", file: this.#options.library, message: `an ${what} observer threw: ${oneLineError(e)}` });
      }
    }
  }

  /**
   * Closes the libraries nothing uses any more (neither running nor a rollback target). `soon`:
   * they leave the loaded set now, and are closed once the event loop next turns, not in the
   * swapping frame: dlclose, the mapping check and the file removal then delay no frame's systems.
   */
  #closeUnused(soon = false): void {
    const used = new Set<HotLibrary>([this.#current!, ...[...this.#slots.values()].map((s) => s.lib)]);
    if (this.#previous) {
      used.add(this.#previous.current);
      for (const target of this.#previous.slots.values()) used.add(target.lib);
    }
    for (const lib of [...this.#loaded.keys()]) {
      if (used.has(lib)) continue;
      this.#loaded.delete(lib);
      if (soon) this.#closing.push(lib);
      else this.#dispose(lib);
    }
    if (this.#closing.length === 0 || this.#closeScheduled) return;
    this.#closeScheduled = true;
    setImmediate(() => {
      this.#closeScheduled = false;
      for (const lib of this.#closing.splice(0)) this.#dispose(lib);
    });
  }

  /** Closes a library and deletes its shadow copy; warns once if the mapping outlived dlclose. */
  #dispose(lib: HotLibrary): void {
    lib.close();
    if (lib.path === resolve(lib.source)) return; // static mode: the build output is not ours to delete
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

/** An error thrown by user code as one line: its message and where it was thrown (`file:line:col`). */
export function oneLineError(e: unknown): string {
  if (!(e instanceof Error)) return String(e);
  const place = stackPlaces(e)[0];
  return `${e.message.split("\n")[0]}${place ? ` (at ${place.file}:${place.line}:${place.column})` : ""}`;
}

/** A place in a stack trace. */
export interface StackPlace {
  readonly file: string;
  readonly line: number;
  readonly column: number;
}

/** The `file:line:col` of each frame of an error's stack, innermost first. */
export function stackPlaces(e: unknown): StackPlace[] {
  const stack = typeof e === "object" && e !== null ? (e as { stack?: unknown }).stack : undefined;
  if (typeof stack !== "string") return [];
  const places: StackPlace[] = [];
  for (const line of stack.split("\n")) {
    if (!/^\s+at /.test(line)) continue;
    const m = /\(?([^()\s]+):(\d+):(\d+)\)?\s*$/.exec(line);
    if (m) places.push({ file: m[1]!, line: Number(m[2]), column: Number(m[3]) });
  }
  return places;
}
