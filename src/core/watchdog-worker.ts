/**
 * The watchdog's thread (see watchdog.ts). It polls the shared words a few times per budget; when
 * one frame has been busy for longer than the budget it writes one line straight to stderr (the JS
 * thread is stuck, so nothing could relay it) and, inside a hot system, sets the abort byte. While
 * the game is frozen, Ctrl-C, SIGTERM and SIGHUP have their default action (ending the process).
 */
import { dlopen, FFIType, ptr } from "bun:ffi";
import { writeSync } from "node:fs";
import { WatchWord, type WatchdogStart, type WatchedKind, type WatchedNames } from "./watchdog.ts";

declare const self: Worker;

let words: Int32Array | undefined;
let budgetMs = 1000;
let json = false;
let names: readonly string[] = [];
let kinds: readonly WatchedKind[] = [];

self.onmessage = (event: MessageEvent<WatchdogStart | WatchedNames>) => {
  const data = event.data;
  if ("names" in data) {
    names = data.names;
    kinds = data.kinds;
    return;
  }
  words = new Int32Array(data.shared);
  budgetMs = data.budgetMs;
  json = data.json;
  setInterval(check, Math.max(5, budgetMs / 4));
};

let frame = -1;
let since = 0;
/** What was said about the current frame: nothing, the stop, the frozen game. */
let said: "nothing" | "stopping" | "frozen" = "nothing";

function check(): void {
  if (!words) return;
  const now = performance.now();
  const current = words[WatchWord.Frame]!;
  if (current !== frame || words[WatchWord.Busy] === 0) {
    if (said === "frozen") signals.restore();
    frame = current;
    since = now;
    said = "nothing";
    return;
  }
  const ran = now - since;
  if (ran <= budgetMs) return;
  const index = words[WatchWord.System]!;
  const name = index > 0 ? names[index - 1] : undefined;
  const kind = index > 0 ? kinds[index - 1] : undefined;
  if (said === "nothing") {
    if (name && kind === "hot") {
      said = "stopping";
      Atomics.store(words, WatchWord.Abort, 1);
      say(`system ${name} has not returned after ${ran.toFixed(0)} ms (budget ${budgetMs} ms): stopping it at its next use of a query or resource`);
      return;
    }
    said = "frozen";
    const where = name ? `TypeScript system ${name} has not returned` : "the frame has not finished";
    say(`${where} after ${ran.toFixed(0)} ms (budget ${budgetMs} ms)${name ? "" : ", outside any watched system"}: TypeScript cannot be stopped from outside, the game is frozen${signals.takeDefault()}`);
    return;
  }
  if (said === "stopping" && ran > 4 * budgetMs) {
    said = "frozen";
    say(`system ${name ?? "?"} still has not returned after ${ran.toFixed(0)} ms: it touches no query or resource (a loop of its own: call hotloop_sdk::checkpoint() in it), so it cannot be stopped; the game is frozen${signals.takeDefault()}`);
  }
}

function say(message: string): void {
  const line = json ? JSON.stringify({ time: new Date().toISOString(), type: "warning", file: "watchdog", message }) : `hotloop: warning: watchdog: ${message}`;
  writeSync(2, `${line}\n`);
}

/**
 * Ctrl-C while the JS thread is stuck: hotloop's handler (and the app's) is JavaScript, queued for
 * a thread that never comes back, so the signal would do nothing. While frozen the signals get
 * their default action through sigaction (libc: the process-wide disposition, set from any
 * thread), and the handlers saved are put back once the frame ends.
 */
const signals = (() => {
  const SIGNALS = [2, 15, 1]; // SIGINT, SIGTERM, SIGHUP (the same numbers on x86-64 and arm64 Linux)
  // struct sigaction is 152 bytes on glibc and musl (x86-64, arm64); all zeroes is SIG_DFL with no flags.
  const SIZE = 256;
  const saved = new Map<number, Uint8Array>();
  let sigaction: ((signal: number, act: number | null, old: number | null) => number) | undefined;
  const open = () => {
    if (sigaction || process.platform !== "linux") return sigaction;
    for (const name of ["libc.so.6", "libc.musl-x86_64.so.1", "libc.musl-aarch64.so.1"]) {
      try {
        const lib = dlopen(name, { sigaction: { args: [FFIType.i32, FFIType.ptr, FFIType.ptr], returns: FFIType.i32 } });
        sigaction = (signal, act, old) => lib.symbols.sigaction(signal, act as never, old as never);
        break;
      } catch {
        // not this libc: try the next name
      }
    }
    return sigaction;
  };
  return {
    /** Gives the signals their default; returns what to add to the line. */
    takeDefault(): string {
      const call = open();
      if (!call) return "";
      const none = new Uint8Array(SIZE);
      for (const signal of SIGNALS) {
        const old = new Uint8Array(SIZE);
        // Safe: both buffers are live, zero-initialised and larger than struct sigaction.
        if (call(signal, ptr(none), ptr(old)) === 0) saved.set(signal, old);
      }
      return saved.size > 0 ? " (Ctrl-C ends it)" : "";
    },
    /** Puts back the handlers saved. */
    restore(): void {
      const call = open();
      if (!call) return;
      // Safe: each buffer holds the struct sigaction the kernel filled in above.
      for (const [signal, old] of saved) call(signal, ptr(old), null);
      saved.clear();
    },
  };
})();
