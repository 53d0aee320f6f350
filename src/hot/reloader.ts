/**
 * The HotReloader: loads a hot library and, with `reload` on, follows its builds. One reload goes
 * through one room per step, in one direction:
 *
 *   watcher.ts (a build renamed into place is detected) → reloader/stager.ts (read, hash, ELF
 *   check, shadow copy, open: a staged build, or a refusal) → reloader/compatibility.ts (can each
 *   system run here) → reloader/transaction.ts (at the frame boundary: swapped in, or kept, in
 *   the phases SWAP_PHASES lists) → reloader/reload-report.ts (reported).
 *
 * Around them: reloader/options.ts (the options and defaults), reloader/observers.ts
 * (about-to-reload / reloaded, blocks), reloader/slot-table.ts (the slots), reloader/library-set.ts
 * (open libraries, closed after the frame) and reloader/typescript-link.ts (what only src/live
 * asks). This file is the front: the public API, the version, the current build, the rollback
 * target and the frame-boundary sequence.
 */
import { basename } from "node:path";
import type { App } from "../core/index.ts";
import { nativeBuffer } from "../ecs/index.ts";
import { hostParamsOf } from "./host-params.ts";
import type { HotLibrary } from "./library.ts";
import { exportList, findSystem, systemProblem, type SourceLayouts } from "./manifest.ts";
import { planSwap } from "./plan.ts";
import { consoleReporter, type HotEvent } from "./report.ts";
import type { ShadowDir } from "./shadow-dir.ts";
import { HotSlot } from "./slots.ts";
import { Watchdog } from "../core/watchdog.ts";
import { LibraryWatcher } from "./watcher.ts";
import { runProblem } from "./reloader/compatibility.ts";
import { LibrarySet } from "./reloader/library-set.ts";
import { Observers, type AboutToReload, type ReloadBlock, type Reloaded } from "./reloader/observers.ts";
import { resolveOptions, type ReloaderOptions, type ResolvedOptions } from "./reloader/options.ts";
import { ReloadReport } from "./reloader/reload-report.ts";
import { SlotTable } from "./reloader/slot-table.ts";
import { Stager } from "./reloader/stager.ts";
import { rollBack, stagedWait, swapStaged, type ReloaderState, type StagedWait, type TransactionHost } from "./reloader/transaction.ts";
import { TypeScriptLink } from "./reloader/typescript-link.ts";

export type { AboutToReload, ReloadBlock, Reloaded } from "./reloader/observers.ts";
export type { ReloaderOptions } from "./reloader/options.ts";
export { SWAP_PHASES, type PairedChange, type RollbackTarget, type StagedWait, type SwapPhase } from "./reloader/transaction.ts";

/**
 * Loads a hot library and, with `reload` on, watches it, stages each new build and swaps it in at
 * the next frame boundary, system by system (plan.ts), in the phases of SWAP_PHASES:
 *
 *   about-to-reload observers (may block) → old unload hook → every slot retargeted (new code, a
 *   rebuilt call context, added / moved / removed in its schedule, or kept on older code it cannot
 *   leave yet) → new load hook → version + 1 → reloaded observers → the libraries nothing uses
 *   any more are closed.
 *
 * The state before the swap is the rollback target: a system of the new build that panics
 * brings the whole previous state back within its frame, through the same activation path.
 * A library stays loaded while any slot, or the rollback target, uses it.
 */
export class HotReloader {
  /** Memory that outlives every library, handed to load hooks (docs/abi.md). */
  readonly hostMemory: Uint8Array;
  /** The most recent events, newest last (for a HUD). */
  readonly events: HotEvent[];
  /** Counts for tests and benchmarks. */
  readonly stats = {
    /** Libraries loaded (the first one included). */
    loads: 0,
    /** Builds swapped in. */
    swaps: 0,
    /** Builds refused. */
    refusals: 0,
    /** Rollbacks to the previous build after a panic. */
    rollbacks: 0,
    /** System panics caught. */
    panics: 0,
    /** Builds staged (copied and opened, waiting for a frame boundary). */
    stagings: 0,
  };

  readonly #app: App;
  readonly #options: ResolvedOptions;
  readonly #watchdog: Watchdog | undefined;
  readonly #report: ReloadReport;
  readonly #observers: Observers;
  readonly #libraries: LibrarySet;
  readonly #slots: SlotTable;
  readonly #stager: Stager;
  readonly #link: TypeScriptLink;
  /** What swaps and rollbacks work through (transaction.ts). */
  readonly #tx: TransactionHost;
  /** The current build, the version, the rollback target: what swaps and rollbacks commit to (transaction.ts). */
  readonly #state: ReloaderState = { current: undefined, version: 0, rollbackTarget: undefined, updated: false };
  #watcher: LibraryWatcher | undefined;
  #closed = false;
  #sourceLayouts: SourceLayouts | undefined;

