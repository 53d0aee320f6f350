/** Where the App reads the time. Injected so tests step exact frames without sleeping. */
export interface Clock {
  /** Milliseconds from an arbitrary origin, monotonic. */
  now(): number;
}

/** The real clock: `performance.now()`. */
export const systemClock: Clock = { now: () => performance.now() };

/** A clock that moves only when told: `clock.advance(40)` then `app.update()` is a 40 ms frame. */
export class ManualClock implements Clock {
  #ms: number;
  constructor(startMs = 0) {
    this.#ms = startMs;
  }
  now(): number {
    return this.#ms;
  }
  /** Moves the clock forward by `ms` milliseconds. */
  advance(ms: number): void {
    if (!(ms >= 0)) throw new Error(`ManualClock.advance: ms must be >= 0, got ${ms}`);
    this.#ms += ms;
  }
}
