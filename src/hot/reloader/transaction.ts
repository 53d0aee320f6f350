/**
 * Swap and rollback: the two ways a state starts to run, through the one activation path
 * (slot-table.ts), each backed out when a load hook panics.
 *
 * A swap runs {@link SWAP_PHASES} in order, as data: a phase that returns false ends it there
 * ("wait": the staged build stays for a later boundary; "load": the build is refused and the old
 * state runs on). The state before a swap becomes the rollback target: a system of the new build
 * that panics brings it back within its frame.
 */
import type { HotLibrary } from "../library.ts";
import type { SystemManifest } from "../manifest.ts";
import { planSwap, type SystemChange } from "../plan.ts";
import type { LibrarySet } from "./library-set.ts";
import type { AwaitedLayouts } from "./compatibility.ts";
import type { Observers } from "./observers.ts";
import type { ReloadReport } from "./reload-report.ts";
import type { SlotTable, SlotTargets } from "./slot-table.ts";
import type { Stager } from "./stager.ts";

/**
 * The phases of a swap at a frame boundary, in the order they run:
 *
 *  - `announce`: the about-to-reload observers, once per staged build (they may take a block);
 *  - `wait`: a staged build waits while it is held (see {@link StagedWait}): the swap ends here;
 *  - `plan`: the build is taken and each slot's target planned (plan.ts);
 *  - `unload`: the running build's unload hook;
 *  - `activate`: every slot retargeted, added to or removed from its schedule;
 *  - `load`: the new build's load hook; a panic backs out (the old slots, the old load hook) and refuses the build;
 *  - `commit`: version + 1, the new build current, the old state the rollback target, probation;
 *  - `notify`: the reloaded observers;
 *  - `close`: libraries nothing uses any more leave, and are closed after the frame;
 *  - `report`: the reload's event and what it did to each system.
 *
 * A swap a TypeScript reload makes with its migration starts at `plan`: it was announced at this
 * boundary already and was waiting for that very reload.
 */
export const SWAP_PHASES = ["announce", "wait", "plan", "unload", "activate", "load", "commit", "notify", "close", "report"] as const;

/** One phase of a swap. */
export type SwapPhase = (typeof SWAP_PHASES)[number];

/**
 * Why a staged build waits at a frame boundary: `observer-block`, an about-to-reload observer holds
 * a block; `typescript-reload`, a staged TypeScript reload awaits a build for the layouts it
 * migrates components to, and swaps the build in itself together with its migration.
 */
export type StagedWait = "observer-block" | "typescript-reload";

/**
 * Changes made together with a library swap that a rollback must undo with it: a TypeScript
 * reload that migrated components the new library was built against.
 */
export interface PairedChange {
  /** Puts the data and TypeScript back as they were before the swap (called before the old code runs again). */
  revert(): void;
}

/** A state to come back to: every slot's target, the library that was current, and what changed with the swap away from it. */
export interface RollbackTarget {
  /** The library that was current. */
  readonly current: HotLibrary;
  /** What every slot ran then. */
  readonly slots: SlotTargets;
  /** Undone first by a rollback to this state (a component migration). */
  readonly paired?: PairedChange;
}

/** The reloader's state a swap or rollback commits to: the front holds it, as plain data. */
export interface ReloaderState {
  /** The library current now (undefined before the first load and after close). */
  current: HotLibrary | undefined;
  /** 1 after the first load, + 1 for every swap or rollback. */
  version: number;
  /** The state a panic of the current build brings back. */
  rollbackTarget: RollbackTarget | undefined;
  /** Set by every version change (read once by wasUpdated). */
  updated: boolean;
}

/**
 * What a swap or rollback works through: plain data, no accessors, since the swap path runs about
 * once a reload, cold, and getters on it measured slower in single runs of bench `reload`
 * (its `waited` and `swapped` stages; not in bench/results/).
 */
export interface TransactionHost {
  readonly state: ReloaderState;
  readonly hostMemory: Uint8Array;
  readonly slots: SlotTable;
  readonly libraries: LibrarySet;
  readonly observers: Observers;
  readonly report: ReloadReport;
  readonly stager: Stager;
  readonly stats: { loads: number; swaps: number; rollbacks: number };
  /** Where the layouts a staged TypeScript reload awaits a build for are kept (typescript-link.ts). */
  readonly link: { readonly awaitedLayouts: AwaitedLayouts | undefined };
  /** Why `system` of `lib` cannot run in the app (compatibility.ts), or undefined. */
  readonly problem: (lib: HotLibrary, system: SystemManifest) => string | undefined;
  /** Told each phase as it starts (a test's trace). */
  onPhase: ((phase: SwapPhase) => void) | undefined;
}

/** How a swap ended: it runs; the staged build waits; it was refused; nothing was staged. */
export type SwapOutcome = "swapped" | "waiting" | "refused" | "none";

/** Why the staged build waits at this boundary, said outright; undefined: it swaps now. */
export function stagedWait(host: TransactionHost): StagedWait | undefined {
  if (host.observers.held) return "observer-block";
  if (host.link.awaitedLayouts) return "typescript-reload"; // it swaps the build in itself, with its migration
  return undefined;
}

/**
 * Runs the phases of a swap of the staged build in the order of {@link SWAP_PHASES}, from `from`
 * on, `paired` being what a rollback must also undo. One function, each phase a case: see
 * {@link TransactionHost} for why.
 */
