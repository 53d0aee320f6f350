/**
 * The call slots of hot systems: one {@link HotSlot} per system name, whatever schedules run it.
 * A slot says which library's code runs (`lib`, `entry`), with which parameters (`system`, the
 * call context built from them) and who placed it (the library's `export!`, or the app's
 * `hotSystem()`). The reloader retargets slots between frames; the run function reads them on
 * every call, so a swap, a changed signature or a rollback needs no schedule change.
 */
import type { App, FusibleSystemFn, SystemFn } from "../core/index.ts";
import { CallContext, layoutKeyOf } from "./call-context.ts";
import { HOT_RUN_FUSION, slotChanges, slotOfRun } from "./hot-run.ts";
import type { HotLibrary, SystemEntry } from "./library.ts";
import { describeParams, describePlacement, type SystemManifest } from "./manifest.ts";
import type { PlanTarget } from "./plan.ts";
import { WatchWord, type Watchdog } from "../core/watchdog.ts";

/** Who placed a system in a schedule: the app (hotSystem() in TypeScript) or the library (export!). */
export type Placer = "app" | "library";

/** What a slot should run: the code of one loaded library, with its manifest entry. */
export type SlotTarget = PlanTarget<HotLibrary>;

/** Called when a slot's system returned "panicked" (`message` absent: the library's last error), or its commands were refused (`message` says why). */
export type PanicHandler = (slot: HotSlot, message?: string) => void;

/** One hot system's call slot. */
export class HotSlot {
  #lib: HotLibrary;
  #system: SystemManifest;
  #placer: Placer;
  readonly #call: CallState;
  /** The function schedules run; consecutive hot systems of a schedule are fused into one crossing (hot-run.ts). */
  readonly run: SystemFn;
  /** Its number in the watchdog's words (0 without a watchdog). */
  readonly watchNumber: number;

  constructor(
    readonly name: string,
    readonly app: App,
    target: SlotTarget,
    onPanic: PanicHandler,
    readonly watchdog?: Watchdog,
  ) {
    this.#lib = target.lib;
    this.#system = target.system;
    this.#placer = target.placer;
    this.watchNumber = watchdog ? watchdog.register(name) : 0;
    const ctx = new CallContext(app, target.system);
    const made = makeRun(this, onPanic, watchdog, target.enabled ? target.lib.entry(name) : undefined, ctx);
    this.#call = made.state;
    (made.run as { fusion?: FusibleSystemFn["fusion"] }).fusion = HOT_RUN_FUSION;
    slotOfRun.set(made.run, this);
    this.run = made.run;
  }

  /** The address of the entry called (for a run list); undefined while disabled. */
  get entryAddress(): number | undefined {
    return this.#call.entry === undefined ? undefined : this.#lib.entryAddress(this.name);
  }

  /** What follows a call made outside `run` (by a fused run): a panic's report and rollback, or the call's commands applied. */
  afterCall(panicked: boolean): void {
    this.#call.afterCall(panicked);
  }

  /** The entry called; undefined while disabled. */
  get entry(): SystemEntry | undefined {
    return this.#call.entry;
  }

  /** The call context its parameters read. */
  get ctx(): CallContext {
    return this.#call.ctx;
  }

  /**
   * Whether the slot runs code on probation. A build just swapped in is on probation for its first
   * frames (the reloader's `probationFrames`): before each call the rows its queries may write are
   * saved, and a panic puts them back, so the rollback that follows leaves the world as the last
   * good code left it.
   */
  get probation(): boolean {
    return this.#call.probation;
  }

  set probation(on: boolean) {
    this.#call.probation = on;
  }

  /** The library whose code it runs. */
  get lib(): HotLibrary {
    return this.#lib;
  }

  /** Its manifest entry: parameters and placement. */
  get system(): SystemManifest {
    return this.#system;
  }

  /** Who placed it in a schedule. */
  get placer(): Placer {
    return this.#placer;
  }

  /** Its placement as the library wrote it (`FixedUpdate after a`), or undefined when the app places it. */
  get placement(): string | undefined {
    return this.#placer === "library" ? describePlacement(this.#system) : undefined;
  }

