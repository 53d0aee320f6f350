/**
 * The watchdog: a hung hot system is reported, not a frozen game. A Worker thread — outside the JS
 * thread, which is stuck inside the call — watches a few shared words the frame loop and each hot
 * call write: when a frame has run past the budget inside a hot system, it prints one line naming
 * the system and sets the abort byte the SDK checks at every use of a query or resource
 * (`hotloop_set_abort_flag`); the system then stops as a panic does, and is rolled back or
 * disabled like one. What cannot be stopped: a loop that touches no query or resource and calls
 * no `hotloop_sdk::checkpoint()`, and TypeScript (the watchdog says so and the game stays frozen).
 */
import { ptr, type Pointer } from "bun:ffi";

/** The shared words, by index. */
export const WatchWord = {
  /** Frames begun (wraps). */
  Frame: 0,
  /** 1 while a frame runs. */
  Busy: 1,
  /** 1 + the index of the hot system being called, 0 between calls. */
  System: 2,
  /** Its first byte is the abort flag the SDK reads. */
  Abort: 3,
} as const;

/** What the worker is told at start. */
export interface WatchdogStart {
  readonly shared: SharedArrayBuffer;
  readonly budgetMs: number;
  readonly json: boolean;
}

/** One watchdog per reloader: the shared words, the worker, the names of the hot systems. */
export class Watchdog {
  readonly words: Int32Array;
  /** The abort byte's address, for `hotloop_set_abort_flag`. */
  readonly abortFlag: Pointer;
  readonly #worker: Worker;
  readonly #names: string[] = [];

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

  /** The number a hot system is known by in the shared words (its name is sent to the worker once). */
  register(name: string): number {
    const known = this.#names.indexOf(name);
    if (known >= 0) return known + 1;
    this.#names.push(name);
    this.#worker.postMessage({ names: this.#names });
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
    this.#worker.terminate();
  }
}
