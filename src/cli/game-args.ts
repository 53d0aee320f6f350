/** The options `hotloop dev` and `hotloop static` share: how the game runs. */
import type { TimelineOptions } from "../core/timeline.ts";
import type { GameOptions } from "../dev/game.ts";
import type { Project } from "../dev/project.ts";
import { displayProblem } from "../render/raylib.ts";
import { UsageError, type FlagSpec, type ParsedArgs } from "./args.ts";

export const GAME_FLAGS: readonly FlagSpec[] = [
  { name: "help", short: "-h" },
  { name: "headless" },
  { name: "window" },
  { name: "frames", value: "number" },
  { name: "fps", value: "number" },
  { name: "script", value: "string" },
  { name: "screenshot", value: "string" },
  { name: "screenshot-frame", value: "number" },
  { name: "log-format", value: "string" },
  { name: "features", short: "-F", value: "string", repeat: true },
  { name: "timeline" },
  { name: "timeline-seconds", value: "number" },
  { name: "timeline-budget", value: "number" },
  { name: "snapshot-every", value: "number" },
  { name: "replay-on-save" },
  { name: "seed", value: "number" },
  { name: "check-determinism" },
];

export const GAME_USAGE = `  --headless               no window (the default where no display exists)
  --window                 open a window even if no display was detected
  --frames N               stop after N frames
  --fps N                  target frames per second (default 60; 0 = unthrottled)
  --script FILE            scripted input: lines of "<frame> <down|up> <KEY>"
                           (headless default: "hotloop.script" in package.json, if set)
  --screenshot FILE        save a PNG of the window at --screenshot-frame (default 60)
  --log-format human|json  build and reload events as readable lines or JSON lines
  --seed N                 seed of the game's GlobalRng (a whole number; default a fixed one)
  --check-determinism      run every fixed step twice from a snapshot and name the first
                           system whose second run writes something else

timeline (rewind and replay; commands on stdin, keys F5-F10 in the window, "help" lists them):
  --timeline               keep the last seconds: pause, step back and forward, resume, loop
  --timeline-seconds N     seconds kept (default 10)
  --timeline-budget MIB    memory the snapshots may hold (default 256; the oldest go first)
  --snapshot-every K       a snapshot every K fixed steps (default 16)
  --replay-on-save         re-simulate the last seconds (or the marked loop) after each save
                           (any of these turns the timeline on)`;

/** Turns parsed flags into GameOptions; decides headless (and says why when it falls back). */
export function gameOptions(args: ParsedArgs, project: Project, profile: "debug" | "release", reload: boolean, say: (line: string) => void): GameOptions {
  if (args.has("headless") && args.has("window")) throw new UsageError("--headless and --window exclude each other");
  const logFormat = args.string("log-format") ?? "human";
  if (logFormat !== "human" && logFormat !== "json") throw new UsageError(`--log-format must be human or json, got "${logFormat}"`);
  if (args.has("screenshot-frame") && !args.has("screenshot")) throw new UsageError("--screenshot-frame needs --screenshot FILE");
  const seed = args.number("seed");
  if (seed !== undefined && !Number.isSafeInteger(seed)) throw new UsageError(`--seed needs a whole number (up to 2^53 - 1), got "${args.string("seed")}"`);
  const timeline = timelineOptions(args);
  let headless = args.has("headless");
  let problem: string | undefined;
  if (!headless && !args.has("window")) {
    problem = displayProblem();
    if (problem) {
      headless = true;
      say(`no window: ${problem}; running headless`);
    }
  }
  // A screenshot that cannot be taken is a mistake to say now, not a run that ends with no file.
  if (headless && args.has("screenshot")) throw new UsageError(`--screenshot needs a window, and this run is headless (${problem ?? "--headless"})`);
  const screenshot = args.string("screenshot");
  return {
    profile,
    reload,
    headless,
    frames: args.number("frames"),
    fps: args.number("fps"),
    // Headless there is no keyboard: the project's demo script shows something moving.
    script: args.string("script") ?? (headless ? project.script : undefined),
    screenshot: screenshot ? { path: screenshot, frame: args.number("screenshot-frame") ?? 60 } : undefined,
    logFormat,
    seed,
    timeline,
    checkDeterminism: args.has("check-determinism"),
  };
}

/** The timeline's options from its flags, or undefined when none is given (any of them turns it on). */
function timelineOptions(args: ParsedArgs): TimelineOptions | undefined {
  const given = ["timeline", "timeline-seconds", "timeline-budget", "snapshot-every", "replay-on-save"].some((name) => args.has(name));
  if (!given) return undefined;
  const positive = (name: string, what: string): number | undefined => {
    const value = args.number(name);
    if (value !== undefined && !(value > 0)) throw new UsageError(`--${name} needs ${what} above 0, got "${args.string(name)}"`);
    return value;
  };
  const seconds = positive("timeline-seconds", "a number of seconds");
  const budgetMiB = positive("timeline-budget", "a number of MiB");
  const snapshotEvery = positive("snapshot-every", "a whole number of fixed steps");
  if (snapshotEvery !== undefined && !Number.isInteger(snapshotEvery)) throw new UsageError(`--snapshot-every needs a whole number of fixed steps, got "${args.string("snapshot-every")}"`);
  return {
    ...(seconds !== undefined ? { seconds } : {}),
    ...(budgetMiB !== undefined ? { budgetMiB } : {}),
    ...(snapshotEvery !== undefined ? { snapshotEvery } : {}),
    replayOnSave: args.has("replay-on-save"),
  };
}
