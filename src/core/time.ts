import { nativeBuffer } from "../ecs/native-buffer.ts";
import { NATIVE_BYTES } from "../ecs/resource.ts";
import { structLayout } from "../ecs/struct-layout.ts";

/** TimeData (docs/abi.md): the struct hot systems read as `Res<Time>`. All f64, so one Float64Array writes it. */
export const TIME_LAYOUT = structLayout("Time", { delta: "f64", elapsed: "f64", frame_delta: "f64", fixed_delta: "f64", overstep: "f64", frame: "f64" });

const NS_PER_S = 1e9;

/** Index of each TimeData field (docs/abi.md): the layout native systems read. */
const enum Slot {
  Delta = 0,
  Elapsed = 1,
  FrameDelta = 2,
  FixedDelta = 3,
  Overstep = 4,
  Frame = 5,
}

/** {@link Time}'s state between frames, as {@link Time.saveState} returns it. */
export interface TimeState {
  /** Time owed to fixed steps not yet run, ns. */
  readonly accumulatorNs: number;
  /** Frame time since the first frame, ns. */
  readonly elapsedNs: number;
  /** Fixed time since the first frame, ns. */
  readonly fixedElapsedNs: number;
  /** The last frame's clamped delta, ns. */
  readonly lastDeltaNs: number;
  /** A copy of the TimeData block (`delta`, `elapsed`, …, `frame`). */
  readonly data: Float64Array;
}

/** Options of the fixed timestep. */
export interface TimeOptions {
  /** Fixed updates per second (Bevy's default: 64). */
  readonly fixedHz?: number;
  /** Largest frame delta in seconds; longer frames are clamped against the spiral of death (0.25). */
  readonly maxDelta?: number;
}

/**
 * The Time resource, in Bevy's shape. `delta` and `elapsed` are the fixed step's inside
 * FixedUpdate and the frame's elsewhere, so one system body works in either schedule.
 * The values live in a Float64Array that native systems read through one pointer (TimeData).
 */
export class Time {
  /** Its C layout: `Time` is a resource like the game's own, read-only to systems. */
  static readonly struct = TIME_LAYOUT;
  /** Systems read it and never write it: the App fills it, and Rust's `ResMut<Time>` is refused. */
  static readonly readOnly = true;
  /** The TimeData block handed to native systems. */
  readonly data = new Float64Array(nativeBuffer(TIME_LAYOUT.size), 0, TIME_LAYOUT.fields.length);

  /** The native bytes native systems read (keyed by the internal `NATIVE_BYTES` symbol). */
  get [NATIVE_BYTES](): ArrayBuffer {
    return this.data.buffer as ArrayBuffer;
  }
  #fixedNs = 0;
  #perFixedNs = 0;
  #maxDeltaNs = 0;
  #accumulatorNs = 0;
  #elapsedNs = 0;
  #fixedElapsedNs = 0;
  #lastDeltaNs = 0;

  constructor(options: TimeOptions = {}) {
    this.setFixedHz(options.fixedHz ?? 64);
    this.setMaxDelta(options.maxDelta ?? 0.25);
  }

  /** Seconds: the fixed step inside FixedUpdate, else this frame's delta. */
  get delta(): number {
    return this.data[Slot.Delta]!;
  }
  /** Seconds since the first frame (on the fixed clock inside FixedUpdate). */
  get elapsed(): number {
    return this.data[Slot.Elapsed]!;
  }
  /** Seconds: this frame's delta after clamping. */
  get frameDelta(): number {
    return this.data[Slot.FrameDelta]!;
  }
  /** Seconds: the fixed timestep. */
  get fixedDelta(): number {
    return this.data[Slot.FixedDelta]!;
  }
  /** 0..1: how far the frame is between two fixed steps, for interpolating what is drawn. */
  get overstep(): number {
    return this.data[Slot.Overstep]!;
  }
  /** Frames begun so far; 1 during the first frame. */
  get frame(): number {
    return this.data[Slot.Frame]!;
  }

  /** Sets the fixed rate in Hz. */
  setFixedHz(hz: number): void {
    if (!(hz > 0) || !Number.isFinite(hz)) throw new Error(`fixed timestep rate must be a positive number of Hz, got ${hz}`);
    // A step shorter than a nanosecond rounds to 0: every frame would owe infinitely many.
    if (Math.round(NS_PER_S / hz) < 1) throw new Error(`fixed timestep rate ${hz} Hz makes a step shorter than the 1 ns Time counts in`);
    this.#fixedNs = Math.round(NS_PER_S / hz);
    this.#perFixedNs = 1 / this.#fixedNs;
    this.data[Slot.FixedDelta] = this.#fixedNs / NS_PER_S;
  }

