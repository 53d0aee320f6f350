/**
 * The timeline's commands as data (the stdin lines and keys of `hotloop dev --timeline`): a line
 * parsed into a {@link TimelineCommand}, and a {@link TimelineStatus} said as one line. Pure
 * functions, so the words a user types and the line they read back are tested without a game;
 * src/dev/timeline-controls.ts carries the commands out.
 *
 * @module
 */
import type { TimelineStatus } from "../core/timeline.ts";

/**
 * One thing to do to the timeline. `toggle_pause`, `loop_next` and `toggle_replay` are what the
 * window's keys send (F5, F8, F10): their choice is made when they are carried out, at the frame
 * boundary, from the timeline's state then.
 */
export type TimelineCommand =
  | { readonly kind: "pause" | "resume" | "status" | "help" | "quit" | "toggle_pause" | "loop_next" }
  | { readonly kind: "step" | "back"; readonly frames: number }
  | { readonly kind: "step" | "back"; readonly seconds: number }
  | { readonly kind: "seek"; readonly frame: number }
  | { readonly kind: "loop"; readonly what: "start" | "end" | "off" }
  | { readonly kind: "replay"; readonly what: "on" | "off" | "now" }
  | { readonly kind: "toggle_replay" };

/** The commands a line may hold, as the answer to `help` and to a line that is none of them says. */
export const TIMELINE_COMMANDS = "pause, resume, step [n|Ns], back [n|Ns], seek <frame>, loop start|end|off, replay on|off|now, status, quit, help";

/** The window's keys, as `help` says them. */
export const TIMELINE_KEYS = "F5 pause/resume, F6 back a frame (Shift: a second), F7 forward a frame (Shift: a second), F8 loop start/end/off, F9 replay now, F10 replay on save on/off";

/** A line that is not a command: the one line to answer it with. */
export class TimelineCommandError extends Error {
  override name = "TimelineCommandError";
}

/**
 * The command a line of input says (words separated by spaces, case ignored), or a
 * {@link TimelineCommandError} whose message is the one line to answer; an empty line is
 * undefined (nothing to do).
 */
export function parseTimelineCommand(line: string): TimelineCommand | undefined {
  const words = line.trim().toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return undefined;
  const [verb, arg, extra] = words as [string, string | undefined, string | undefined];
  if (extra !== undefined) throw new TimelineCommandError(`"${line.trim()}": one argument at most (commands: ${TIMELINE_COMMANDS})`);
  const none = (command: TimelineCommand): TimelineCommand => {
    if (arg !== undefined) throw new TimelineCommandError(`"${line.trim()}": ${verb} takes no argument`);
    return command;
  };
  switch (verb) {
    case "pause":
    case "resume":
    case "status":
    case "help":
    case "quit":
      return none({ kind: verb });
    case "step":
    case "back": {
      if (arg === undefined) return { kind: verb, frames: 1 };
      const seconds = /^(\d+(?:\.\d+)?|\.\d+)s$/.exec(arg);
      if (seconds) {
        const s = Number(seconds[1]);
        if (!(s > 0)) throw new TimelineCommandError(`"${line.trim()}": the seconds must be more than 0`);
        return { kind: verb, seconds: s };
      }
      return { kind: verb, frames: wholeNumber(arg, 1, `"${line.trim()}": ${verb} takes a number of frames (1 or more) or of seconds ("2s")`) };
    }
    case "seek":
      if (arg === undefined) throw new TimelineCommandError(`"seek": which frame? (seek <frame>; status says which are kept)`);
      return { kind: "seek", frame: wholeNumber(arg, 0, `"${line.trim()}": seek takes a frame number`) };
    case "loop":
      if (arg === "start" || arg === "end" || arg === "off") return { kind: "loop", what: arg };
      throw new TimelineCommandError(`"${line.trim()}": loop start, loop end or loop off`);
    case "replay":
      if (arg === "on" || arg === "off" || arg === "now") return { kind: "replay", what: arg };
      throw new TimelineCommandError(`"${line.trim()}": replay on, replay off or replay now`);
    default:
      throw new TimelineCommandError(`unknown command "${line.trim()}" (commands: ${TIMELINE_COMMANDS})`);
  }
}

function wholeNumber(text: string, min: number, error: string): number {
  if (!/^\d+$/.test(text)) throw new TimelineCommandError(error);
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < min) throw new TimelineCommandError(error);
  return n;
}

/** The command as a user would type it (the `command` of an answer): `back 60`, `back 2s`, `F5` as `pause`. */
export function commandText(command: TimelineCommand): string {
  switch (command.kind) {
    case "step":
    case "back":
      return "seconds" in command ? `${command.kind} ${command.seconds}s` : `${command.kind} ${command.frames}`;
    case "seek":
      return `seek ${command.frame}`;
    case "loop":
    case "replay":
      return `${command.kind} ${command.what}`;
    default:
      return command.kind;
  }
}

const MIB = 1024 * 1024;

/**
 * Where the timeline stands, as one line:
 * `paused at frame 612 (step 650); kept frames 31–612 (9.1 s, 38 snapshots, 61.2 MiB of 256 MiB)`,
 * then the loop when one is marked and `replay on save` when it is on.
 */
export function describeStatus(s: TimelineStatus): string {
  const at = `frame ${s.cursor} (step ${s.step})`;
  const mode = s.mode === "looping" && s.loop?.end !== undefined ? `looping frames ${s.loop.start}–${s.loop.end}, at ${at}` : `${s.mode} at ${at}`;
  const snapshots = `${s.snapshots} snapshot${s.snapshots === 1 ? "" : "s"}`;
  const kept = `kept frames ${s.first}–${s.last} (${s.seconds.toFixed(1)} s, ${snapshots}, ${size(s.bytes)} of ${round(s.budgetBytes / MIB)} MiB)`;
  const loop = s.loop && s.mode !== "looping" ? (s.loop.end === undefined ? `; loop from frame ${s.loop.start} (end not marked)` : `; loop frames ${s.loop.start}–${s.loop.end}`) : "";
  return `${mode}; ${kept}${loop}${s.replayOnSave ? "; replay on save" : ""}`;
}

/** `61.2 MiB`, or `412 KiB` below a tenth of a MiB (a small game's snapshots). */
function size(bytes: number): string {
  return bytes >= MIB / 10 ? `${(bytes / MIB).toFixed(1)} MiB` : `${Math.ceil(bytes / 1024)} KiB`;
}

function round(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(1);
}
