/**
 * The watchdog's thread (see watchdog.ts). It polls the shared words a few times per budget; when
 * one frame has been busy for longer than the budget it writes one line straight to stderr (the JS
 * thread is stuck, so nothing could relay it) and, inside a hot system, sets the abort byte.
 */
import { writeSync } from "node:fs";
import { WatchWord, type WatchdogStart } from "./watchdog.ts";

declare const self: Worker;

let words: Int32Array | undefined;
let budgetMs = 1000;
let json = false;
let names: string[] = [];

self.onmessage = (event: MessageEvent<WatchdogStart | { names: string[] }>) => {
  const data = event.data;
  if ("names" in data) {
    names = data.names;
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
    frame = current;
    since = now;
    said = "nothing";
    return;
  }
  const ran = now - since;
  if (ran <= budgetMs) return;
  const index = words[WatchWord.System]!;
  const name = index > 0 ? names[index - 1] : undefined;
  if (said === "nothing") {
    said = "stopping";
    if (name) {
      Atomics.store(words, WatchWord.Abort, 1);
      say(`system ${name} has not returned after ${ran.toFixed(0)} ms (budget ${budgetMs} ms): stopping it at its next use of a query or resource`);
    } else {
      say(`the frame has not finished after ${ran.toFixed(0)} ms (budget ${budgetMs} ms), outside any hot system: TypeScript cannot be stopped from outside, the game is frozen`);
      said = "frozen";
    }
    return;
  }
  if (said === "stopping" && ran > 4 * budgetMs) {
    said = "frozen";
    say(`system ${name ?? "?"} still has not returned after ${ran.toFixed(0)} ms: it touches no query or resource (a loop of its own: call hotloop_sdk::checkpoint() in it), so it cannot be stopped; the game is frozen`);
  }
}

function say(message: string): void {
  const line = json ? JSON.stringify({ time: new Date().toISOString(), type: "warning", file: "watchdog", message }) : `hotloop: warning: watchdog: ${message}`;
  writeSync(2, `${line}\n`);
}
