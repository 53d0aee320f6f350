import type { App } from "./app.ts";
import { keyCode } from "./input.ts";
import { First } from "./schedule-label.ts";

/** One scripted key event: at `frame`, `key` goes down or up. */
export interface KeyEvent {
  /** The frame it happens at (`app.time.frame`). */
  readonly frame: number;
  /** The key's code (see `Key`). */
  readonly key: number;
  /** Pressed (`true`) or released (`false`). */
  readonly down: boolean;
}

/**
 * Parses a key script: one event per line, `<frame> <down|up> <KEY>` (a name of `Key`, like RIGHT
 * or w, or a code); `#` starts a comment. Errors name the line: `script.txt:3: unknown key "FOO"`.
 */
export function parseKeyScript(text: string, source = "script"): KeyEvent[] {
  const events: KeyEvent[] = [];
  text.split("\n").forEach((raw, i) => {
    const line = raw.replace(/#.*/, "").trim();
    if (!line) return;
    const [frameText, action, keyText, ...rest] = line.split(/\s+/);
    const where = `${source}:${i + 1}`;
    const frame = Number(frameText);
    if (!Number.isInteger(frame) || frame < 1) throw new Error(`${where}: frame must be a positive integer, got "${frameText}"`);
    if (action !== "down" && action !== "up") throw new Error(`${where}: expected "down" or "up", got "${action ?? ""}"`);
    if (rest.length) throw new Error(`${where}: unexpected "${rest.join(" ")}" after the key`);
    const key = keyCode(/^\d+$/.test(keyText ?? "") ? Number(keyText) : (keyText ?? ""));
    if (key === undefined) throw new Error(`${where}: unknown key "${keyText ?? ""}"`);
    events.push({ frame, key, down: action === "down" });
  });
  return events.sort((a, b) => a.frame - b.frame);
}

/**
 * Feeds scripted key events into the Input resource at the start of their frame, for headless
 * runs and tests: the same systems see the same keys a window would give them.
 */
export function ScriptedInputPlugin(events: readonly KeyEvent[]): (app: App) => void {
  return function scriptedInput(app: App) {
    let next = 0;
    app.addSystems(First, function applyScriptedInput({ input, time }) {
      while (next < events.length && events[next]!.frame <= time.frame) {
        const e = events[next++]!;
        input.setKey(e.key, e.down);
      }
    });
  };
}
