/**
 * One FFI crossing for a run of consecutive hot systems. A schedule fuses neighbouring hot
 * systems (core's {@link Fusion}); the fused function hands the library a list of
 * `[entry, ctx, watchdog number]` and `hotloop_run_systems` calls them in order, each inside its
 * own panic boundary with its own context, stopping after the first that panicked.
 *
 * What stays per system: contexts are refreshed before the crossing (no Rust system changes which
 * entities exist: only Commands do, and a system with Commands ends its crossing so its commands
 * apply before the next system runs); a system on probation (its rows saved before each call)
 * runs alone; a disabled one is left out. After a panic, or when what follows a call changed any
 * slot (a rollback retargets them all), the rest of the run goes one by one through each slot's own run
 * function, which reads what the slot runs now; the list is rebuilt before the next frame's run.
 */
import { ptr, type Pointer } from "bun:ffi";
import type { Fusion, SystemContext, SystemFn } from "../core/index.ts";
import type { HotSlot } from "./slots.ts";
import type { CallContext } from "./call-context.ts";
import type { RunSystems } from "./library.ts";

/** Counts every change of what any slot runs (entry, context, probation): a fused run rebuilds its list when it moved. */
export const slotChanges = { count: 0 };

/** The slot behind each hot system's run function. */
export const slotOfRun = new WeakMap<SystemFn, HotSlot>();

/** The null `watch` pointer as 0: bun:ffi takes a JS null for a pointer on a slower path (about 6 ns a call here). */
const NO_WATCHDOG = 0 as Pointer;

/** Words per run-list entry: the entry's address, its ctx pointer, its watchdog number. */
const ENTRY_WORDS = 3;

/** One step of a fused run: a crossing for consecutive slots, or one slot's own run function. */
type Step =
  | {
      readonly slots: readonly HotSlot[];
      readonly list: BigUint64Array;
      readonly at: Pointer;
      readonly refresh: readonly CallContext[];
      readonly runner: RunSystems;
      /** The last slot, when it has Commands: they are applied after the crossing. */
      readonly commands: HotSlot | undefined;
      readonly watch: Pointer;
    }
  | { readonly single: HotSlot };

/** The fusion every hot system's run function carries. */
export const HOT_RUN_FUSION: Fusion = {
  fuse(members) {
    const slots = members.map((run) => {
      const slot = slotOfRun.get(run);
      if (!slot) throw new Error("hotloop: a fused hot system has no slot (internal error)");
      return slot;
    });
    return fusedRun(slots);
  },
};

/** The function running `slots` (consecutive hot systems) in as few crossings as their state allows. */
function fusedRun(slots: readonly HotSlot[]): SystemFn {
  let built = -1;
  let steps: Step[] = [];
  return function runHotSystems(ctx: SystemContext) {
    if (built !== slotChanges.count) {
      steps = planSteps(slots);
      built = slotChanges.count;
    }
    let done = 0;
    for (let s = 0; s < steps.length; s++) {
      const step = steps[s]!;
      if ("single" in step) {
        step.single.run(ctx);
        done++;
      } else {
        const refresh = step.refresh;
        for (let i = 0; i < refresh.length; i++) refresh[i]!.refresh();
        const count = step.slots.length;
        const ran = step.runner(step.at, count, step.watch);
        if (ran !== count) {
          // Entry `ran` panicked (the ones before it returned): its report and rollback or
          // disable, then the rest one by one, as the slots now stand.
          step.slots[ran]!.afterCall(true);
          return runEach(slots, done + ran + 1, ctx);
        }
        done += count;
        if (step.commands !== undefined) step.commands.afterCall(false);
      }
      // A rollback or a disable retargeted slots: the list no longer says what they run.
      if (built !== slotChanges.count) return runEach(slots, done, ctx);
    }
  };
}

/** Runs `slots` from `from` on, each through its own run function. */
function runEach(slots: readonly HotSlot[], from: number, ctx: SystemContext): void {
  for (let i = from; i < slots.length; i++) slots[i]!.run(ctx);
}

/**
 * Splits the run into steps: slots on probation alone, the others in crossings, each ended by a
 * slot with Commands. A disabled slot is left out (its run function would return at once); when a
 * later build enables it again, the slot's change makes the next run plan anew.
 */
function planSteps(slots: readonly HotSlot[]): Step[] {
  const steps: Step[] = [];
  let open: HotSlot[] = [];
  const close = () => {
    if (open.length === 1) steps.push({ single: open[0]! });
    else if (open.length > 1) steps.push(crossing(open));
    open = [];
  };
  for (const slot of slots) {
    if (slot.entryAddress === undefined) continue;
    if (slot.probation) {
      close();
      steps.push({ single: slot });
      continue;
    }
    open.push(slot);
    if (slot.ctx.commands !== undefined) close();
  }
  close();
  return steps;
}

/** A crossing for `slots` (all enabled, none on probation): the list the library runs. */
function crossing(slots: readonly HotSlot[]): Step {
  const list = new BigUint64Array(slots.length * ENTRY_WORDS);
  slots.forEach((slot, i) => {
    list[i * ENTRY_WORDS] = BigInt(slot.entryAddress!);
    list[i * ENTRY_WORDS + 1] = BigInt(slot.ctx.pointer);
    list[i * ENTRY_WORDS + 2] = BigInt(slot.watchNumber);
  });
  const last = slots.at(-1)!;
  const watchdog = slots[0]!.watchdog;
  return {
    slots,
    list,
    at: ptr(list),
    refresh: slots.filter((slot) => slot.ctx.hasQueries).map((slot) => slot.ctx),
    // Any open library's runner runs any entries (plain function pointers); the first slot's library is open while it runs.
    runner: slots[0]!.lib.runSystems,
    commands: last.ctx.commands !== undefined ? last : undefined,
    watch: watchdog ? ptr(watchdog.words) : NO_WATCHDOG,
  };
}