  /** Sets the clamp on a frame's delta, in seconds. */
  setMaxDelta(seconds: number): void {
    if (!(seconds > 0)) throw new Error(`maxDelta must be positive, got ${seconds}`);
    this.#maxDeltaNs = Math.round(seconds * NS_PER_S);
  }

  /**
   * Starts a frame of `deltaNs` nanoseconds (clamped) and returns how many fixed steps it owes.
   * Integer nanoseconds keep the accumulator exact: 64 Hz is 15 625 000 ns.
   */
  beginFrame(deltaNs: number): number {
    // NaN or a negative delta counts as none: one bad reading must not poison the accumulator.
    const clamped = deltaNs >= 0 ? Math.min(deltaNs, this.#maxDeltaNs) : 0;
    this.#lastDeltaNs = clamped;
    this.#elapsedNs += clamped;
    this.#accumulatorNs += clamped;
    // Most frames owe one step or none: subtracting is exact and shorter than a division on the
    // frame's dependency chain (bench frame_ts, "Time's update"); a long frame divides.
    let steps = 0;
    const fixed = this.#fixedNs;
    if (this.#accumulatorNs >= 4 * fixed) {
      steps = Math.floor(this.#accumulatorNs / fixed);
      this.#accumulatorNs -= steps * fixed;
    } else {
      while (this.#accumulatorNs >= fixed) {
        this.#accumulatorNs -= fixed;
        steps++;
      }
    }
    const d = this.data;
    d[Slot.FrameDelta] = clamped / NS_PER_S;
    d[Slot.Frame] = d[Slot.Frame]! + 1;
    d[Slot.Overstep] = this.#accumulatorNs * this.#perFixedNs; // a multiply, not a third dependent division: a fraction for interpolation
    this.enterFrameContext();
    return steps;
  }

  /** Switches `delta`/`elapsed` to one fixed step (called before each FixedUpdate run). */
  enterFixedStep(): void {
    this.#fixedElapsedNs += this.#fixedNs;
    this.data[Slot.Delta] = this.#fixedNs / NS_PER_S;
    this.data[Slot.Elapsed] = this.#fixedElapsedNs / NS_PER_S;
  }

  /** Counts `steps` fixed steps that ran no schedule (an app without FixedUpdate systems): fixed time still advances. */
  skipFixedSteps(steps: number): void {
    this.#fixedElapsedNs += steps * this.#fixedNs;
  }

  /** This frame's delta after clamping, in integer nanoseconds: what a timeline records, so a replayed frame owes the same steps. */
  get frameDeltaNs(): number {
    return this.#lastDeltaNs;
  }

  /** Fixed steps begun since the first frame (run or skipped): the fixed clock in steps. */
  get fixedSteps(): number {
    return Math.round(this.#fixedElapsedNs / this.#fixedNs);
  }

  /** The fixed step in integer nanoseconds (15 625 000 at 64 Hz). */
  get fixedNs(): number {
    return this.#fixedNs;
  }

  /** The clock's state between two frames (accumulator, elapsed times, the TimeData block), for a snapshot. */
  saveState(): TimeState {
    return { accumulatorNs: this.#accumulatorNs, elapsedNs: this.#elapsedNs, fixedElapsedNs: this.#fixedElapsedNs, lastDeltaNs: this.#lastDeltaNs, data: this.data.slice() };
  }

  /** Puts the clock back as {@link saveState} found it, in the same TimeData block (native systems keep its pointer). */
  loadState(state: TimeState): void {
    this.#accumulatorNs = state.accumulatorNs;
    this.#elapsedNs = state.elapsedNs;
    this.#fixedElapsedNs = state.fixedElapsedNs;
    this.#lastDeltaNs = state.lastDeltaNs;
    this.data.set(state.data);
    // The fixed rate is configuration, not state: a snapshot taken at another rate keeps today's.
    this.data[Slot.FixedDelta] = this.#fixedNs / NS_PER_S;
  }

  /** Switches `delta`/`elapsed` back to the frame's. */
  enterFrameContext(): void {
    this.data[Slot.Delta] = this.data[Slot.FrameDelta]!;
    this.data[Slot.Elapsed] = this.#elapsedNs / NS_PER_S;
  }
}