  /** What it runs now, as a target (to restore it later). */
  snapshot(): SlotTarget {
    return { lib: this.#lib, system: this.#system, placer: this.#placer, enabled: this.entry !== undefined };
  }

  /**
   * Retargets the slot at `target`: the entry always, the call context only when the parameters
   * changed (a changed signature runs with a context built for it from the next call on) or a
   * component they read was migrated to another layout.
   */
  retarget(target: SlotTarget): void {
    const rebuild = describeParams(target.system.params) !== describeParams(this.#system.params) || this.ctx.layoutKey !== layoutKeyOf(this.app, target.system);
    const ctx = rebuild ? new CallContext(this.app, target.system) : this.ctx;
    this.#lib = target.lib;
    this.#system = target.system;
    this.#placer = target.placer;
    this.#call.set(target.enabled ? target.lib.entry(this.name) : undefined, ctx);
  }

  /** Stops calling the system until a later build re-enables it. */
  disable(): void {
    this.#call.set(undefined, this.ctx);
  }
}

/** The slot's side of its run function's state. */
interface CallState {
  readonly entry: SystemEntry | undefined;
  readonly ctx: CallContext;
  probation: boolean;
  set(entry: SystemEntry | undefined, ctx: CallContext): void;
  afterCall(panicked: boolean): void;
}

/** The run function of one slot, and its state: made by code generated for the slot (see below). */
interface MadeRun {
  readonly run: SystemFn;
  entry(): SystemEntry | undefined;
  ctx(): CallContext;
  probation(): boolean;
  setProbation(on: boolean): void;
  set(entry: SystemEntry | undefined, ctx: CallContext): void;
}

/**
 * The run function's code, made for each slot alone: closures of one function literal share their
 * machine code and so their call sites, and once a game has a few hot systems the `e(pointer)`
 * site would see several bun:ffi functions and dispatch through a polymorphic cache (bench `call`:
 * "the same, once 8 other hot systems ran"). What it reads lives in the made closure's own
 * variables (cheaper to read on every call than an object's fields). Made once per slot.
 */
/** The CallContext fields the generated code reads, checked by the compiler here since the code itself is a string. */
const CTX = { pointer: "pointer", hasQueries: "hasQueries", commands: "commands", refresh: "refresh" } as const satisfies Record<string, keyof CallContext>;

function runSource(watched: boolean, unique: number): string {
  const call = watched
    ? `words[SYSTEM] = id;
    const panicked = probation ? callOnProbation(e, ctx) : e(pointer) !== 0;
    watchdog.afterCall();
    afterCall(panicked, commands);`
    : `const panicked = probation ? callOnProbation(e, ctx) : e(pointer) !== 0;
    if (panicked || commands !== undefined) afterCall(panicked, commands);`;
  // The number makes each source text its own: JSC's code cache would hand identical texts one
  // shared body, call sites included.
  return `"use strict"; // slot ${unique}
let entry = first, ctx = firstCtx, pointer = ctx.${CTX.pointer}, refresh = ctx.${CTX.hasQueries}, commands = ctx.${CTX.commands}, probation = false;
return {
  run: function ${watched ? "runWatchedHotSystem" : "runHotSystem"}() {
    const e = entry;
    if (e === undefined) return; // disabled after a panic, until the next good load
    if (refresh) ctx.${CTX.refresh}();
    ${call}
  },
  entry: () => entry,
  ctx: () => ctx,
  probation: () => probation,
  setProbation(on) { probation = on; },
  set(e, c) { entry = e; ctx = c; pointer = c.${CTX.pointer}; refresh = c.${CTX.hasQueries}; commands = c.${CTX.commands}; },
};`;
}

let madeRuns = 0;

/** The run function of one slot, and the state it reads (the watchdog adds two stores a call). */
function makeRun(slot: HotSlot, onPanic: PanicHandler, watchdog: Watchdog | undefined, first: SystemEntry | undefined, firstCtx: CallContext): { run: SystemFn; state: CallState } {
  const { world, components } = slot.app;
  /** After a call: a panic drops the call's commands; else they are applied, all or (with one line) none. */
  const afterCall = (panicked: boolean, commands: CallContext["commands"]) => {
    if (panicked) {
      commands?.discard();
      onPanic(slot);
    } else if (commands !== undefined && commands.length > 0) {
      const problem = commands.apply(world, components);
      if (problem !== undefined) onPanic(slot, problem);
    }
  };
  // A new Function per slot (not one made once and called per slot): each slot gets code, and so call sites, of its own.
  const made = (
    watchdog
      ? new Function("first", "firstCtx", "callOnProbation", "afterCall", "words", "id", "watchdog", "SYSTEM", runSource(true, ++madeRuns))(first, firstCtx, callOnProbation, afterCall, watchdog.words, slot.watchNumber, watchdog, WatchWord.System)
      : new Function("first", "firstCtx", "callOnProbation", "afterCall", runSource(false, ++madeRuns))(first, firstCtx, callOnProbation, afterCall)
  ) as MadeRun;
  const state: CallState = {
    get entry() {
      return made.entry();
    },
    get ctx() {
      return made.ctx();
    },
    get probation() {
      return made.probation();
    },
    set probation(on: boolean) {
      made.setProbation(on);
      slotChanges.count++;
    },
    set(e, c) {
      made.set(e, c);
      slotChanges.count++;
    },
    afterCall: (panicked) => afterCall(panicked, made.ctx().commands),
  };
  return { run: made.run, state };
}

/** A call on probation: the rows it may write are saved first and put back if it panics; returns whether it did. */
function callOnProbation(entry: SystemEntry, ctx: CallContext): boolean {
  const saved = ctx.snapshot();
  if (entry(ctx.pointer) === 0) return false;
  CallContext.restore(saved);
  return true;
}
