/** The options `hotloop dev` and `hotloop static` share: how the game runs. */
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
];

export const GAME_USAGE = `  --headless               no window (the default where no display exists)
  --window                 open a window even if no display was detected
  --frames N               stop after N frames
  --fps N                  target frames per second (default 60; 0 = unthrottled)
  --script FILE            scripted input: lines of "<frame> <down|up> <KEY>"
                           (headless default: "hotloop.script" in package.json, if set)
  --screenshot FILE        save a PNG of the window at --screenshot-frame (default 60)
  --log-format human|json  build and reload events as readable lines or JSON lines`;

/** Turns parsed flags into GameOptions; decides headless (and says why when it falls back). */
export function gameOptions(args: ParsedArgs, project: Project, profile: "debug" | "release", reload: boolean, say: (line: string) => void): GameOptions {
  if (args.has("headless") && args.has("window")) throw new UsageError("--headless and --window exclude each other");
  const logFormat = args.string("log-format") ?? "human";
  if (logFormat !== "human" && logFormat !== "json") throw new UsageError(`--log-format must be human or json, got "${logFormat}"`);
  if (args.has("screenshot-frame") && !args.has("screenshot")) throw new UsageError("--screenshot-frame needs --screenshot FILE");
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
  };
}
