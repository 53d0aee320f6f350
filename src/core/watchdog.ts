/**
 * The watchdog: a hung system is reported, not a frozen game. A Worker thread — outside the JS
 * thread, which is stuck inside the call — watches a few shared words the frame loop and each
 * watched call write. When a frame has run past the budget it prints one line naming the system.
 * Inside a hot system it sets the abort byte the SDK checks at every use of a query or resource
 * (`hotloop_set_abort_flag`): the system then stops as a panic does, and is rolled back or disabled
 * like one. What cannot be stopped: a hot loop that touches no query or resource and calls no
 * `hotloop_sdk::checkpoint()`, and TypeScript. Then the game is frozen, and the worker gives
 * Ctrl-C (and SIGTERM, SIGHUP) back their default, which ends the process: the JS handler that
 * would clean up can never run while the thread is stuck. Once the frame ends, the handlers are put back.
 *
 * One per app (an app resource), shared by the hot reloader and the TypeScript game layer.
 */
import { ptr, type Pointer } from "bun:ffi";
import type { App } from "./app.ts";
import { First } from "./schedule-label.ts";
import { HOTLOOP_OWN } from "./resources.ts";

/** The shared words, by index. */
export const WatchWord = {
  /** Frames begun (wraps). */
  Frame: 0,
  /** 1 while a frame runs. */
  Busy: 1,
  /** 1 + the index of the watched system being called, 0 between calls. */
  System: 2,
  /** Its first byte is the abort flag the SDK reads. */
  Abort: 3,
} as const;

/** What a watched system is: a hot one can be stopped at its next use of the SDK; TypeScript cannot. */
export type WatchedKind = "hot" | "ts";

/** What the worker is told at start. */
export interface WatchdogStart {
  readonly shared: SharedArrayBuffer;
  readonly budgetMs: number;
  readonly json: boolean;
}

/** What the worker is told of the watched systems (each time one is added). */
export interface WatchedNames {
  readonly names: readonly string[];
  readonly kinds: readonly WatchedKind[];
}

/** The shared words, the worker, the names of the watched systems. */
export class Watchdog {
  readonly words: Int32Array;
  /** The abort byte's address, for `hotloop_set_abort_flag`. */
  readonly abortFlag: Pointer;
  readonly #worker: Worker;
  readonly #names: string[] = [];
  readonly #kinds: WatchedKind[] = [];
  #closed = false;

  constructor(
    readonly budgetMs: number,
    json: boolean,
  ) {
    const shared = new SharedArrayBuffer(16);
    this.words = new Int32Array(shared);
    this.abortFlag = ptr(new Uint8Array(shared, WatchWord.Abort * 4, 1));
    this.#worker = new Worker(new URL("./watchdog-worker.ts", import.meta.url).href);
    this.#worker.postMessage({ shared, budgetMs, json } satisfies WatchdogStart);
    this.#worker.unref(); // never what keeps the process alive
  }

  /**
   * The app's watchdog, made on first use with `budgetMs` (a later caller's budget is not taken:
   * the first owner, the hot reloader or the dev runner, sets it). It marks each frame's start (as
   * First begins) and end, and stops with the app.
   */
  static of(app: App, budgetMs: number, json: boolean): Watchdog {
    const existing = app.getResource(Watchdog);
    if (existing) return existing;
    const watchdog = new Watchdog(budgetMs, json);
    app.insertResource(watchdog, HOTLOOP_OWN);
    // The frame is watched from First on: the boundary's own work (a reload, a migration) may
    // take longer than the budget without the game being frozen.
    app.schedule(First).around(() => watchdog.beginFrame());
    app.onFrameEnd(() => watchdog.endFrame(), { always: true });
    app.onShutdown(() => watchdog.close());
    return watchdog;
  }

  /** The number a system is known by in the shared words (its name is sent to the worker once). */
  register(name: string, kind: WatchedKind = "hot"): number {
    for (let i = 0; i < this.#names.length; i++) if (this.#names[i] === name && this.#kinds[i] === kind) return i + 1;
    this.#names.push(name);
    this.#kinds.push(kind);
    this.#worker.postMessage({ names: this.#names, kinds: this.#kinds } satisfies WatchedNames);
    return this.#names.length;
  }

  beginFrame(): void {
    const words = this.words;
    words[WatchWord.Frame] = (words[WatchWord.Frame]! + 1) | 0;
    words[WatchWord.Busy] = 1;
  }

  endFrame(): void {
    this.words[WatchWord.Busy] = 0;
  }

  /** After a hot call: between calls again, and an abort meant for it is spent. */
  afterCall(): void {
    const words = this.words;
    words[WatchWord.System] = 0;
    if (words[WatchWord.Abort] !== 0) Atomics.store(words, WatchWord.Abort, 0);
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#worker.terminate();
  }
}
