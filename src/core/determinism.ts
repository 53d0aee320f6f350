/**
 * Determinism you can check (issue 26, part 1): every fixed step is run twice from the same
 * snapshot, and when the two runs end differently, the first system whose writes differ on the
 * second run is named in one line. A rewind, a replay after a save and a looped stretch all
 * stand on the game being a function of its state and its input inside the fixed steps; this is
 * how a game finds out that it is not, and where.
 *
 *     app.addPlugins(DeterminismCheckPlugin());
 *     // determinism: FixedUpdate step 1234: jitter wrote differently on a second run from the same state (Position) (read Math.random)
 *
 * Each step: a snapshot ({@link snapshotApp}, Time included), the step, the app's checksums
 * ({@link appChecksums}, plus the game's plain resources and the draw and audio records the step
 * wrote), a restore, the same step again and its checksums. When the two ends differ, the step runs
 * twice more with a probe after each system ({@link Schedule.setProbe}) recording the checksums,
 * and the first system whose sums differ is named. The game goes on from the last run's state. While
 * the steps run, `Math.random`, `Date.now` and `performance.now` are wrapped to note which system
 * called them, so a report can say what the system read. Reference: docs/rewind.md.
 *
 * @module
 */
import { nativeResourceOf } from "../ecs/resource.ts";
import type { App } from "./app.ts";
import { AudioList } from "./audio-list.ts";
import { DrawList } from "./draw-list.ts";
import type { Plugin } from "./plugin.ts";
import { hasPrivateMembers, HOTLOOP_OWN, type ResourceKey } from "./resources.ts";
import type { Schedule } from "./schedule.ts";
import { FixedUpdate } from "./schedule-label.ts";
import { appChecksums, restoreApp, SNAPSHOT, snapshotApp, type AppSnapshot, type Snapshottable } from "./snapshot.ts";

/** Options of {@link DeterminismCheckPlugin}. */
export interface DeterminismCheckOptions {
  /** Where each report goes (besides {@link DeterminismCheck.reports}). Default: its line on stderr. */
  readonly onDivergence?: (report: DivergenceReport) => void;
  /** Note which system calls `Math.random`, `Date.now` or `performance.now` (default true). */
  readonly watchSources?: boolean;
}

/** A system whose writes differed on the second run of a fixed step from the same state. */
export interface DivergenceReport {
  /** The schedule's name (`FixedUpdate`). */
  readonly schedule: string;
  /** The fixed step (`Time.fixedSteps` during it: 1 for the first). */
  readonly step: number;
  /** The system's name; empty when the runs ended differently but no system's writes differed when probed. */
  readonly system: string;
  /** Its index in the schedule's run order (-1 when no system is named). */
  readonly index: number;
  /**
   * The checksums that differed after it (as {@link appChecksums} names them: a component's name,
   * `resource Score`, `events Hit`, `entities`; also `draw list` and `audio list` for the records
   * the step wrote), or `ran on one run only` when its run conditions did not agree.
   */
  readonly differs: readonly string[];
  /** What of `Math.random`, `Date.now`, `performance.now` it called (on either run). */
  readonly reads: readonly string[];
  /** The one line reported. */
  readonly line: string;
}

/**
 * The check's resource: its reports, so tests and tools read them, and a switch. Inserted by
 * {@link DeterminismCheckPlugin}; hotloop's own, so snapshots leave it alone.
 */
export class DeterminismCheck {
  /** Every report so far, oldest first; each system is reported once. */
  readonly reports: DivergenceReport[] = [];
  /** Off: steps run once, as without the plugin (the schedule is still probed, a plain loop). */
  enabled = true;
  /** Fixed steps checked so far. */
  stepsChecked = 0;
  /** Fixed steps whose two runs differed, reported or not (a system already reported is not again). */
  stepsDiverged = 0;
  /** Where reports go; see {@link DeterminismCheckOptions.onDivergence}. */
  onDivergence: (report: DivergenceReport) => void;
  /** Whether calls to `Math.random`, `Date.now`, `performance.now` are noted. */
  watchSources: boolean;
  /** `schedule\0system` of the systems reported. */
  readonly #reported = new Set<string>();

  constructor(options: DeterminismCheckOptions = {}) {
    this.onDivergence = options.onDivergence ?? ((report) => console.error(report.line));
    this.watchSources = options.watchSources ?? true;
  }

