/**
 * Rewind and replay: the last seconds of a running game kept as snapshots of the whole app
 * (src/core/snapshot.ts) every K fixed steps plus the delta and input of every frame, so the game
 * can go back to any recorded frame, step through it, resume from there (the recorded future is
 * dropped, as an editor's undo does), re-simulate a stretch with the code just saved, or play a
 * marked stretch again and again while its code is edited (Handmade Hero's looped editing).
 *
 * The unit is the frame, not the fixed step: games change their state in PreUpdate, Update and
 * on entering a state too, and events live for two frames. At 60 frames a second and 64 steps a
 * second, most frames hold one fixed step.
 *
 *     app.addPlugins(TimelinePlugin({ seconds: 10 }));
 *     const timeline = app.resource(Timeline);
 *     timeline.back(300);   // paused, five seconds back at 60 fps
 *     timeline.resume();    // plays on from there; what was recorded after is dropped
 *
 * @module
 */
import type { App, FrameDriver } from "./app.ts";
import { INPUT_DATA_BYTES } from "./input.ts";
import { HOTLOOP_OWN } from "./resources.ts";
import { First } from "./schedule-label.ts";
import { restoreApp, snapshotApp, type AppSnapshot } from "./snapshot.ts";

/** Options of {@link TimelinePlugin}. */
export interface TimelineOptions {
  /** Seconds of game time kept (default 10); older snapshots and frames are dropped first. */
  readonly seconds?: number;
  /** Memory the snapshots may hold, in MiB (default 256); beyond it the oldest go first. */
  readonly budgetMiB?: number;
  /** A snapshot every this many fixed steps (default 16: four a second at 64 Hz; a seek re-runs at most that many). */
  readonly snapshotEvery?: number;
  /** Re-simulate the last seconds after each save ({@link Timeline.requestReplay}; the dev runner wires reloads to it). Default false. */
  readonly replayOnSave?: boolean;
  /** How far back a replay after a save starts when no loop is marked, in seconds (default 3). */
  readonly replaySeconds?: number;
  /** Where the timeline's one-line messages go (default stderr). */
  readonly report?: (line: string) => void;
}

/** One recorded frame: what it takes to run it again. */
interface FrameEntry {
  /** The frame's delta after Time's clamp, in integer nanoseconds. */
  readonly deltaNs: number;
  /** The frame's InputData after First (shared with the previous frame's when unchanged). */
  readonly input: Uint8Array;
  /** Fixed steps begun by the end of the frame. */
  readonly steps: number;
}

/** A snapshot on the timeline: the app after `frame` frames. */
interface Mark {
  readonly frame: number;
  readonly snapshot: AppSnapshot;
  /** Fixed steps begun by then. */
  readonly steps: number;
  /** A loop's start: never dropped while the loop is marked. */
  pinned: boolean;
}

/** Where a timeline stands ({@link Timeline.status}). */
export interface TimelineStatus {
  /** `live`: recording; `paused`: stopped at `cursor`; `looping`: playing the marked stretch again and again. */
  readonly mode: "live" | "paused" | "looping";
  /** The oldest frame a seek can reach (the oldest snapshot's). */
  readonly first: number;
  /** The newest frame recorded. */
  readonly last: number;
  /** The frame the app is at now. */
  readonly cursor: number;
  /** Fixed steps begun by `cursor`. */
  readonly step: number;
  /** Seconds of game time between `first` and `last`. */
  readonly seconds: number;
  /** Snapshots kept. */
  readonly snapshots: number;
  /** Bytes the snapshots and recorded inputs hold. */
  readonly bytes: number;
  /** Bytes they may hold ({@link TimelineOptions.budgetMiB}). */
  readonly budgetBytes: number;
  /** The marked loop, when there is one. */
  readonly loop?: {
    /** Its first frame (a pinned snapshot's). */
    readonly start: number;
    /** Its last frame; undefined until it is marked. */
    readonly end: number | undefined;
  };
  /** Whether a save re-simulates. */
  readonly replayOnSave: boolean;
}

