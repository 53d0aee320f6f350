import type { App } from "./app.ts";
import { gamepadAxisCode, gamepadButtonCode, keyCode, MAX_GAMEPADS } from "./input.ts";
import { First } from "./schedule-label.ts";
import { addSnapshotPart } from "./snapshot.ts";

/** One scripted key event: at `frame`, `key` goes down or up. */
export interface KeyEvent {
  /** The frame it happens at (`app.time.frame`). */
  readonly frame: number;
  /** Absent or "key": a keyboard key (the other events name their kind). */
  readonly kind?: "key";
  /** The key's code (see `Key`). */
  readonly key: number;
  /** Pressed (`true`) or released (`false`). */
  readonly down: boolean;
}

/** At `frame`, `button` of gamepad `pad` goes down or up (the pad counts as connected). */
export interface GamepadButtonEvent {
  /** The frame it happens at (`app.time.frame`). */
  readonly frame: number;
  /** What the line does. */
  readonly kind: "gamepad-button";
  /** The gamepad, 0 to 3. */
  readonly pad: number;
  /** The button's code (see `GamepadButton`). */
  readonly button: number;
  /** Pressed (`true`) or released (`false`). */
  readonly down: boolean;
}

/** At `frame`, `axis` of gamepad `pad` moves to `value`, -1 to 1 (the pad counts as connected). */
export interface GamepadAxisEvent {
  /** The frame it happens at (`app.time.frame`). */
  readonly frame: number;
  /** What the line does. */
  readonly kind: "gamepad-axis";
  /** The gamepad, 0 to 3. */
  readonly pad: number;
  /** The axis's code (see `GamepadAxis`). */
  readonly axis: number;
  /** Where it moves to, -1 to 1. */
  readonly value: number;
}

/** At `frame`, gamepad `pad` is plugged in or pulled out (which releases its buttons). */
export interface GamepadConnectionEvent {
  /** The frame it happens at (`app.time.frame`). */
  readonly frame: number;
  /** What the line does. */
  readonly kind: "gamepad-connection";
  /** The gamepad, 0 to 3. */
  readonly pad: number;
  /** Plugged in (`true`) or pulled out (`false`). */
  readonly connected: boolean;
}

/** One line of a key script. */
export type ScriptEvent = KeyEvent | GamepadButtonEvent | GamepadAxisEvent | GamepadConnectionEvent;

const ACTIONS = '"down" or "up", got "%" (gamepads also take "axis", "connect" and "disconnect")';

/**
 * Parses a key script: one event per line, `#` starts a comment.
 *
 *     <frame> down|up <KEY>                       a key: a name of `Key` (RIGHT, w) or a code
 *     <frame> down|up gamepad <pad> <BUTTON>      a gamepad button: a name of `GamepadButton` or a code
 *     <frame> axis gamepad <pad> <AXIS> <value>   a gamepad axis (a name of `GamepadAxis`) to -1..1
 *     <frame> connect|disconnect gamepad <pad>    a gamepad plugged in or pulled out
 *
 * `<pad>` is 0 to 3. A gamepad line other than `disconnect` also marks its pad connected. Errors
 * name the line: `script.txt:3: unknown key "FOO"`, `script.txt:4: unknown gamepad button "Z"`.
 */