  /** Records and sends a report, unless its system was reported before; returns whether it was new. */
  report(report: DivergenceReport): boolean {
    const key = `${report.schedule}\0${report.system}`;
    if (this.#reported.has(key)) return false;
    this.#reported.add(key);
    this.reports.push(report);
    this.onDivergence(report);
    return true;
  }
}

/**
 * Runs every fixed step twice from a snapshot and names the first system whose writes differed
 * on the second run (see the module's comment). Frames a timeline re-simulates are run once.
 * The cost is a snapshot, a restore, a second run and two sets of checksums each step (more for a
 * step whose runs differ): a development tool, not for a shipped game. Adding it again (a TypeScript reload re-runs
 * the game's plugin) keeps the reports and takes the new options.
 */
export function DeterminismCheckPlugin(options: DeterminismCheckOptions = {}): Plugin {
  return {
    name: "DeterminismCheckPlugin",
    build(app: App): void {
      const existing = app.getResource(DeterminismCheck);
      if (existing) {
        existing.onDivergence = options.onDivergence ?? existing.onDivergence;
        existing.watchSources = options.watchSources ?? existing.watchSources;
      }
      const check = existing ?? app.insertResource(new DeterminismCheck(options), HOTLOOP_OWN);
      const stepper = new CheckedStep(app, check);
      app.wrapFixedStep((runStep) => stepper.run(runStep));
    },
  };
}

/** What one run of a step recorded: each system's checksums by run-order index, and what it read. */
interface Run {
  /** Checksums after each system (by run-order index): probed runs only. */
  readonly sums: (Map<string, bigint> | undefined)[];
  readonly names: string[];
  readonly reads: (Set<string> | undefined)[];
  /** Whether checksums are taken after every system, or once at the step's end (`end`). */
  readonly probed: boolean;
  /** The checksums at the step's end, for an unprobed run. */
  end?: Map<string, bigint>;
}

/** The sources either run's systems read. */
function readsOf(a: Run, b: Run): Set<string> {
  const out = new Set<string>();
  for (const run of [a, b]) for (const reads of run.reads) for (const source of reads ?? []) out.add(source);
  return out;
}

/**
 * The names whose checksums differ between two sets, or that only one has; `entities` (which
 * folds in every component's sum) only when nothing more precise differs.
 */
function differingNames(a: ReadonlyMap<string, bigint>, b: ReadonlyMap<string, bigint>): string[] {
  const differs: string[] = [];
  for (const [name, sum] of a) if (b.get(name) !== sum) differs.push(name);
  for (const name of b.keys()) if (!a.has(name)) differs.push(name);
  return differs.length > 1 ? differs.filter((d) => d !== "entities") : differs;
}

/** The sources a system may read that a snapshot cannot give back. */
const SOURCES = ["Math.random", "Date.now", "performance.now"] as const;

/** Runs fixed steps twice and compares (the plugin's wrapper). */
class CheckedStep {
  readonly #app: App;
  readonly #check: DeterminismCheck;
  /** The schedule probed (FixedUpdate's, once it exists). */
  #schedule: Schedule | undefined;
  /** The run being recorded, while a step runs. */
  #run: Run | undefined;
  /** Sources called since the last system ended: the next system's. */
  #pending: Set<string> | undefined;
  /** Where this step's draw and audio records start (their lengths before the first run). */
  #drawFrom = 0;
  #audioFrom = 0;
  /** The snapshot of the step before, its buffers filled again by this step's. */
  #scratch: AppSnapshot | undefined;

  constructor(app: App, check: DeterminismCheck) {
    this.#app = app;
    this.#check = check;
  }

