/**
 * The game plugin's part of a running app, replaceable as a whole: its TypeScript systems run
 * through slots (a body that can be swapped, a throw caught and handed to the reloader), its hooks
 * through one dispatcher per kind, and {@link GameLayer.apply} moves the app from one recording of
 * the plugin to the next — bodies swapped, systems added and removed, resources adopted — with an
 * undo that puts every piece back.
 */
import type { App, FrameBoundaryHook, ShutdownHook } from "../core/app.ts";
import { HOTLOOP_OWN, type ResourceKey } from "../core/resources.ts";
import { Startup, type ScheduleLabel } from "../core/schedule-label.ts";
import { SystemConfig, type Condition, type SystemContext, type SystemFn } from "../core/system.ts";
import { oneLineError } from "../core/errors.ts";
import { addSnapshotPart } from "../core/snapshot.ts";
import { WatchWord, type Watchdog } from "../core/watchdog.ts";
import { systemKey, systemsOf, type Recorded, type Recording } from "./recording.ts";

type RecordedSystem = Extract<Recorded, { kind: "system" }>;

/** Called when a TypeScript system of the layer throws. */
export type ThrowHandler = (slot: TsSlot, error: unknown) => void;

/** One TypeScript system's slot: the schedule runs `run`, which runs the current body. */
export class TsSlot {
  body: SystemFn | undefined;
  conditions: readonly Condition[];
  /** The config as recorded (its name, order and flags). */
  recorded: SystemConfig;
  /** The function schedules run: conditions, then the body, a throw caught. */
  readonly run: SystemFn;

  constructor(
    readonly schedule: ScheduleLabel,
    recorded: SystemConfig,
    body: SystemFn,
    onThrow: ThrowHandler,
    watchdog?: Watchdog,
  ) {
    this.recorded = recorded;
    this.body = body;
    this.conditions = recorded.conditions;
    const slot = this;
    // The watchdog's words say which system runs (two stores a call), so a frozen one is named.
    const words = watchdog?.words ?? new Int32Array(WatchWord.System + 1);
    const watchNumber = watchdog ? watchdog.register(`${recorded.name} (${schedule.name})`, "ts") : 0;
    this.run = function runTsSystem(ctx: SystemContext) {
      const b = slot.body;
      if (b === undefined) return; // disabled after a throw, until the next good save
      const c = slot.conditions;
      for (let i = 0; i < c.length; i++) if (!c[i]!(ctx)) return;
      words[WatchWord.System] = watchNumber;
      try {
        b(ctx);
      } catch (e) {
        onThrow(slot, e);
      }
      words[WatchWord.System] = 0;
    };
  }

  get name(): string {
    return this.recorded.name;
  }

  /** The config the schedule holds: the recorded order, the slot's run, conditions checked inside. */
  scheduled(): SystemConfig {
    const run = this.run;
    return new SystemConfig(this.recorded.name, () => run, this.recorded.beforeNames, this.recorded.afterNames, [], this.recorded.flags);
  }
}

/** A system by its schedule and name. */
export interface SystemRef {
  readonly schedule: ScheduleLabel;
  readonly name: string;
}

/** What an apply changed. */
export interface LayerChanges {
  /** Systems whose body is another function now. */
  readonly replaced: SystemRef[];
  readonly added: SystemRef[];
  readonly removed: SystemRef[];
  /** Startup systems marked `rerunOnReload()`: the caller runs them once the apply is done. */
  readonly rerun: SystemFn[];
}

/** The running game plugin's additions to an app. */
export class GameLayer {
  readonly #app: App;
  readonly #onThrow: ThrowHandler;
  readonly #watchdog: Watchdog | undefined;
  readonly #slots = new Map<string, TsSlot>();
  readonly #aroundInstalled = new Set<ScheduleLabel>();
  /** Versions whose shutdown hooks ran. */
  readonly #disposed = new WeakSet<Recording>();
  #current: Recording = { items: [], once: new Set() };

