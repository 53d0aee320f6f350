/**
 * What only the TypeScript reloader (src/live) asks of a HotReloader, kept off its public face:
 * a component migration whose layouts a build must be made for waits for that build and swaps it
 * in with itself, at one frame boundary, and a rollback undoes both. Reached through
 * {@link reloaderInternals}, as koota's `$internal` or the SDK's `__private`.
 */
import type { Layout } from "../../ecs/index.ts";
import type { HotReloader } from "../reloader.ts";
import { builtForAwaited, usesAny, type AwaitedLayouts } from "./compatibility.ts";
import { closeUnused, rollBack, swapStaged, type PairedChange, type SwapPhase, type TransactionHost } from "./transaction.ts";

/** What the link reads of its reloader. */
export interface LinkHost {
  /** What swaps and rollbacks work through (made after the link, hence a function). */
  readonly tx: () => TransactionHost;
  /** Whether watching and swapping are on. */
  readonly reload: boolean;
  /** Whether the reloader was closed. */
  closed(): boolean;
}

const links = new WeakMap<HotReloader, TypeScriptLink>();

/**
 * The TypeScript reloader's side of a HotReloader. Internal: for src/live only.
 * @experimental
 */
export function reloaderInternals(reloader: HotReloader): TypeScriptLink {
  const link = links.get(reloader);
  if (!link) throw new Error("hotloop: this HotReloader has no TypeScript link (internal error)");
  return link;
}

/**
 * The link between a HotReloader and the TypeScript reloader of the same app.
 * @experimental
 */
export class TypeScriptLink {
  /** Layouts a staged TypeScript reload migrates components to: builds are checked against them and wait for it. */
  #awaitedLayouts: AwaitedLayouts | undefined;
  readonly #host: LinkHost;

  /** Made by the reloader it belongs to (`owner`), which it serves from then on. */
  constructor(owner: HotReloader, host: LinkHost) {
    this.#host = host;
    links.set(owner, this);
  }

  /** The layouts a build is awaited for, if any. */
  get awaitedLayouts(): AwaitedLayouts | undefined {
    return this.#awaitedLayouts;
  }

  /**
   * Tells the reloader that a staged TypeScript reload will migrate components to these layouts
   * (undefined: none any more). Until then, builds are validated against them and a good one is
   * held for {@link swapStaged}, so the data, the TypeScript and the Rust of one layout change at
   * one frame boundary. Setting them reads the build output again: a build that was refused for
   * being newer than the running components may be the one awaited.
   */
  awaitBuildFor(layouts: ReadonlyMap<string, Layout> | undefined): void {
    const tx = this.#host.tx();
    const reload = this.#host.reload;
    this.#awaitedLayouts = layouts && layouts.size > 0 ? layouts : undefined;
    const staged = tx.stager.staged;
    if (staged && !builtForAwaited(staged.lib, this.#awaitedLayouts)) tx.stager.dropStaged();
    if (!this.#awaitedLayouts || !reload || this.#host.closed() || tx.stager.staged) return;
    // The build may have been swapped in already (its systems that use these components kept on
    // older code, since the running layouts differed): then it is the awaited one, loaded again.
    const current = tx.state.current;
    if (!current || !builtForAwaited(current, this.#awaitedLayouts)) return;
    tx.stager.restage();
  }

  /** Whether the running library was compiled against any of these components. */
  usesComponents(names: Iterable<string>): boolean {
    return usesAny(this.#host.tx().state.current, names);
  }

  /**
   * Swaps the staged build in now, with `paired` as what a rollback must also undo. For the
   * TypeScript reloader at a frame boundary, after it migrated the components. Returns whether
   * the build runs (false: nothing staged, or its load hook panicked and it was refused).
   */
  swapStaged(paired: PairedChange): boolean {
    const tx = this.#host.tx();
    if (!tx.stager.staged) return false;
    const migrated = new Set(this.#awaitedLayouts?.keys() ?? []);
    this.#awaitedLayouts = undefined; // planned against the app's components, migrated by now
    if (swapStaged(tx, "plan", paired) !== "swapped") return false;
    for (const slot of tx.slots.values()) {
      const usesMigrated = slot.system.params.some(
        (p) => (p.kind === "query" && p.components.some((c) => migrated.has(c.name))) || ((p.kind === "res" || p.kind === "event_writer" || p.kind === "event_reader") && migrated.has(p.name)),
      );
      if (slot.lib === tx.state.current || !slot.entry || !usesMigrated) continue;
      slot.disable(); // kept on older code, which was built for a layout the data no longer has
      tx.report.warn(`system ${slot.name} is disabled: its code (v${tx.libraries.versionOf(slot.lib)}) was built for components or resources that were just migrated`, slot.lib.source);
    }
    return true;
  }

  /**
   * Rolls the swap that had a paired change back (a TypeScript system of that reload threw): the
   * change is undone, the previous build runs again. `blameLibrary` false: the build itself did
   * nothing wrong and may be loaded again. Returns whether it rolled back.
   */
  rollBackPaired(blameLibrary: boolean): boolean {
    const tx = this.#host.tx();
    const target = tx.state.rollbackTarget;
    return target?.paired !== undefined && rollBack(tx, target, blameLibrary);
  }

  /** Forgets the rollback target (its paired change committed: the old code's data layout is gone). */
  dropRollbackTarget(): void {
    const tx = this.#host.tx();
    if (!tx.state.rollbackTarget) return;
    tx.state.rollbackTarget = undefined;
    closeUnused(tx);
  }

  /** Calls `trace` with each swap phase as it starts (undefined: stops), for tests of the phase order. */
  tracePhases(trace: ((phase: SwapPhase) => void) | undefined): void {
    this.#host.tx().onPhase = trace;
  }
}