/** Frames of a replay, and the faults that stopped one ({@link Timeline.replay}). */
export interface ReplayResult {
  /** The frame the replay started from (a snapshot's). */
  readonly from: number;
  /** The frame it re-simulated up to. */
  readonly to: number;
  /** Set when a system failed during the replay: the frame and system; the app was put back as it was before. */
  readonly fault?: {
    /** The frame being re-simulated when it failed. */
    readonly frame: number;
    /** The system that failed, when the reloader said. */
    readonly system: string | undefined;
  };
  /** Milliseconds the replay took. */
  readonly ms: number;
}

const MIB = 1024 * 1024;

/**
 * The timeline resource: recording while live, and the commands that move through it. Every
 * command runs between two frames (from the frame driver, a key, a stdin line, a test); a seek to a
 * frame before the oldest snapshot or after the newest frame throws one line saying what is kept.
 */
export class Timeline {
  readonly #app: App;
  /** Seconds of game time kept. */
  readonly seconds: number;
  /** Bytes the snapshots and recorded inputs may hold. */
  readonly budgetBytes: number;
  /** A snapshot every this many fixed steps. */
  readonly snapshotEvery: number;
  /** How far back a replay after a save starts when no loop is marked, in seconds. */
  readonly replaySeconds: number;
  /** Whether each save that applies re-simulates (see {@link requestReplay}); the dev runner's F10 and `replay on|off` set it. */
  replayOnSave: boolean;
  readonly #report: (line: string) => void;
  /** Frames recorded: #frames[i] is frame #base + i. */
  #frames: FrameEntry[] = [];
  #base = 1;
  /** Snapshots, oldest first. */
  #marks: Mark[] = [];
  #mode: "live" | "paused" | "looping" = "live";
  #loopStart: Mark | undefined;
  #loopEnd: number | undefined;
  #input: Uint8Array | undefined;
  #replayRequested = false;
  /** The last snapshot dropped, its buffers filled again by the next one taken (steady recording allocates little). */
  #spare: AppSnapshot | undefined;
  #lastReplay: ReplayResult | undefined;
  #commands: (() => void)[] = [];

  constructor(app: App, options: TimelineOptions = {}) {
    this.#app = app;
    this.seconds = positive(options.seconds ?? 10, "seconds");
    this.budgetBytes = positive(options.budgetMiB ?? 256, "budgetMiB") * MIB;
    this.snapshotEvery = Math.max(1, Math.round(positive(options.snapshotEvery ?? 16, "snapshotEvery")));
    this.replaySeconds = positive(options.replaySeconds ?? 3, "replaySeconds");
    this.replayOnSave = options.replayOnSave ?? false;
    this.#report = options.report ?? ((line) => console.error(line));
  }