export function parseKeyScript(text: string, source = "script"): ScriptEvent[] {
  const events: ScriptEvent[] = [];
  text.split("\n").forEach((raw, i) => {
    const line = raw.replace(/#.*/, "").trim();
    if (!line) return;
    const [frameText, action, target, ...rest] = line.split(/\s+/);
    const where = `${source}:${i + 1}`;
    const frame = Number(frameText);
    if (!Number.isInteger(frame) || frame < 1) throw new Error(`${where}: frame must be a positive integer, got "${frameText}"`);
    const gamepadAction = action === "axis" || action === "connect" || action === "disconnect";
    if (action !== "down" && action !== "up" && !gamepadAction) throw new Error(`${where}: expected ${ACTIONS.replace("%", action ?? "")}`);
    if (target?.toLowerCase() === "gamepad") {
      events.push(gamepadEvent(frame, action!, rest, where));
      return;
    }
    if (gamepadAction) throw new Error(`${where}: "${action}" is for gamepads: \`${frame} ${action} gamepad <pad> …\`, got "${target ?? ""}"`);
    if (rest.length) throw new Error(`${where}: unexpected "${rest.join(" ")}" after the key`);
    const key = keyCode(/^\d+$/.test(target ?? "") ? Number(target) : (target ?? ""));
    if (key === undefined) throw new Error(`${where}: unknown key "${target ?? ""}"`);
    events.push({ frame, key, down: action === "down" });
  });
  return events.sort((a, b) => a.frame - b.frame);
}

/** The event of a `<frame> <action> gamepad …` line, `words` being what follows "gamepad". */
function gamepadEvent(frame: number, action: string, words: string[], where: string): ScriptEvent {
  const [padText, name, valueText] = words;
  if (padText === undefined || !/^\d+$/.test(padText) || Number(padText) >= MAX_GAMEPADS) {
    throw new Error(`${where}: "gamepad" is followed by a pad number from 0 to ${MAX_GAMEPADS - 1}, got "${padText ?? ""}"`);
  }
  const pad = Number(padText);
  /** Refuses words past the `count` this action takes, naming what they follow. */
  const nothingAfter = (count: number, what: string) => {
    if (words.length > count) throw new Error(`${where}: unexpected "${words.slice(count).join(" ")}" after the ${what}`);
  };
  const nameOrCode = (text: string | undefined) => (/^\d+$/.test(text ?? "") ? Number(text) : (text ?? ""));
  if (action === "connect" || action === "disconnect") {
    nothingAfter(1, "pad number");
    return { frame, kind: "gamepad-connection", pad, connected: action === "connect" };
  }
  if (action === "axis") {
    const axis = gamepadAxisCode(nameOrCode(name));
    if (axis === undefined) throw new Error(`${where}: unknown gamepad axis "${name ?? ""}"`);
    const value = Number(valueText);
    if (valueText === undefined || !/^[-+]?(\d+\.?\d*|\.\d+)$/.test(valueText) || value < -1 || value > 1) {
      throw new Error(`${where}: an axis value is a number from -1 to 1, got "${valueText ?? ""}"`);
    }
    nothingAfter(3, "axis value");
    return { frame, kind: "gamepad-axis", pad, axis, value };
  }
  const button = gamepadButtonCode(nameOrCode(name));
  if (button === undefined) throw new Error(`${where}: unknown gamepad button "${name ?? ""}"`);
  nothingAfter(2, "gamepad button");
  return { frame, kind: "gamepad-button", pad, button, down: action === "down" };
}

/** The keys a script holds down once its first `next` events have been applied. */
function heldKeys(events: readonly ScriptEvent[], next: number): number[] {
  const down = new Set<number>();
  for (let i = 0; i < next; i++) {
    const e = events[i]!;
    if (e.kind !== undefined && e.kind !== "key") continue;
    if (e.down) down.add(e.key);
    else down.delete(e.key);
  }
  return [...down];
}

const scriptCounts = new WeakMap<App, number>();

/** How many key scripts `app` had before this one: each script's snapshot part has its own name. */
function scriptsOf(app: App): number {
  const n = scriptCounts.get(app) ?? 0;
  scriptCounts.set(app, n + 1);
  return n;
}

/**
 * Feeds scripted events into the Input resource at the start of their frame, for headless runs
 * and tests: the same systems see the same keys and gamepads a window would give them.
 */
export function ScriptedInputPlugin(events: readonly ScriptEvent[]): (app: App) => void {
  return function scriptedInput(app: App) {
    let next = 0;
    // Its place in the script is game state: a rewind must not skip the events after it.
    addSnapshotPart(app, { name: `scripted-input#${scriptsOf(app)}`, save: () => next, load: (state) => void (next = (state as number | undefined) ?? 0) });
    let epoch = app.input.resyncEpoch;
    app.addSystems(First, function applyScriptedInput({ input, time }) {
      if (!input.locked && epoch !== input.resyncEpoch) {
        // After a rewind (the window's poller just set the keys from the device): hold again what the script holds here.
        epoch = input.resyncEpoch;
        for (const key of heldKeys(events, next)) input.setKey(key, true);
      }
      while (next < events.length && events[next]!.frame <= time.frame) {
        const e = events[next++]!;
        switch (e.kind) {
          case undefined:
          case "key":
            input.setKey(e.key, e.down);
            break;
          case "gamepad-button":
            input.setGamepadConnected(e.pad, true);
            input.setGamepadButton(e.pad, e.button, e.down);
            break;
          case "gamepad-axis":
            input.setGamepadConnected(e.pad, true);
            input.setGamepadAxis(e.pad, e.axis, e.value);
            break;
          case "gamepad-connection":
            input.setGamepadConnected(e.pad, e.connected);
            break;
        }
      }
    });
  };
}
