/** Command-line options of the example, shared by main.ts, scripts/dev.ts and scripts/static.ts. */
import { option, parseFeatures, type LogFormat } from "../../src/hot/index.ts";
import { resolve } from "node:path";
import { hasDisplay, type ExampleOptions } from "./run.ts";

/** The key script a headless run plays when none is given. */
export const DEMO_SCRIPT = resolve(import.meta.dir, "demo-keys.txt");

export const USAGE = `options:
  --features reload        watch the Rust systems and swap them in while the game runs
  --headless               no window (the default where no display exists)
  --window                 open a window even if no display was detected
  --frames N               stop after N frames
  --fps N                  target frames per second (default 60; 0 = unthrottled)
  --script FILE            scripted input: lines of "<frame> <down|up> <KEY>"
                           (headless default: examples/bevy-like/demo-keys.txt)
  --screenshot FILE        save a PNG of the window at --screenshot-frame (default 60)
  --log-format human|json  build and reload events as readable lines or JSON lines`;

/** Parses argv into example options; `profile` comes from the script that runs it. */
export function parseExampleArgs(argv: readonly string[], profile: "debug" | "release"): ExampleOptions & { help: boolean } {
  const number = (name: string): number | undefined => {
    const text = option(argv, name);
    if (text === undefined) return undefined;
    const value = Number(text);
    if (!Number.isFinite(value) || value < 0) throw new Error(`--${name} needs a non-negative number, got "${text}"`);
    return value;
  };
  const logFormat = option(argv, "log-format") ?? "human";
  if (logFormat !== "human" && logFormat !== "json") throw new Error(`--log-format must be human or json, got "${logFormat}"`);
  const screenshotPath = option(argv, "screenshot");
  const headless = argv.includes("--headless") || (!argv.includes("--window") && !hasDisplay());
  return {
    help: argv.includes("--help") || argv.includes("-h"),
    profile,
    reload: parseFeatures(argv).has("reload"),
    headless,
    frames: number("frames"),
    fps: number("fps"),
    // Headless there is no keyboard: play the demo script so the run shows something moving.
    script: option(argv, "script") ?? (headless ? DEMO_SCRIPT : undefined),
    logFormat: logFormat as LogFormat,
    screenshot: screenshotPath ? { path: screenshotPath, frame: number("screenshot-frame") ?? 60 } : undefined,
  };
}
