/**
 * The reloader's slots, one per hot system name: made and retargeted by {@link SlotTable.activate},
 * the one path that makes a state run (the first load, a swap, a backed-out load hook, a rollback);
 * the library-placed ones added to and removed from their schedules; probation for the build
 * swapped in last.
 */
import { SystemConfig, type App } from "../../core/index.ts";
import type { HotLibrary } from "../library.ts";
import { describePlacement } from "../manifest.ts";
import { HotSlot, type PanicHandler, type SlotTarget } from "../slots.ts";
import type { Watchdog } from "../../core/watchdog.ts";

/** Every slot's target at one moment: what a state to come back to records. */
export type SlotTargets = ReadonlyMap<string, SlotTarget>;

/** The slots of one reloader. */
export class SlotTable {
  readonly #slots = new Map<string, HotSlot>();
  readonly #app: App;
  readonly #onPanic: PanicHandler;
  readonly #watchdog: Watchdog | undefined;
  readonly #probationFrames: number;
  /** Frames left on probation for the build swapped in last (0: none). */
  #probationLeft = 0;

  /** `onPanic`: what every slot calls after a panic; `probationFrames`: how long a new build is on probation. */
  constructor(app: App, onPanic: PanicHandler, watchdog: Watchdog | undefined, probationFrames: number) {
    this.#app = app;
    this.#onPanic = onPanic;
    this.#watchdog = watchdog;
    this.#probationFrames = probationFrames;
  }

  /** The slot of `name`, if there is one. */
  get(name: string): HotSlot | undefined {
    return this.#slots.get(name);
  }

  /** Whether a slot of `name` exists. */
  has(name: string): boolean {
    return this.#slots.has(name);
  }

  /** The slots with their names. */
  entries(): IterableIterator<[string, HotSlot]> {
    return this.#slots.entries();
  }

  /** The slots. */
  values(): IterableIterator<HotSlot> {
    return this.#slots.values();
  }

  /** Every slot's target now (to restore it later). */
  snapshot(): Map<string, SlotTarget> {
    return new Map([...this.#slots].map(([name, slot]) => [name, slot.snapshot()]));
  }

  /** The libraries some slot runs. */
  libraries(): HotLibrary[] {
    return [...this.#slots.values()].map((s) => s.lib);
  }

  /** A new slot for a system the app places itself (hotSystem()). */
  bindForApp(name: string, target: SlotTarget): HotSlot {
    const slot = new HotSlot(name, this.#app, target, this.#onPanic, this.#watchdog);
    this.#slots.set(name, slot);
    return slot;
  }

  /**
   * Makes `targets` run: slots not in it leave their schedules, new ones join theirs, the others
   * are retargeted (a moved one changes schedule).
   */
  activate(targets: SlotTargets): void {
    for (const [name, slot] of this.#slots) {
      if (targets.has(name)) continue;
      this.#unschedule(slot);
      this.#slots.delete(name);
    }
    for (const [name, target] of targets) {
      const slot = this.#slots.get(name);
      if (!slot) {
        const created = new HotSlot(name, this.#app, target, this.#onPanic, this.#watchdog);
        this.#slots.set(name, created);
        this.#schedule(created);
        continue;
      }
      const moved = slot.placement !== (target.placer === "library" ? describePlacement(target.system) : undefined);
      if (moved) this.#unschedule(slot);
      slot.retarget(target);
      if (moved) this.#schedule(slot);
    }
  }

  /** Puts the systems running `lib`'s code on probation for probationFrames (undefined: ends it for all). */
  startProbation(lib: HotLibrary | undefined): void {
    const on = lib !== undefined && this.#probationFrames > 0;
    this.#probationLeft = on ? this.#probationFrames : 0;
    for (const slot of this.#slots.values()) slot.probation = on && slot.lib === lib;
  }

  /** A frame of probation is over: ends it after its last. */
  tickProbation(): void {
    if (this.#probationLeft > 0 && --this.#probationLeft === 0) this.startProbation(undefined);
  }

  /** Adds a library-placed slot to its schedule (app-placed slots are in the app's hands). */
  #schedule(slot: HotSlot): void {
    if (slot.placer !== "library" || !slot.system.schedule) return;
    const label = this.#app.scheduleNamed(slot.system.schedule);
    if (!label) return; // refused earlier by the compatibility check (compatibility.ts)
    this.#app.addSystems(label, new SystemConfig(slot.name, () => slot.run, slot.system.before, slot.system.after, [], { hot: true }));
  }

  #unschedule(slot: HotSlot): void {
    if (slot.placer !== "library" || !slot.system.schedule) return;
    const label = this.#app.scheduleNamed(slot.system.schedule);
    if (label) this.#app.removeSystem(label, slot.name);
  }
}
