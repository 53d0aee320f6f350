import type { ScheduleLabel } from "./schedule-label.ts";
import type { Condition, FusibleSystemFn, SystemConfig, SystemContext, SystemFn } from "./system.ts";

/** A system added to a schedule: its config and the function made for this app. */
interface ScheduledSystem {
  readonly config: SystemConfig;
  readonly run: SystemFn;
  readonly conditions: readonly Condition[];
}

/**
 * The systems of one schedule, run in an order that honours `before`/`after` and otherwise
 * keeps declaration order. The order is computed once per change, not per frame.
 */
export class Schedule {
  readonly #systems: ScheduledSystem[] = [];
  #order: ScheduledSystem[] | undefined = [];
  // The run order compiled into one function (see compileRunner): the per-frame work touches nothing else.
  #runner: SystemFn = () => {};
  readonly #before: SystemFn[] = [];
  readonly #after: SystemFn[] = [];
  /** While set, each system's time is summed here, by run-order index (see {@link setTiming}). */
  #times: Float64Array | undefined;
  /** While set, called after each system that ran, with its run-order index and name (see {@link setProbe}). */
  #probe: SystemProbe | undefined;

  constructor(readonly label: ScheduleLabel) {}

  /**
   * Times each system (an inspector looks): the runner is compiled again as a loop that reads the
   * clock around every system, with no fusion, so each hot system is its own crossing and its own
   * figure. Off, the runner is the untimed one again: timing costs nothing while nobody looks.
   */
  setTiming(on: boolean): void {
    if (on === (this.#times !== undefined)) return;
    this.#times = on ? new Float64Array(0) : undefined;
    this.#order = undefined;
  }

  /**
   * Calls `probe` after each system that ran (its conditions held), with the system's index in the
   * run order and its name: a determinism check takes checksums there. The runner is compiled
   * again as a plain loop with no fusion, so each hot system is its own call and is probed on its
   * own; with timing on as well, systems are timed too. With undefined, the runner is the usual
   * one again: a probe costs nothing while none is set.
   */
  setProbe(probe: SystemProbe | undefined): void {
    if (probe === this.#probe) return;
    this.#probe = probe;
    this.#order = undefined;
  }

  /** Each system's time in ms since the last call (summed over this frame's runs: FixedUpdate may run twice), in run order; then starts again from zero. */
  takeTimings(): { name: string; ms: number }[] {
    const order = this.#sorted();
    const times = this.#times;
    const out = order.map((s, i) => ({ name: s.config.name, ms: times?.[i] ?? 0 }));
    times?.fill(0);
    return out;
  }

  /** Adds a system; the order is recomputed before the next run. */
  add(config: SystemConfig, run: SystemFn): void {
    this.#systems.push({ config, run, conditions: config.conditions });
    this.#order = undefined;
  }

  /** Removes every system added under `name`; returns how many there were. The order is recomputed before the next run. */
  remove(name: string): number {
    let removed = 0;
    for (let i = this.#systems.length - 1; i >= 0; i--) {
      if (this.#systems[i]!.config.name !== name) continue;
      this.#systems.splice(i, 1);
      removed++;
    }
    if (removed) this.#order = undefined;
    return removed;
  }

  /**
   * Replaces the systems added under `name` with one system, at the place the first of them had
   * (so declaration order, the tie-break of the run order, does not change); returns whether
   * there was one. The order is recomputed before the next run.
   */
  replace(name: string, config: SystemConfig, run: SystemFn): boolean {
    const index = this.#systems.findIndex((s) => s.config.name === name);
    if (index < 0) return false;
    this.remove(name);
    this.#systems.splice(index, 0, { config, run, conditions: config.conditions });
    this.#order = undefined;
    return true;
  }

  /** Number of systems. */
  get size(): number {
    return this.#systems.length;
  }

  /** System names in run order (for messages and tests). */
  names(): string[] {
    return this.#sorted().map((s) => s.config.name);
  }

  /**
   * Runs `before` ahead of this schedule's systems and `after` behind them on every run, whatever
   * systems are added later and in whatever order; `after` runs even when a system throws. A
   * render plugin brackets Render with begin/end drawing this way, an input source fills Input
   * ahead of First's systems.
   */
  around(before?: SystemFn, after?: SystemFn): void {
    if (before) this.#before.push(before);
    if (after) this.#after.unshift(after); // nested like brackets: the first added closes last
  }

  /** Runs the before-hooks, every system whose conditions hold, then the after-hooks. */
  run(ctx: SystemContext): void {
    const before = this.#before;
    for (let i = 0; i < before.length; i++) before[i]!(ctx);
    if (this.#after.length === 0) return this.#runSystems(ctx);
    try {
      this.#runSystems(ctx);
    } finally {
      const after = this.#after;
      for (let i = 0; i < after.length; i++) after[i]!(ctx);
    }
  }

  #runSystems(ctx: SystemContext): void {
    if (!this.#order) this.#sorted();
    this.#runner(ctx);
  }

  /** Kahn's algorithm with declaration order as the tie-break; a cycle is a clear error. */
  #sorted(): ScheduledSystem[] {
    if (this.#order) return this.#order;
    const n = this.#systems.length;
    const byName = new Map<string, number[]>();
    this.#systems.forEach((s, i) => byName.set(s.config.name, [...(byName.get(s.config.name) ?? []), i]));
    const edges: number[][] = Array.from({ length: n }, () => []);
    const indegree = new Array<number>(n).fill(0);
    const link = (from: number, to: number): void => {
      edges[from]!.push(to);
      indegree[to]!++;
    };
    this.#systems.forEach((s, i) => {
      for (const name of s.config.beforeNames) for (const j of byName.get(name) ?? []) link(i, j);
      for (const name of s.config.afterNames) for (const j of byName.get(name) ?? []) link(j, i);
    });
    const order: ScheduledSystem[] = [];
    const done = new Array<boolean>(n).fill(false);
    while (order.length < n) {
      const next = indegree.findIndex((d, i) => d === 0 && !done[i]);
      if (next < 0) {
        const stuck = this.#systems.filter((_, i) => !done[i]).map((s) => s.config.name);
        throw new Error(`schedule ${this.label.name}: before/after constraints form a cycle among ${stuck.join(", ")}`);
      }
      done[next] = true;
      order.push(this.#systems[next]!);
      for (const j of edges[next]!) indegree[j]!--;
    }
    this.#compile(order);
    this.#order = order; // only once the runner is made: a fusion that throws leaves the order to be computed again
    return order;
  }

  /** Compiles the run order into the runner, each run of fusible neighbours (see {@link Fusion}) as one function. */
  #compile(order: readonly ScheduledSystem[]): void {
    if (this.#probe !== undefined) {
      const times = this.#times !== undefined ? new Float64Array(order.length) : undefined;
      if (times !== undefined) this.#times = times;
      this.#runner = probedRunner(
        order.map((s) => s.run),
        order.map((s) => (s.conditions.length ? s.conditions : undefined)),
        order.map((s) => s.config.name),
        this.#probe,
        times,
      );
      return;
    }
    if (this.#times !== undefined) {
      const times = new Float64Array(order.length);
      this.#times = times;
      this.#runner = timedRunner(
        order.map((s) => s.run),
        order.map((s) => (s.conditions.length ? s.conditions : undefined)),
        times,
      );
      return;
    }
    const runs: SystemFn[] = [];
    const conditions: (readonly Condition[] | undefined)[] = [];
    for (let i = 0; i < order.length; ) {
      const fusion = (order[i]!.run as FusibleSystemFn).fusion;
      let end = i + 1;
      if (fusion && order[i]!.conditions.length === 0) {
        while (end < order.length && (order[end]!.run as FusibleSystemFn).fusion === fusion && order[end]!.conditions.length === 0) end++;
      }
      if (end - i >= 2) {
        runs.push(fusion!.fuse(order.slice(i, end).map((s) => s.run)));
        conditions.push(undefined);
      } else {
        runs.push(order[i]!.run);
        conditions.push(order[i]!.conditions.length ? order[i]!.conditions : undefined);
      }
      i = end;
    }
    this.#runner = compileRunner(runs, conditions);
  }
}

/**
 * What {@link Schedule.setProbe} calls after each system that ran: its index in the run order
 * (as in {@link Schedule.names}) and its name.
 */
export type SystemProbe = (index: number, name: string) => void;

let compiledRunners = 0;

/** Schedules longer than this run as a loop: a function with thousands of call sites would be too big to optimise. */
const MAX_UNROLLED = 512;

/**
 * The function that runs a schedule's systems in order. Written out with one call site per
 * system, each site sees one function: the JIT calls it directly (or inlines it) instead of
 * dispatching through a call site shared by every system of every schedule, which costs about
 * 2 ns a system (bench `frame`). Made once per change of the order, never per frame.
 */
function compileRunner(runs: readonly SystemFn[], conditions: readonly (readonly Condition[] | undefined)[]): SystemFn {
  if (runs.length === 0) return () => {};
  if (runs.length > MAX_UNROLLED) {
    return (ctx) => {
      for (let i = 0; i < runs.length; i++) {
        const c = conditions[i];
        if (c !== undefined && !allHold(c, ctx)) continue;
        runs[i]!(ctx);
      }
    };
  }
  const names = runs.map((_, i) => `r${i} = runs[${i}]${conditions[i] ? `, c${i} = conditions[${i}]` : ""}`);
  const calls = runs.map((_, i) => (conditions[i] ? `if (allHold(c${i}, ctx)) r${i}(ctx);` : `r${i}(ctx);`));
  // The number makes each runner's text its own: JSC's code cache hands identical texts (two
  // schedules of as many systems) one shared body, and their call sites would see both schedules'
  // systems.
  const source = `"use strict"; // runner ${++compiledRunners}\nconst ${names.join(",\n  ")};\nreturn function runSchedule(ctx) {\n  ${calls.join("\n  ")}\n};`;
  return new Function("runs", "conditions", "allHold", source)(runs, conditions, allHold) as SystemFn;
}

function allHold(conditions: readonly Condition[], ctx: SystemContext): boolean {
  for (let i = 0; i < conditions.length; i++) if (!conditions[i]!(ctx)) return false;
  return true;
}

/** The runner while an inspector looks: one system at a time, each timed (a loop; the cost is the clock reads). */
function timedRunner(runs: readonly SystemFn[], conditions: readonly (readonly Condition[] | undefined)[], times: Float64Array): SystemFn {
  return (ctx) => {
    for (let i = 0; i < runs.length; i++) {
      const c = conditions[i];
      if (c !== undefined && !allHold(c, ctx)) continue;
      const started = performance.now();
      try {
        runs[i]!(ctx);
      } finally {
        times[i] = times[i]! + performance.now() - started;
      }
    }
  };
}

/**
 * The clock a probed runner times systems with, taken before anyone replaces `performance.now`: a
 * determinism check that wraps it to see which system reads the wall clock must not see these.
 */
const clockNow: () => number = performance.now.bind(performance);

/** The runner while a probe is set: one system at a time, the probe after each (a loop, no fusion), timed when `times` is given. */
function probedRunner(runs: readonly SystemFn[], conditions: readonly (readonly Condition[] | undefined)[], names: readonly string[], probe: SystemProbe, times: Float64Array | undefined): SystemFn {
  return (ctx) => {
    for (let i = 0; i < runs.length; i++) {
      const c = conditions[i];
      if (c !== undefined && !allHold(c, ctx)) continue;
      if (times === undefined) {
        runs[i]!(ctx);
      } else {
        const started = clockNow();
        try {
          runs[i]!(ctx);
        } finally {
          times[i] = times[i]! + clockNow() - started;
        }
      }
      probe(i, names[i]!);
    }
  };
}