  run(runStep: () => void): void {
    const app = this.#app;
    const check = this.#check;
    if (!check.enabled || app.replaying) return runStep();
    this.#probe();
    const draw = app.getResource(DrawList);
    const audio = app.getResource(AudioList);
    const drawLen = draw?.len ?? 0;
    const textLen = draw?.textLen ?? 0;
    const audioLen = audio?.len ?? 0;
    this.#drawFrom = drawLen;
    this.#audioFrom = audioLen;
    // Into the last step's buffers: a check allocates nothing per step once warm.
    const snapshot = (this.#scratch = snapshotApp(app, this.#scratch));
    const faults = app.faults.count;
    const restoreSources = check.watchSources ? this.#watchSources() : undefined;
    let a: Run;
    let b: Run;
    /** The first pair's ends and reads, when they differed. */
    let ends: { a: ReadonlyMap<string, bigint>; b: ReadonlyMap<string, bigint>; reads: Set<string> } | undefined;
    const again = (probed: boolean): Run => {
      restoreApp(app, snapshot);
      draw?.truncate(drawLen, textLen);
      audio?.truncate(audioLen);
      return this.#record(runStep, probed);
    };
    try {
      // Twice with one set of checksums at the end (the cost of a step that agrees: most of them);
      // when the ends differ, twice more with checksums after every system, to name the first.
      a = this.#record(runStep, false);
      // A system failed and its reloader rolled back or disabled it (maybe reverting a migration
      // with it): the step stands as run once, as without the check.
      if (app.faults.count !== faults) return;
      b = again(false);
      if (app.faults.count === faults && differingNames(a.end!, b.end!).length > 0) {
        ends = { a: a.end!, b: b.end!, reads: readsOf(a, b) };
        a = again(true);
        if (app.faults.count !== faults) return;
        b = again(true);
      }
    } finally {
      this.#run = undefined;
      this.#pending = undefined;
      restoreSources?.();
    }
    check.stepsChecked++;
    // A system that failed was rolled back or disabled by its reloader: the runs differ for that.
    if (app.faults.count !== faults) return;
    const report = this.#compare(a, b) ?? (ends && this.#unnamed(ends));
    if (report) {
      check.stepsDiverged++;
      check.report(report);
    }
  }

  /**
   * The two runs ended differently, yet no system's writes differed when the step ran twice more
   * system by system: a divergence that comes and goes, or one in a hook around FixedUpdate. Said
   * (once) without a system's name, with what differed at the end.
   */
  #unnamed(ends: { a: ReadonlyMap<string, bigint>; b: ReadonlyMap<string, bigint>; reads: Set<string> }): DivergenceReport {
    const differs = differingNames(ends.a, ends.b);
    const reads = SOURCES.filter((s) => ends.reads.has(s));
    const schedule = FixedUpdate.name;
    const step = this.#app.time.fixedSteps;
    const read = reads.length > 0 ? ` (read ${reads.join(", ")})` : "";
    const line = `determinism: ${schedule} step ${step}: the two runs ended differently (${differs.join(", ")}), but no system's writes differed when the step ran again system by system (a divergence that comes and goes, or a hook around ${schedule})${read}`;
    return { schedule, step, system: "", index: -1, differs, reads, line };
  }

  /** Sets the probe on FixedUpdate's schedule (once it exists: a step runs it, so it does). */
  #probe(): void {
    if (this.#schedule !== undefined) return;
    this.#schedule = this.#app.schedule(FixedUpdate);
    this.#schedule.setProbe((index, name) => this.#after(index, name));
  }

  #record(runStep: () => void, probed: boolean): Run {
    const run: Run = { sums: [], names: [], reads: [], probed };
    this.#run = run;
    this.#pending = undefined;
    runStep();
    this.#run = undefined;
    if (!probed) run.end = this.#checksums();
    return run;
  }