  constructor(app: App, options: ReloaderOptions) {
    this.#app = app;
    const o = (this.#options = resolveOptions(options));
    this.#report = new ReloadReport(options.reporter ?? consoleReporter(), o.library);
    this.events = this.#report.events;
    this.#observers = new Observers(this.#report);
    this.#libraries = new LibrarySet(this.#report);
    this.hostMemory = new Uint8Array(nativeBuffer(o.hostMemoryBytes), 0, o.hostMemoryBytes);
    hostParamsOf(app, options.commandWords).notice = (message) => this.#report.warn(message);
    // The app's, shared with the TypeScript game layer; it stops with the app.
    const ownWatchdog = o.watchdogMs > 0 && app.getResource(Watchdog) === undefined;
    if (o.watchdogMs > 0) this.#watchdog = Watchdog.of(app, o.watchdogMs, options.logFormat === "json");
    this.#slots = new SlotTable(app, (slot, refused) => this.#systemPanicked(slot, refused), this.#watchdog, o.probationFrames);
    this.#stager = new Stager({
      options: o,
      report: this.#report,
      libraries: this.#libraries,
      watchdog: this.#watchdog,
      stats: this.stats,
      current: () => this.#state.current,
      version: () => this.#state.version,
      awaited: () => this.#link.awaitedLayouts,
    });
    this.#link = new TypeScriptLink(this, { tx: () => this.#tx, reload: o.reload, closed: () => this.#closed });
    this.#tx = {
      state: this.#state,
      hostMemory: this.hostMemory,
      slots: this.#slots,
      libraries: this.#libraries,
      observers: this.#observers,
      report: this.#report,
      stager: this.#stager,
      stats: this.stats,
      link: this.#link,
      problem: (lib, system) => runProblem(app, lib, system, this.#link.awaitedLayouts, this.#sourceLayouts),
      onPhase: undefined,
    };
    try {
      this.#loadFirst();
    } catch (e) {
      if (ownWatchdog) {
        this.#watchdog?.close(); // a reloader that never started leaves no thread behind
        app.resources.remove(Watchdog);
      }
      throw e;
    }
    if (o.reload) {
      app.onFrameBoundary(() => this.#onFrameBoundary());
      this.#watcher = new LibraryWatcher(o.library, o.debounceMs, {
        first: () => this.#stager.detected(),
        quiet: () => {
          if (!this.#closed) this.#stager.quiet();
        },
        removed: () => this.#report.warn(`the library was deleted; still running v${this.#state.version}, waiting for a new build`),
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
    return this.#state.version;
  }

  /** The running library's manifest. */
  get manifest(): HotLibrary["manifest"] | undefined {
    return this.#state.current?.manifest;
  }

  /** The shadow copies' directory (reload mode). */
  get shadowDir(): ShadowDir | undefined {
    return this.#stager.shadow;
  }

  /** Paths of the libraries loaded now: the running one, any an older system still runs, the rollback target, a staged build. */
  loadedPaths(): string[] {
    const staged = this.#stager.staged;
    return [...this.#libraries.libraries(), ...(staged ? [staged.lib] : [])].filter((l) => !l.closed).map((l) => l.path);
  }

  /** The hot systems by name, with the version whose code each runs (undefined: disabled) and whether that code is on probation. */
  systems(): Map<
    string,
    {
      /** The version whose code it runs; undefined while it is disabled. */
      version: number | undefined;
      /** Where the library places it (`FixedUpdate after a`); undefined when the app places it with `hotSystem()`. */
      placement: string | undefined;
      /** Whether its code is on probation (its build's first frames: a panic puts the written rows back). */
      probation: boolean;
    }
  > {
    return new Map([...this.#slots.entries()].map(([name, slot]) => [name, { version: slot.entry ? this.#libraries.versionOf(slot.lib) : undefined, placement: slot.placement, probation: slot.probation }]));
  }

  /**
   * True once after each version change, like hot-lib-reloader's `updated()`. The rule: every
   * version change — a swap or a rollback — sets it and calls the reloaded observers (with its
   * cause); about-to-reload observers run before swaps only, since a rollback cannot wait.
   */
  wasUpdated(): boolean {
    const updated = this.#state.updated;
    this.#state.updated = false;
    return updated;
  }

  /** Whether a validated build is staged: it waits for the next frame boundary. */
  get hasStaged(): boolean {
    return this.#stager.staged !== undefined;
  }

  /**
   * The former name of {@link hasStaged}, kept while callers move (scripts/soak.ts, whose source
   * the soak benchmark's recorded result is tied to).
   * @deprecated Use hasStaged.
   */
  get hasPending(): boolean {
    return this.hasStaged;
  }

  /**
   * Why the staged build waits (undefined: none is staged, or it swaps at the next boundary).
   * @experimental
   */
  get stagedWait(): StagedWait | undefined {
    return this.#stager.staged ? stagedWait(this.#tx) : undefined;
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
    this.#observers.onAboutToReload(observer);
  }

  /** Called after each swap and rollback. */
  onReloaded(observer: (e: Reloaded) => void): void {
    this.#observers.onReloaded(observer);
  }

  /** Holds every swap until the token is released. */
  block(): ReloadBlock {
    return this.#observers.block();
  }

  /** In manual mode: load the current build now and swap it in at the next frame boundary. */
  requestReload(): void {
    if (!this.#options.reload) throw new Error("requestReload() needs the reload feature (bun run dev --features reload)");
    this.#stager.request();
  }

  /**
   * The slot of a system the app places itself (hotSystem()): fails with the list of exports when
   * the library has no such system, when the library places it already, or when its components do
   * not match the app's.
   */
  bind(name: string): HotSlot {
    const known = this.#slots.get(name);
    if (known?.placer === "app") return known;
    const lib = this.#state.current;
    if (!lib) throw new Error(`hotSystem("${name}"): no library is loaded`);
    const system = findSystem(lib.manifest, name);
    if (!system) throw new Error(`hotSystem("${name}"): ${basename(lib.source)} exports no system of that name (exports: ${exportList(lib.manifest)})`);
    if (known) {
      throw new Error(`hotSystem("${name}"): the library already places ${name} in ${known.placement} (export!); remove one of the two`);
    }
    const problem = systemProblem(lib.manifest, system, this.#app.components, this.#sourceLayouts, hostParamsOf(this.#app).layouts);
    if (problem) throw new Error(`hotSystem("${name}"): ${problem}`);
    return this.#slots.bindForApp(name, { lib, system, placer: "app", enabled: true });
  }

  /** Stops watching, runs the unload hook, closes every library and removes the shadow copies. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#stager.close();
    this.#watcher?.close();
    const current = this.#state.current;
    const panic = current?.unload();
    if (panic && current) this.#report.warn(`unload hook panicked at shutdown: ${panic}`, current.source);
    this.#libraries.closeAll(this.#stager.take()?.lib);
    this.#state.rollbackTarget = undefined;
    this.#state.current = undefined;
    this.#stager.shadow?.remove();
  }

  /** Handles a system that returned "panicked": roll back if its build has a previous state to go back to, else disable it. */
  #systemPanicked(slot: HotSlot, refused?: string): void {
    this.stats.panics++;
    this.#app.reportFault(slot.name);
    const lib = slot.lib;
    const message = refused ?? (lib.lastError() || "panicked");
    const state = this.#state;
    const panicked = { type: "panic", file: lib.source, system: slot.name, version: this.#libraries.versionOf(lib) ?? state.version, message } as const;
    const target = state.rollbackTarget;
    if (target && lib === state.current && this.#options.reload && rollBack(this.#tx, target, true)) {
      this.#report.event({ ...panicked, action: "rolled_back", now: state.version });
      return;
    }
    slot.disable();
    this.#report.event({ ...panicked, action: "disabled", now: state.version });
  }

  #loadFirst(): void {
    const lib = this.#stager.openFirst();
    const panic = lib.load(this.hostMemory);
    if (panic) {
      this.#libraries.dispose(lib);
      this.#stager.failFirst(`its load hook panicked: ${panic}`);
    }
    this.#state.current = lib;
    this.#state.version = 1;
    this.#libraries.set(lib, 1);
    this.stats.loads++;
    // The systems the library places itself are in their schedules from the first frame: placed
    // then, once the game's plugins have registered the components they use (this plugin comes first).
    this.#app.onNextFrameBoundary(() => {
      if (this.#closed || this.#state.current !== lib) return;
      const { targets, changes } = planSwap(this.#slots.snapshot(), lib, (system) => this.#tx.problem(lib, system));
      this.#slots.activate(targets);
      const versionOf = (l: HotLibrary) => this.#libraries.versionOf(l);
      for (const change of changes) if (change.change !== "unscheduled" && change.change !== "kept") this.#report.change(change, this.#state.version, versionOf);
      // Systems placed by nobody: known only now that the app's plugins had their chance to call hotSystem().
      for (const system of this.#state.current?.manifest.systems ?? []) {
        if (!this.#slots.has(system.name) && !system.schedule) this.#report.change({ change: "unscheduled", system: system.name }, this.#state.version, versionOf);
      }
    });
  }

  /** Between frames: read the watcher's news, count down probation, swap a staged build in (transaction.ts) unless it waits. */
  #onFrameBoundary(): void {
    // A build put in place since the last frame is staged here and swapped in below, in this boundary.
    this.#watcher?.poll();
    // A paused frame runs no system: it proves nothing about a new build.
    if (!this.#app.presenting) this.#slots.tickProbation();
    // Called every frame (it returns at once when nothing is staged): in alternated single runs of
    // bench `reload` this kept the swap frame's `waited` stage near the split-up code's best.
    swapStaged(this.#tx);
  }
}
