/**
 * What a new build changes, system by system: the diff of its manifest against the running
 * slots. A pure function, so the rules are tested apart from any loading:
 *
 *  - a body changed: the slot takes the new code;
 *  - a signature changed (components, access, filters, resources): it takes the new code with a
 *    call context rebuilt for the new parameters;
 *  - new and placed by the library: added to its schedule; removed (or no longer placed): taken
 *    out; placed elsewhere: moved;
 *  - cannot run here (a component the app lacks, another layout, an unknown schedule): that system
 *    keeps its last good code, alone — the rest of the build swaps in;
 *  - exported but placed by nobody: one notice.
 */
import type { Placer } from "./slots.ts";
import { describeParams, describePlacement, type Manifest, type SystemManifest } from "./manifest.ts";

/** What the plan needs of a library: its manifest (a HotLibrary in the reloader). */
export interface PlannedLibrary {
  readonly manifest: Manifest;
}

/** What a slot will run: the code of one library, with its manifest entry. */
export interface PlanTarget<L extends PlannedLibrary = PlannedLibrary> {
  readonly lib: L;
  readonly system: SystemManifest;
  readonly placer: Placer;
  /** False: the system stays disabled (it panicked and there was nothing to roll back to). */
  readonly enabled: boolean;
}

/** One system-level consequence of a swap, for the reload's report. */
export type SystemChange<L extends PlannedLibrary = PlannedLibrary> =
  | { readonly change: "added"; readonly system: string; readonly placement: string }
  | { readonly change: "removed"; readonly system: string; readonly placement: string }
  | { readonly change: "moved"; readonly system: string; readonly from: string; readonly to: string }
  | { readonly change: "signature"; readonly system: string; readonly from: string; readonly to: string }
  | { readonly change: "kept"; readonly system: string; readonly on: L; readonly reason: string }
  | { readonly change: "not_added"; readonly system: string; readonly placement: string; readonly reason: string }
  | { readonly change: "unscheduled"; readonly system: string }
  | { readonly change: "placed_twice"; readonly system: string; readonly placement: string };

/** The slots after the swap, and what changed. */
export interface SwapPlan<L extends PlannedLibrary> {
  readonly targets: Map<string, PlanTarget<L>>;
  readonly changes: SystemChange<L>[];
}

/**
 * Plans the swap of `lib` over the running slots. `problem(system)` says why a system cannot run
 * against this app (one line), or undefined when it can.
 */
export function planSwap<L extends PlannedLibrary>(
  current: ReadonlyMap<string, PlanTarget<L>>,
  lib: L,
  problem: (system: SystemManifest) => string | undefined,
): SwapPlan<L> {
  const targets = new Map<string, PlanTarget<L>>();
  const changes: SystemChange<L>[] = [];
  const exported = new Set<string>();
  for (const system of lib.manifest.systems) {
    const name = system.name;
    exported.add(name);
    const old = current.get(name);
    const placement = describePlacement(system);
    if (old?.placer === "app") {
      // hotSystem() in TypeScript placed it: it stays where the app put it, with the new code.
      const why = problem(system);
      if (why) {
        targets.set(name, old);
        changes.push({ change: "kept", system: name, on: old.lib, reason: why });
        continue;
      }
      targets.set(name, { lib, system, placer: "app", enabled: true });
      if (placement) changes.push({ change: "placed_twice", system: name, placement });
      signature(old.system, system, changes);
      continue;
    }
    if (!placement) {
      if (old) changes.push({ change: "removed", system: name, placement: describePlacement(old.system) ?? "its schedule" });
      changes.push({ change: "unscheduled", system: name });
      continue;
    }
    const why = problem(system);
    if (why) {
      if (old) {
        targets.set(name, old);
        changes.push({ change: "kept", system: name, on: old.lib, reason: why });
      } else {
        changes.push({ change: "not_added", system: name, placement, reason: why });
      }
      continue;
    }
    targets.set(name, { lib, system, placer: "library", enabled: true });
    if (!old) {
      changes.push({ change: "added", system: name, placement });
      continue;
    }
    const before = describePlacement(old.system);
    if (before !== placement) changes.push({ change: "moved", system: name, from: before ?? "", to: placement });
    signature(old.system, system, changes);
  }
  for (const [name, old] of current) {
    if (exported.has(name)) continue;
    if (old.placer === "app") {
      targets.set(name, old);
      changes.push({ change: "kept", system: name, on: old.lib, reason: `the library no longer exports it, and hotSystem("${name}") in TypeScript still places it` });
    } else {
      changes.push({ change: "removed", system: name, placement: describePlacement(old.system) ?? "its schedule" });
    }
  }
  return { targets, changes };
}

function signature<L extends PlannedLibrary>(from: SystemManifest, to: SystemManifest, changes: SystemChange<L>[]): void {
  const before = describeParams(from.params);
  const after = describeParams(to.params);
  if (before !== after) changes.push({ change: "signature", system: to.name, from: before, to: after });
}