export function swapStaged(host: TransactionHost, from: SwapPhase = "announce", paired?: PairedChange): SwapOutcome {
  const staged = host.stager.staged;
  if (staged === undefined) return "none";
  const state = host.state;
  const lib = staged.lib;
  const old = state.current!;
  let before: RollbackTarget | undefined;
  let targets: SlotTargets | undefined;
  let changes: SystemChange<HotLibrary>[] = [];
  let start = 0;
  let end = 0;
  for (let i = SWAP_PHASES.indexOf(from); i < SWAP_PHASES.length; i++) {
    const phase = SWAP_PHASES[i]!;
    host.onPhase?.(phase);
    switch (phase) {
      case "announce":
        if (staged.announced) break;
        staged.announced = true;
        host.observers.aboutToReload({ file: lib.source, nextVersion: state.version + 1, block: () => host.observers.block() });
        break;
      case "wait":
        if (stagedWait(host) !== undefined) return "waiting";
        break;
      case "plan":
        start = performance.now();
        host.stager.take();
        before = { current: old, slots: host.slots.snapshot() };
        ({ targets, changes } = planSwap(before.slots, lib, (system) => host.problem(lib, system)));
        break;
      case "unload": {
        const panic = old.unload();
        if (panic) host.report.warn(`unload hook panicked: ${panic} (continuing with the new library)`, old.source);
        break;
      }
      case "activate":
        host.slots.activate(targets!);
        break;
      case "load": {
        const panic = lib.load(host.hostMemory);
        if (!panic) break;
        // Back out: the old state comes back and re-initialises its globals with its own load hook.
        host.slots.activate(before!.slots);
        const again = old.load(host.hostMemory);
        if (again) host.report.warn(`load hook panicked when restored: ${again}`, old.source);
        host.libraries.dispose(lib);
        host.stager.refuse(`load hook panicked: ${panic}`, lib.hash);
        return "refused";
      }
      case "commit":
        state.version++;
        state.updated = true;
        host.stats.loads++;
        host.stats.swaps++;
        state.current = lib;
        host.libraries.set(lib, state.version);
        state.rollbackTarget = paired ? { ...before!, paired } : before;
        host.slots.startProbation(lib);
        host.stager.forgetRejected(); // a build that panicked before may be chosen again once another one ran
        end = performance.now(); // the swap's time ends here: the observers' and the closing's are not the reloader's
        break;
      case "notify":
        host.observers.reloaded({ file: lib.source, version: state.version, cause: "swap" });
        break;
      case "close":
        closeUnused(host, true);
        break;
      case "report":
        host.report.event({
          type: "reload",
          status: "ok",
          file: lib.source,
          version: state.version,
          detectedMs: staged.loadedAt - staged.detectedAt,
          loadMs: staged.stagedAt - staged.loadedAt,
          swapMs: end - start,
          totalMs: end - staged.detectedAt,
        });
        for (const change of changes) host.report.change(change, state.version, (l) => host.libraries.versionOf(l));
        break;
    }
  }
  return "swapped";
}

/**
 * Brings `target` back after a panic of the current build, within the frame (no frame of the
 * library is on the stack: the panic was caught at its boundary). `blameLibrary`: the build that
 * panicked is rejected until another build ran. Returns false when that failed (the target's load
 * hook panicked too): the current build is then restored whole, and the caller disables the
 * panicking system.
 */
export function rollBack(host: TransactionHost, target: RollbackTarget, blameLibrary: boolean): boolean {
  const state = host.state;
  const bad = state.current!;
  const now = host.slots.snapshot();
  const unloadPanic = bad.unload();
  target.paired?.revert(); // the old layout's data first: the old code's contexts are built for it
  host.slots.activate(target.slots);
  const loadPanic = target.current.load(host.hostMemory);
  if (loadPanic && target.paired) {
    // The new build cannot come back over data reverted to the old layout: the old code runs, its globals as they are.
    host.report.warn(`its load hook panicked during the rollback: ${loadPanic}; running it anyway (the data is back in its layout)`, target.current.source);
  } else if (loadPanic) {
    host.report.warn(`rollback failed, its load hook panicked: ${loadPanic}; staying on v${state.version}`, target.current.source);
    host.slots.activate(now);
    const again = bad.load(host.hostMemory);
    if (again) host.report.warn(`load hook panicked when restored: ${again}`, bad.source);
    state.rollbackTarget = undefined; // it cannot be rolled back to
    closeUnused(host);
    return false;
  }
  state.current = target.current;
  state.rollbackTarget = undefined;
  host.slots.startProbation(undefined);
  if (blameLibrary) host.stager.reject(bad.hash);
  state.version++;
  host.libraries.set(target.current, state.version);
  state.updated = true;
  host.stats.rollbacks++;
  if (unloadPanic) host.report.warn(`unload hook panicked during rollback: ${unloadPanic}`, bad.source);
  host.observers.reloaded({ file: target.current.source, version: state.version, cause: "rollback" });
  closeUnused(host);
  return true;
}

/**
 * Closes the libraries nothing uses any more: neither current, nor run by a slot, nor part of the
 * rollback target. `soon`: closed after the frame (library-set.ts).
 */
export function closeUnused(host: TransactionHost, soon = false): void {
  const used = new Set<HotLibrary>([host.state.current!, ...host.slots.libraries()]);
  const target = host.state.rollbackTarget;
  if (target) {
    used.add(target.current);
    for (const t of target.slots.values()) used.add(t.lib);
  }
  host.libraries.closeUnused(used, soon);
}