  constructor(app: App, onThrow: ThrowHandler, watchdog?: Watchdog) {
    this.#app = app;
    this.#onThrow = onThrow;
    this.#watchdog = watchdog;
    app.onFrameBoundary((a) => this.#each("boundary", (h) => h(a)));
    // The game's snapshot parts are its running build's: saved and loaded through the current recording.
    addSnapshotPart(app, {
      name: "game-layer",
      save: () => {
        const states = new Map<string, unknown>();
        for (const item of this.#current.items) if (item.kind === "part") states.set(item.part.name, item.part.save());
        return states;
      },
      load: (state) => {
        const states = state as ReadonlyMap<string, unknown> | undefined;
        for (const item of this.#current.items) if (item.kind === "part") item.part.load(states?.get(item.part.name));
      },
    });
    app.onFrameEnd((a) => this.#each("frame_end", (h) => h(a)));
    app.onFrameEnd((a) => this.#each("frame_end_always", (h) => h(a)), { always: true });
    app.onShutdown((a) => {
      for (const error of this.dispose(this.#current, { items: [], once: new Set() })) console.error(`hotloop: warning: a shutdown hook of the game threw: ${oneLineError(error)}`);
    });
  }

  /** The recording the app runs now. */
  get current(): Recording {
    return this.#current;
  }

  /** Where the running game added a system (`/abs/src/gameplay.ts:42`), if it was added from a game module. */
  sourceOf(schedule: string, name: string): string | undefined {
    for (const item of this.#current.items) if (item.kind === "system" && item.schedule.name === schedule && item.config.name === name) return item.source;
    return undefined;
  }

  /**
   * That version of the plugin stops running (replaced by a reload, rolled back, or built and never
   * applied): its own shutdown hooks run, newest first, so what it started (a timer, a listener)
   * stops with it. Hooks carried into `keep` (a once plugin's) are not its own. Returns what the
   * hooks threw, for the caller to report.
   */
  dispose(recording: Recording, keep: Recording): unknown[] {
    // Once per version: one replaced, then back by a rollback, then replaced again stopped the first time.
    if (this.#disposed.has(recording)) return [];
    this.#disposed.add(recording);
    const kept = new Set(keep.items);
    const errors: unknown[] = [];
    const hooks = recording.items.flatMap((i) => (i.kind === "shutdown" && !kept.has(i) ? [i.hook] : []));
    for (const hook of hooks.reverse()) {
      try {
        hook(this.#app);
      } catch (e) {
        errors.push(e);
      }
    }
    return errors;
  }

  /** The slot of a TypeScript system by schedule and name. */
  slot(schedule: ScheduleLabel, name: string): TsSlot | undefined {
    return this.#slots.get(systemKey(schedule, name));
  }

  /**
   * Moves the app to `next`. Throws (with the app as it was) when the new systems cannot be
   * ordered. Returns what changed and the undo that restores the previous recording's state.
   */
  apply(next: Recording, initial = false): { changes: LayerChanges; undo: () => void } {
    const app = this.#app;
    const undo: (() => void)[] = [];
    const changes: LayerChanges = { replaced: [], added: [], removed: [], rerun: [] };
    const previous = this.#current;
    const carried = (item: Recorded) => item.owner !== undefined && previous.once.has(item.owner);
    const touched = new Set<ScheduleLabel>();
    const rollback = () => {
      for (const step of undo.reverse()) step();
      undo.length = 0;
    };
    try {
      for (const item of next.items) {
        if (item.kind === "components") this.#app.registerComponents(...item.components);
        if (item.kind === "resource") this.#applyResource(item.value, item.source, undo);
        if (item.kind === "around" && !this.#aroundInstalled.has(item.schedule)) this.#installAround(item.schedule);
      }
      const before = systemsOf(previous);
      const after = systemsOf(next);
      for (const [key, item] of after) {
        touched.add(item.schedule);
        const old = before.get(key);
        if (old === undefined) {
          this.#add(item, undo);
          changes.added.push({ schedule: item.schedule, name: item.config.name });
          if (item.schedule === Startup && item.config.flags.rerunOnReload) changes.rerun.push(this.#slots.get(key)?.run ?? item.config.factory(app, item.schedule));
          continue;
        }
        if (old.config === item.config) continue; // carried over from a once plugin: the same system
        if (this.#replace(old, item, undo)) changes.replaced.push({ schedule: item.schedule, name: item.config.name });
        if (item.schedule === Startup && item.config.flags.rerunOnReload) changes.rerun.push(this.#slots.get(key)?.run ?? item.config.factory(app, item.schedule));
      }
      for (const [key, old] of before) {
        if (after.has(key)) continue;
        touched.add(old.schedule);
        this.#remove(old, undo);
        changes.removed.push({ schedule: old.schedule, name: old.config.name });
      }
      this.#current = next;
      undo.push(() => {
        this.#current = previous;
      });
      for (const label of touched) app.schedule(label).names(); // a cycle fails here, not mid-frame
      for (const item of next.items) {
        if (item.kind !== "next_boundary" || carried(item)) continue;
        if (initial) app.onNextFrameBoundary(item.hook);
        else item.hook(app); // this is a frame boundary
      }
    } catch (e) {
      rollback();
      throw e;
    }
    return { changes, undo: rollback };
  }

  /** Runs every hook of a kind in the current recording. */
  #each(kind: "boundary" | "frame_end" | "frame_end_always", run: (hook: FrameBoundaryHook) => void): void {
    const items = this.#current.items;
    for (let i = 0; i < items.length; i++) {
      const item = items[i]!;
      if (item.kind === kind) run(item.hook);
    }
  }

  #installAround(label: ScheduleLabel): void {
    this.#aroundInstalled.add(label);
    // Every frame: a walk over the current recording, nothing allocated.
    this.#app.aroundSchedule(
      label,
      (ctx) => {
        const items = this.#current.items;
        for (let i = 0; i < items.length; i++) {
          const item = items[i]!;
          if (item.kind === "around" && item.schedule === label) item.before?.(ctx);
        }
      },
      (ctx) => {
        const items = this.#current.items;
        for (let i = items.length - 1; i >= 0; i--) {
          const item = items[i]!; // backwards: nested like brackets
          if (item.kind === "around" && item.schedule === label) item.after?.(ctx);
        }
      },
    );
  }

  /** A resource of the new recording: kept when the app has it (adopted by the new class), else inserted. */
  #applyResource(value: object, source: string | undefined, undo: (() => void)[]): void {
    const resources = this.#app.resources;
    const key = value.constructor as ResourceKey<unknown>;
    if (resources.exact(key) !== undefined) return;
    const match = resources.findByName(key.name);
    if (match) {
      resources.adopt(key, match.key, match.value);
      undo.push(() => void resources.adopt(match.key, key, match.value));
      return;
    }
    resources.insert(value, source ?? HOTLOOP_OWN);
    undo.push(() => void resources.remove(key));
  }

  #add(item: RecordedSystem, undo: (() => void)[]): void {
    const app = this.#app;
    const key = systemKey(item.schedule, item.config.name);
    if (item.config.flags.hot) {
      app.addSystems(item.schedule, item.config);
    } else {
      const slot = new TsSlot(item.schedule, item.config, item.config.factory(app, item.schedule), this.#onThrow, this.#watchdog);
      this.#slots.set(key, slot);
      app.addSystems(item.schedule, slot.scheduled());
    }
    undo.push(() => {
      app.removeSystem(item.schedule, item.config.name);
      this.#slots.delete(key);
    });
  }

  #remove(old: RecordedSystem, undo: (() => void)[]): void {
    const app = this.#app;
    const key = systemKey(old.schedule, old.config.name);
    const slot = this.#slots.get(key);
    app.removeSystem(old.schedule, old.config.name);
    this.#slots.delete(key);
    undo.push(() => {
      if (slot) {
        this.#slots.set(key, slot);
        app.addSystems(old.schedule, slot.scheduled());
      } else {
        app.addSystems(old.schedule, old.config);
      }
    });
  }

  /** Points a system at its new body and order; returns whether it runs another function now. */
  #replace(old: RecordedSystem, item: RecordedSystem, undo: (() => void)[]): boolean {
    const app = this.#app;
    const reordered = !sameNames(old.config.beforeNames, item.config.beforeNames) || !sameNames(old.config.afterNames, item.config.afterNames);
    const wasHot = old.config.flags.hot === true;
    const isHot = item.config.flags.hot === true;
    if (wasHot !== isHot) {
      // A TypeScript system became a hot one or back: a new schedule entry.
      this.#remove(old, undo);
      this.#add(item, undo);
      return true;
    }
    if (isHot) {
      // Its body is the library's (the reloader swaps it); only a new order changes the schedule.
      if (!reordered) return false;
      app.replaceSystem(item.schedule, item.config.name, item.config);
      undo.push(() => void app.replaceSystem(old.schedule, old.config.name, old.config));
      return false;
    }
    const slot = this.#slots.get(systemKey(item.schedule, item.config.name))!;
    const saved = { body: slot.body, conditions: slot.conditions, recorded: slot.recorded };
    slot.body = item.config.factory(app, item.schedule);
    slot.conditions = item.config.conditions;
    slot.recorded = item.config;
    if (reordered) app.replaceSystem(item.schedule, item.config.name, slot.scheduled());
    undo.push(() => {
      slot.body = saved.body;
      slot.conditions = saved.conditions;
      slot.recorded = saved.recorded;
      if (reordered) app.replaceSystem(item.schedule, item.config.name, slot.scheduled());
    });
    return true;
  }
}

function sameNames(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((n, i) => n === b[i]);
}