  /** Where the timeline stands. */
  status(): TimelineStatus {
    const app = this.#app;
    const first = this.#marks[0]?.frame ?? app.time.frame;
    const last = this.#last();
    const firstTime = this.#marks[0]?.snapshot.time.elapsedNs ?? 0;
    // A loop, not slice + reduce: the HUD asks every frame, and a frame should allocate nothing.
    let lastTime = firstTime;
    for (let i = Math.max(0, first - this.#base + 1); i < this.#frames.length; i++) lastTime += this.#frames[i]!.deltaNs;
    return {
      mode: this.#mode,
      first,
      last,
      cursor: app.time.frame,
      step: app.time.fixedSteps,
      seconds: (lastTime - firstTime) / 1e9,
      snapshots: this.#marks.length,
      bytes: this.#bytes(),
      budgetBytes: this.budgetBytes,
      loop: this.#loopStart ? { start: this.#loopStart.frame, end: this.#loopEnd } : undefined,
      replayOnSave: this.replayOnSave,
    };
  }

  /** Stops at the current frame: the game shows it and waits for a seek, a step or {@link resume}. */
  pause(): void {
    this.#mode = "paused";
  }

  /**
   * Goes on live from the current frame: frames and snapshots recorded after it are dropped (the
   * future is rewritten, as undo does), and recording continues from here.
   */
  resume(): void {
    const cursor = this.#app.time.frame;
    if (this.#loopStart && this.#loopStart.frame > cursor) this.clearLoop();
    if (this.#loopEnd !== undefined && this.#loopEnd > cursor) this.#loopEnd = undefined;
    if (cursor > this.#last()) {
      // Frames ran that the timeline did not record (update() called outside the driver while paused): start again.
      this.#restart();
    } else {
      this.#frames.length = Math.max(0, cursor - this.#base + 1);
      this.#marks = this.#marks.filter((m) => m.frame <= cursor);
    }
    this.#input = undefined;
    this.#mode = "live";
    this.#app.syncClock();
    // Input holds what the frame resumed from held; the window says what is held now.
    this.#app.input.requestResync();
  }

  /**
   * Goes to the app as it was after `frame` frames (pausing first): the newest snapshot at or before
   * it is restored and the recorded frames after it run again, without drawing or sound.
   */
  seek(frame: number): void {
    const target = Math.round(frame);
    const first = this.#marks[0]?.frame;
    const last = this.#last();
    if (first === undefined) throw new Error("timeline: nothing is recorded yet");
    if (target < first) throw new Error(`timeline: frame ${target} is before the oldest kept (${first}; the timeline keeps ${this.seconds} s)`);
    if (target > last) throw new Error(`timeline: frame ${target} is after the newest recorded (${last})`);
    this.#mode = "paused"; // from live, or out of a loop
    const mark = this.#markAtOrBefore(target)!;
    restoreApp(this.#app, mark.snapshot);
    for (let f = mark.frame + 1; f <= target; f++) this.#rerun(f);
    const entry = this.#frames[target - this.#base];
    if (entry) this.#app.input.load(entry.input);
    this.#app.syncClock();
  }

  /** Goes `frames` frames back (default 1), paused. */
  back(frames = 1): void {
    this.seek(Math.max(this.#marks[0]?.frame ?? 0, this.#app.time.frame - frames));
  }

  /**
   * Goes `frames` frames forward (default 1), paused: through recorded frames, then past the
   * newest one as new frames of one fixed step each (recorded as they run).
   */
  forward(frames = 1): void {
    this.#mode = "paused"; // from live, or out of a loop
    const app = this.#app;
    const last = this.#last();
    const target = app.time.frame + Math.max(0, Math.round(frames));
    // Recorded frames run again from the state as it is (so a step after a save runs the new code from here).
    while (app.time.frame < Math.min(target, last)) this.#rerun(app.time.frame + 1);
    if (app.time.frame < target) {
      // New frames at the end: recorded as live ones would be, one fixed step each.
      this.#mode = "live";
      try {
        while (app.time.frame < target) app.update({ deltaNs: app.time.fixedNs });
      } finally {
        this.#mode = "paused";
      }
    }
    const entry = this.#frames[app.time.frame - this.#base];
    if (entry) app.input.load(entry.input);
    app.syncClock();
  }

  /**
   * Goes `steps` fixed steps back (default 1), paused: to the newest recorded frame that ends at
   * least that many steps earlier. A frame is the unit a timeline can stop at, so a frame that
   * holds two steps is stepped over whole.
   */
  backSteps(steps = 1): void {
    const goal = this.#app.time.fixedSteps - Math.max(1, Math.round(steps));
    const oldest = this.#marks[0];
    if (!oldest) throw new Error("timeline: nothing is recorded yet");
    let frame = oldest.frame;
    for (let f = this.#app.time.frame - 1; f > oldest.frame; f--) {
      if ((this.#frames[f - this.#base]?.steps ?? Number.POSITIVE_INFINITY) <= goal) {
        frame = f;
        break;
      }
    }
    this.seek(frame);
  }

  /** Goes `steps` fixed steps forward (default 1), paused: frame by frame until that many steps ran (see {@link backSteps}). */
  forwardSteps(steps = 1): void {
    const goal = this.#app.time.fixedSteps + Math.max(1, Math.round(steps));
    // A frame of no step (a short frame) is passed through; a frame of no step past the end cannot happen (one step each).
    for (let guard = 0; this.#app.time.fixedSteps < goal && guard < 1_000_000; guard++) this.forward(1);
  }

  /** Goes back `seconds` of game time (at least one frame), paused. */
  backSeconds(seconds: number): void {
    this.seek(this.#frameSecondsBefore(this.#app.time.frame, seconds));
  }

  /**
   * Marks the current frame as a loop's start (pausing first): a snapshot of it is kept until the
   * loop is cleared. Then {@link markLoopEnd} at a later frame starts the loop.
   */
  markLoopStart(): void {
    this.pause();
    const frame = this.#app.time.frame;
    let mark = this.#marks.find((m) => m.frame === frame);
    if (!mark) {
      mark = { frame, snapshot: snapshotApp(this.#app), steps: this.#app.time.fixedSteps, pinned: true };
      this.#marks.push(mark);
      this.#marks.sort((a, b) => a.frame - b.frame);
    }
    if (this.#loopStart) this.#loopStart.pinned = false;
    mark.pinned = true;
    this.#loopStart = mark;
    this.#loopEnd = undefined;
  }

  /**
   * Marks the current frame as the loop's end and plays the stretch from its start again and again
   * with the recorded input, presenting every frame: each save applies at a frame boundary as
   * usual, and the next pass runs from the same snapshot with the new code.
   */
  markLoopEnd(): void {
    const start = this.#loopStart;
    const frame = this.#app.time.frame;
    if (!start) throw new Error("timeline: mark the loop's start first");
    if (frame <= start.frame) throw new Error(`timeline: the loop's end (frame ${frame}) must come after its start (frame ${start.frame})`);
    this.#loopEnd = frame;
    this.#startPass();
  }

  /** Forgets the loop (its start may be dropped again) and stays paused where the loop was. */
  clearLoop(): void {
    if (this.#loopStart) this.#loopStart.pinned = false;
    this.#loopStart = undefined;
    this.#loopEnd = undefined;
    if (this.#mode === "looping") this.#mode = "paused";
  }

  /**
   * Asks for a replay at this frame boundary (the reloaders ask after applying a save when
   * replay-on-save is on): the timeline's boundary hook, which runs after theirs, carries it out.
   */
  requestReplay(): void {
    this.#replayRequested = true;
  }

  /**
   * Re-simulates from the loop's start (or `seconds` back, default {@link replaySeconds}) up to the
   * current frame with the code running now and the recorded input, and goes on from the
   * re-simulated state. If a system fails during it, the app is put back exactly as it was before
   * the replay (the reloaders have rolled the code back by then) and the fault is returned.
   */
  replay(seconds = this.replaySeconds): ReplayResult {
    const started = performance.now();
    const app = this.#app;
    const to = app.time.frame;
    const fromFrame = this.#loopStart && this.#loopStart.frame <= to ? this.#loopStart.frame : this.#frameSecondsBefore(to, seconds);
    const start = this.#markAtOrBefore(fromFrame);
    if (!start) throw new Error("timeline: nothing is recorded yet");
    const before = snapshotApp(app);
    const kept = this.#marks;
    const faults = app.faults.count;
    const goBack = (): void => {
      this.#marks = kept;
      restoreApp(app, before, { keepChangedLayouts: true });
      app.syncClock();
    };
    try {
      restoreApp(app, start.snapshot);
    } catch (e) {
      goBack();
      throw e;
    }
    this.#marks = this.#marks.filter((m) => m.frame <= start.frame || m.pinned);
    let sinceSnapshot = 0;
    let steps = app.time.fixedSteps;
    for (let f = start.frame + 1; f <= to; f++) {
      try {
        this.#rerun(f);
      } catch (e) {
        // A system no reloader watches threw: the game as it was before, and the error on.
        goBack();
        throw e;
      }
      if (app.faults.count !== faults) {
        // The reloader rolled the code back, and a migration the save brought with it: its revert
        // put back the very columns of this moment, which `before` (taken after the migration) could only convert.
        goBack();
        const fault = { frame: f, system: app.faults.last };
        this.#report(`hotloop: replay: ${fault.system ?? "a system"} failed at replayed frame ${f - start.frame} of ${to - start.frame} (frame ${f}): the game goes on from where it was before the replay`);
        return (this.#lastReplay = { from: start.frame, to, fault, ms: performance.now() - started });
      }
      sinceSnapshot += app.time.fixedSteps - steps;
      steps = app.time.fixedSteps;
      if (sinceSnapshot >= this.snapshotEvery && f < to && !this.#marks.some((m) => m.frame === f)) {
        this.#marks.push({ frame: f, snapshot: snapshotApp(app), steps: app.time.fixedSteps, pinned: false });
        sinceSnapshot = 0;
      }
    }
    this.#marks.sort((a, b) => a.frame - b.frame);
    const entry = this.#frames[to - this.#base];
    if (entry) app.input.load(entry.input);
    app.syncClock();
    return (this.#lastReplay = { from: start.frame, to, ms: performance.now() - started });
  }

  /** The last replay carried out (after a save, or {@link replay} called directly), if any. */
  get lastReplay(): ReplayResult | undefined {
    return this.#lastReplay;
  }

  /** Queues `command` for the next frame boundary (where stdin lines and keys are carried out). */
  enqueue(command: () => void): void {
    this.#commands.push(command);
  }

  /** The frame driver: queued commands, then a live frame, a paused (presented) one, or a loop's next frame. */
  readonly drive: FrameDriver = (app) => {
    const commands = this.#commands;
    this.#commands = [];
    for (const command of commands) {
      try {
        command();
      } catch (e) {
        this.#report(`hotloop: ${(e as Error).message}`);
      }
    }
    if (this.#mode === "live") return app.update();
    if (this.#mode === "paused") {
      app.syncClock(); // time spent paused is not game time
      return app.present();
    }
    // Looping: the next recorded frame, presented, with the boundary's reloads; at the end, the start again.
    const end = this.#loopEnd!;
    if (app.time.frame >= end) this.#startPass();
    const entry = this.#frames[app.time.frame + 1 - this.#base];
    if (!entry) {
      this.#mode = "paused";
      return app.present();
    }
    app.update({ deltaNs: entry.deltaNs, input: entry.input });
  };

  /** Called by the plugin after First: the frame's input, shared with the last when unchanged. */
  captureInput(): void {
    if (this.#mode !== "live" || this.#app.replaying) return;
    const live = new Uint8Array(this.#app.input.buffer, 0, INPUT_DATA_BYTES);
    const previous = this.#input;
    if (previous && equalBytes(previous, live)) return;
    this.#input = live.slice();
  }

  /** Called by the plugin at the end of a presented frame: records it, takes a snapshot when due, drops what is too old. */
  recordFrame(): void {
    if (this.#mode !== "live") return;
    const app = this.#app;
    const frame = app.time.frame;
    if (this.#marks.length === 0) {
      this.#base = frame + 1;
      this.#frames = [];
      this.#marks.push({ frame, snapshot: snapshotApp(app), steps: app.time.fixedSteps, pinned: false });
      return;
    }
    if (frame !== this.#base + this.#frames.length) {
      // Frames ran that the timeline did not see (an update() outside the driver while paused): start again.
      this.#restart();
      this.recordFrame();
      return;
    }
    const input = this.#input ?? app.input.copy();
    this.#input = input;
    this.#frames.push({ deltaNs: app.time.frameDeltaNs, input, steps: app.time.fixedSteps });
    const newest = this.#marks[this.#marks.length - 1]!;
    if (app.time.fixedSteps - newest.steps >= this.snapshotEvery) {
      this.#marks.push({ frame, snapshot: snapshotApp(app, this.#spare), steps: app.time.fixedSteps, pinned: false });
      this.#spare = undefined;
      this.#evict();
    }
  }

  /** Carries out a requested replay (the plugin's boundary hook, after the reloaders' hooks). */
  onBoundary(): void {
    if (!this.#replayRequested) return;
    this.#replayRequested = false;
    if (this.#marks.length === 0) return;
    if (this.#mode === "looping") return; // the next pass picks the save up
    const result = this.replay();
    if (!result.fault) this.#report(`hotloop: replay: re-simulated frames ${result.from + 1}–${result.to} with the new code in ${result.ms.toFixed(1)} ms`);
  }

  /** Forgets everything recorded (and the loop): the next frame end takes the first snapshot again. */
  #restart(): void {
    const frame = this.#app.time.frame;
    this.#report(`hotloop: timeline: frames ran that it did not record (update() called outside its driver): it records again from frame ${frame}${this.#loopStart ? ", the loop cleared" : ""}`);
    this.clearLoop();
    this.#marks = [];
    this.#frames = [];
    this.#base = frame + 1;
  }

  #startPass(): void {
    const start = this.#loopStart!;
    restoreApp(this.#app, start.snapshot);
    this.#app.syncClock();
    this.#mode = "looping";
  }

  /** Runs recorded frame `f` again: its delta and input, no drawing, sound or reloads. */
  #rerun(f: number): void {
    const entry = this.#frames[f - this.#base];
    if (!entry) throw new Error(`timeline: frame ${f} is not recorded`);
    this.#app.update({ deltaNs: entry.deltaNs, input: entry.input, present: false, boundary: false });
  }

  #last(): number {
    return this.#base + this.#frames.length - 1;
  }

  #markAtOrBefore(frame: number): Mark | undefined {
    let found: Mark | undefined;
    for (const m of this.#marks) if (m.frame <= frame) found = m;
    return found;
  }

  /** The frame `seconds` of game time before `frame` (at least one frame before, never before the oldest kept). */
  #frameSecondsBefore(frame: number, seconds: number): number {
    const oldest = this.#marks[0]?.frame ?? frame;
    let ns = seconds * 1e9;
    let f = frame;
    while (f > oldest && ns > 0) {
      ns -= this.#frames[f - this.#base]?.deltaNs ?? 0;
      f--;
    }
    return Math.min(f, Math.max(oldest, frame - 1));
  }

  #bytes(): number {
    let bytes = 0;
    for (const m of this.#marks) bytes += m.snapshot.bytes;
    // A frame whose input did not change shares its block with the frame before.
    let previous: Uint8Array | undefined;
    for (const f of this.#frames) {
      if (f.input !== previous) bytes += f.input.byteLength;
      previous = f.input;
    }
    return bytes;
  }

  /** Drops the oldest snapshots (and the frames only they lead to) beyond the time span or the budget; a loop's start stays. */
  #evict(): void {
    for (;;) {
      const oldest = this.#marks[0];
      const next = this.#marks[1];
      if (!oldest || !next) return;
      const newestTime = this.#marks[this.#marks.length - 1]!.snapshot.time.elapsedNs;
      const overTime = newestTime - next.snapshot.time.elapsedNs >= this.seconds * 1e9;
      if (!overTime && this.#bytes() <= this.budgetBytes) return;
      if (oldest.pinned) {
        // A loop's start marked, then the game went on live past what the timeline keeps: the
        // loop cannot be kept within the budget, so it goes (said once), not the budget.
        this.#report(`hotloop: timeline: the loop's start (frame ${oldest.frame}) is older than the ${this.seconds} s (or ${this.budgetBytes / MIB} MiB) kept: the loop is cleared`);
        this.clearLoop();
      }
      this.#spare = this.#marks.shift()!.snapshot;
      const drop = next.frame - this.#base + 1;
      this.#frames.splice(0, drop);
      this.#base += drop;
    }
  }
}

function positive(value: number, name: string): number {
  if (!(value > 0) || !Number.isFinite(value)) throw new Error(`TimelinePlugin: ${name} must be a positive number, got ${value}`);
  return value;
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.byteLength !== b.byteLength) return false;
  const wa = new Uint32Array(a.buffer, a.byteOffset, a.byteLength >>> 2);
  const wb = new Uint32Array(b.buffer, b.byteOffset, b.byteLength >>> 2);
  for (let i = 0; i < wa.length; i++) if (wa[i] !== wb[i]) return false;
  for (let i = wa.length * 4; i < a.byteLength; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * Keeps a timeline of the running game (see the module comment): the {@link Timeline} resource,
 * recording from the end of the first frame, and the frame driver that pauses, steps and loops.
 * Add it after the reloaders (the dev runner does), so a replay after a save runs after the save
 * applied at the same frame boundary.
 */
export function TimelinePlugin(options: TimelineOptions = {}): (app: App) => void {
  return function timeline(app: App) {
    const timeline = app.insertResource(new Timeline(app, options), HOTLOOP_OWN);
    app.aroundSchedule(First, undefined, () => timeline.captureInput());
    app.onFrameEnd(() => timeline.recordFrame());
    app.onFrameBoundary(() => timeline.onBoundary());
    app.setFrameDriver(timeline.drive);
  };
}