  /** The probe: a system at `index` ran; note the app's checksums and what it read. */
  #after(index: number, name: string): void {
    const run = this.#run;
    if (run === undefined) return; // a step run without the check (disabled, or re-simulated)
    if (run.probed) run.sums[index] = this.#checksums();
    run.names[index] = name;
    if (this.#pending !== undefined) {
      run.reads[index] = this.#pending;
      this.#pending = undefined;
    }
  }

  /** {@link appChecksums}, and the game's plain resources and the step's draw and audio records. */
  #checksums(): Map<string, bigint> {
    const app = this.#app;
    const sums = appChecksums(app);
    for (const [key, value] of app.resources.entries()) {
      if (value === app.time || value === app.input || nativeResourceOf(value)) continue;
      if (app.resources.insertedBy(key) === undefined) continue; // hotloop's own
      const sum = plainChecksum(key, value as object);
      if (sum !== undefined) sums.set(`resource ${key.name}`, sum);
    }
    const draw = app.getResource(DrawList);
    if (draw !== undefined && draw.len > this.#drawFrom) {
      const values = new Float64Array((draw.len - this.#drawFrom) * 8);
      for (let i = this.#drawFrom, w = 0; i < draw.len; i++) {
        const r = draw.record(i);
        values.set([r.kind, r.color, r.x, r.y, r.a, r.b, r.c, r.d], w);
        w += 8;
      }
      sums.set("draw list", Bun.hash.xxHash64(values));
    }
    const audio = app.getResource(AudioList);
    if (audio !== undefined && audio.len > this.#audioFrom) {
      const values = new Float64Array((audio.len - this.#audioFrom) * 6);
      for (let i = this.#audioFrom, w = 0; i < audio.len; i++) {
        const r = audio.record(i);
        values.set([r.kind, r.index, r.volume, r.pitch, r.pan, r.flags], w);
        w += 6;
      }
      sums.set("audio list", Bun.hash.xxHash64(values));
    }
    return sums;
  }

  /** The first system whose checksums differ between the two runs, as a report; undefined when none does. */
  #compare(a: Run, b: Run): DivergenceReport | undefined {
    const n = Math.max(a.sums.length, b.sums.length);
    for (let i = 0; i < n; i++) {
      const x = a.sums[i];
      const y = b.sums[i];
      if (x === undefined && y === undefined) continue;
      let differs: string[];
      if (x === undefined || y === undefined) {
        differs = ["ran on one run only"];
      } else {
        differs = differingNames(x, y);
        if (differs.length === 0) continue;
      }
      const system = a.names[i] ?? b.names[i]!;
      const reads = SOURCES.filter((s) => a.reads[i]?.has(s) || b.reads[i]?.has(s));
      const schedule = FixedUpdate.name;
      const step = this.#app.time.fixedSteps;
      const read = reads.length > 0 ? ` (read ${reads.join(", ")})` : "";
      const line = `determinism: ${schedule} step ${step}: ${system} wrote differently on a second run from the same state (${differs.join(", ")})${read}`;
      return { schedule, step, system, index: i, differs, reads, line };
    }
    return undefined;
  }

  /**
   * Wraps `Math.random`, `Date.now` and `performance.now` so a call made while a step is recorded
   * is noted against the system that runs next (the one running); returns what puts them back.
   * hotloop's schedule times systems with a clock taken before this (src/core/schedule.ts).
   */
  #watchSources(): () => void {
    const random = Math.random;
    const dateNow = Date.now;
    const perfNow = performance.now;
    const note = (source: string): void => {
      if (this.#run === undefined) return;
      (this.#pending ??= new Set()).add(source);
    };
    Math.random = () => {
      note("Math.random");
      return random();
    };
    Date.now = () => {
      note("Date.now");
      return dateNow();
    };
    performance.now = () => {
      note("performance.now");
      return perfNow.call(performance);
    };
    return () => {
      Math.random = random;
      Date.now = dateNow;
      performance.now = perfNow;
    };
  }
}

/**
 * A plain resource's checksum, from what a snapshot would keep of it (its {@link SNAPSHOT} state,
 * else its fields); undefined for one a snapshot cannot keep (`#private` fields without
 * {@link SNAPSHOT}, or a shape that cannot be written out, such as a cycle): it is not restored
 * between the two runs, so comparing it would blame the step for the first run's writes.
 */
function plainChecksum(key: ResourceKey<unknown>, value: object): bigint | undefined {
  try {
    const own = value as Partial<Snapshottable>;
    if (typeof own[SNAPSHOT] === "function") return Bun.hash.xxHash64(JSON.stringify(own[SNAPSHOT](), canonical) ?? "");
    if (hasPrivateMembers(key)) return undefined;
    return Bun.hash.xxHash64(JSON.stringify(value, canonical));
  } catch {
    return undefined;
  }
}

/**
 * Writes out what JSON leaves out or blurs, by value: two equal values give the same text whatever
 * their engine representation (a structured-clone encoding tells an int from a double holding the
 * same number, and a restored resource holds the other one).
 */
function canonical(_key: string, v: unknown): unknown {
  if (typeof v === "number") return Number.isFinite(v) ? v : String(v);
  if (typeof v === "bigint") return `${v}n`;
  if (v instanceof Map) return { "<Map>": [...v] };
  if (v instanceof Set) return { "<Set>": [...v] };
  if (ArrayBuffer.isView(v)) return { "<bytes>": String(Bun.hash.xxHash64(new Uint8Array(v.buffer, v.byteOffset, v.byteLength))) };
  if (v instanceof ArrayBuffer) return { "<bytes>": String(Bun.hash.xxHash64(new Uint8Array(v))) };
  return v;
}
